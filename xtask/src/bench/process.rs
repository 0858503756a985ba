//! One downloader run as a child process: started in a group of its own, interrupted like a
//! Ctrl-C when its time budget runs out, killed if it does not end, reaped with what it cost.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::platform::{self, Live, Usage};

/// Set by Ctrl-C (its handler is the one place that may touch it): stop the current run as
/// the budget would, then give up.
pub static ABORT: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C was pressed.
pub fn aborted() -> bool {
    ABORT.load(Ordering::Relaxed)
}

/// Ctrl-C stops the current run, then the task; `say` is printed by the handler, if any. A
/// handler that cannot be set (no thread for it) is said, and the task goes on without it.
pub fn on_ctrl_c(say: Option<&'static str>) {
    let set = ctrlc::set_handler(move || {
        ABORT.store(true, Ordering::SeqCst);
        if let Some(line) = say {
            crate::util::warn(line);
        }
    });
    if let Err(err) = set {
        crate::util::warn(&format!(
            "warning: Ctrl-C is not handled ({err}): it stops xtask at once, and the runs with it"
        ));
    }
}

/// How one downloader process ended and what it cost.
#[derive(Debug, Default)]
pub struct Finished {
    pub stdout: String,
    pub stderr: String,
    /// The exit status, or None when a signal ended it.
    pub exit_code: Option<i32>,
    /// It was interrupted (SIGINT) because the time budget ran out.
    pub budget_hit: bool,
    /// It had not exited `grace` after the interrupt, or could not be interrupted: killed.
    pub killed: bool,
    /// Seconds from spawn to exit, as seen from here (the book's scripts' speed when they
    /// print no report).
    pub wall_s: f64,
    /// Its own resource usage, as far as the OS tells.
    pub usage: Usage,
    /// Highest thread count seen while it ran, sampled every 10 ms, where the OS tells.
    pub threads_peak: Option<u32>,
}

/// The child's own peak memory: what it last said of itself while it ran (Linux's `VmHWM`,
/// sampled every 10 ms), else what `wait4` says. On Linux `wait4`'s `ru_maxrss` can be the
/// parent's: a process starts its life with the memory it replaced at `exec`, ours.
fn own_peak(live: Option<u64>, reaped: Option<u64>) -> Option<u64> {
    live.or(reaped)
}

/// How long a downloader stopped by SIGINT may take to end: the requests in flight get their
/// `--timeout`, and 5 s more; past that it is killed.
pub fn grace(timeout: Duration) -> Duration {
    timeout.saturating_add(Duration::from_secs(5))
}

/// When a downloader's budget runs out: at `budget`, but not before it is `ready` (its Ctrl-C
/// handler set: it has written its first `--trace` line), for a SIGINT before then would kill
/// it with nothing to report; and at `budget + grace` whatever it is.
pub fn budget_out(elapsed: Duration, budget: Duration, grace: Duration, ready: bool) -> bool {
    elapsed >= budget && (ready || elapsed >= budget.saturating_add(grace))
}

/// Whether a downloader has begun its `--trace` file: its first line is written once its
/// Ctrl-C handler is set (the file is emptied, not made, when the run starts).
pub fn trace_begun(trace: &std::path::Path) -> bool {
    trace.metadata().is_ok_and(|m| m.len() > 0)
}

/// Run `command` to its end: interrupted once `stop` says so (asked every 10 ms with the time
/// since it started), killed `grace` later. `watch` is told what can be read of it while it
/// runs, every 10 ms.
pub fn run_until(
    mut command: Command,
    mut stop: impl FnMut(Duration) -> bool,
    grace: Duration,
    mut watch: impl FnMut(Live),
) -> anyhow::Result<Finished> {
    let started = Instant::now();
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    platform::isolate(&mut command);
    let mut child = command.spawn().context("cannot start the downloader")?;
    let pipes = child
        .stdout
        .take()
        .zip(child.stderr.take())
        .context("no stdout");
    let drained = pipes.and_then(|(out, err)| Ok((drain(out)?, drain(err)?)));
    let (stdout, stderr) = match drained {
        Ok(both) => both,
        Err(err) => {
            // Not to be left running unwatched.
            let _ = child.kill();
            let _ = child.wait();
            return Err(err);
        }
    };
    let mut done = Finished::default();
    let mut interrupted_at: Option<Instant> = None;
    let mut peak_live: Option<u64> = None;
    let reaped = loop {
        if let Some(reaped) = platform::try_reap(&mut child)? {
            break reaped;
        }
        if let Some(live) = platform::live(&child) {
            if let Some(threads) = live.threads {
                done.threads_peak = Some(done.threads_peak.unwrap_or(0).max(threads));
            }
            if live.peak_rss_kib.is_some() {
                peak_live = peak_live.max(live.peak_rss_kib);
            }
            watch(live);
        }
        let now = Instant::now();
        match interrupted_at {
            None if aborted() || stop(now - started) => {
                // The downloader's Ctrl-C: no new requests, the ones in flight end, report.
                done.budget_hit = !aborted();
                interrupted_at = Some(now);
                if !platform::interrupt(&child)? {
                    child.kill()?;
                    done.killed = true;
                }
            }
            Some(at) if !done.killed && now - at >= grace => {
                child.kill()?;
                done.killed = true;
            }
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // The process is reaped: `child` must not wait for it again, only be forgotten.
    drop(child);
    done.wall_s = started.elapsed().as_secs_f64();
    done.exit_code = reaped.exit_code;
    done.usage = reaped.usage;
    done.usage.peak_rss_kib = own_peak(peak_live, reaped.usage.peak_rss_kib);
    done.stdout = stdout.join().unwrap_or_default();
    done.stderr = stderr.join().unwrap_or_default();
    Ok(done)
}

/// Read a pipe to its end on a thread of its own; an error when the system has no thread to
/// give (a process limit).
pub fn drain(mut pipe: impl Read + Send + 'static) -> anyhow::Result<JoinHandle<String>> {
    std::thread::Builder::new()
        .spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
        .context("no thread left to read a child's output")
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The peak of `sleep 0.3`, as `run_until` reports it, in KiB.
    fn peak_of_a_small_program() -> u64 {
        let mut command = Command::new("sleep");
        command.arg("0.3");
        let never = |_| false;
        let done = run_until(command, never, Duration::from_secs(1), |_| {}).expect("sleep runs");
        done.usage.peak_rss_kib.expect("a peak on Linux")
    }

    #[test]
    fn a_childs_peak_is_its_own_whatever_its_parents_size() {
        let small = peak_of_a_small_program();
        // This process now holds 100 MiB, touched page by page: a child's `wait4` figure
        // would start from it.
        let held: Vec<u8> = (0..100 << 20).map(|i| i as u8 | 1).collect();
        let big = peak_of_a_small_program();
        std::hint::black_box(&held);
        assert!(
            small.abs_diff(big) < 2 * 1024,
            "{small} KiB, then {big} KiB"
        );
        assert!(big < 20 * 1024, "{big} KiB: the parent's 100 MiB counted");
    }
}
