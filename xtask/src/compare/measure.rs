//! The measuring: one server process per scenario, each planned run `--repeat` times, and what
//! each run cost, read from the child's `rusage`, its `--trace` (typed [`TraceEvent`]s: the
//! final [`Summary`] and each request's span) and the server's typed `/_stats`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::bail;
use flags_common::{Status, Summary, TraceEvent};
use serde::{Deserialize, Serialize};

use super::build::Bins;
use super::cli::{Scenario, Settings};
use super::plan::{Run, Runner};
use super::process::{self, ABORT, Finished, ServerProcess};
use super::progress::Progress;
use super::python::{self, Python};

/// Everything measured in one run of one downloader.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Measure {
    /// Codes asked for.
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
    /// Most requests in flight at once, from the trace (None without one: the book's scripts).
    #[serde(default)]
    pub in_flight_peak: Option<usize>,
    /// Where the counts come from.
    #[serde(default)]
    pub counts: Counts,
    /// Lower bound on the elapsed time allowed by the delays the server injected.
    pub ideal_s: Option<f64>,
    /// ideal / elapsed.
    pub efficiency: Option<f64>,
    /// The server's `/_stats` after the run.
    pub server_stats: Option<flags_server::Stats>,
    pub exit_code: Option<i32>,
    /// SIGINT sent when the time budget ran out.
    pub budget_hit: bool,
    /// SIGKILL sent: no graceful end within --timeout + 5 s of the SIGINT.
    pub killed: bool,
    /// The run's `--trace` file (our downloaders only).
    pub trace_file: Option<PathBuf>,
}

/// Where a run's counts come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counts {
    /// The final report: the trace's summary line, or the book's printed lines.
    #[default]
    Report,
    /// No report (killed): the trace's ended requests.
    Trace,
    /// No report and no trace (a book script stopped by Ctrl-C): what the server answered, over
    /// the time from its start to its exit.
    Server,
}

/// One line of the report: a downloader at one concurrency in one scenario.
#[derive(Debug, Serialize, Deserialize)]
pub struct Row {
    pub scenario: Scenario,
    pub downloader: String,
    pub concurrency: usize,
    pub label: String,
    pub median: Measure,
    pub repeats: Vec<Measure>,
    /// The first repeat's requests, for the timeline.
    #[serde(skip)]
    pub timeline: Vec<Span>,
}

/// One request, from its start to its end (the `end` events of a trace).
#[derive(Clone, Debug)]
pub struct Span {
    pub start: f64,
    pub end: f64,
    pub status: Status,
}

/// What every run shares.
pub struct Bench<'a> {
    pub bins: &'a Bins,
    pub settings: &'a Settings,
    pub out: &'a Path,
    pub python: Option<&'a Python>,
}

/// Every planned run, each `--repeat` times, scenario by scenario. None when Ctrl-C stopped it.
pub fn all(plan: &[Run], bench: &Bench<'_>) -> anyhow::Result<Option<Vec<Row>>> {
    let repeat = bench.settings.repeat;
    let mut progress = Progress::new(plan.len() * repeat);
    let mut scenarios: Vec<Scenario> = plan.iter().map(|r| r.scenario).collect();
    scenarios.dedup();
    let mut rows = Vec::new();
    for scenario in scenarios {
        let server = start_server(bench, scenario)?;
        for run in plan.iter().filter(|r| r.scenario == scenario) {
            let mut repeats = Vec::new();
            let mut timeline = Vec::new();
            for r in 0..repeat {
                let label = format!(
                    "{} {} -m {} #{}",
                    scenario.label(),
                    run.runner.name(),
                    run.concurrency,
                    r + 1
                );
                progress.step(&label);
                let result = one(run, r + 1, &server, bench);
                if ABORT.load(Ordering::Relaxed) {
                    progress.clear();
                    return Ok(None);
                }
                let (measure, spans) = result?;
                progress.note(&label, measure.items_per_s);
                if r == 0 {
                    timeline = spans;
                }
                repeats.push(measure);
            }
            rows.push(Row {
                scenario,
                downloader: run.runner.name().to_string(),
                concurrency: run.concurrency,
                label: format!("{} -m {}", run.runner.name(), run.concurrency),
                median: median_of(&repeats),
                repeats,
                timeline,
            });
        }
    }
    progress.clear();
    let _ = std::fs::remove_dir_all(bench.out.join("downloads"));
    Ok(Some(rows))
}

/// A `flags-server` process for `scenario`: on a free port, or on the book's with `--python`.
fn start_server(bench: &Bench<'_>, scenario: Scenario) -> anyhow::Result<ServerProcess> {
    let port = bench.python.map_or(0, |p| p.port(scenario));
    let settings = bench.settings;
    let delay = settings.delay.as_deref();
    ServerProcess::start_scenario(
        &bench.bins["flags-server"],
        scenario,
        port,
        settings.seed,
        delay,
    )
}

/// One run: reset the server's statistics, run the program, read what it reports, its trace
/// and the server's statistics.
fn one(
    run: &Run,
    repeat: usize,
    server: &ServerProcess,
    bench: &Bench<'_>,
) -> anyhow::Result<(Measure, Vec<Span>)> {
    server.reset_stats()?;
    let settings = bench.settings;
    let dest = bench.out.join("downloads");
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::create_dir_all(&dest)?;
    let trace = bench.out.join("traces").join(format!(
        "{}-{}-m{}-{repeat}.jsonl",
        run.scenario.label().to_lowercase(),
        run.runner.name(),
        run.concurrency,
    ));
    let command = match (run.runner, bench.python) {
        (Runner::Rust(_), _) => {
            let _ = std::fs::remove_file(&trace);
            let mut command = Command::new(&bench.bins[run.runner.name()]);
            command.args([
                "-e",
                "-m",
                &run.concurrency.to_string(),
                "-s",
                &server.base_url,
            ]);
            if let Some(n) = settings.limit {
                command.args(["-l", &n.to_string()]);
            }
            command.arg("--timeout").arg(settings.timeout_s.to_string());
            command.arg("--dest").arg(&dest).arg("--trace").arg(&trace);
            command
        }
        (Runner::Python(script), Some(python)) => {
            python.command(script, run.scenario, run.concurrency, settings.limit, &dest)
        }
        (Runner::Python(_), None) => bail!("a Python run without --python"),
    };
    let grace = process::grace(settings.timeout_s);
    let budget = Duration::from_secs_f64(settings.budget_s);
    let finished = process::run_measured(command, budget, grace)?;
    let stats = server.stats().ok();
    let (measure, spans) = match run.runner {
        Runner::Rust(_) => {
            let read = read_trace(&trace);
            let mut m = from_trace(read.summary, &read.spans, settings.codes());
            m.trace_threads = read.threads;
            m.trace_file = Some(trace);
            (m, read.spans)
        }
        Runner::Python(_) => {
            let printed = python::read_report(&finished.stdout);
            (
                from_printed(printed, stats.as_ref(), finished.wall_s),
                Vec::new(),
            )
        }
    };
    let mut measure = with_costs(measure, &finished);
    // The book's scripts give up on a request after 3.1 s, while the server's statistics count
    // each delay whole: no ideal time to hold them to.
    if let (Runner::Rust(_), Some(stats)) = (run.runner, &stats) {
        measure.hold_to_ideal(stats, run.concurrency);
    }
    measure.server_stats = stats;
    if measure.asked == 0 {
        bail!(
            "{} reported nothing (exit {:?}):\n{}{}",
            run.runner.name(),
            finished.exit_code,
            finished.stdout,
            finished.stderr
        );
    }
    Ok((measure, spans))
}

/// What a trace holds: the summary (its last line, when the run reached its report), each
/// request, and how many threads recorded them.
struct Trace {
    summary: Option<Summary>,
    spans: Vec<Span>,
    threads: usize,
}

fn read_trace(path: &Path) -> Trace {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut summary = None;
    let mut spans = Vec::new();
    let mut threads = BTreeSet::new();
    for event in text.lines().filter_map(Summary::parse_line) {
        match event {
            TraceEvent::End {
                start,
                end,
                status,
                thread,
                ..
            } => {
                spans.push(Span { start, end, status });
                threads.insert(thread);
            }
            TraceEvent::Summary(s) => summary = Some(s),
            TraceEvent::Start { .. } => {}
        }
    }
    Trace {
        summary,
        spans,
        threads: threads.len(),
    }
}

/// Counts and speed from one of our downloaders: its summary, else (killed) its trace.
fn from_trace(summary: Option<Summary>, spans: &[Span], asked: usize) -> Measure {
    let mut m = Measure {
        in_flight_peak: Some(max_in_flight(spans)),
        ..Measure::default()
    };
    match summary {
        Some(s) => {
            (m.asked, m.ok, m.not_found, m.errors) = (s.asked, s.ok, s.not_found, s.errors);
            m.not_attempted = s.not_attempted;
            m.elapsed_s = Some(s.elapsed_s);
            // The summary's elapsed time and the trace's last end are on the same clock: the
            // later one is when the last request was done.
            let last_end = spans.iter().map(|t| t.end).fold(0.0, f64::max);
            if last_end > 0.0 && (s.elapsed_s - last_end).abs() <= 0.006 {
                m.elapsed_s = Some(last_end);
            }
        }
        None => {
            let count = |status| spans.iter().filter(|t| t.status == status).count();
            m.asked = asked;
            (m.ok, m.not_found, m.errors) = (
                count(Status::Ok),
                count(Status::NotFound),
                count(Status::Error),
            );
            m.not_attempted = asked.saturating_sub(spans.len());
            m.counts = Counts::Trace;
        }
    }
    m
}

/// Counts and speed from a book script's printed report, else (stopped by Ctrl-C, which ends
/// it with a traceback) from what the server answered until the script exited.
fn from_printed(
    printed: python::Printed,
    stats: Option<&flags_server::Stats>,
    wall_s: f64,
) -> Measure {
    let mut m = Measure {
        asked: printed.asked,
        ..Measure::default()
    };
    match (printed.summary, stats) {
        (Some(s), _) => {
            (m.ok, m.not_found, m.errors) = (s.ok, s.not_found, s.errors);
            m.not_attempted = s.not_attempted;
            m.elapsed_s = Some(s.elapsed_s);
        }
        (None, Some(stats)) => {
            m.ok = stats.ok as usize;
            m.not_found = stats.not_found as usize;
            m.errors = (stats.errors_injected + stats.rejected) as usize;
            m.not_attempted = m.asked.saturating_sub(m.ok + m.not_found + m.errors);
            m.elapsed_s = Some(wall_s);
            m.counts = Counts::Server;
        }
        (None, None) => m.not_attempted = m.asked,
    }
    m
}

/// What the run cost (from `wait4` and /proc), how it ended, and how close it came to the
/// least time the server's delays allow.
fn with_costs(mut m: Measure, done: &Finished) -> Measure {
    m.peak_rss_kib = done.max_rss_kib;
    (m.user_s, m.sys_s) = (done.user_s, done.sys_s);
    m.cpu_s = done.user_s + done.sys_s;
    m.threads_peak = done.threads_peak;
    m.exit_code = done.exit_code;
    m.budget_hit = done.budget_hit;
    m.killed = done.killed;
    let finished = m.ok + m.not_found + m.errors;
    m.items_per_s = m
        .elapsed_s
        .filter(|e| *e > 0.0)
        .map(|e| finished as f64 / e);
    m
}

impl Measure {
    /// The least time the server's injected delays allow over `concurrency` connections, and
    /// how close the run came to it.
    fn hold_to_ideal(&mut self, stats: &flags_server::Stats, concurrency: usize) {
        if stats.delays.count == 0 {
            return;
        }
        // N connections at once: the delays cannot take less than their sum spread over N,
        // nor less than the longest one.
        let n = concurrency.min(stats.delays.count as usize).max(1) as f64;
        let ideal = (stats.delays.sum_s / n).max(stats.delays.max_s);
        self.ideal_s = Some(ideal);
        self.efficiency = self.elapsed_s.filter(|e| *e > 0.0).map(|e| ideal / e);
    }
}

/// How many requests overlapped at most: the concurrency the trace shows.
pub fn max_in_flight(spans: &[Span]) -> usize {
    let mut events: Vec<(f64, i32)> = spans
        .iter()
        .flat_map(|t| [(t.start, 1), (t.end, -1)])
        .collect();
    // At equal times, an end comes before a start.
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in events {
        now += step;
        most = most.max(now);
    }
    most as usize
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
pub fn median_of(repeats: &[Measure]) -> Measure {
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
        in_flight_peak: of(&|m| m.in_flight_peak.map(|n| n as f64)).map(|n| n as usize),
        ideal_s: of(&|m| m.ideal_s),
        efficiency: of(&|m| m.efficiency),
        budget_hit: repeats.iter().any(|m| m.budget_hit),
        killed: repeats.iter().any(|m| m.killed),
        ..mid.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn a_killed_run_is_counted_from_its_trace() {
        let span = |start, end, status| Span { start, end, status };
        let spans = [
            span(0.0, 1.0, Status::Ok),
            span(0.5, 1.5, Status::NotFound),
            span(1.0, 2.0, Status::Ok),
        ];
        let m = from_trace(None, &spans, 10);
        assert_eq!((m.ok, m.not_found, m.errors, m.not_attempted), (2, 1, 0, 7));
        assert_eq!((m.counts, m.in_flight_peak), (Counts::Trace, Some(2)));
    }
}
