//! What differs between operating systems, in one place, with a plain fallback: the
//! open-files limit, and opening a file without ever blocking on it.

use std::fs::File;
use std::io;
use std::path::Path;

/// Raises the soft open-files limit toward `needed` (at most to the hard limit); the limit
/// now in force, or None where there is no such limit or it cannot be read.
#[cfg(unix)]
pub fn raise_open_files(needed: u64) -> Option<u64> {
    rlimit::increase_nofile_limit(needed).ok()
}

/// Opens `path` for reading with `O_NONBLOCK`, so a FIFO with no writer, or a device, cannot
/// hold the thread in `open()`. (The caller then checks that it got a regular file, where
/// the flag changes nothing.)
#[cfg(unix)]
pub(crate) fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// No `RLIMIT_NOFILE` here: nothing to raise, nothing to lower.
#[cfg(not(unix))]
pub fn raise_open_files(_needed: u64) -> Option<u64> {
    None
}

/// A plain open: no FIFOs to block on in a directory tree here.
#[cfg(not(unix))]
pub(crate) fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
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
