//! What the racers' threads hold beside the rest of their memory, said under the final table:
//! the resident pages of each racer's thread stacks (read by each racer, `bench::parts`), and
//! the kernel's stacks for the racers' threads, which no RSS counts (the machine's
//! `KernelStack`, per thread of theirs: the racers run at once, so it is theirs together).
//! Read every `PERIOD` while they run; Linux only, and nothing is said elsewhere.

use std::time::{Duration, Instant};

use flags_common::board::one_decimal;

use super::racer::Racer;
use crate::bench::platform;

/// The machine's `KernelStack` is one line of `/proc/meminfo`; read it now and then.
const PERIOD: Duration = Duration::from_millis(500);

/// The most seen of the kernel's stacks per racing thread.
pub struct Stacks {
    kernel_before: Option<u64>,
    next: Instant,
    /// The kernel's stack KiB per thread of the racers, at the most threads seen.
    kernel_per_thread: Option<(u32, f64)>,
}

impl Stacks {
    /// Before the racers start: the machine's kernel stacks without them.
    pub fn start() -> Stacks {
        Stacks {
            kernel_before: platform::kernel_stacks_kib(),
            next: Instant::now(),
            kernel_per_thread: None,
        }
    }

    /// Every `PERIOD`: the kernel's stacks for all the racers' threads.
    pub fn sample(&mut self, racers: &[Racer]) {
        let now = Instant::now();
        if now < self.next {
            return;
        }
        self.next = now + PERIOD;
        let threads: u32 = racers.iter().filter_map(Racer::threads_now).sum();
        let kernel = platform::kernel_stacks_kib()
            .zip(self.kernel_before)
            .map(|(now, before)| now.saturating_sub(before));
        if let Some(kib) = kernel
            && threads > 0
            && self
                .kernel_per_thread
                .is_none_or(|(seen, _)| threads > seen)
        {
            self.kernel_per_thread = Some((threads, kib as f64 / f64::from(threads)));
        }
    }

    /// `Stacks, resident: flags-seq 2 threads 44 KiB; flags-threadpool 102 threads 3.6 MiB
    /// (36 KiB a thread)...; and the kernel's, outside RSS: about 16 KiB a thread.`
    pub fn line(&self, racers: &[Racer]) -> Option<String> {
        let each: Vec<String> = racers
            .iter()
            .filter_map(|racer| {
                let (kib, threads) = racer.stacks()?;
                let size = if kib >= 1024 {
                    format!("{} MiB", one_decimal(kib as f64 / 1024.0))
                } else {
                    format!("{kib} KiB")
                };
                let per = if threads > 10 {
                    format!(" ({:.0} KiB a thread)", kib as f64 / f64::from(threads))
                } else {
                    String::new()
                };
                Some(format!("{} {threads} threads {size}{per}", racer.package))
            })
            .collect();
        if each.is_empty() {
            return None;
        }
        let kernel = self.kernel_per_thread.map_or(String::new(), |(_, kib)| {
            format!("; and the kernel's, which RSS leaves out: about {kib:.0} KiB a thread")
        });
        Some(format!(
            "Thread stacks, resident: {}{kernel}. A request in flight by part: cargo xtask sweep.",
            each.join("; ")
        ))
    }
}
