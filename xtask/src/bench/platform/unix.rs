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
        pid: child.id(),
        threads: field("Threads:").and_then(|t| u32::try_from(t).ok()),
        peak_rss_kib: field("VmHWM:"),
    })
}

/// No `/proc` here: nothing is measured while it runs.
#[cfg(not(target_os = "linux"))]
pub fn live(_child: &Child) -> Option<Live> {
    None
}

/// The resident KiB of the threads' stacks of process `pid`: in `/proc/PID/smaps`, each
/// anonymous writable mapping that sits right above a small inaccessible one (a guard page:
/// that is how a thread's stack, and its signal stack, are laid out), plus the main thread's
/// `[stack]`. A malloc arena is the other way round (its inaccessible reserve above it).
#[cfg(target_os = "linux")]
pub fn thread_stacks_kib(pid: u32) -> Option<u64> {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok()?;
    Some(stacks_in_smaps(&smaps))
}

/// See `thread_stacks_kib`: the sum over the text of a `smaps` file.
#[cfg(any(target_os = "linux", test))]
fn stacks_in_smaps(smaps: &str) -> u64 {
    /// The largest guard counted as one (glibc's is a page, or 64 KiB on some systems).
    const GUARD_MOST: u64 = 64 * 1024;
    let maps = mappings(smaps);
    let is_guard = |m: &Mapping<'_>| {
        m.perms.starts_with("---") && m.name.is_none() && m.end - m.start <= GUARD_MOST
    };
    let mut total = 0;
    for (i, m) in maps.iter().enumerate() {
        let above_guard = i > 0 && is_guard(&maps[i - 1]) && maps[i - 1].end == m.start;
        let thread_stack = m.perms.starts_with("rw") && m.name.is_none() && above_guard;
        if thread_stack || m.name == Some("[stack]") {
            total += m.rss_kib;
        }
    }
    total
}

/// One mapping of a `smaps` file: its addresses, permissions, name (None: anonymous) and
/// resident KiB.
#[cfg(any(target_os = "linux", test))]
struct Mapping<'a> {
    start: u64,
    end: u64,
    perms: &'a str,
    name: Option<&'a str>,
    rss_kib: u64,
}

#[cfg(any(target_os = "linux", test))]
fn mappings(smaps: &str) -> Vec<Mapping<'_>> {
    let mut maps: Vec<Mapping<'_>> = Vec::new();
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("");
        let range = first.split_once('-').and_then(|(a, b)| {
            Some((
                u64::from_str_radix(a, 16).ok()?,
                u64::from_str_radix(b, 16).ok()?,
            ))
        });
        if let Some((start, end)) = range {
            // ADDRESS PERMS OFFSET DEVICE INODE [NAME]
            let perms = words.next().unwrap_or("");
            let name = words.nth(3);
            maps.push(Mapping {
                start,
                end,
                perms,
                name,
                rss_kib: 0,
            });
        } else if first == "Rss:"
            && let Some(last) = maps.last_mut()
        {
            last.rss_kib = words.next().and_then(|kb| kb.parse().ok()).unwrap_or(0);
        }
    }
    maps
}

/// The kernel's memory for the stacks of every thread on the machine, KiB (`KernelStack:` in
/// `/proc/meminfo`): memory that no process's RSS counts.
#[cfg(target_os = "linux")]
pub fn kernel_stacks_kib() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("KernelStack:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Not measured outside Linux.
#[cfg(not(target_os = "linux"))]
pub fn thread_stacks_kib(_pid: u32) -> Option<u64> {
    None
}

/// Not measured outside Linux.
#[cfg(not(target_os = "linux"))]
pub fn kernel_stacks_kib() -> Option<u64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_stack_sits_above_its_guard_and_an_arena_below_its_reserve() {
        let smaps = "\
55d0c0000000-55d0c0021000 rw-p 00000000 00:00 0                          [heap]
Rss:                 132 kB
7f0000000000-7f0000021000 rw-p 00000000 00:00 0
Rss:                 132 kB
7f0000021000-7f0004000000 ---p 00000000 00:00 0
Rss:                   0 kB
7f1000000000-7f1000001000 ---p 00000000 00:00 0
Rss:                   0 kB
7f1000001000-7f1000201000 rw-p 00000000 00:00 0
Rss:                  36 kB
7f1000300000-7f1000301000 r--p 00000000 08:01 42                         /usr/lib/libc.so.6
Rss:                   4 kB
7f1000301000-7f1000302000 rw-p 00000000 00:00 0
Rss:                   4 kB
7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]
Rss:                  20 kB
";
        // The thread's stack (36) and the main thread's (20); not the heap, the arena, nor the
        // mapping that follows a file's.
        assert_eq!(stacks_in_smaps(smaps), 56);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_the_stacks_of_its_threads() {
        let before = thread_stacks_kib(std::process::id()).unwrap();
        let (ready, wait) = std::sync::mpsc::channel();
        let (go, stop) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            // Touch 64 KiB of this thread's stack.
            let deep = std::hint::black_box([1u8; 64 * 1024]);
            ready.send(deep[1]).unwrap();
            let _ = stop.recv();
        });
        wait.recv().unwrap();
        let during = thread_stacks_kib(std::process::id()).unwrap();
        drop(go);
        thread.join().unwrap();
        assert!(during >= before + 64, "{before} KiB, then {during} KiB");
        assert!(kernel_stacks_kib().unwrap() > 0);
    }
}
