//! The `--trace` file: one JSON line per event, written whole as it happens (on an event loop:
//! when the loop next waits), so another program (`cargo xtask compare`, `cargo xtask race`,
//! the tests) can follow a run while it goes on.
//! The lines are [`TraceEvent`] values: readers deserialize them with this same type.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

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

/// Where the events go: whole lines. Each is written as it happens, except on the event loop
/// that `event_loop` starts: there they wait until the loop has nothing left to run, and go in
/// one `write` call before it sleeps (`batch_until_idle`): a LOCAL run of 676 codes makes 1,352
/// events, in a few dozen writes rather than one each. A program following the file sees each
/// event when the loop next waits, as late as the loop is busy. The first write that fails (a
/// full disk, `--trace /dev/full`) is said in one `warning:` line; the run then ends with exit
/// status 1, and writes no more.
///
/// The file is opened when the command line is checked (a path that cannot be written, or a FIFO
/// with no reader, is a usage error, before `--dest` is made) but emptied only when the run starts: a run that never
/// starts (the server cannot be reached) leaves an existing file as it was.
pub(crate) struct TraceFile {
    path: PathBuf,
    /// `open` made the file: a run that never starts removes it.
    created: bool,
    shared: Arc<Shared>,
}

/// The file and the lines not written yet, reached by the run and by `flush_pending`.
struct Shared {
    /// Whoever writes holds it from taking the pending lines to the end of the write, so that
    /// lines reach the file in their order.
    file: Mutex<File>,
    pending: Mutex<Vec<u8>>,
    /// Lines wait for `flush_pending` (the event loop's), instead of being written at once.
    batched: AtomicBool,
    failed: AtomicBool,
}

/// The run's trace, for `flush_pending` (a process has one run).
static ACTIVE: OnceLock<Arc<Shared>> = OnceLock::new();

impl TraceFile {
    /// Open `path` for writing, without emptying it, and without waiting: a FIFO that nobody
    /// reads is an error (`a FIFO with no reader`), not a start-up that blocks.
    pub(crate) fn open(path: &Path) -> io::Result<TraceFile> {
        let existed = fs::symlink_metadata(path).is_ok();
        let file = crate::platform::open_to_write(path)?;
        Ok(TraceFile {
            path: path.to_path_buf(),
            created: !existed,
            shared: Arc::new(Shared {
                file: Mutex::new(file),
                pending: Mutex::default(),
                batched: AtomicBool::new(false),
                failed: AtomicBool::new(false),
            }),
        })
    }

    /// The run starts: empty the file (a regular one: a device like `/dev/full` has nothing to
    /// empty).
    pub(crate) fn begin(&self) {
        if let Ok(file) = self.shared.file.lock()
            && file.metadata().is_ok_and(|meta| meta.is_file())
        {
            let _ = file.set_len(0);
        }
        let _ = ACTIVE.set(self.shared.clone());
    }

    /// The run never started: remove the file if `open` made it, else leave it as it was.
    pub(crate) fn abandon(self) {
        if self.created {
            drop(self.shared);
            let _ = fs::remove_file(&self.path);
        }
    }

    pub(crate) fn write(&self, event: &TraceEvent) {
        let Ok(mut line) = serde_json::to_vec(event) else {
            return;
        };
        line.push(b'\n');
        let shared = &self.shared;
        if self.failed() {
            return;
        }
        shared.lock_pending().extend_from_slice(&line);
        if !shared.batched.load(Ordering::Relaxed) {
            shared.flush();
        }
    }

    /// The run is over: every event is in the file (the summary last).
    pub(crate) fn close(&self) {
        self.shared.batched.store(false, Ordering::Relaxed);
        self.shared.flush();
    }

    /// Whether a write failed.
    pub(crate) fn failed(&self) -> bool {
        self.shared.failed.load(Ordering::SeqCst)
    }
}

impl Shared {
    fn lock_pending(&self) -> MutexGuard<'_, Vec<u8>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Write the pending lines now, in one call.
    fn flush(&self) {
        if let Ok(file) = self.file.lock() {
            self.flush_into(file);
        }
    }

    /// Write the pending lines into `file`, which this thread holds.
    fn flush_into(&self, mut file: MutexGuard<'_, File>) {
        let lines = std::mem::take(&mut *self.lock_pending());
        if lines.is_empty() || self.failed.load(Ordering::SeqCst) {
            return;
        }
        if let Err(err) = file.write_all(&lines).and_then(|()| file.flush()) {
            self.failed.store(true, Ordering::SeqCst);
            warn(&format!("warning: cannot write --trace file: {err}"));
        }
    }
}

/// From now on the run's events wait for `flush_pending`: the event loop calls it each time it
/// has nothing left to run, before it sleeps (`event_loop`, tokio's `on_thread_park`).
#[cfg(feature = "reqwest")]
pub(crate) fn batch_until_idle() {
    if let Some(shared) = ACTIVE.get() {
        shared.batched.store(true, Ordering::Relaxed);
    }
}

/// Write the run's pending events now: when the event loop is about to sleep, and before the
/// process exits without closing its run (a second Ctrl-C, `Job::abort`). Not when the file is
/// being written (a FIFO whose reader stalls would hold the exit too): what is pending then
/// waits for the next call, or is lost at an exit.
pub(crate) fn flush_pending() {
    if let Some(shared) = ACTIVE.get()
        && let Ok(file) = shared.file.try_lock()
    {
        shared.flush_into(file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;

    fn end(cc: &str) -> TraceEvent {
        TraceEvent::End {
            cc: cc.to_string(),
            start: 0.0,
            end: 0.001,
            status: Status::Ok,
            thread: "t".into(),
            thread_id: 1,
            saved_on: None,
            reason: None,
        }
    }

    fn lines(path: &Path) -> Vec<TraceEvent> {
        let text = fs::read_to_string(path).unwrap();
        text.lines()
            .map(|l| TraceEvent::parse_line(l).unwrap())
            .collect()
    }

    #[test]
    fn every_event_is_written_whole_and_in_its_order_by_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trace.jsonl");
        let trace = TraceFile::open(&path).unwrap();
        trace.begin();
        trace.shared.batched.store(true, Ordering::Relaxed);
        let codes: Vec<String> = (0..500).map(|i| format!("C{i}")).collect();
        for cc in &codes {
            trace.write(&end(cc));
        }
        trace.close();
        let written: Vec<String> = lines(&path)
            .into_iter()
            .map(|e| match e {
                TraceEvent::End { cc, .. } => cc,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(written, codes);
        assert!(!trace.failed());
    }

    #[test]
    fn an_event_reaches_the_file_as_it_happens_or_when_the_loop_waits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trace.jsonl");
        let trace = TraceFile::open(&path).unwrap();
        trace.begin();
        trace.write(&end("BR"));
        assert_eq!(lines(&path), [end("BR")]);
        // Batched: in the file at the next flush, all at once.
        trace.shared.batched.store(true, Ordering::Relaxed);
        trace.write(&end("CN"));
        trace.write(&end("IN"));
        assert_eq!(lines(&path), [end("BR")]);
        trace.shared.flush();
        assert_eq!(lines(&path), [end("BR"), end("CN"), end("IN")]);
        trace.close();
    }
}
