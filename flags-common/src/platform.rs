//! What differs between operating systems, in one place: a branch for each family (Linux and
//! macOS share the Unix one, Windows has its own) and a plain fallback for the others.
//!
//! Everything else in the crate is portable as written: file locks are std's `File::try_lock`
//! (`flock` on Unix, `LockFileEx` on Windows), Ctrl-C is the `ctrlc` crate's, the open-files
//! limit is the `rlimit` crate's (a no-op where there is none), and opening a file without
//! blocking on it is flags-server's `open_nonblocking`.

/// Open `path` for reading without ever blocking, even on a FIFO with no writer: flags-server's
/// (`O_NONBLOCK` on Unix, a plain open elsewhere), the one copy of that code.
pub(crate) use flags_server::open_nonblocking as open_without_blocking;

/// Signals the testkit sends to a downloader under test, without shelling out to `kill`.
#[cfg(feature = "testkit")]
pub(crate) mod signal {
    /// Send Ctrl-C's signal (SIGINT).
    #[cfg(unix)]
    pub(crate) fn interrupt(pid: u32) {
        send(pid, nix::sys::signal::Signal::SIGINT);
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
