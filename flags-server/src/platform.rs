//! What differs between operating systems, in one place, with a plain fallback: the
//! open-files limit, opening a file without ever blocking on it, the descriptor the stderr
//! lines are written on, and the signals that stop the binary.

use std::fs::File;
use std::future::Future;
use std::io::{self, Write};
use std::path::Path;

/// Raises the soft open-files limit toward `needed` (at most to the hard limit); the limit
/// now in force, or None where there is no such limit or it cannot be read.
#[cfg(unix)]
pub fn raise_open_files(needed: u64) -> Option<u64> {
    rlimit::increase_nofile_limit(needed).ok()
}

/// Opens `path` for reading without ever blocking in `open()`. On Unix the open is
/// non-blocking (`O_NONBLOCK`), so a FIFO with no writer, or a device, cannot hold the thread
/// forever; a caller that wants a regular file checks the handle it gets, where the flag
/// changes nothing. Elsewhere it is a plain open.
#[cfg(unix)]
pub fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Where the stderr lines are written (`log.rs`): on Unix a duplicate of the descriptor, so
/// a write stalled on a reader that has stopped reading holds no lock of `std::io::stderr()`,
/// which the rest of the process may need. Stderr itself when it cannot be duplicated.
#[cfg(unix)]
pub(crate) fn stderr_writer() -> Box<dyn Write + Send> {
    use std::os::fd::AsFd;
    match std::io::stderr().as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(File::from(fd)),
        Err(_) => Box::new(std::io::stderr()),
    }
}

/// Completes when the process is asked to stop: Ctrl-C (SIGINT), or SIGTERM (`kill`, service
/// managers, `timeout`). The handlers are installed by this call, so call it inside a tokio
/// runtime and before saying the server is ready. A signal whose handler cannot be installed
/// keeps the system's default action, which ends the process.
#[cfg(unix)]
pub fn stop_signal() -> impl Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        let next = |signal: io::Result<tokio::signal::unix::Signal>| async move {
            match signal {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            () = next(interrupt) => {}
            () = next(terminate) => {}
        }
    }
}

/// No `RLIMIT_NOFILE` here: nothing to raise, nothing to lower.
#[cfg(not(unix))]
pub fn raise_open_files(_needed: u64) -> Option<u64> {
    None
}

/// A plain open: Windows keeps its pipes under `\\.\pipe\`, not among files, and elsewhere
/// there is no FIFO to block on.
#[cfg(not(unix))]
pub fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Stderr itself: its lock is held only by the writer thread's own writes.
#[cfg(not(unix))]
pub(crate) fn stderr_writer() -> Box<dyn Write + Send> {
    Box::new(std::io::stderr())
}

/// Completes on Ctrl-C. Should it not be catchable, never: the system's default then ends the
/// process. Call it inside a tokio runtime.
#[cfg(not(unix))]
pub fn stop_signal() -> impl Future<Output = ()> {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Opens `path` only if it is a regular file, checked on the open handle (not the path, which
/// may have been swapped since it was looked at). A FIFO, socket or device is refused with
/// `InvalidInput`, at once.
pub(crate) fn open_regular(path: &Path) -> io::Result<File> {
    let file = open_nonblocking(path)?;
    if file.metadata()?.is_file() {
        Ok(file)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ))
    }
}
