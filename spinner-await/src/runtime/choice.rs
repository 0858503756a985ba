//! The options that choose the runtime and how `slow_function` waits, read once into a
//! `Runtime` and a `Mode`; and the line that tells the class what `--blocking` will show.

use std::io::{self, Write};
use std::time::Duration;

use clap::ValueEnum;
use clap::error::{DefaultFormatter, Error, ErrorKind};

use super::Runtime;
use super::offload::Worker;

/// The command-line options that choose the runtime and how slow_function waits.
#[derive(clap::Args)]
pub struct Choice {
    /// Which library polls the futures: mini is the event loop by hand, in this crate.
    #[arg(long, value_enum, default_value_t = Library::Tokio)]
    runtime: Library,
    /// Make slow_function block its thread instead of awaiting: the spinner freezes.
    #[arg(long)]
    blocking: bool,
    /// With --blocking: run the blocking call on another thread and await it.
    #[arg(long, requires = "blocking")]
    offload: bool,
    /// With --runtime mini: print each step of the event loop, one line each, with its time.
    #[arg(long)]
    explain: bool,
    /// With --runtime mini: spawn the hand-written state machine of spin_by_hand.rs in place of
    /// `async fn spin`.
    #[arg(long)]
    pub by_hand: bool,
}

/// The names `--runtime` takes.
#[derive(Clone, Copy, ValueEnum)]
enum Library {
    Tokio,
    AsyncStd,
    Smol,
    Mini,
}

impl Choice {
    /// The runtime chosen. Exits with a usage error (2) when --explain or --by-hand is asked of
    /// a runtime other than mini.
    pub fn runtime(&self) -> Runtime {
        let needs_mini = if self.explain {
            Some("--explain needs --runtime mini: only the hand-made loop can show its steps")
        } else if self.by_hand {
            Some("--by-hand needs --runtime mini: the hand-made loop runs it")
        } else {
            None
        };
        match (self.runtime, needs_mini) {
            (Library::Mini, _) => Runtime::Mini {
                explain: self.explain,
            },
            (_, Some(why)) => {
                Error::<DefaultFormatter>::raw(ErrorKind::ArgumentConflict, format!("{why}\n"))
                    .exit()
            }
            (Library::Tokio, None) => Runtime::Tokio,
            (Library::AsyncStd, None) => Runtime::AsyncStd,
            (Library::Smol, None) => Runtime::Smol,
        }
    }

    /// How slow_function waits. `--offload` starts its thread here; with none to be had, one
    /// line says so, and slow_function blocks instead.
    pub fn mode(&self) -> Mode {
        if !self.blocking {
            return Mode::Await;
        }
        if !self.offload {
            return Mode::Blocking;
        }
        match Worker::start() {
            Ok(worker) => Mode::Offload(worker),
            Err(e) => {
                let why = format!("--offload: no thread to be had ({e}), so slow_function blocks.");
                let _ = writeln!(io::stderr(), "{why}");
                Mode::Blocking
            }
        }
    }
}

/// How slow_function waits: chosen by `--blocking` and `--offload`.
pub enum Mode {
    Await,
    Blocking,
    /// The thread that will run the blocking call, already started.
    Offload(Worker),
}

impl Mode {
    /// One line on stderr telling the class what it is about to see (stdout keeps the book's two
    /// lines); why is theirs to find. Before --blocking freezes the thread, yields to the runtime
    /// once, so the spinner draws its first frame and the class sees it stop.
    pub async fn announce(&self, rt: Runtime, seconds: Duration) {
        let s = seconds.as_secs_f64();
        let line = match self {
            Mode::Await => return,
            Mode::Blocking => format!("Spinner frozen for {s} s."),
            Mode::Offload(_) => {
                format!("Spinner keeps turning: the {s} s thread::sleep runs on another thread.")
            }
        };
        let _ = writeln!(io::stderr(), "{line}");
        if let Mode::Blocking = self {
            rt.yield_now().await;
        }
    }
}
