//! The plumbing behind `spinner-await`'s lesson: which runtime polls the futures, how
//! `slow_function` waits, and a handle to the spinner task. `main.rs` only calls
//! `rt.block_on`, `rt.spawn`, `rt.sleep`, `rt.spawn_blocking` and `task.cancel()`.

use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::time::Duration;

use clap::ValueEnum;

/// The command-line options that choose the runtime and how slow_function waits.
#[derive(clap::Args)]
pub struct Choice {
    /// Which library polls the futures.
    #[arg(long, value_enum, default_value_t = Runtime::Tokio)]
    pub runtime: Runtime,
    /// Make slow_function block its thread instead of awaiting: the spinner freezes.
    #[arg(long)]
    blocking: bool,
    /// With --blocking: run the blocking call on another thread and await it.
    #[arg(long, requires = "blocking")]
    offload: bool,
}

impl Choice {
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
    /// One line on stderr telling the class what it is about to see, and why. Stdout keeps the
    /// book's two lines.
    pub fn explain(self, seconds: Duration) {
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
    }
}

/// The two runtimes. Both poll our tasks on the current thread, like
/// asyncio's event loop, so a blocking call freezes the spinner on either.
#[derive(Clone, Copy, ValueEnum)]
pub enum Runtime {
    Tokio,
    AsyncStd,
}

impl Runtime {
    /// Runs `future` to the end on this thread, polling spawned tasks meanwhile.
    pub fn block_on<T>(self, future: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
        match self {
            Runtime::Tokio => tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()?
                .block_on(future),
            Runtime::AsyncStd => async_std::task::block_on(future),
        }
    }

    /// Starts `future` as a task on this thread.
    pub fn spawn(self, future: impl Future<Output = ()> + Send + 'static) -> Task {
        match self {
            // On a current-thread runtime the task is queued on this thread.
            Runtime::Tokio => Task::Tokio(tokio::spawn(future)),
            // `async_std::task::spawn` would hand it to a pool of worker threads.
            Runtime::AsyncStd => Task::AsyncStd(async_std::task::spawn_local(future)),
        }
    }

    /// Sleeps without blocking the thread: only the runtime's timer can wake us.
    pub async fn sleep(self, period: Duration) {
        match self {
            Runtime::Tokio => tokio::time::sleep(period).await,
            Runtime::AsyncStd => async_std::task::sleep(period).await,
        }
    }

    /// Runs a blocking call on the runtime's pool of blocking threads.
    pub async fn spawn_blocking(self, call: impl FnOnce() + Send + 'static) {
        match self {
            // Err only if `call` panicked, and sleeping does not.
            Runtime::Tokio => tokio::task::spawn_blocking(call).await.unwrap_or(()),
            Runtime::AsyncStd => async_std::task::spawn_blocking(call).await,
        }
    }
}

/// A handle to a spawned task; each runtime has its own type.
pub enum Task {
    Tokio(tokio::task::JoinHandle<()>),
    AsyncStd(async_std::task::JoinHandle<()>),
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
