//! spinner-await: a port of Fluent Python's `spinner_await.py`.
//!
//! An async task animates `|/-\` until the supervisor cancels it.
//! The same two async functions run on tokio or on async-std.

use std::fmt;
use std::future::Future;
use std::io::{self, IsTerminal, Write};
use std::thread;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::style::Print;
use crossterm::terminal::{Clear, ClearType};

/// The spinner's frames, drawn in turn forever.
const FRAMES: &str = r"|/-\";
/// Time between two frames, as in the book.
const FRAME: Duration = Duration::from_millis(100);

/// Spin a text cursor while a slow coroutine runs on the same thread.
#[derive(Parser)]
struct Args {
    /// How long the slow function takes, in seconds.
    #[arg(long, default_value = "3", value_parser = parse_seconds)]
    seconds: Duration,
    /// Text shown next to the spinner.
    #[arg(long, default_value = "thinking!")]
    message: String,
    /// Which library polls the futures.
    #[arg(long, value_enum, default_value_t = Runtime::Tokio)]
    runtime: Runtime,
    /// Make slow_function block its thread instead of awaiting: the spinner freezes.
    #[arg(long)]
    blocking: bool,
    /// With --blocking: run the blocking call on another thread and await it.
    #[arg(long, requires = "blocking")]
    offload: bool,
}

/// Runs as a task: draws frames until the supervisor cancels it.
async fn spin(rt: Runtime, msg: String) {
    // Piped into a file or another program: frames would be noise, draw none.
    if !io::stdout().is_terminal() {
        return;
    }
    // Cancelling drops this future at the `.await` where it waits: no
    // CancelledError arrives to catch, and no code after the loop runs.
    // So the line is cleared and the cursor shown by this guard's Drop.
    let _status = StatusLine::start();
    for ch in FRAMES.chars().cycle() {
        // `\r` moves back to the start of the line, so each frame overwrites the last.
        // Errors are ignored here and below: a spinner has nobody to report them to.
        let _ = execute!(io::stdout(), Print(format!("\r{ch} {msg}")));
        // Hands the thread back to the runtime for one frame.
        rt.sleep(FRAME).await;
    }
}

/// Pretends to do slow work; `mode` shows the right and the wrong way to wait.
async fn slow_function(rt: Runtime, seconds: Duration, mode: Mode) -> u64 {
    match mode {
        // While this future waits, the runtime polls the spinner.
        Mode::Await => rt.sleep(seconds).await,
        // No `.await`: the only thread is stuck here and the spinner never runs.
        Mode::Blocking => thread::sleep(seconds),
        // The fix: the blocking call runs on a thread kept for that, and we await it.
        Mode::Offload => rt.spawn_blocking(move || thread::sleep(seconds)).await,
    }
    42
}

async fn supervisor(rt: Runtime, args: Args) -> anyhow::Result<u64> {
    // Calling an async fn runs none of its body: it only builds a future.
    let slow = slow_function(rt, args.seconds, args.mode());
    // Spawning makes a future a task, which the runtime polls on its own.
    let spinner = rt.spawn(spin(rt, args.message));
    // Printed before the spinner's first frame: the task waits for our next `.await`.
    writeln!(io::stdout(), "spinner object: {spinner:?}")?;
    let result = slow.await;
    spinner.cancel().await;
    Ok(result)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    restore_terminal_on_ctrl_c()?;
    let rt = args.runtime;
    // `supervisor(...)` does nothing yet: a future runs only when polled,
    // and the runtime that polls it is a library we choose here.
    let result = rt.block_on(supervisor(rt, args))?;
    // writeln! rather than println!, which panics if stdout is closed (`| head -1`).
    writeln!(io::stdout(), "Answer: {result}")?;
    Ok(())
}

/// How slow_function waits: chosen by `--blocking` and `--offload`.
#[derive(Clone, Copy)]
enum Mode {
    Await,
    Blocking,
    Offload,
}

impl Args {
    fn mode(&self) -> Mode {
        match (self.blocking, self.offload) {
            (false, _) => Mode::Await,
            (true, false) => Mode::Blocking,
            (true, true) => Mode::Offload,
        }
    }
}

/// The two runtimes. Both poll our tasks on the current thread, like
/// asyncio's event loop, so a blocking call freezes the spinner on either.
#[derive(Clone, Copy, ValueEnum)]
enum Runtime {
    Tokio,
    AsyncStd,
}

impl Runtime {
    /// Runs `future` to the end on this thread, polling spawned tasks meanwhile.
    fn block_on<T>(self, future: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
        match self {
            Runtime::Tokio => tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()?
                .block_on(future),
            Runtime::AsyncStd => async_std::task::block_on(future),
        }
    }

    /// Starts `future` as a task on this thread.
    fn spawn(self, future: impl Future<Output = ()> + Send + 'static) -> Task {
        match self {
            // On a current-thread runtime the task is queued on this thread.
            Runtime::Tokio => Task::Tokio(tokio::spawn(future)),
            // `async_std::task::spawn` would hand it to a pool of worker threads.
            Runtime::AsyncStd => Task::AsyncStd(async_std::task::spawn_local(future)),
        }
    }

    /// Sleeps without blocking the thread: only the runtime's timer can wake us.
    async fn sleep(self, period: Duration) {
        match self {
            Runtime::Tokio => tokio::time::sleep(period).await,
            Runtime::AsyncStd => async_std::task::sleep(period).await,
        }
    }

    /// Runs a blocking call on the runtime's pool of blocking threads.
    async fn spawn_blocking(self, call: impl FnOnce() + Send + 'static) {
        match self {
            // Err only if `call` panicked, and sleeping does not.
            Runtime::Tokio => tokio::task::spawn_blocking(call).await.unwrap_or(()),
            Runtime::AsyncStd => async_std::task::spawn_blocking(call).await,
        }
    }
}

/// A handle to a spawned task; each runtime has its own type.
enum Task {
    Tokio(tokio::task::JoinHandle<()>),
    AsyncStd(async_std::task::JoinHandle<()>),
}

impl Task {
    /// Stops the task: its future is dropped where it waits, running its Drops.
    async fn cancel(self) {
        match self {
            Task::Tokio(handle) => {
                handle.abort();
                // Returns once the task is gone; Err(cancelled) is what we asked for.
                let _ = handle.await;
            }
            Task::AsyncStd(handle) => {
                handle.cancel().await;
            }
        }
    }
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Task::Tokio(handle) => handle.fmt(f),
            Task::AsyncStd(handle) => handle.task().fmt(f),
        }
    }
}

/// Hides the cursor while it lives; clears the status line and shows the
/// cursor again when dropped, however the spinner ends.
struct StatusLine;

impl StatusLine {
    fn start() -> StatusLine {
        let _ = execute!(io::stdout(), Hide);
        StatusLine
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Back to the start of the line, erase it, show the cursor again.
fn restore_terminal() {
    let mut out = io::stdout();
    let _ = execute!(out, Print('\r'), Clear(ClearType::CurrentLine), Show);
}

/// Ctrl-C kills the process before any Drop runs, leaving the cursor hidden.
/// `ctrlc` turns SIGINT (and SIGTERM, SIGHUP) into a call on its own thread,
/// where we restore the terminal and exit with 130, the shell's code for Ctrl-C.
/// (crossterm could read Ctrl-C as a key, but only in raw mode, which we avoid.)
fn restore_terminal_on_ctrl_c() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        if io::stdout().is_terminal() {
            restore_terminal();
        }
        std::process::exit(130);
    })?;
    Ok(())
}

/// Reads `--seconds`: a float, at least 0.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|e| format!("{e}"))?;
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{e}"))
}
