//! Soak: holds thousands of delayed requests at once against the `flags-server` binary and
//! reports whether every one was answered and the server's peak memory.
//!
//! ```sh
//! cargo build --release -p flags-server
//! cargo run --release -p flags-server --example soak -- --connections 10000
//! ```
//!
//! The server runs as a child process (the release binary next to this example), so its
//! peak RSS (`VmHWM` in /proc/PID/status) is its own. Each of the N client tasks opens one
//! loopback connection; once all are connected, each sends one GET and reads the whole
//! answer, so with DELAY's 0.5..5 s per request all N are waiting at once. The book's
//! slow_server.py spends a thread on each.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Parser)]
#[command(about = "Holds N concurrent delayed requests against the flags-server binary")]
struct Args {
    /// Concurrent connections, one GET each
    #[arg(long, default_value_t = 10_000)]
    connections: usize,
    /// Server profile
    #[arg(long, default_value = "delay")]
    profile: String,
    /// Give up after this many seconds
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// The server binary [default: flags-server next to this example's directory]
    #[arg(long)]
    server: Option<PathBuf>,
}

/// What one client saw.
enum Outcome {
    Answered,
    Failed(String),
}

/// One GET over its own connection, sent when `go` turns true: the answer must be a 200 with
/// the whole body. Reports on `connected` once its connection is open (or failed).
async fn one(
    addr: std::net::SocketAddr,
    path: String,
    in_flight: Arc<AtomicUsize>,
    connected: tokio::sync::mpsc::UnboundedSender<()>,
    mut go: tokio::sync::watch::Receiver<bool>,
) -> Outcome {
    let result = async {
        let s = TcpStream::connect(addr).await;
        let _ = connected.send(());
        let mut s = s?;
        let _ = go.wait_for(|go| *go).await;
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await?;
        in_flight.fetch_add(1, Ordering::Relaxed);
        let mut answer = Vec::new();
        let read = s.read_to_end(&mut answer).await;
        in_flight.fetch_sub(1, Ordering::Relaxed);
        read?;
        Ok::<_, std::io::Error>(answer)
    }
    .await;
    let answer = match result {
        Ok(a) => a,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Outcome::Failed("no complete header".into());
    };
    let head = String::from_utf8_lossy(&answer[..end]);
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse::<usize>().ok());
    if !head.starts_with("HTTP/1.1 200") {
        return Outcome::Failed(head.lines().next().unwrap_or("").to_string());
    }
    if length != Some(answer.len() - end - 4) {
        return Outcome::Failed("short body".into());
    }
    Outcome::Answered
}

/// `VmHWM` (peak resident memory) and `Threads` of a process, from /proc (Linux only).
#[cfg(not(target_os = "linux"))]
fn peak_rss_and_threads(_pid: u32) -> (Option<f64>, Option<u64>) {
    (None, None)
}

/// `VmHWM` (peak resident memory) and `Threads` of a process, from /proc.
#[cfg(target_os = "linux")]
fn peak_rss_and_threads(pid: u32) -> (Option<f64>, Option<u64>) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
    };
    (
        field("VmHWM:").map(|kb| kb as f64 / 1024.0),
        field("Threads:"),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // Every connection is a file descriptor, on both sides; the child inherits the limit.
    // (No such limit where the OS has none: then nothing to check.)
    let limit = flags_server::raise_open_files(u64::MAX).unwrap_or(u64::MAX);
    if limit < args.connections as u64 + 100 {
        bail!(
            "the open files limit is {limit}, too low for {} connections",
            args.connections
        );
    }
    let server = match args.server {
        Some(path) => path,
        None => std::env::current_exe()?
            .parent()
            .and_then(|examples| examples.parent())
            .map(|dir| dir.join("flags-server"))
            .context("no directory for the server binary")?,
    };
    if !server.is_file() {
        bail!(
            "{} not found: build it first with `cargo build --release -p flags-server`, or pass --server",
            server.display()
        );
    }
    let mut child = Command::new(&server)
        .args(["--profile", &args.profile, "--port", "0", "--seed", "1"])
        .args(["--max-connections", &(args.connections + 100).to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("start {}", server.display()))?;
    let pid = child.id();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().context("server stdout")?),
        &mut line,
    )?;
    let addr: std::net::SocketAddr = line
        .trim()
        .strip_prefix("http://")
        .and_then(|r| r.strip_suffix("/flags"))
        .and_then(|a| a.parse().ok())
        .with_context(|| format!("unexpected first line from the server: {line:?}"))?;
    let (rss_idle, _) = peak_rss_and_threads(pid);

    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    let countries = flags_server::countries();
    let (connected_tx, mut connected) = tokio::sync::mpsc::unbounded_channel();
    let (go_tx, go) = tokio::sync::watch::channel(false);
    for i in 0..args.connections {
        let cc = countries[i % countries.len()].iso_cc.to_lowercase();
        tasks.spawn(one(
            addr,
            format!("/flags/{cc}/{cc}.gif"),
            in_flight.clone(),
            connected_tx.clone(),
            go.clone(),
        ));
    }
    // All connect first (the server must send nothing before the request), then all send.
    let connect_started = Instant::now();
    let mut opened = 0;
    while opened < args.connections {
        match tokio::time::timeout(Duration::from_secs(args.timeout), connected.recv()).await {
            Ok(Some(())) => opened += 1,
            _ => break,
        }
    }
    let connect_s = connect_started.elapsed().as_secs_f64();
    let started = Instant::now();
    let _ = go_tx.send(true);
    // Samples how many requests are waiting for their answer at once.
    let sampler = {
        let (in_flight, peak) = (in_flight.clone(), peak.clone());
        tokio::spawn(async move {
            loop {
                peak.fetch_max(in_flight.load(Ordering::Relaxed), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let mut answered = 0;
    let mut failures: Vec<String> = Vec::new();
    let deadline = tokio::time::sleep(Duration::from_secs(args.timeout));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            next = tasks.join_next() => match next {
                Some(Ok(Outcome::Answered)) => answered += 1,
                Some(Ok(Outcome::Failed(why))) => failures.push(why),
                Some(Err(e)) => failures.push(e.to_string()),
                None => break,
            },
            () = &mut deadline => {
                failures.push(format!("{} still waiting after {} s", tasks.len(), args.timeout));
                tasks.abort_all();
                break;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    sampler.abort();
    let (rss, threads) = peak_rss_and_threads(pid);
    let _ = child.kill();
    let _ = child.wait();

    println!(
        "{answered}/{} answered, server peak RSS {:.1} MB ({:.1} MB before the load), {} threads, \
         elapsed {elapsed:.1} s after {connect_s:.1} s connecting, at most {} requests waiting at once",
        args.connections,
        rss.unwrap_or(f64::NAN),
        rss_idle.unwrap_or(f64::NAN),
        threads.map_or("?".to_string(), |t| t.to_string()),
        peak.load(Ordering::Relaxed),
    );
    if !failures.is_empty() {
        failures.sort();
        failures.dedup();
        bail!(
            "failures, e.g.: {}",
            failures[..failures.len().min(5)].join("; ")
        );
    }
    Ok(())
}
