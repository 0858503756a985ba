//! The request log (`-v`) and the server's few other lines on stderr. A line that cannot be
//! written (stderr closed, a full device) is dropped: logging never panics, and never makes a
//! request wait, even for a reader that has stopped reading.

use std::io::Write;
use std::sync::mpsc::{SyncSender, sync_channel};

/// Lines waiting for the writer thread; more are dropped rather than waited for.
const QUEUE: usize = 4096;

/// Writes one line on stderr; false if it could not be written, and nothing else happens.
pub fn stderr_line(line: &str) -> bool {
    let mut err = std::io::stderr().lock();
    writeln!(err, "{line}").and_then(|()| err.flush()).is_ok()
}

/// A line after Ctrl-C: on a terminal, first over the `^C` the terminal echoed, so that it
/// reads `stopped`, not `^Cstopped`. Dropped, as `stderr_line`, when stderr is gone.
pub fn stderr_line_after_ctrl_c(line: &str) -> bool {
    use std::io::IsTerminal;
    match std::io::stderr().is_terminal() {
        true => stderr_line(&format!("\r\x1b[2K{line}")),
        false => stderr_line(line),
    }
}

/// The request log of one server: requests hand their lines to a thread that writes them.
pub(crate) struct Log {
    /// None when no thread could be started: the lines are dropped.
    queue: Option<SyncSender<String>>,
}

impl Log {
    /// Starts the writer thread; it ends when the log is dropped.
    pub(crate) fn start() -> Log {
        let (queue, lines) = sync_channel::<String>(QUEUE);
        let writer = std::thread::Builder::new()
            .name("flags-server-log".into())
            .spawn(move || {
                for line in lines {
                    stderr_line(&line);
                }
            });
        Log {
            queue: writer.ok().map(|_| queue),
        }
    }

    /// Queues a line; when the queue is full or the writer gone, the line is dropped.
    pub(crate) fn line(&self, line: String) {
        if let Some(queue) = &self.queue {
            let _ = queue.try_send(line);
        }
    }
}
