//! One run of a downloader: what to fetch and where, and the bookkeeping every downloader does
//! after each code (verbose lines, the progress bar, the `--trace` file).

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{Counter, FetchError, Status};

/// Everything `download_many` needs to know, built by `flags_common::main` from the command line.
pub struct Job {
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
    /// Where the flags are saved.
    pub dest: PathBuf,
    /// Fetch each country's metadata.json too and name the file after the country (flags3).
    pub metadata: bool,
    progress: ProgressBar,
    trace: Option<Mutex<BufWriter<File>>>,
    t0: Instant,
}

impl Job {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        cc_list: Vec<String>,
        base_url: String,
        verbose: bool,
        concur_req: usize,
        timeout: Duration,
        dest: PathBuf,
        metadata: bool,
        trace: Option<File>,
    ) -> Job {
        let progress = if verbose || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(
                Some(cc_list.len() as u64),
                ProgressDrawTarget::stderr(),
            );
            let style = ProgressStyle::with_template(
                "{percent:>3}%|{wide_bar}| {pos}/{len} [{elapsed_precise}, {per_sec}]",
            );
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar
        };
        Job {
            cc_list,
            base_url,
            verbose,
            concur_req,
            timeout,
            dest,
            metadata,
            progress,
            trace: trace.map(|file| Mutex::new(BufWriter::new(file))),
            t0: Instant::now(),
        }
    }

    /// Count how one code ended, and show it: a line under `-v`, a step of the progress bar,
    /// a line in the `--trace` file. A 404 is NOT_FOUND; every other failure is ERROR.
    pub fn record(&self, cc: &str, started: Instant, result: Result<(), FetchError>) -> Status {
        let ended = Instant::now();
        let (status, msg) = match &result {
            Ok(()) => (Status::Ok, "OK".to_string()),
            Err(FetchError::NotFound) => (Status::NotFound, "not found".to_string()),
            Err(err) => (Status::Error, format!("error: {err}")),
        };
        if self.verbose {
            println!("{cc} {msg}");
        }
        self.progress.inc(1);
        if let Some(trace) = &self.trace {
            let line = serde_json::json!({
                "cc": cc,
                "start": started.saturating_duration_since(self.t0).as_secs_f64(),
                "end": ended.saturating_duration_since(self.t0).as_secs_f64(),
                "status": status.to_string(),
                "thread": std::thread::current().name().unwrap_or("?"),
            });
            if let Ok(mut out) = trace.lock() {
                let _ = writeln!(out, "{line}");
            }
        }
        status
    }

    pub(crate) fn finish(&self) {
        self.progress.finish_and_clear();
        if let Some(trace) = &self.trace
            && let Ok(mut out) = trace.lock()
        {
            let _ = out.flush();
        }
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.t0.elapsed()
    }

    pub(crate) fn exit_status(&self, counter: &Counter) -> u8 {
        if interrupted() {
            130
        } else if counter.error > 0 {
            1
        } else {
            0
        }
    }
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// True once the user pressed Ctrl-C: downloaders check it before starting each request.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// First Ctrl-C: stop starting requests, let those in flight end, report. Second: quit now.
/// A flag is saved by renaming a whole temporary file, so quitting at any moment leaves no half flag.
pub(crate) fn handle_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nInterrupted: finishing the requests in flight (Ctrl-C again to quit now).");
    });
}
