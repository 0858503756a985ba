//! The `--trace` file: one JSON line per event, written whole as it happens, so another program
//! (`cargo xtask compare`, `cargo xtask race`, the tests) can follow a run while it goes on.
//! The lines are [`TraceEvent`] values: readers deserialize them with this same type.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::output::warn;
use crate::report::{Status, Summary};

/// One line of a `--trace` file. Times are seconds since the run started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TraceEvent {
    /// A download started: its request is about to be sent.
    Start {
        cc: String,
        t: f64,
        /// The number of the thread that started it (each thread of the run has its own).
        #[serde(default)]
        thread_id: u64,
    },
    /// A download ended, with how.
    End {
        cc: String,
        start: f64,
        end: f64,
        status: Status,
        /// The name of the thread that recorded it (`?` when it has none).
        thread: String,
        /// The number of the thread that recorded it.
        #[serde(default)]
        thread_id: u64,
        /// The number of the thread that saved the flag, for an OK.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        saved_on: Option<u64>,
        /// Why, when it is not plain: the error, or the name a flag was saved under instead.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The last line of a run that reached its final report.
    Summary(Summary),
}

impl TraceEvent {
    /// Parse one `--trace` line; `None` for a line that is not an event (a torn last line).
    pub fn parse_line(line: &str) -> Option<TraceEvent> {
        serde_json::from_str(line).ok()
    }
}

/// Where the events go: a file written one whole line at a time. The first write that fails
/// (a full disk, `--trace /dev/full`) is said in one `warning:` line; the run then ends with
/// exit status 1, and writes no more.
///
/// The file is opened when the command line is checked (a path that cannot be written, or a FIFO
/// with no reader, is a usage error, before `--dest` is made) but emptied only when the run starts: a run that never
/// starts (the server cannot be reached) leaves an existing file as it was.
pub(crate) struct TraceFile {
    path: PathBuf,
    file: Mutex<File>,
    /// `open` made the file: a run that never starts removes it.
    created: bool,
    failed: AtomicBool,
}

impl TraceFile {
    /// Open `path` for writing, without emptying it, and without waiting: a FIFO that nobody
    /// reads is an error (`a FIFO with no reader`), not a start-up that blocks.
    pub(crate) fn open(path: &Path) -> io::Result<TraceFile> {
        let existed = fs::symlink_metadata(path).is_ok();
        let file = crate::platform::open_to_write(path)?;
        Ok(TraceFile {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            created: !existed,
            failed: AtomicBool::new(false),
        })
    }

    /// The run starts: empty the file (a regular one: a device like `/dev/full` has nothing to
    /// empty).
    pub(crate) fn begin(&self) {
        let Ok(file) = self.file.lock() else {
            return;
        };
        if file.metadata().is_ok_and(|meta| meta.is_file()) {
            let _ = file.set_len(0);
        }
    }

    /// The run never started: remove the file if `open` made it, else leave it as it was.
    pub(crate) fn abandon(self) {
        if self.created {
            drop(self.file);
            let _ = fs::remove_file(&self.path);
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
            warn(&format!("warning: cannot write --trace file: {err}"));
        }
    }

    /// Whether a write failed.
    pub(crate) fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }
}
