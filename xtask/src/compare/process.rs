//! Child processes: the servers (a guard kills them on drop), one downloader run (reaped with
//! `wait4` to read its own resource usage), and the two tiny HTTP requests to `/_stats`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::cli::Scenario;

/// Set by Ctrl-C: stop the current downloader as the budget would, then give up.
pub static ABORT: AtomicBool = AtomicBool::new(false);

/// A `flags-server` process; killed and reaped when dropped, on error paths too.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT/flags`, from the server's first line.
    pub base_url: String,
    /// `127.0.0.1:PORT`
    pub host_port: String,
}

impl ServerProcess {
    pub fn start(bin: &Path, args: &[String]) -> anyhow::Result<ServerProcess> {
        let mut child = Command::new(bin)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group: a Ctrl-C in the terminal reaches this tool only, which
            // then stops everything in order.
            .process_group(0)
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let stderr = child.stderr.take().context("no stderr")?;
        let err_text = drain(stderr);
        let mut lines = BufReader::new(stdout);
        let mut first = String::new();
        let read = lines.read_line(&mut first);
        // Keep reading whatever else it prints, so a full pipe never blocks it.
        std::thread::spawn(move || io::copy(&mut lines, &mut io::sink()));
        let base_url = first.trim().to_string();
        let host_port = base_url
            .strip_prefix("http://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_string();
        if read.is_err() || host_port.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = err_text.join().unwrap_or_default();
            bail!(
                "{} {} did not print its URL: {}",
                bin.display(),
                args.join(" "),
                stderr.trim()
            );
        }
        Ok(ServerProcess {
            child,
            base_url,
            host_port,
        })
    }

    /// Zero the server's statistics and restart its random sequence from the seed.
    /// A server with `scenario`'s profile on `port` (0: a free one), seeded; `delay` (MIN[..MAX]
    /// seconds) replaces the profile's delays, except on LOCAL, which has none.
    pub fn start_scenario(
        bin: &Path,
        scenario: Scenario,
        port: u16,
        seed: u64,
        delay: Option<&str>,
    ) -> anyhow::Result<ServerProcess> {
        let mut args: Vec<String> = [
            "--profile",
            &scenario.label().to_lowercase(),
            "--port",
            &port.to_string(),
            "--seed",
            &seed.to_string(),
        ]
        .map(String::from)
        .to_vec();
        if let (Some(delay), true) = (delay, scenario != Scenario::Local) {
            args.extend(["--delay".to_string(), delay.to_string()]);
        }
        ServerProcess::start(bin, &args)
    }

    pub fn reset_stats(&self) -> anyhow::Result<()> {
        http(&self.host_port, "POST", "/_stats/reset").map(drop)
    }

    /// The server's `GET /_stats` body.
    pub fn stats(&self) -> anyhow::Result<flags_server::Stats> {
        let body = http(&self.host_port, "GET", "/_stats")?;
        serde_json::from_str(&body).context("/_stats is not JSON")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request without a body over a fresh connection; the response body if 2xx.
fn http(host_port: &str, method: &str, path: &str) -> anyhow::Result<String> {
    let mut stream =
        TcpStream::connect(host_port).with_context(|| format!("cannot connect to {host_port}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host_port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .with_context(|| format!("no answer to {method} {path}"))?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if !status.starts_with('2') {
        bail!(
            "{method} {path} answered {:?}",
            head.lines().next().unwrap_or("")
        );
    }
    Ok(body.to_string())
}

/// Read a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// How one downloader process ended and what it cost.
#[derive(Debug, Default)]
pub struct Finished {
    pub stdout: String,
    pub stderr: String,
    /// The exit status, or None when a signal ended it.
    pub exit_code: Option<i32>,
    /// SIGINT was sent because the time budget ran out.
    pub budget_hit: bool,
    /// It had not exited `grace` after the SIGINT: SIGKILL was sent.
    pub killed: bool,
    /// Seconds from spawn to exit, as seen from here (the book's scripts' speed when they print
    /// no report).
    pub wall_s: f64,
    /// Peak resident set size, KiB (`ru_maxrss`).
    pub max_rss_kib: u64,
    pub user_s: f64,
    pub sys_s: f64,
    /// Highest `Threads:` value read from /proc/PID/status while it ran.
    pub threads_peak: u32,
}

/// How long a downloader stopped by SIGINT may take to end: the requests in flight get their
/// `--timeout`, and 5 s more; past that it gets SIGKILL.
pub fn grace(timeout_s: f64) -> Duration {
    Duration::from_secs_f64(timeout_s + 5.0)
}

/// Run `command` to its end: SIGINT after `budget`, SIGKILL `grace` later, reaped with `wait4`.
pub fn run_measured(
    mut command: Command,
    budget: Duration,
    grace: Duration,
) -> anyhow::Result<Finished> {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .context("cannot start the downloader")?;
    let pid = child.id() as libc::pid_t;
    let stdout = drain(child.stdout.take().context("no stdout")?);
    let stderr = drain(child.stderr.take().context("no stderr")?);
    let mut done = Finished::default();
    let mut sigint_at: Option<Instant> = None;
    let (status, usage) = loop {
        if let Some(reaped) = wait4_nohang(pid)? {
            break reaped;
        }
        if let Some(threads) = threads_of(pid) {
            done.threads_peak = done.threads_peak.max(threads);
        }
        let now = Instant::now();
        match sigint_at {
            None if now - started >= budget || ABORT.load(Ordering::Relaxed) => {
                // The downloader's Ctrl-C: no new requests, the ones in flight end, report.
                send_signal(pid, libc::SIGINT)?;
                done.budget_hit = !ABORT.load(Ordering::Relaxed);
                sigint_at = Some(now);
            }
            Some(at) if !done.killed && now - at >= grace => {
                send_signal(pid, libc::SIGKILL)?;
                done.killed = true;
            }
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // The process is reaped: `child` must not wait for it again, only be forgotten.
    drop(child);
    done.wall_s = started.elapsed().as_secs_f64();
    if libc::WIFEXITED(status) {
        done.exit_code = Some(libc::WEXITSTATUS(status));
    }
    done.max_rss_kib = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    done.user_s = secs(usage.ru_utime);
    done.sys_s = secs(usage.ru_stime);
    done.stdout = stdout.join().unwrap_or_default();
    done.stderr = stderr.join().unwrap_or_default();
    Ok(done)
}

/// `wait4(pid, WNOHANG)`: the wait status and the child's own `rusage` once it has exited.
#[allow(unsafe_code)]
fn wait4_nohang(pid: libc::pid_t) -> io::Result<Option<(libc::c_int, libc::rusage)>> {
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a C struct of integers, for which all zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live locals of the types wait4 expects, valid for the call.
    let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
    match reaped {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(None),
        _ => Ok(Some((status, usage))),
    }
}

/// `kill(pid, sig)` for a child not yet reaped, so `pid` still names that child.
#[allow(unsafe_code)]
fn send_signal(pid: libc::pid_t, sig: libc::c_int) -> io::Result<()> {
    // SAFETY: kill takes plain integers and touches no memory of this process.
    if unsafe { libc::kill(pid, sig) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The `Threads:` line of /proc/PID/status (Linux); None elsewhere or once it has exited.
fn threads_of(pid: libc::pid_t) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("Threads:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
