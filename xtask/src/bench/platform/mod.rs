//! What only the operating system can tell or do for a child process, behind `cfg`: start it
//! in a process group of its own, interrupt it as Ctrl-C would, reap it with its own resource
//! usage, count its threads. One branch per family; a figure an OS cannot give is `None`,
//! shown as "n/a", never made up.
//!
//! | figure | Linux | macOS | other (Windows) |
//! |---|---|---|---|
//! | peak RSS | ours: their own `VmHWM` as they end (in the summary); the book's scripts: `/proc/PID/status` `VmHWM`, sampled every 10 ms. Not `wait4`'s `ru_maxrss`, which a child starts with its parent's (the memory it replaced at `exec`) | `wait4` `ru_maxrss` (bytes) | n/a |
//! | user, system CPU | `wait4` | `wait4` | n/a |
//! | peak threads | `/proc/PID/status` | n/a | n/a |
//! | live RSS, threads (race) | `/proc/PID/status` | n/a | n/a |
//! | threads' stacks, resident (sweep) | `/proc/PID/smaps` | n/a | n/a |
//! | kernel stacks (sweep) | `/proc/meminfo` `KernelStack`, the whole machine's | n/a | n/a |
//! | interrupt | SIGINT | SIGINT | none: the budget kills |
//! | a directory in memory | `/dev/shm` | none | none |

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::{
    interrupt, isolate, kernel_stacks_kib, live, memory_dir, thread_stacks_kib, try_reap,
};

#[cfg(not(unix))]
mod other;
#[cfg(not(unix))]
pub use other::{
    interrupt, isolate, kernel_stacks_kib, live, memory_dir, thread_stacks_kib, try_reap,
};

/// What a reaped child cost, as far as this OS tells: `None` where it cannot.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    /// Peak resident set size, KiB.
    pub peak_rss_kib: Option<u64>,
    /// Seconds of CPU in user mode.
    pub user_s: Option<f64>,
    /// Seconds of CPU in the kernel on its behalf.
    pub sys_s: Option<f64>,
}

/// How a child ended, and what it cost.
pub struct Reaped {
    /// The exit status, or None when a signal ended it.
    pub exit_code: Option<i32>,
    pub usage: Usage,
}

/// What can be read of a child while it runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Live {
    /// Its process id.
    pub pid: u32,
    /// Threads it has now.
    pub threads: Option<u32>,
    /// Its peak resident set size so far, KiB.
    pub peak_rss_kib: Option<u64>,
}
