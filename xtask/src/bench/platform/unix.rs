//! Unix: process groups, signals and `wait4`; `/proc` for threads on Linux.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

use super::{Live, Reaped, Usage};

/// Its own process group: a Ctrl-C in the terminal reaches this tool only, which then stops
/// everything in order. On Linux it also dies with this tool, whatever kills it (SIGKILL
/// included): no server or downloader runs on without its parent.
pub fn isolate(command: &mut Command) {
    command.process_group(0);
    #[cfg(target_os = "linux")]
    die_with_parent(command);
}

/// `prctl(PR_SET_PDEATHSIG, SIGKILL)` in the child, between fork and exec: the kernel kills it
/// when the thread that started it ends (each of ours lives until its child is reaped). A
/// parent already gone by then sent no signal: the child exits at once instead.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn die_with_parent(command: &mut Command) {
    let parent = std::process::id();
    // SAFETY: the closure runs in the forked child before exec: it calls only prctl, getppid
    // and _exit, which are async-signal-safe, allocates nothing and takes no lock.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(io::Error::last_os_error());
            }
            if libc::getppid() as u32 != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

/// The child's Ctrl-C: SIGINT. True when the OS has a way to say it.
pub fn interrupt(child: &Child) -> io::Result<bool> {
    send_signal(child, libc::SIGINT).map(|()| true)
}

/// `kill(pid, SIGINT)` for a child not yet reaped, so its pid still names that child.
#[allow(unsafe_code)]
fn send_signal(child: &Child, sig: libc::c_int) -> io::Result<()> {
    let pid = child.id() as libc::pid_t;
    // SAFETY: kill takes plain integers and touches no memory of this process.
    if unsafe { libc::kill(pid, sig) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `wait4(pid, WNOHANG)`: how the child ended and its own `rusage`, once it has exited. After
/// this the `Child` must not be waited for again, only dropped.
#[allow(unsafe_code)]
pub fn try_reap(child: &mut Child) -> io::Result<Option<Reaped>> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a C struct of integers, for which all zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live locals of the types wait4 expects, valid for the call.
    let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
    match reaped {
        -1 => return Err(io::Error::last_os_error()),
        0 => return Ok(None),
        _ => {}
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let max_rss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    Ok(Some(Reaped {
        exit_code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        usage: Usage {
            peak_rss_kib: Some(max_rss / RSS_UNITS_PER_KIB),
            user_s: Some(secs(usage.ru_utime)),
            sys_s: Some(secs(usage.ru_stime)),
        },
    }))
}

/// `ru_maxrss` is in bytes on macOS (and the other BSD-derived Apple systems), KiB elsewhere.
#[cfg(target_vendor = "apple")]
const RSS_UNITS_PER_KIB: u64 = 1024;
#[cfg(not(target_vendor = "apple"))]
const RSS_UNITS_PER_KIB: u64 = 1;

/// The `Threads:` and `VmHWM:` (peak resident memory, kB) lines of /proc/PID/status, while
/// it runs; None once it has exited.
#[cfg(target_os = "linux")]
pub fn live(child: &Child) -> Option<Live> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some(Live {
        threads: field("Threads:").and_then(|t| u32::try_from(t).ok()),
        peak_rss_kib: field("VmHWM:"),
    })
}

/// No `/proc` here: nothing is measured while it runs.
#[cfg(not(target_os = "linux"))]
pub fn live(_child: &Child) -> Option<Live> {
    None
}

/// A directory whose files live in memory (a tmpfs), where the runs' downloads go.
#[cfg(target_os = "linux")]
pub fn memory_dir() -> Option<std::path::PathBuf> {
    let shm = std::path::PathBuf::from("/dev/shm");
    shm.is_dir().then_some(shm)
}

/// None here (macOS has no tmpfs mounted by default): the downloads go under the reports.
#[cfg(not(target_os = "linux"))]
pub fn memory_dir() -> Option<std::path::PathBuf> {
    None
}
