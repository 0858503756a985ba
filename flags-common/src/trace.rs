//! The `--trace` file: one JSON line per event, written whole as it happens, so another program
//! (`cargo xtask compare`, `cargo xtask race`, the tests) can follow a run while it goes on.
//! The lines are [`TraceEvent`] values: readers deserialize them with this same type.

use std::fs::File;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::Status;

/// One line of a `--trace` file. Times are seconds since the run started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TraceEvent {
    /// A download started: its request is about to be sent.
    Start { cc: String, t: f64 },
    /// A download ended, with how.
    End {
        cc: String,
        start: f64,
        end: f64,
        status: Status,
        /// The name of the thread that recorded it (`?` when it has none).
        thread: String,
        /// Why, when it is not plain: the error, or the name a flag was saved under instead.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The last line of a run that reached its final report.
    Summary(Summary),
}

/// The final report as a value: what the printed report says, for programs to read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Codes asked for.
    pub asked: usize,
    /// Flags downloaded and saved.
    pub ok: usize,
    /// Codes answered 404.
    pub not_found: usize,
    /// Codes that ended in error.
    pub errors: usize,
    /// Codes never started because of Ctrl-C.
    pub not_attempted: usize,
    /// Tries taken again under `--retries`.
    pub retries: usize,
    /// Requests allowed in flight at once (`-m`, within the downloader's maximum).
    pub concur_req: usize,
    /// Seconds from the first request to the report.
    pub elapsed_s: f64,
    /// Codes ended per second.
    pub items_per_s: f64,
    /// Ctrl-C stopped the run early.
    pub interrupted: bool,
}

impl Summary {
    /// Parse one `--trace` line; `None` for a line that is not an event (a torn last line).
    pub fn parse_line(line: &str) -> Option<TraceEvent> {
        serde_json::from_str(line).ok()
    }
}

/// Where the events go: a file written one whole line at a time. The first write that fails
/// (a full disk, `--trace /dev/full`) is said in one `warning:` line; the run then ends with
/// exit status 1, and writes no more.
pub(crate) struct TraceFile {
    file: Mutex<File>,
    failed: AtomicBool,
}

impl TraceFile {
    pub(crate) fn new(file: File) -> TraceFile {
        TraceFile {
            file: Mutex::new(file),
            failed: AtomicBool::new(false),
        }
    }

    pub(crate) fn write(&self, event: &TraceEvent) {
        let Ok(mut line) = serde_json::to_vec(event) else {
            return;
        };
        line.push(b'\n');
        let Ok(mut out) = self.file.lock() else {
            return;
        };
        if self.failed() {
            return;
        }
        if let Err(err) = out.write_all(&line).and_then(|()| out.flush()) {
            self.failed.store(true, Ordering::SeqCst);
            crate::output::warn(&format!("warning: cannot write --trace file: {err}"));
        }
    }

    /// Whether a write failed.
    pub(crate) fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }
}
