//! The plumbing behind `spinner-await`'s lesson: which runtime polls the futures, how
//! `slow_function` waits, and a handle to the spinner task. `main.rs` only calls
//! `args.how.runtime()`, `args.how.mode()`, `rt.block_on`, `rt.spawn`, `rt.sleep`,
//! `mode.announce(..)`, `worker.run(..)` and `task.cancel()`, and draws on a `StatusLine`.
//!
//! Under it:
//! - `choice`: the options (`--runtime`, `--blocking`, `--offload`, `--explain`, `--by-hand`),
//!   read once into a `Runtime` and a `Mode`;
//! - `offload`: `--offload`'s thread, started before anyone says the spinner keeps turning;
//! - `start`: async-std's and smol's first use, where what the OS refuses becomes one line;
//! - `smol_local`: smol's executor for tasks on this thread;
//! - `status_line`: spinner-thread's status line, whose frames `--explain` tells;
//! - `mini`, the event loop by hand; `explain`, its narration; `spin_by_hand`, the state
//!   machine that `async fn spin` compiles into.

mod choice;
mod explain;
mod mini;
mod offload;
mod smol_local;
mod spin_by_hand;
mod start;
mod status_line;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use anyhow::anyhow;

pub use choice::{Choice, Mode};
pub use spin_by_hand::Spin;
pub use status_line::StatusLine;

/// The four runtimes. All poll our tasks on the current thread, like asyncio's event loop, so a
/// blocking call freezes the spinner on each.
#[derive(Clone, Copy)]
pub enum Runtime {
    Tokio,
    /// Discontinued upstream, which points to smol; kept as the talk's era knew it.
    AsyncStd,
    Smol,
    /// The loop by hand; with `--explain`, telling its steps.
    Mini {
        explain: bool,
    },
}

impl Runtime {
    /// Starts the runtime and runs `future` to the end on this thread, polling spawned tasks
    /// meanwhile. Err, in one line, if the runtime cannot start.
    pub fn block_on<T>(
        self,
        future: impl Future<Output = anyhow::Result<T>> + 'static,
    ) -> anyhow::Result<T> {
        match self {
            Runtime::Tokio => tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .map_err(|e| anyhow!("tokio cannot start: {e}"))?
                .block_on(future),
            Runtime::AsyncStd => {
                start::check("async-std", &[|| async_std::task::block_on(async {})])?;
                async_std::task::block_on(future)
            }
            Runtime::Smol => {
                start::check("smol", &[])?;
                smol_local::block_on(future)
            }
            Runtime::Mini { explain } => mini::block_on(future, explain),
        }
    }

    /// Starts `future` as a task on this thread.
    pub fn spawn(self, future: impl Future<Output = ()> + Send + 'static) -> Task {
        match self {
            // On a current-thread runtime the task is queued on this thread.
            Runtime::Tokio => Task::Tokio(tokio::spawn(future)),
            // `async_std::task::spawn` would hand it to a pool of worker threads.
            Runtime::AsyncStd => Task::AsyncStd(async_std::task::spawn_local(future)),
            // `smol::spawn` would too: our executor runs on this thread.
            Runtime::Smol => Task::Smol(smol_local::spawn(future)),
            Runtime::Mini { .. } => Task::Mini(mini::spawn(future)),
        }
    }

    /// Sleeps without blocking the thread: only the runtime's timer can wake us.
    pub async fn sleep(self, period: Duration) {
        match self {
            Runtime::Tokio => tokio::time::sleep(period).await,
            Runtime::AsyncStd => async_std::task::sleep(period).await,
            Runtime::Smol => {
                smol::Timer::after(period).await;
            }
            Runtime::Mini { .. } => mini::sleep(period).await,
        }
    }

    /// Lets the runtime poll the other tasks once, then carries on.
    async fn yield_now(self) {
        match self {
            Runtime::Tokio => tokio::task::yield_now().await,
            Runtime::AsyncStd => async_std::task::yield_now().await,
            Runtime::Smol => smol::future::yield_now().await,
            // A timer due at once: the loop polls the other ready tasks before it fires.
            Runtime::Mini { .. } => mini::sleep(Duration::ZERO).await,
        }
    }
}

/// A handle to a spawned task; each runtime has its own type.
pub enum Task {
    Tokio(tokio::task::JoinHandle<()>),
    AsyncStd(async_std::task::JoinHandle<()>),
    Smol(smol::Task<()>),
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
            Task::Smol(handle) => {
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
            Task::Smol(handle) => handle.fmt(f),
            Task::Mini(handle) => handle.fmt(f),
        }
    }
}
