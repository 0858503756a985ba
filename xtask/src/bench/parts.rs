//! What a run's requests in flight are made of, beside peak RSS (the sweep's breakdown): the
//! resident pages of its threads' stacks, and the kernel's stacks for those threads, which no
//! RSS counts. Read while the run goes on (the sweep's runs, each racer of a race), every
//! `PERIOD`; the most seen is kept. Linux only (`platform`); elsewhere both are None.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::platform::{self, Live};

/// The parts of one run, KiB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parts {
    /// The resident pages of its threads' stacks (the main thread's, each thread's, their
    /// signal stacks), at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stacks_kib: Option<u64>,
    /// The kernel's stacks for its threads, at most: the machine's `KernelStack` less what it
    /// was before the run started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_stacks_kib: Option<u64>,
}

/// How often the parts are read: `/proc/PID/smaps` has a mapping or three per thread, and a
/// pool's run on LOCAL may last less than half a second.
const PERIOD: Duration = Duration::from_millis(100);

/// Reads the parts while a run goes on.
pub struct Sampler {
    kernel_before: Option<u64>,
    next: Instant,
    most: Parts,
}

impl Sampler {
    /// Before the run starts: the machine's kernel stacks without it.
    pub fn start() -> Sampler {
        Sampler {
            kernel_before: platform::kernel_stacks_kib(),
            next: Instant::now(),
            most: Parts::default(),
        }
    }

    /// What `run_until` reads of the child every few milliseconds: the parts, every `PERIOD`.
    pub fn watch(&mut self, live: Live) {
        let now = Instant::now();
        if now < self.next {
            return;
        }
        self.next = now + PERIOD;
        let stacks = platform::thread_stacks_kib(live.pid);
        let kernel = platform::kernel_stacks_kib()
            .zip(self.kernel_before)
            .map(|(now, before)| now.saturating_sub(before));
        self.most.stacks_kib = self.most.stacks_kib.max(stacks);
        self.most.kernel_stacks_kib = self.most.kernel_stacks_kib.max(kernel);
    }

    /// The most seen so far.
    pub fn parts(&self) -> Parts {
        self.most
    }
}
