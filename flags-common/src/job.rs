//! One run of a downloader: what to fetch and where, and the bookkeeping every downloader does
//! after each code (verbose lines, the progress bar, the `--trace` file, the requests in flight).

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::args::Settings;
use crate::error::FetchError;
use crate::interrupt::{self, interrupted};
use crate::output::{self, say, warn};
use crate::progress::Progress;
use crate::report::{Counter, Status, Summary};
use crate::save::{Dest, Saved};
use crate::thread_tag::thread_tag;
use crate::trace::{TraceEvent, TraceFile};

/// Everything `download_many` needs to know, built by `flags_common::main` from the command line.
///
/// A `Job` is a handle to one [`Run`]: its fields and methods are the run's (`job.cc_list`,
/// `job.start(cc)`), and cloning it is cheap (an `Arc`), so a task given to `tokio::spawn` or a
/// `JoinSet` can own a clone: `let job = job.clone(); set.spawn(async move { ... })`.
#[derive(Clone)]
pub struct Job(Arc<Run>);

impl Deref for Job {
    type Target = Run;

    fn deref(&self) -> &Run {
        &self.0
    }
}

/// What one run fetches and where, and its bookkeeping; reached through a [`Job`].
pub struct Run {
    /// The codes to fetch, sorted.
    pub cc_list: Vec<String>,
    /// Where the flags are, e.g. `http://localhost:8000/flags`.
    pub base_url: String,
    /// Print one line per code instead of a progress bar.
    pub verbose: bool,
    /// How many requests may be in flight at once (`-m`, within the downloader's maximum).
    pub concur_req: usize,
    /// How long one request may take, from sending it to the last byte of its body.
    pub timeout: Duration,
    /// The largest body accepted, in bytes (`--max-size`): `resp.read_body(job.max_size)`.
    pub max_size: u64,
    /// Where the flags are saved, and the names this run took there (see `save_flag`).
    pub dest: Dest,
    /// Fetch each country's metadata.json too and name the file after the country (flags3).
    pub metadata: bool,
    /// How many times a download that ended in ERROR is tried again (`--retries`).
    pub retries: u32,
    retried: AtomicUsize,
    /// Downloads between `start` and `record` now, and the most at once.
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    progress: Progress,
    trace: Option<TraceFile>,
    t0: Instant,
}

impl Job {
    /// The run that `settings` describe, against `base_url`, with `concur_req` requests in flight.
    pub(crate) fn new(settings: Settings, base_url: String, concur_req: usize) -> Job {
        if let Some(trace) = &settings.trace {
            trace.begin();
        }
        Job(Arc::new(Run {
            progress: Progress::new(&settings.cc_list, settings.verbose, settings.board),
            cc_list: settings.cc_list,
            base_url,
            verbose: settings.verbose,
            concur_req,
            timeout: settings.timeout,
            max_size: settings.max_size,
            dest: Dest::new(settings.dest),
            metadata: settings.metadata,
            retries: settings.retries,
            retried: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            peak_in_flight: AtomicUsize::new(0),
            trace: settings.trace,
            t0: Instant::now(),
        }))
    }
}

impl Run {
    /// A download of `cc` starts now: count it in flight, show it, trace it, and return its
    /// start time for `record`.
    pub fn start(&self, cc: &str) -> Instant {
        let started = Instant::now();
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_in_flight.fetch_max(now, Ordering::Relaxed);
        self.progress.started(cc, now);
        self.trace(|| TraceEvent::Start {
            cc: cc.to_string(),
            t: self.secs(started),
            thread_id: thread_tag(),
        });
        started
    }

    /// Count how one code ended, and show it: a line under `-v`, a step of the progress bar,
    /// a line in the `--trace` file. A 404 is NOT_FOUND; every other failure is ERROR. A flag
    /// saved under another name than the one it asked for says so (`Saved::note`).
    pub fn record(&self, cc: &str, started: Instant, result: Result<Saved, FetchError>) -> Status {
        let ended = Instant::now();
        // Out of flight; a `record` without its `start` leaves the count at zero.
        let before = self
            .in_flight
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        let in_flight = before.map_or(0, |n| n - 1);
        let (status, reason, saved_on) = match result {
            Ok(saved) => (Status::Ok, saved.note, Some(saved.saved_on)),
            Err(FetchError::NotFound) => (Status::NotFound, None, None),
            Err(err) => (Status::Error, Some(err.to_string()), None),
        };
        if self.verbose {
            let line = match (status, &reason) {
                (Status::Ok, None) => format!("{cc} OK"),
                (Status::Ok, Some(note)) => format!("{cc} OK ({note})"),
                (Status::NotFound, _) => format!("{cc} not found"),
                (Status::Error, reason) => {
                    format!("{cc} error: {}", reason.as_deref().unwrap_or("?"))
                }
            };
            say(&line);
        }
        self.progress.finished(cc, status, in_flight);
        self.trace(|| TraceEvent::End {
            cc: cc.to_string(),
            start: self.secs(started),
            end: self.secs(ended),
            status,
            thread: std::thread::current().name().unwrap_or("?").to_string(),
            thread_id: thread_tag(),
            saved_on,
            reason,
        });
        status
    }

    /// Write the event `event` makes to the `--trace` file; without one, nothing is made.
    fn trace(&self, event: impl FnOnce() -> TraceEvent) {
        if let Some(trace) = &self.trace {
            trace.write(&event());
        }
    }

    /// Seconds from the start of the run to `at`.
    fn secs(&self, at: Instant) -> f64 {
        at.saturating_duration_since(self.t0).as_secs_f64()
    }

    /// Run `attempt`, and run it again after a pause while it ends in ERROR and `--retries`
    /// allows. The pause blocks this thread (for blocking downloaders); Ctrl-C cuts it short.
    pub fn retry<T>(
        &self,
        mut attempt: impl FnMut() -> Result<T, FetchError>,
    ) -> Result<T, FetchError> {
        let mut tries = 0;
        loop {
            let result = attempt();
            match self.backoff(&result, &mut tries) {
                Some(pause) => interrupt::pause(pause),
                None => return result,
            }
        }
    }

    /// `retry` for async downloaders: the pause is the runtime's `sleep`, which gives the thread
    /// back to the other downloads while it waits; Ctrl-C cuts it short.
    pub async fn retry_async<T, S>(
        &self,
        mut attempt: impl AsyncFnMut() -> Result<T, FetchError>,
        sleep: impl Fn(Duration) -> S,
    ) -> Result<T, FetchError>
    where
        S: Future<Output = ()>,
    {
        let mut tries = 0;
        loop {
            let result = attempt().await;
            match self.backoff(&result, &mut tries) {
                Some(pause) => interrupt::pause_async(sleep(pause)).await,
                None => return result,
            }
        }
    }

    /// The pause before trying again, or None when `result` is final: a success, a 404, a file
    /// that could not be saved, Ctrl-C, or no retries left. The pause doubles each time.
    fn backoff<T>(&self, result: &Result<T, FetchError>, tries: &mut u32) -> Option<Duration> {
        match result {
            Err(FetchError::NotFound | FetchError::Save(_)) | Ok(_) => return None,
            Err(_) if *tries >= self.retries || interrupted() => return None,
            Err(_) => {}
        }
        *tries += 1;
        self.retried.fetch_add(1, Ordering::Relaxed);
        Some(Duration::from_millis(100) * 2u32.pow((*tries - 1).min(5)))
    }

    /// How many retries the run took.
    pub fn retried(&self) -> usize {
        self.retried.load(Ordering::Relaxed)
    }

    /// The most downloads in flight at once so far: between `start` and `record`.
    pub fn peak_in_flight(&self) -> usize {
        self.peak_in_flight.load(Ordering::Relaxed)
    }

    /// The run is over: clear the progress view, and trace the summary, which is returned.
    pub(crate) fn finish(&self, counter: &Counter) -> Summary {
        self.progress.finish();
        let summary = self.summary(counter);
        self.trace(|| TraceEvent::Summary(summary.clone()));
        if let Some(trace) = &self.trace {
            trace.close();
        }
        summary
    }

    /// The run's final report as a value.
    pub(crate) fn summary(&self, counter: &Counter) -> Summary {
        Summary::new(
            self.cc_list.len(),
            counter,
            self.retried(),
            self.concur_req,
            self.peak_in_flight(),
            self.t0.elapsed(),
            interrupted(),
        )
    }

    /// Stop the run at once, before any download ended: the live view is cleared, `msg` is said
    /// in one `error:` line on stderr, and the exit status is 1. For what a downloader cannot
    /// work without, such as its threads (a process limit) or its runtime.
    pub fn abort(&self, msg: &str) -> ! {
        self.progress.finish();
        crate::trace::flush_pending();
        warn(&format!("error: {msg}"));
        std::process::exit(1)
    }

    /// 141 when stdout was closed (as a process stopped by SIGPIPE); after a signal, its status
    /// (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP); 1 when a code ended in error, or the
    /// trace or stdout could not be written; else 0.
    pub(crate) fn exit_status(&self, counter: &Counter) -> u8 {
        let trace_failed = self.trace.as_ref().is_some_and(TraceFile::failed);
        if interrupt::stdout_closed() {
            141
        } else if let Some(status) = interrupt::stop_status() {
            status
        } else if counter.error > 0 || trace_failed || output::stdout_failed() {
            1
        } else {
            0
        }
    }
}
