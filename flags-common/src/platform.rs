//! What differs between operating systems, in one place: a branch for each family (Linux and
//! macOS share the Unix one, Windows has its own) and a plain fallback for the others. It
//! imports no other module of the crate.
//!
//! - the signals that stop a run (Ctrl-C, SIGTERM, SIGHUP), waited for by a thread of their own;
//! - the descriptors open at start-up, which the open-files limit must leave room for;
//! - opening a file without blocking on it: a FIFO with no writer (cleanup) or no reader
//!   (`--trace`);
//! - the process's own peak memory, for the report (Linux);
//! - the testkit's signals and FIFOs.
//!
//! Everything else in the crate is portable as written: file locks are std's `File::try_lock`
//! (`flock` on Unix, `LockFileEx` on Windows), the open-files limit is raised and read by
//! flags-server's `raise_open_files` (the `rlimit` crate's; None where there is none).

use std::fs::File;
use std::io;
use std::path::Path;

/// Open `path` for reading without ever blocking, even on a FIFO with no writer: flags-server's
/// (`O_NONBLOCK` on Unix, a plain open elsewhere), the one copy of that code.
pub(crate) use flags_server::open_nonblocking as open_without_blocking;

/// What asked the run to stop, and the exit status it ends with: the shell's 128 + the signal's
/// number (2, 15, 1 on Linux and macOS alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    not(unix),
    allow(dead_code, reason = "only Unix tells SIGTERM and SIGHUP apart")
)]
pub(crate) enum Stop {
    /// Ctrl-C (SIGINT); on Windows also Ctrl-Break and the console closing.
    Interrupt,
    /// SIGTERM: `kill`, `timeout`, a service manager.
    Terminate,
    /// SIGHUP: the terminal went away.
    HangUp,
}

impl Stop {
    /// 130, 143 or 129.
    pub(crate) fn status(self) -> u8 {
        match self {
            Stop::Interrupt => 130,
            Stop::Terminate => 143,
            Stop::HangUp => 129,
        }
    }
}

/// Call `on_stop` on a thread of its own each time the run is asked to stop. An error when that
/// thread cannot be had: the system's defaults then stay, and each of these signals ends the
/// process at once.
///
/// Unix: SIGINT, SIGTERM and SIGHUP are blocked here, before the run starts any other thread, so
/// every thread inherits the mask and the signals wait for the one thread that asks for them
/// (`sigwait`), which learns which came; no handler runs in the middle of another thread's work.
#[cfg(unix)]
pub(crate) fn catch_stop_signals(on_stop: impl Fn(Stop) + Send + 'static) -> io::Result<()> {
    use nix::sys::signal::{SigSet, Signal};

    let signals: SigSet = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP]
        .into_iter()
        .collect();
    signals.thread_block()?;
    let waiter = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            while let Ok(signal) = signals.wait() {
                on_stop(match signal {
                    Signal::SIGTERM => Stop::Terminate,
                    Signal::SIGHUP => Stop::HangUp,
                    _ => Stop::Interrupt,
                });
            }
        });
    if let Err(err) = waiter {
        // Nobody would take them: back to the defaults.
        let _ = signals.thread_unblock();
        return Err(err);
    }
    Ok(())
}

/// Windows: the `ctrlc` crate, whose handler thread runs `on_stop` for Ctrl-C, Ctrl-Break and the
/// console closing alike.
#[cfg(windows)]
pub(crate) fn catch_stop_signals(on_stop: impl Fn(Stop) + Send + 'static) -> io::Result<()> {
    ctrlc::set_handler(move || on_stop(Stop::Interrupt)).map_err(io::Error::other)
}

/// Elsewhere: no signals to catch.
#[cfg(not(any(unix, windows)))]
pub(crate) fn catch_stop_signals(_on_stop: impl Fn(Stop) + Send + 'static) -> io::Result<()> {
    Ok(())
}

/// How many descriptors numbered below `limit` are open now: stdio, the `--trace` file, any
/// inherited from the parent. Unix: the entries of `/dev/fd` (Linux and macOS both list the
/// process's own there), less the one that reads it; `limit` when none is left to read it with;
/// None when it cannot be told.
#[cfg(unix)]
pub(crate) fn open_descriptors(limit: u64) -> Option<u64> {
    use nix::errno::Errno;

    match std::fs::read_dir("/dev/fd") {
        Ok(entries) => {
            let below = entries
                .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u64>().ok())
                .filter(|fd| *fd < limit)
                .count() as u64;
            Some(below.saturating_sub(1))
        }
        Err(err)
            if matches!(
                err.raw_os_error().map(Errno::from_raw),
                Some(Errno::EMFILE | Errno::ENFILE)
            ) =>
        {
            Some(limit)
        }
        Err(_) => None,
    }
}

/// Elsewhere: cannot be told (and Windows has no such limit).
#[cfg(not(unix))]
pub(crate) fn open_descriptors(_limit: u64) -> Option<u64> {
    None
}

/// Open `path` for writing, made if missing and not emptied, without ever blocking in `open()`.
/// Unix: opened `O_NONBLOCK`, so a FIFO that nobody reads is refused at once (`a FIFO with no
/// reader`) instead of waiting for a reader; the flag is then cleared, so writes wait as usual.
#[cfg(unix)]
pub(crate) fn open_to_write(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};

    use nix::errno::Errno;
    use nix::fcntl::{FcntlArg, OFlag, fcntl};

    let opened = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(OFlag::O_NONBLOCK.bits())
        .open(path);
    let file = match opened {
        Err(err)
            if err.raw_os_error() == Some(Errno::ENXIO as i32)
                && std::fs::metadata(path).is_ok_and(|meta| meta.file_type().is_fifo()) =>
        {
            return Err(io::Error::new(err.kind(), "a FIFO with no reader"));
        }
        opened => opened?,
    };
    let flags = OFlag::from_bits_truncate(fcntl(&file, FcntlArg::F_GETFL)?);
    fcntl(&file, FcntlArg::F_SETFL(flags - OFlag::O_NONBLOCK))?;
    Ok(file)
}

/// Elsewhere: a plain open (Windows keeps its pipes under `\\.\pipe\`, not among files).
#[cfg(not(unix))]
pub(crate) fn open_to_write(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// This process's own peak resident memory so far, KiB, for the final report: Linux's `VmHWM`
/// (`/proc/self/status`), which starts afresh at `exec`; unlike `getrusage`'s `ru_maxrss`
/// seen from the parent, it never carries over the memory of the process that started this one.
#[cfg(target_os = "linux")]
pub(crate) fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Elsewhere (macOS, Windows) none is read here: the report leaves it out, and `cargo xtask`
/// measures the process from outside.
#[cfg(not(target_os = "linux"))]
pub(crate) fn peak_rss_kib() -> Option<u64> {
    None
}

/// Signals the testkit sends to a downloader under test, without shelling out to `kill`.
#[cfg(feature = "testkit")]
pub(crate) mod signal {
    /// Send Ctrl-C's signal (SIGINT).
    #[cfg(unix)]
    pub(crate) fn interrupt(pid: u32) {
        send(pid, nix::sys::signal::Signal::SIGINT);
    }

    /// Send SIGTERM.
    #[cfg(unix)]
    pub(crate) fn terminate(pid: u32) {
        send(pid, nix::sys::signal::Signal::SIGTERM);
    }

    /// Send SIGHUP.
    #[cfg(unix)]
    pub(crate) fn hang_up(pid: u32) {
        send(pid, nix::sys::signal::Signal::SIGHUP);
    }

    /// Kill at once (SIGKILL): no handler runs, nothing is cleaned up.
    #[cfg(unix)]
    pub(crate) fn kill_now(pid: u32) {
        send(pid, nix::sys::signal::Signal::SIGKILL);
    }

    #[cfg(unix)]
    fn send(pid: u32, signal: nix::sys::signal::Signal) {
        if let Ok(pid) = i32::try_from(pid) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal);
        }
    }

    /// Windows cannot send Ctrl-C to one other process: the checks that need it do nothing.
    #[cfg(windows)]
    pub(crate) fn interrupt(_pid: u32) {}

    /// No SIGTERM or SIGHUP outside Unix: the checks that need them do nothing.
    #[cfg(not(unix))]
    pub(crate) fn terminate(_pid: u32) {}

    /// No SIGHUP outside Unix.
    #[cfg(not(unix))]
    pub(crate) fn hang_up(_pid: u32) {}

    /// Windows: `taskkill /F`, the equivalent of SIGKILL.
    #[cfg(windows)]
    pub(crate) fn kill_now(pid: u32) {
        let _ = std::process::Command::new("taskkill")
            .args(["/F", "/PID", &pid.to_string()])
            .status();
    }

    /// Elsewhere: no signals.
    #[cfg(not(any(unix, windows)))]
    pub(crate) fn interrupt(_pid: u32) {}

    /// Elsewhere: no way to kill another process.
    #[cfg(not(any(unix, windows)))]
    pub(crate) fn kill_now(_pid: u32) {}
}

/// Make a FIFO at `path`, for the testkit (Unix only).
#[cfg(all(feature = "testkit", unix))]
pub(crate) fn make_fifo(path: &Path) -> io::Result<()> {
    use nix::sys::stat::Mode;
    Ok(nix::unistd::mkfifo(path, Mode::S_IRUSR | Mode::S_IWUSR)?)
}
