//! The `--trace` file: one JSON line per event, written whole within a few milliseconds of it
//! (`BATCH`), so another program (`cargo xtask compare`, `cargo xtask race`, the tests) can
//! follow a run while it goes on.
//! The lines are [`TraceEvent`] values: readers deserialize them with this same type.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

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

/// How long an event may wait before it is written: the events of that time go in one `write`.
/// A program that follows the file (a race's live view) sees each event at most this late.
pub(crate) const BATCH: Duration = Duration::from_millis(5);

/// Where the events go: whole lines, written by a thread of their own in a batch every
/// [`BATCH`] (one `write` call for all the events of that time, not one per event: a LOCAL run
/// of 676 codes has 1,352). The first write that fails (a full disk, `--trace /dev/full`) is said
/// in one `warning:` line; the run then ends with exit status 1, and writes no more. Without a
/// thread for it (a process limit), each event is written as it happens.
///
/// The file is opened when the command line is checked (a path that cannot be written, or a FIFO
/// with no reader, is a usage error, before `--dest` is made) but emptied only when the run starts: a run that never
/// starts (the server cannot be reached) leaves an existing file as it was.
pub(crate) struct TraceFile {
    path: PathBuf,
    /// `open` made the file: a run that never starts removes it.
    created: bool,
    shared: Arc<Shared>,
    /// The thread that writes the batches, from `begin` to `close`.
    writer: Mutex<Option<JoinHandle<()>>>,
}

/// What the events' makers and the writing thread share.
struct Shared {
    /// The file; whoever writes holds it from taking the pending lines to the end of the write,
    /// so that batches reach the file in their order.
    file: Mutex<File>,
    pending: Mutex<Pending>,
    /// Wakes the writing thread: a first line pending, or the run closing.
    wake: Condvar,
    failed: AtomicBool,
}

#[derive(Default)]
struct Pending {
    lines: Vec<u8>,
    /// A thread writes the batches (else each line is written as it comes).
    batched: bool,
    closing: bool,
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
                wake: Condvar::new(),
                failed: AtomicBool::new(false),
            }),
            writer: Mutex::new(None),
        })
    }

    /// The run starts: empty the file (a regular one: a device like `/dev/full` has nothing to
    /// empty), and start the thread that writes the batches.
    pub(crate) fn begin(&self) {
        if let Ok(file) = self.shared.file.lock()
            && file.metadata().is_ok_and(|meta| meta.is_file())
        {
            let _ = file.set_len(0);
        }
        let _ = ACTIVE.set(self.shared.clone());
        let shared = self.shared.clone();
        let spawned = std::thread::Builder::new()
            .name("trace".into())
            .spawn(move || shared.write_batches());
        if let Ok(handle) = spawned {
            self.shared.lock_pending().batched = true;
            if let Ok(mut writer) = self.writer.lock() {
                *writer = Some(handle);
            }
        }
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
        let mut pending = shared.lock_pending();
        if self.failed() {
            return;
        }
        pending.lines.extend_from_slice(&line);
        if !pending.batched {
            drop(pending);
            shared.flush();
        } else if pending.lines.len() == line.len() {
            shared.wake.notify_one(); // the first line of a batch
        }
    }

    /// The run is over: every event is written (the summary last) before this returns, and
    /// the writing thread has ended.
    pub(crate) fn close(&self) {
        self.shared.lock_pending().closing = true;
        self.shared.wake.notify_one();
        let handle = self.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(handle) = handle {
            let _ = handle.join();
        }
        self.shared.flush();
    }

    /// Whether a write failed.
    pub(crate) fn failed(&self) -> bool {
        self.shared.failed.load(Ordering::SeqCst)
    }
}

impl Shared {
    fn lock_pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The writing thread: wait for a first pending line, let the batch gather for `BATCH`
    /// (less when the run closes), write it; until the run closes.
    fn write_batches(&self) {
        loop {
            let pending = self.lock_pending();
            let pending = self
                .wake
                .wait_while(pending, |p| p.lines.is_empty() && !p.closing)
                .unwrap_or_else(PoisonError::into_inner);
            let (pending, _) = self
                .wake
                .wait_timeout_while(pending, BATCH, |p| !p.closing)
                .unwrap_or_else(PoisonError::into_inner);
            let closing = pending.closing;
            drop(pending);
            self.flush();
            if closing {
                return;
            }
        }
    }

    /// Write the pending lines now, in one call.
    fn flush(&self) {
        if let Ok(file) = self.file.lock() {
            self.flush_into(file);
        }
    }

    /// Write the pending lines into `file`, which this thread holds.
    fn flush_into(&self, mut file: MutexGuard<'_, File>) {
        let lines = std::mem::take(&mut self.lock_pending().lines);
        if lines.is_empty() || self.failed.load(Ordering::SeqCst) {
            return;
        }
        if let Err(err) = file.write_all(&lines).and_then(|()| file.flush()) {
            self.failed.store(true, Ordering::SeqCst);
            warn(&format!("warning: cannot write --trace file: {err}"));
        }
    }
}

/// Write the run's pending events now, from whichever thread: before the process exits without
/// closing its run (a second Ctrl-C, `Job::abort`). Not when the file is being written (a FIFO
/// whose reader stalls would hold the exit too): what is pending then is lost.
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
        text.lines().map(|l| TraceEvent::parse_line(l).unwrap()).collect()
    }

    #[test]
    fn every_event_is_written_whole_and_in_its_order_by_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trace.jsonl");
        let trace = TraceFile::open(&path).unwrap();
        trace.begin();
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
    fn an_event_reaches_the_file_while_the_run_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trace.jsonl");
        let trace = TraceFile::open(&path).unwrap();
        trace.begin();
        trace.write(&end("BR"));
        // No close: the writing thread puts it in the file within a batch's time (a reader
        // following the file, such as a race, sees it); a busy machine may take longer.
        let waited = std::time::Instant::now();
        while lines(&path).is_empty() {
            assert!(waited.elapsed() < Duration::from_secs(10), "never written");
            std::thread::sleep(BATCH);
        }
        assert_eq!(lines(&path), [end("BR")]);
        trace.close();
    }
}
