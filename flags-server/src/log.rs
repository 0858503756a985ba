//! The server's lines on stderr: the `-v` request log and the few others (the summary, notes,
//! errors, `stopped`). One thread writes them all, from a bounded queue, on a descriptor of its
//! own (`platform::stderr_writer`), so no other thread ever waits on stderr or on its lock: a
//! reader that stops reading (a pipe nobody empties, a pager left open) stalls that thread
//! alone, and the lines behind it are dropped. A line that cannot be written (stderr closed, a
//! full device) is dropped too: logging never panics, and never keeps the server from stopping.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

/// Lines waiting for the writer thread; more are dropped rather than waited for.
const QUEUE: usize = 4096;

/// How long [`stderr_line`] waits for its line to be written before going on without it.
const WAIT: Duration = Duration::from_millis(250);

/// A line for the writer thread, and, for a caller that waits, where to say it was written.
struct Line {
    text: String,
    written: Option<SyncSender<bool>>,
}

/// The queue to the process's one writer thread, started with the first line; None when no
/// thread could be started, and then every line is dropped.
fn writer() -> Option<&'static SyncSender<Line>> {
    static WRITER: OnceLock<Option<SyncSender<Line>>> = OnceLock::new();
    WRITER
        .get_or_init(|| {
            let (queue, lines) = sync_channel(QUEUE);
            std::thread::Builder::new()
                .name("flags-server-stderr".into())
                .spawn(move || write_lines(lines))
                .ok()
                .map(|_| queue)
        })
        .as_ref()
}

/// The writer thread: each line in one write, for as long as the process lives.
fn write_lines(lines: Receiver<Line>) {
    let mut out = crate::platform::stderr_writer();
    for line in lines {
        let mut bytes = line.text.into_bytes();
        bytes.push(b'\n');
        let ok = out.write_all(&bytes).and_then(|()| out.flush()).is_ok();
        if let Some(written) = line.written {
            let _ = written.try_send(ok);
        }
    }
}

/// Queues a line for stderr and returns at once; dropped when 4,096 lines are waiting already.
/// What requests use: they never wait on stderr.
pub(crate) fn queue_line(text: String) {
    if let Some(queue) = writer() {
        let _ = queue.try_send(Line {
            text,
            written: None,
        });
    }
}

/// Writes one line on stderr, waiting a quarter of a second at most: true if it was written.
/// A line that cannot be written, or not in that time (a reader that has stopped reading), is
/// dropped or written later, and nothing else happens.
pub fn stderr_line(line: &str) -> bool {
    let Some(queue) = writer() else {
        return false;
    };
    let deadline = Instant::now() + WAIT;
    let (written, done) = sync_channel(1);
    let mut line = Line {
        text: line.to_string(),
        written: Some(written),
    };
    loop {
        match queue.try_send(line) {
            Ok(()) => break,
            Err(TrySendError::Full(back)) if Instant::now() < deadline => {
                line = back;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return false,
        }
    }
    let left = deadline.saturating_duration_since(Instant::now());
    done.recv_timeout(left).unwrap_or(false)
}

/// A line after Ctrl-C: on a terminal, first over the `^C` the terminal echoed, so that it
/// reads `stopped`, not `^Cstopped`. Written, or given up, as by [`stderr_line`].
pub fn stderr_line_after_ctrl_c(line: &str) -> bool {
    use std::io::IsTerminal;
    match std::io::stderr().is_terminal() {
        true => stderr_line(&format!("\r\x1b[2K{line}")),
        false => stderr_line(line),
    }
}
