//! The plumbing behind `spinner-await`'s lesson: which runtime polls the futures, how
//! `slow_function` waits, and a handle to the spinner task. `main.rs` only calls
//! `args.how.runtime(..)`, `rt.block_on`, `rt.spawn`, `rt.sleep`, `rt.spawn_blocking`,
//! `mode.announce(..)` and `task.cancel()`.
//!
//! Under it: `mini`, the event loop by hand; `explain`, its narration; `spin_by_hand`, the state
//! machine that `async fn spin` compiles into.

mod explain;
mod mini;
mod spin_by_hand;

use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::time::Duration;

use clap::ValueEnum;
use clap::error::{DefaultFormatter, Error, ErrorKind};

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
    by_hand: bool,
}

impl Choice {
    /// The runtime chosen. `message` is for --by-hand, whose spin is built here. Exits with a
    /// usage error (2) when --explain or --by-hand is asked of tokio or async-std.
    pub fn runtime(&self, message: &str) -> Runtime {
        let needs_mini = match (self.explain, self.by_hand) {
            (true, _) => {
                Some("--explain needs --runtime mini: only the hand-made loop can show its steps")
            }
            (false, true) => Some("--by-hand needs --runtime mini: the hand-made loop runs it"),
            (false, false) => None,
        };
        match (self.runtime, needs_mini) {
            (Library::Tokio | Library::AsyncStd, Some(why)) => {
                Error::<DefaultFormatter>::raw(ErrorKind::ArgumentConflict, format!("{why}\n"))
                    .exit()
            }
            (Library::Tokio, None) => Runtime::Tokio,
            (Library::AsyncStd, None) => Runtime::AsyncStd,
            (Library::Mini, _) => Runtime::Mini {
                explain: self.explain,
                // Leaked so Runtime stays Copy: one short string, once per run.
                by_hand: self.by_hand.then(|| &*message.to_string().leak()),
            },
        }
    }

    pub fn mode(&self) -> Mode {
        match (self.blocking, self.offload) {
            (false, _) => Mode::Await,
            (true, false) => Mode::Blocking,
            (true, true) => Mode::Offload,
        }
    }
}

/// How slow_function waits: chosen by `--blocking` and `--offload`.
#[derive(Clone, Copy)]
pub enum Mode {
    Await,
    Blocking,
    Offload,
}

impl Mode {
    /// One line on stderr telling the class what it is about to see, and why (stdout keeps the
    /// book's two lines). Before --blocking freezes the thread, yields to the runtime once, so
    /// the spinner draws its first frame and the class sees it stop.
    pub async fn announce(self, rt: Runtime, seconds: Duration) {
        let s = seconds.as_secs_f64();
        let line = match self {
            Mode::Await => return,
            Mode::Blocking => {
                format!(
                    "Spinner frozen for {s} s: thread::sleep holds the event loop's only thread."
                )
            }
            Mode::Offload => {
                format!("Spinner keeps turning: the {s} s thread::sleep runs on another thread.")
            }
        };
        let _ = writeln!(io::stderr(), "{line}");
        if let Mode::Blocking = self {
            rt.yield_now().await;
        }
    }
}

/// The names `--runtime` takes.
#[derive(Clone, Copy, ValueEnum)]
enum Library {
    Tokio,
    AsyncStd,
    Mini,
}

/// The three runtimes. All poll our tasks on the current thread, like
/// asyncio's event loop, so a blocking call freezes the spinner on each.
#[derive(Clone, Copy)]
pub enum Runtime {
    Tokio,
    AsyncStd,
    /// The loop by hand; with `--explain`, telling its steps; with `--by-hand`, the message of
    /// the hand-written spin.
    Mini {
        explain: bool,
        by_hand: Option<&'static str>,
    },
}

impl Runtime {
    /// Runs `future` to the end on this thread, polling spawned tasks meanwhile.
    pub fn block_on<T>(
        self,
        future: impl Future<Output = anyhow::Result<T>> + 'static,
    ) -> anyhow::Result<T> {
        match self {
            Runtime::Tokio => tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()?
                .block_on(future),
            Runtime::AsyncStd => async_std::task::block_on(future),
            Runtime::Mini { explain, .. } => mini::block_on(future, explain),
        }
    }

    /// Starts `future` as a task on this thread.
    pub fn spawn(self, future: impl Future<Output = ()> + Send + 'static) -> Task {
        match self {
            // On a current-thread runtime the task is queued on this thread.
            Runtime::Tokio => Task::Tokio(tokio::spawn(future)),
            // `async_std::task::spawn` would hand it to a pool of worker threads.
            Runtime::AsyncStd => Task::AsyncStd(async_std::task::spawn_local(future)),
            Runtime::Mini { by_hand: None, .. } => Task::Mini(mini::spawn(future)),
            // The future that `async fn spin` built is dropped unpolled, having run nothing, and
            // the hand-written state machine is spawned in its place. spin is our only task.
            Runtime::Mini {
                by_hand: Some(msg), ..
            } => {
                drop(future);
                Task::Mini(mini::spawn(spin_by_hand::Spin::new(msg.to_string())))
            }
        }
    }

    /// Sleeps without blocking the thread: only the runtime's timer can wake us.
    pub async fn sleep(self, period: Duration) {
        match self {
            Runtime::Tokio => tokio::time::sleep(period).await,
            Runtime::AsyncStd => async_std::task::sleep(period).await,
            Runtime::Mini { .. } => mini::sleep(period).await,
        }
    }

    /// Lets the runtime poll the other tasks once, then carries on.
    async fn yield_now(self) {
        match self {
            Runtime::Tokio => tokio::task::yield_now().await,
            Runtime::AsyncStd => async_std::task::yield_now().await,
            // A timer due at once: the loop polls the other ready tasks before it fires.
            Runtime::Mini { .. } => mini::sleep(Duration::ZERO).await,
        }
    }

    /// Runs a blocking call on the runtime's pool of blocking threads.
    pub async fn spawn_blocking(self, call: impl FnOnce() + Send + 'static) {
        match self {
            // Err only if `call` panicked, and sleeping does not.
            Runtime::Tokio => tokio::task::spawn_blocking(call).await.unwrap_or(()),
            Runtime::AsyncStd => async_std::task::spawn_blocking(call).await,
            Runtime::Mini { .. } => mini::spawn_blocking(call).await,
        }
    }
}

/// A handle to a spawned task; each runtime has its own type.
pub enum Task {
    Tokio(tokio::task::JoinHandle<()>),
    AsyncStd(async_std::task::JoinHandle<()>),
    Mini(mini::JoinHandle),
}

impl Task {
    /// Stops the task: its future is dropped where it waits, running its Drops.
    pub async fn cancel(self) {
        match self {
            Task::Tokio(handle) => {
                handle.abort();
                // Returns once the task is gone; Err(cancelled) is what we asked for.
                let _ = handle.await;
            }
            Task::AsyncStd(handle) => {
                handle.cancel().await;
            }
            Task::Mini(handle) => handle.cancel(),
        }
    }
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Task::Tokio(handle) => handle.fmt(f),
            Task::AsyncStd(handle) => handle.task().fmt(f),
            Task::Mini(handle) => handle.fmt(f),
        }
    }
}
