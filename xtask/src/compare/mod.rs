//! `cargo xtask compare`: the talk's demo, measured. Builds the downloaders and the server,
//! starts one server process per scenario on a free port, runs each downloader at each
//! concurrency, and writes a table, JSON, two charts and an HTML page.

mod charts;
pub(crate) mod process;
mod report;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::ValueEnum;
use serde::Serialize;

use process::{ABORT, Finished, ServerProcess};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenarios to run, comma-separated
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "local,delay,error"
    )]
    scenario: Vec<Scenario>,
    /// Downloaders to run, comma-separated
    #[arg(
        long = "impl",
        value_enum,
        value_delimiter = ',',
        default_value = "seq,threadpool,tokio"
    )]
    implementation: Vec<Impl>,
    /// Runs of each downloader × scenario × concurrency; the median is reported [default: 3, 1 with --quick]
    #[arg(long, value_name = "N")]
    repeat: Option<usize>,
    /// Seconds a run may take before it gets SIGINT (the downloader's Ctrl-C) [default: 20, 3 with --quick]
    #[arg(long, value_name = "SECONDS")]
    budget: Option<f64>,
    /// Only the first N of the 676 codes (-l N) [default: all, 100 with --quick]
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Delay of each GET on the DELAY and ERROR servers, MIN[..MAX] seconds [default: the server's, 0.05..0.5 with --quick]
    #[arg(long, value_name = "MIN[..MAX]")]
    delay: Option<String>,
    /// Seed of the servers' delays and errors
    #[arg(long, value_name = "N", default_value_t = 1950)]
    seed: u64,
    /// Seconds one request may take (the downloaders' --timeout)
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    timeout: f64,
    /// A run in well under a minute: repeat 1, budget 3 s, 100 codes, delays 0.05..0.5 s
    #[arg(long)]
    quick: bool,
    /// Cargo profile to build and measure (dev builds are quicker to get, slower to run)
    #[arg(long, value_enum, default_value = "release")]
    profile: BuildProfile,
    /// Take flags-seq, flags-threadpool, flags-tokio and flags-server from DIR instead of building
    #[arg(long, value_name = "DIR")]
    bin_dir: Option<PathBuf>,
    /// Where the reports go [default: <target dir>/compare]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Scenario drawn in timeline.svg
    #[arg(long, value_enum, default_value = "delay")]
    timeline: Scenario,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Scenario {
    Local,
    Delay,
    Error,
}

impl Scenario {
    pub fn label(self) -> &'static str {
        match self {
            Scenario::Local => "LOCAL",
            Scenario::Delay => "DELAY",
            Scenario::Error => "ERROR",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Impl {
    Seq,
    Threadpool,
    Tokio,
}

impl Impl {
    pub fn package(self) -> &'static str {
        match self {
            Impl::Seq => "flags-seq",
            Impl::Threadpool => "flags-threadpool",
            Impl::Tokio => "flags-tokio",
        }
    }

    /// The book's default `-m`, then the maximum; one connection only for the sequential one.
    pub(crate) fn concurrencies(self) -> &'static [usize] {
        match self {
            Impl::Seq => &[1],
            Impl::Threadpool => &[30, 1000],
            Impl::Tokio => &[5, 1000],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum BuildProfile {
    Release,
    Dev,
}

/// The settings a report was made with.
#[derive(Debug, Serialize)]
pub struct Settings {
    pub repeat: usize,
    pub budget_s: f64,
    pub timeout_s: f64,
    pub limit: Option<usize>,
    pub delay: Option<String>,
    pub seed: u64,
    pub profile: &'static str,
    pub threads_measure: &'static str,
    pub median_rule: &'static str,
}

/// Everything measured in one run of one downloader.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Measure {
    /// Codes asked for (from the downloader's first lines).
    pub asked: usize,
    pub ok: usize,
    pub not_found: usize,
    pub errors: usize,
    pub not_attempted: usize,
    /// From the downloader's own report; None when it printed none (killed).
    pub elapsed_s: Option<f64>,
    /// Codes finished per second: (ok + not found + errors) / elapsed.
    pub items_per_s: Option<f64>,
    pub peak_rss_kib: u64,
    pub user_s: f64,
    pub sys_s: f64,
    pub cpu_s: f64,
    /// Peak of /proc/PID/status `Threads:`, sampled every 10 ms.
    pub threads_peak: u32,
    /// Distinct thread names in the trace: the threads that finished a request.
    pub trace_threads: usize,
    /// Lower bound on the elapsed time allowed by the delays the server injected.
    pub ideal_s: Option<f64>,
    /// ideal / elapsed.
    pub efficiency: Option<f64>,
    /// The server's /_stats after the run.
    pub server_delays: Option<serde_json::Value>,
    pub exit_code: Option<i32>,
    /// SIGINT sent when the time budget ran out.
    pub budget_hit: bool,
    /// SIGKILL sent: no graceful end within --timeout + 5 s of the SIGINT.
    pub killed: bool,
    pub trace_file: String,
}

/// One line of the report: a downloader at one concurrency in one scenario.
#[derive(Debug, Serialize)]
pub struct Row {
    pub scenario: Scenario,
    pub downloader: &'static str,
    pub concurrency: usize,
    pub label: String,
    pub median: Measure,
    pub repeats: Vec<Measure>,
    #[serde(skip)]
    pub timeline: Vec<TraceLine>,
}

/// One request of a `--trace` file (its code is not needed: serde skips it).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct TraceLine {
    pub start: f64,
    pub end: f64,
    pub status: String,
    pub thread: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let repeat = args.repeat.unwrap_or(if args.quick { 1 } else { 3 });
    let budget = args.budget.unwrap_or(if args.quick { 3.0 } else { 20.0 });
    let limit = args.limit.or(args.quick.then_some(100));
    let delay = args
        .delay
        .clone()
        .or(args.quick.then(|| "0.05..0.5".to_string()));
    let usage = |msg: &str| {
        eprintln!(
            "error: {msg}\nusage: cargo xtask compare [--quick] [--scenario ..] [--impl ..] [--repeat N] [--budget S]"
        );
        Ok(ExitCode::from(2))
    };
    if repeat == 0 {
        return usage("--repeat must be at least 1");
    }
    let positive = |s: f64| s.is_finite() && s > 0.0;
    if !positive(budget) || !positive(args.timeout) {
        return usage("--budget and --timeout must be positive numbers of seconds");
    }
    if limit == Some(0) {
        return usage("--limit must be at least 1");
    }
    if let Some(d) = &delay
        && let Err(err) = flags_server::parse_delay(d)
    {
        return usage(&format!("--delay: {err}"));
    }
    let mut scenarios = args.scenario.clone();
    scenarios.sort();
    scenarios.dedup();
    let mut impls = args.implementation.clone();
    impls.sort();
    impls.dedup();

    let _ = ctrlc::set_handler(|| {
        ABORT.store(true, Ordering::SeqCst);
        eprintln!("\nInterrupted: stopping the current run.");
    });
    // Up to 1000 connections at each end: raise this process's open-file limit, which the
    // servers and downloaders inherit.
    let _ = rlimit::increase_nofile_limit(u64::MAX);

    let root = crate::workspace_root();
    let bins = match &args.bin_dir {
        Some(dir) => locate_bins(dir)?,
        None => build(&root, args.profile)?,
    };
    if ABORT.load(Ordering::Relaxed) {
        return Ok(interrupted());
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| target_dir(&root).join("compare"));
    std::fs::create_dir_all(out.join("traces"))
        .with_context(|| format!("cannot create {}", out.display()))?;
    let settings = Settings {
        repeat,
        budget_s: budget,
        timeout_s: args.timeout,
        limit,
        delay: delay.clone(),
        seed: args.seed,
        profile: match args.profile {
            BuildProfile::Release => "release",
            BuildProfile::Dev => "dev",
        },
        threads_measure: "threads_peak: highest Threads: of /proc/PID/status, sampled every 10 ms; \
                          trace_threads: distinct thread names in the --trace file",
        median_rule: "each figure is the median over the repeats; the counts are those of the repeat with the median items/s",
    };

    let plan: Vec<(Scenario, Impl, usize)> = scenarios
        .iter()
        .flat_map(|&s| {
            impls
                .iter()
                .flat_map(move |&i| i.concurrencies().iter().map(move |&m| (s, i, m)))
        })
        .collect();
    let total = plan.len() * repeat;
    let mut progress = Progress::new(total);
    let mut rows = Vec::new();
    for &scenario in &scenarios {
        let server = start_server(&bins["flags-server"], scenario, args.seed, delay.as_deref())?;
        for &(s, implementation, concurrency) in &plan {
            if s != scenario {
                continue;
            }
            let mut repeats = Vec::new();
            let mut timeline = Vec::new();
            for r in 0..repeat {
                let label = format!(
                    "{} {} -m {concurrency} #{}",
                    scenario.label(),
                    implementation.package(),
                    r + 1
                );
                progress.step(&label);
                let trace = out.join("traces").join(format!(
                    "{}-{}-m{concurrency}-{}.jsonl",
                    scenario.label().to_lowercase(),
                    implementation.package(),
                    r + 1
                ));
                let spec = RunSpec {
                    bin: &bins[implementation.package()],
                    server: &server,
                    concurrency,
                    limit,
                    timeout: args.timeout,
                    budget,
                    trace: &trace,
                    dest: &out.join("downloads"),
                };
                let result = run_one(&spec);
                if ABORT.load(Ordering::Relaxed) {
                    progress.clear();
                    return Ok(interrupted());
                }
                let (measure, lines) = result?;
                progress.note(&label, &measure);
                if r == 0 {
                    timeline = lines;
                }
                repeats.push(measure);
            }
            rows.push(Row {
                scenario,
                downloader: implementation.package(),
                concurrency,
                label: format!("{} -m {concurrency}", implementation.package()),
                median: median_of(&repeats),
                repeats,
                timeline,
            });
        }
    }
    progress.clear();
    let _ = std::fs::remove_dir_all(out.join("downloads"));

    let table = report::text_table(&rows);
    println!("{table}");
    for line in report::headlines(&rows) {
        println!("{line}");
    }
    report::write_all(&out, &settings, &rows, args.timeline)?;
    println!(
        "\nReports in {}: report.md, report.json, report.svg, timeline.svg, report.html",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn interrupted() -> ExitCode {
    eprintln!("Interrupted: no report written.");
    ExitCode::from(130)
}

/// Where cargo puts its builds: CARGO_TARGET_DIR, else `<workspace>/target`.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

const BINARIES: [&str; 4] = [
    "flags-seq",
    "flags-threadpool",
    "flags-tokio",
    "flags-server",
];

fn locate_bins(dir: &Path) -> anyhow::Result<BTreeMap<&'static str, PathBuf>> {
    let mut bins = BTreeMap::new();
    for name in BINARIES {
        let path = dir.join(name);
        if !path.is_file() {
            bail!("--bin-dir {}: no {name} there", dir.display());
        }
        bins.insert(name, path);
    }
    Ok(bins)
}

/// `$CARGO build [--release] -p ...`, reading the binaries' paths from cargo's JSON messages.
pub(crate) fn build(
    root: &Path,
    profile: BuildProfile,
) -> anyhow::Result<BTreeMap<&'static str, PathBuf>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .arg("build")
        .arg("--message-format=json-render-diagnostics");
    if profile == BuildProfile::Release {
        command.arg("--release");
    }
    for name in BINARIES {
        command.args(["-p", name]);
    }
    eprintln!(
        "Building {} ({} profile)...",
        BINARIES.join(", "),
        if profile == BuildProfile::Release {
            "release"
        } else {
            "dev"
        }
    );
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot run cargo")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut bins = BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line?) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let (Some(name), Some(exe)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) else {
            continue;
        };
        if let Some(known) = BINARIES.iter().find(|b| **b == name) {
            bins.insert(*known, PathBuf::from(exe));
        }
    }
    if !child.wait()?.success() {
        bail!("cargo build failed");
    }
    for name in BINARIES {
        if !bins.contains_key(name) {
            bail!("cargo build reported no {name} binary");
        }
    }
    Ok(bins)
}

pub(crate) fn start_server(
    bin: &Path,
    scenario: Scenario,
    seed: u64,
    delay: Option<&str>,
) -> anyhow::Result<ServerProcess> {
    let mut args: Vec<String> = [
        "--profile",
        &scenario.label().to_lowercase(),
        "--port",
        "0",
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

struct RunSpec<'a> {
    bin: &'a Path,
    server: &'a ServerProcess,
    concurrency: usize,
    limit: Option<usize>,
    timeout: f64,
    budget: f64,
    trace: &'a Path,
    dest: &'a Path,
}

/// One run: reset the server's statistics, run the downloader, read its report, its trace and
/// the server's statistics.
fn run_one(spec: &RunSpec<'_>) -> anyhow::Result<(Measure, Vec<TraceLine>)> {
    spec.server.reset_stats()?;
    let _ = std::fs::remove_dir_all(spec.dest);
    let mut command = Command::new(spec.bin);
    command.args([
        "-e",
        "-m",
        &spec.concurrency.to_string(),
        "-s",
        &spec.server.base_url,
    ]);
    if let Some(n) = spec.limit {
        command.args(["-l", &n.to_string()]);
    }
    command.arg("--timeout").arg(spec.timeout.to_string());
    command
        .arg("--dest")
        .arg(spec.dest)
        .arg("--trace")
        .arg(spec.trace);
    let grace = Duration::from_secs_f64(spec.timeout + 5.0);
    let finished = process::run_measured(command, Duration::from_secs_f64(spec.budget), grace)?;
    let lines = read_trace(spec.trace);
    let stats = spec.server.stats().ok();
    let measure = measure(&finished, &lines, stats, spec);
    if measure.asked == 0 {
        bail!(
            "{} printed no report (exit {:?}):\n{}{}",
            spec.bin.display(),
            finished.exit_code,
            finished.stdout,
            finished.stderr
        );
    }
    Ok((measure, lines))
}

fn read_trace(path: &Path) -> Vec<TraceLine> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn measure(
    done: &Finished,
    trace: &[TraceLine],
    stats: Option<serde_json::Value>,
    spec: &RunSpec<'_>,
) -> Measure {
    let report = parse_report(&done.stdout);
    let mut m = Measure {
        asked: report.asked,
        ok: report.ok,
        not_found: report.not_found,
        errors: report.errors,
        not_attempted: report
            .asked
            .saturating_sub(report.ok + report.not_found + report.errors),
        elapsed_s: report.elapsed_s,
        peak_rss_kib: done.max_rss_kib,
        user_s: done.user_s,
        sys_s: done.sys_s,
        cpu_s: done.user_s + done.sys_s,
        threads_peak: done.threads_peak,
        exit_code: done.exit_code,
        budget_hit: done.budget_hit,
        killed: done.killed,
        trace_file: spec.trace.display().to_string(),
        ..Measure::default()
    };
    let names: std::collections::BTreeSet<&str> = trace.iter().map(|t| t.thread.as_str()).collect();
    m.trace_threads = names.len();
    if report.asked > 0 && report.elapsed_s.is_none() {
        // No final report (killed): count what the trace recorded.
        m.ok = trace.iter().filter(|t| t.status == "OK").count();
        m.not_found = trace.iter().filter(|t| t.status == "NOT_FOUND").count();
        m.errors = trace.iter().filter(|t| t.status == "ERROR").count();
        m.not_attempted = report.asked.saturating_sub(m.ok + m.not_found + m.errors);
    }
    // The report rounds to 0.01 s, coarse for a LOCAL run of 0.05 s: the trace's last end,
    // on the same clock, gives the figure to the microsecond when it agrees.
    let last_end = trace.iter().map(|t| t.end).fold(0.0, f64::max);
    if let Some(e) = m.elapsed_s
        && last_end > 0.0
        && (e - last_end).abs() <= 0.006
    {
        m.elapsed_s = Some(last_end);
    }
    let finished = m.ok + m.not_found + m.errors;
    m.items_per_s = m
        .elapsed_s
        .filter(|e| *e > 0.0)
        .map(|e| finished as f64 / e);
    if let Some(stats) = &stats {
        let delays = &stats["delays"];
        let count = delays["count"].as_u64().unwrap_or(0);
        let (sum, max) = (
            delays["sum_s"].as_f64().unwrap_or(0.0),
            delays["max_s"].as_f64().unwrap_or(0.0),
        );
        if count > 0 {
            // N connections at once: the delays cannot take less than their sum spread over N,
            // nor less than the longest one.
            let n = spec.concurrency.min(count as usize).max(1) as f64;
            let ideal = (sum / n).max(max);
            m.ideal_s = Some(ideal);
            m.efficiency = m.elapsed_s.filter(|e| *e > 0.0).map(|e| ideal / e);
        }
        m.server_delays = Some(stats.clone());
    }
    m
}

#[derive(Default)]
struct Report {
    asked: usize,
    ok: usize,
    not_found: usize,
    errors: usize,
    elapsed_s: Option<f64>,
}

/// The downloader's lines: "Searching for 676 flags: ..." then the book's final report.
fn parse_report(stdout: &str) -> Report {
    let mut r = Report::default();
    for line in stdout.lines().map(str::trim) {
        let first = |l: &str| {
            l.split_whitespace()
                .next()
                .and_then(|w| w.parse::<usize>().ok())
                .unwrap_or(0)
        };
        if let Some(rest) = line.strip_prefix("Searching for ") {
            r.asked = first(rest);
        } else if line.ends_with("downloaded.") {
            r.ok = first(line);
        } else if line.ends_with("not found.") {
            r.not_found = first(line);
        } else if line.ends_with("errors.") || line.ends_with("error.") {
            r.errors = first(line);
        } else if let Some(rest) = line.strip_prefix("Elapsed time:") {
            r.elapsed_s = rest.trim().trim_end_matches('s').parse().ok();
        }
    }
    r
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Each figure's median over the repeats; the counts of the repeat with the median speed,
/// so that they still add up.
fn median_of(repeats: &[Measure]) -> Measure {
    let mut by_speed: Vec<&Measure> = repeats.iter().collect();
    by_speed.sort_by(|a, b| {
        a.items_per_s
            .unwrap_or(0.0)
            .total_cmp(&b.items_per_s.unwrap_or(0.0))
    });
    let mid = by_speed[(by_speed.len() - 1) / 2];
    let of = |f: &dyn Fn(&Measure) -> Option<f64>| median(repeats.iter().filter_map(f).collect());
    Measure {
        elapsed_s: of(&|m| m.elapsed_s),
        items_per_s: of(&|m| m.items_per_s),
        peak_rss_kib: of(&|m| Some(m.peak_rss_kib as f64)).unwrap_or(0.0) as u64,
        user_s: of(&|m| Some(m.user_s)).unwrap_or(0.0),
        sys_s: of(&|m| Some(m.sys_s)).unwrap_or(0.0),
        cpu_s: of(&|m| Some(m.cpu_s)).unwrap_or(0.0),
        threads_peak: of(&|m| Some(f64::from(m.threads_peak))).unwrap_or(0.0) as u32,
        trace_threads: of(&|m| Some(m.trace_threads as f64)).unwrap_or(0.0) as usize,
        ideal_s: of(&|m| m.ideal_s),
        efficiency: of(&|m| m.efficiency),
        budget_hit: repeats.iter().any(|m| m.budget_hit),
        killed: repeats.iter().any(|m| m.killed),
        ..mid.clone()
    }
}

/// The line on stderr that says which run is going on.
struct Progress {
    total: usize,
    done: usize,
    tty: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: 0,
            tty: std::io::stderr().is_terminal(),
        }
    }

    fn step(&mut self, label: &str) {
        self.done += 1;
        if self.tty {
            eprint!("\r\x1b[2K[{}/{}] {label} ...", self.done, self.total);
        }
    }

    fn note(&self, label: &str, m: &Measure) {
        let speed = m
            .items_per_s
            .map_or("-".to_string(), |s| format!("{s:.2} items/s"));
        let line = format!("[{}/{}] {label}: {speed}", self.done, self.total);
        if self.tty {
            eprint!("\r\x1b[2K{line}");
        } else {
            eprintln!("{line}");
        }
    }

    fn clear(&self) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_book_report() {
        let out = "LOCAL site: u\nSearching for 676 flags: from AA to ZZ\n1 connection will be used.\n\
                   --------------------\n194 flags downloaded.\n482 not found.\n  3 errors.\n\
                   Elapsed time: 0.52s\nSpeed: 1300.00 items/s\n";
        let r = parse_report(out);
        assert_eq!((r.asked, r.ok, r.not_found, r.errors), (676, 194, 482, 3));
        assert_eq!(r.elapsed_s, Some(0.52));
        let one = parse_report(
            "Searching for 1 flag: BR\n--------------------\n  1 flag downloaded.\nElapsed time: 1.00s\n",
        );
        assert_eq!((one.asked, one.ok, one.errors), (1, 1, 0));
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
