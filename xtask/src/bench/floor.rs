//! The floor of a LOCAL run: the least time this machine takes for the same job, measured with
//! plain means, so that a downloader's time has a reference. Three parts:
//!
//! - start-up: the downloader's own `-l 1` run, from spawn to exit;
//! - requests: the same GETs as keep-alive HTTP/1.1 over plain blocking sockets, with as many
//!   connections as the run's `-m`, driven by one thread per core (a load generator's way);
//! - files: the bodies of the 200s written into a new directory, one `fs::write` each.
//!
//! Each part is the median of `REPEATS` tries, against a LOCAL server process of its own. The
//! floor is the start-up, then the longer of the other two: a downloader may write its files
//! while it downloads (tokio does), so adding them would give a "floor" that a run can beat.
//!
//! Beside it, the library's floor: the same GETs made by the downloader's own HTTP client, set
//! up as the downloaders set it up, at the same `-m`, and nothing else (flags-common's example
//! `library_floor`). What a run takes beyond it is what this project's code adds to the
//! library: the job's bookkeeping, the trace, the saves, the progress line.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use flags_server::Profile;
use serde::{Deserialize, Serialize};

use super::downloader::Downloader;
use super::invocation::{Codes, Invocation};
use super::measure::{Measure, median};
use super::plan::Run;
use super::server::ServerProcess;

/// Tries of each part; the median is kept.
pub const REPEATS: usize = 5;

/// One LOCAL run's floor, in seconds, and how far above it the run is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    /// The downloader's own `-l 1` run, spawn to exit.
    pub startup_s: f64,
    /// The GETs over `connections` keep-alive connections.
    pub requests_s: f64,
    /// Writing the bodies of the 200s as plain files.
    pub files_s: f64,
    /// Connections of the request part: the run's `-m`, at most one per code.
    pub connections: usize,
    /// Files written by the file part.
    pub files: usize,
    /// (start-up + the run's elapsed) / the floor; None when the run has no elapsed time.
    pub times: Option<f64>,
    /// The library's floor: the row's own client alone, the same GETs at the same `-m`, from
    /// before the client is made to the last body (the span of a run's elapsed time). None
    /// when it was not measured (no `library_floor` in `--bin-dir`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_s: Option<f64>,
    /// The run's elapsed / the library's floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_times: Option<f64>,
}

impl Floor {
    /// The start-up, then the requests or the files, whichever takes longer: they may overlap.
    pub fn total_s(&self) -> f64 {
        self.startup_s + self.requests_s.max(self.files_s)
    }
}

/// What measures the floor: a LOCAL server process of its own and the paths of the codes.
pub struct Meter {
    server: ServerProcess,
    paths: Vec<String>,
    /// Where the start-up runs and the file part write; removed on drop.
    scratch: PathBuf,
    /// The bodies of the 200s of the last request part.
    bodies: Bodies,
}

impl Meter {
    /// A LOCAL server from `server_bin`, seeded; `codes` as the runs ask for them.
    pub fn start(
        server_bin: &Path,
        seed: u64,
        codes: Codes,
        scratch: PathBuf,
    ) -> anyhow::Result<Meter> {
        let server = ServerProcess::start(server_bin, Profile::Local, 0, seed, None)?;
        let paths = paths(&server.ready.base_url, &codes.list())?;
        Ok(Meter {
            server,
            paths,
            scratch,
            bodies: Vec::new(),
        })
    }

    /// GETs of the request part: one per code.
    pub fn gets(&self) -> usize {
        self.paths.len()
    }

    /// The request part over `connections` (at most one per code): the median of `REPEATS`.
    pub fn requests(&mut self, connections: usize) -> anyhow::Result<f64> {
        let connections = connections.min(self.paths.len()).max(1);
        let mut tries = Vec::new();
        for _ in 0..REPEATS {
            let (seconds, bodies) = get_all(self.server.ready.addr, &self.paths, connections)?;
            tries.push(seconds);
            self.bodies = bodies;
        }
        median(tries).context("no tries")
    }

    /// The start-up part: `bin`'s `-l 1` run, spawn to exit, the median of `REPEATS`.
    pub fn start_up(&self, bin: &Path) -> anyhow::Result<f64> {
        start_up(bin, &self.server.ready.base_url, &self.scratch)
    }

    /// The file part: the last request part's 200s written as files, the median of
    /// `REPEATS`; and how many files.
    pub fn files(&self) -> anyhow::Result<(f64, usize)> {
        let seconds = write_all(&self.bodies, &self.scratch.join("files"))?;
        Ok((seconds, self.bodies.len()))
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// The HTTP client a downloader is built on, by the name `library_floor` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Client {
    /// Blocking: flags-seq, flags-threadpool.
    Ureq,
    /// Async, on tokio: flags-tokio, flags-combinators.
    Reqwest,
}

impl Client {
    pub fn name(self) -> &'static str {
        match self {
            Client::Ureq => "ureq",
            Client::Reqwest => "reqwest",
        }
    }
}

/// One run of the library floor (`library_floor`, flags-common's example) for `client` at
/// `in_flight` against `base_url`: its elapsed seconds and how its GETs ended.
pub fn library(
    bin: &Path,
    client: Client,
    in_flight: usize,
    base_url: &str,
    codes: &[String],
) -> anyhow::Result<LibraryRun> {
    let output = Command::new(bin)
        .arg(client.name())
        .arg(in_flight.to_string())
        .arg(base_url)
        .args(codes)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    let said = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(said.trim())
        .with_context(|| format!("{} said {said:?} ({})", bin.display(), output.status))
}

/// What `library_floor` prints: the seconds from before its client is made to the last body,
/// and how its GETs ended.
#[derive(Debug, Deserialize)]
pub struct LibraryRun {
    pub elapsed_s: f64,
    pub ended: LibraryEnded,
}

#[derive(Debug, PartialEq, Eq, Deserialize)]
pub struct LibraryEnded {
    pub ok: usize,
    pub not_found: usize,
}

/// The library's floor beside a LOCAL run of ours, against its server (`floor::library`): the
/// same GETs by the same client at the same `-m`, and nothing else.
pub struct LibraryFloor<'a> {
    bin: &'a Path,
    client: Client,
    in_flight: usize,
    codes: Vec<String>,
    base_url: &'a str,
}

impl<'a> LibraryFloor<'a> {
    /// Whether `run` gets one, from `bin`: a LOCAL run of ours (compare's), against `base_url`.
    pub fn beside(
        run: &Run,
        bin: Option<&'a Path>,
        base_url: &'a str,
        codes: Codes,
    ) -> Option<LibraryFloor<'a>> {
        let (Downloader::Rust(implementation), Some(bin)) = (run.downloader, bin) else {
            return None;
        };
        (run.profile == Profile::Local).then(|| LibraryFloor {
            bin,
            client: implementation.client(),
            in_flight: run.concurrency,
            codes: codes.list(),
            base_url,
        })
    }

    /// One run of the library floor.
    pub fn run(&self) -> anyhow::Result<LibraryRun> {
        let LibraryFloor {
            bin,
            client,
            in_flight,
            ref codes,
            base_url,
        } = *self;
        library(bin, client, in_flight, base_url, codes)
    }

    /// The library floor's runs just before and just after the run that `measure` measured:
    /// the mean of their elapsed times, which drift with the machine's load as the run's does;
    /// None when the run did not end whole. Their GETs must end as the run's did.
    pub fn around(&self, before: LibraryRun, measure: &Measure) -> anyhow::Result<Option<f64>> {
        let tally = &measure.tally;
        let whole = tally.not_attempted == 0 && tally.errors == 0;
        if !whole || measure.budget_hit || measure.killed {
            return Ok(None);
        }
        let after = self.run()?;
        let expected = LibraryEnded {
            ok: tally.ok,
            not_found: tally.not_found,
        };
        for ended in [&before.ended, &after.ended] {
            if *ended != expected {
                bail!(
                    "the library floor ({}, {} in flight) ended its GETs otherwise than the run \
                     beside it: {ended:?}, not {expected:?}",
                    self.client.name(),
                    self.in_flight
                );
            }
        }
        Ok(Some((before.elapsed_s + after.elapsed_s) / 2.0))
    }
}

/// The path of each code's flag under the server's base URL (`http://HOST:PORT/flags`).
fn paths(base_url: &str, codes: &[String]) -> anyhow::Result<Vec<String>> {
    let rest = base_url
        .strip_prefix("http://")
        .with_context(|| format!("not an http:// URL: {base_url}"))?;
    let prefix = rest.find('/').map_or("", |i| &rest[i..]);
    Ok(codes
        .iter()
        .map(|cc| format!("{prefix}/{cc}/{cc}.gif", cc = cc.to_lowercase()))
        .collect())
}

/// The downloader's `-l 1` run, spawn to exit: the median of `REPEATS`.
fn start_up(bin: &Path, base_url: &str, scratch: &Path) -> anyhow::Result<f64> {
    let dest = scratch.join("start-up");
    let trace = scratch.join("start-up.jsonl");
    let mut tries = Vec::new();
    for _ in 0..REPEATS {
        let _ = std::fs::remove_dir_all(&dest);
        std::fs::create_dir_all(&dest)?;
        let invocation = Invocation {
            codes: Codes {
                all: false,
                limit: Some(1),
            },
            max_req: 1,
            base_url,
            timeout: None,
            dest: &dest,
            trace: &trace,
        };
        let mut command: Command = invocation.command(bin);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let started = Instant::now();
        let status = command
            .status()
            .with_context(|| format!("cannot run {}", bin.display()))?;
        tries.push(started.elapsed().as_secs_f64());
        if !status.success() {
            bail!("{} -l 1 failed: {status}", bin.display());
        }
    }
    median(tries).context("no tries")
}

/// The bodies of the 200s, each with the index of its path.
type Bodies = Vec<(usize, Vec<u8>)>;

/// One keep-alive connection with a request on its way, or idle.
struct Connection {
    reader: BufReader<TcpStream>,
    pending: Option<usize>,
}

/// GET every path over `connections` keep-alive connections, one thread per core, each thread
/// keeping a request in flight on each of its connections. The seconds from the first connect
/// to the last byte, and the bodies of the 200s (by path index).
fn get_all(
    addr: SocketAddr,
    paths: &[String],
    connections: usize,
) -> anyhow::Result<(f64, Bodies)> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = cores.min(connections);
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let results: Vec<anyhow::Result<Bodies>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                // Connections dealt out as evenly as they go.
                let mine = connections / threads + usize::from(t < connections % threads);
                let next = &next;
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || drive(addr, paths, mine, next))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h
                    .join()
                    .unwrap_or_else(|_| bail!("a floor thread panicked")),
                Err(err) => bail!("no thread left for the floor: {err}"),
            })
            .collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut bodies = Vec::new();
    for result in results {
        bodies.extend(result?);
    }
    bodies.sort_by_key(|(i, _)| *i);
    Ok((seconds, bodies))
}

/// One thread's share: `count` connections, each given the next path as soon as it is free.
fn drive(
    addr: SocketAddr,
    paths: &[String],
    count: usize,
    next: &AtomicUsize,
) -> anyhow::Result<Bodies> {
    let mut conns = Vec::with_capacity(count);
    for _ in 0..count {
        let stream =
            TcpStream::connect(addr).with_context(|| format!("cannot connect to {addr}"))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        conns.push(Connection {
            reader: BufReader::new(stream),
            pending: None,
        });
    }
    let mut bodies = Vec::new();
    loop {
        for conn in conns.iter_mut() {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = paths.get(i) else { break };
            let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            conn.reader.get_mut().write_all(request.as_bytes())?;
            conn.pending = Some(i);
        }
        let mut any = false;
        for conn in conns.iter_mut() {
            let Some(i) = conn.pending.take() else {
                continue;
            };
            any = true;
            let (status, body) = response(&mut conn.reader)?;
            if status == 200 {
                bodies.push((i, body));
            }
        }
        if !any {
            return Ok(bodies);
        }
    }
}

/// One response: its status and body (the server gives every body a `Content-Length`).
fn response(reader: &mut BufReader<TcpStream>) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("not an HTTP status line: {line:?}"))?;
    let mut length = None;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            bail!("the connection closed in a response's head");
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let length = length.context("a response without Content-Length")?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((status, body))
}

/// Write each body as a file into a new directory under `dir` for each try, as compare's runs
/// do (nothing is removed in between): the median of `REPEATS`.
fn write_all(bodies: &[(usize, Vec<u8>)], dir: &Path) -> anyhow::Result<f64> {
    let _ = std::fs::remove_dir_all(dir);
    let mut tries = Vec::new();
    for n in 0..REPEATS {
        let dir = dir.join(n.to_string());
        let started = Instant::now();
        std::fs::create_dir_all(&dir)?;
        for (i, body) in bodies {
            std::fs::write(dir.join(format!("{i}.gif")), body)
                .with_context(|| format!("cannot write in {}", dir.display()))?;
        }
        tries.push(started.elapsed().as_secs_f64());
    }
    let _ = std::fs::remove_dir_all(dir);
    median(tries).context("no tries")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_base_url() {
        let codes = ["BR".to_string(), "CN".to_string()];
        let got = paths("http://127.0.0.1:8000/flags", &codes).unwrap();
        assert_eq!(got, ["/flags/br/br.gif", "/flags/cn/cn.gif"]);
        assert_eq!(paths("http://h:1", &codes).unwrap()[0], "/br/br.gif");
        assert!(paths("ftp://h/flags", &codes).is_err());
    }

    #[test]
    fn the_floor_is_start_up_then_the_longer_of_requests_and_files() {
        let floor = Floor {
            startup_s: 0.002,
            requests_s: 0.010,
            files_s: 0.004,
            ..Floor::default()
        };
        assert!((floor.total_s() - 0.012).abs() < 1e-12);
    }
}
