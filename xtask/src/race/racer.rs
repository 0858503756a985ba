//! One downloader in the race: its process (run by the shared `run_until` on a thread of its
//! own, so the budget and Ctrl-C stop it as in compare), and its board, fed from the lines of
//! its `--trace` file as they are written.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use flags_common::board::BoardState;
use flags_common::{Summary, TraceEvent};

use super::MaxReq;
use crate::bench::downloader::{Impl, Model};
use crate::bench::follow::TraceFollower;
use crate::bench::invocation::{Codes, Invocation};
use crate::bench::parts::Sampler;
use crate::bench::platform::Live;
use crate::bench::process::{self, Finished, run_until};

/// Who races: one of ours, or a package named with `--with` (a student's downloader).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entrant {
    Ours(Impl),
    Package(String),
}

impl Entrant {
    /// The package, which is also the binary's name.
    pub fn package(&self) -> &str {
        match self {
            Entrant::Ours(implementation) => implementation.package(),
            Entrant::Package(package) => package,
        }
    }
}

/// A downloader racing, or done.
pub struct Racer {
    pub package: String,
    /// `-m` as the downloader applies it: within its maximum and the number of codes.
    pub concur_req: usize,
    pub board: BoardState,
    /// The final report, from the trace's last line.
    pub summary: Option<Summary>,
    /// When its last event arrived or its process ended: where its clock stops.
    pub ended_at: Option<Instant>,
    /// How the process ended, once it has.
    pub finished: Option<anyhow::Result<Finished>>,
    process: Option<JoinHandle<anyhow::Result<Finished>>>,
    trace: TraceFollower,
    /// What is read of it while it runs (Linux).
    live: Arc<Mutex<Watched>>,
}

/// What is read of a racer's process while it runs.
struct Watched {
    /// Its peak memory so far, and most threads.
    most: Live,
    /// The last reading.
    now: Live,
    /// Its threads' stacks, as resident.
    stacks: Sampler,
}

/// What every racer is given.
pub struct Start<'a> {
    pub base_url: &'a str,
    pub codes: &'a [String],
    /// The command line's choice of codes: `-e`, `-a`, `-l N`.
    pub choice: Codes,
    pub max_req: MaxReq,
    pub budget: Duration,
    pub dir: &'a Path,
}

impl Start<'_> {
    /// `-m` as `entrant` applies it: its book default, or the race's `-m` within its maximum
    /// and the number of codes. A package of the user's own is taken as async, as flags-yours:
    /// 5 by the book, 1000 at most.
    pub fn concurrency(&self, entrant: &Entrant) -> usize {
        let model = match entrant {
            Entrant::Ours(implementation) => implementation.model(),
            Entrant::Package(_) => Model::Async,
        };
        let asked = match self.max_req {
            MaxReq::Book => model.concur_req().default,
            MaxReq::Count(n) => n,
        };
        asked
            .min(model.max_concurrency())
            .min(self.codes.len())
            .max(1)
    }
}

impl Racer {
    /// Start `entrant` now.
    pub fn start(entrant: &Entrant, bin: &Path, start: &Start<'_>) -> anyhow::Result<Racer> {
        let package = entrant.package().to_string();
        let concur_req = start.concurrency(entrant);
        let trace = start.dir.join(format!("{package}.jsonl"));
        let dest = start.dir.join(&package);
        let command = Invocation {
            codes: start.choice,
            max_req: concur_req,
            base_url: start.base_url,
            // The downloaders' own --timeout applies to the requests in flight.
            timeout: None,
            dest: &dest,
            trace: &trace,
        }
        .command(bin);
        let budget = start.budget;
        let grace = process::grace(flags_common::bounds::DEFAULT_TIMEOUT);
        let live = Arc::new(Mutex::new(Watched {
            most: Live::default(),
            now: Live::default(),
            stacks: Sampler::start(),
        }));
        let seen = Arc::clone(&live);
        let watch = move |now: Live| {
            if let Ok(mut seen) = seen.lock() {
                seen.most.peak_rss_kib = now.peak_rss_kib.max(seen.most.peak_rss_kib);
                seen.most.threads = now.threads.max(seen.most.threads);
                seen.now = now;
                seen.stacks.watch(now);
            }
        };
        let trace_path = trace.clone();
        let out_of_budget = move |elapsed| {
            process::budget_out(elapsed, budget, grace, process::trace_begun(&trace_path))
        };
        let process = std::thread::Builder::new()
            .name(package.clone())
            .spawn(move || run_until(command, out_of_budget, grace, watch))?;
        Ok(Racer {
            package,
            concur_req,
            board: BoardState::new(start.codes),
            summary: None,
            ended_at: None,
            finished: None,
            process: Some(process),
            trace: TraceFollower::new(trace),
            live,
        })
    }

    /// Take in the trace lines written since the last call, and see whether the process ended.
    pub fn update(&mut self) {
        // Seen before reading, so a process that has ended has written all it will.
        let ended = self.process.as_ref().is_some_and(JoinHandle::is_finished);
        for event in self.trace.new_events() {
            match event {
                TraceEvent::Start { cc, .. } => self.board.start(&cc),
                TraceEvent::End { cc, status, .. } => self.board.end(&cc, status),
                TraceEvent::Summary(summary) => {
                    self.summary = Some(summary);
                    self.ended_at.get_or_insert_with(Instant::now);
                }
            }
        }
        if ended && let Some(process) = self.process.take() {
            self.ended_at.get_or_insert_with(Instant::now);
            self.finished = Some(
                process
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("the runner thread panicked"))),
            );
        }
    }

    /// Peak memory (MiB) and most threads so far: the live figures, which the final one
    /// continues (never a larger one from elsewhere); where none is read while it runs, what it
    /// reported of itself, else what the OS measured once it ended.
    pub fn costs(&self) -> (Option<f64>, Option<u32>) {
        let live = self.live.lock().map(|l| l.most).unwrap_or_default();
        let ended = match &self.finished {
            Some(Ok(done)) => done.usage.peak_rss_kib,
            _ => None,
        };
        let own = self.summary.as_ref().and_then(|s| s.peak_rss_kib);
        let kib = live.peak_rss_kib.or(own).or(ended);
        (kib.map(|k| k as f64 / 1024.0), live.threads)
    }

    /// Its threads now, while it runs and they are read (Linux).
    pub fn threads_now(&self) -> Option<u32> {
        if self.done() {
            return None;
        }
        self.live.lock().ok()?.now.threads
    }

    /// The most resident KiB of its threads' stacks seen while it ran, and its most threads
    /// (Linux).
    pub fn stacks(&self) -> Option<(u64, u32)> {
        let live = self.live.lock().ok()?;
        live.stacks.parts().stacks_kib.zip(live.most.threads)
    }

    pub fn done(&self) -> bool {
        self.finished.is_some()
    }

    /// Its clock: from the start of the race to its end, or to now.
    pub fn elapsed(&self, race_start: Instant) -> Duration {
        self.ended_at.unwrap_or_else(Instant::now) - race_start
    }
}
