//! The measuring: one server process per profile, each planned run `--repeat` times, and what
//! each run cost, read from the child's resource usage, its `--trace` (typed events) and the
//! server's typed `/_stats`.

use std::path::Path;

use anyhow::{Context, bail};
use flags_server::Profile;
use serde::{Deserialize, Serialize};

use super::build::Bins;
use super::downloader::Downloader;
use super::downloads::Downloads;
use super::floor::{Floor, LibraryFloor};
use super::invocation::{Codes, Invocation};
use super::measure::Measure;
use super::options::Settings;
use super::parts::Sampler;
use super::plan::Run;
use super::process::{self, aborted};
use super::progress::Progress;
use super::python::{self, Python};
use super::server::ServerProcess;
use super::trace::{self, Span};

/// One line of the report: a downloader at one concurrency against one server profile.
#[derive(Debug, Serialize, Deserialize)]
pub struct Row {
    pub scenario: Profile,
    pub downloader: Downloader,
    pub concurrency: usize,
    /// The median of the repeats.
    pub median: Measure,
    pub repeats: Vec<Measure>,
    /// The first repeat's requests, for the timeline.
    #[serde(skip)]
    pub timeline: Vec<Span>,
    /// LOCAL rows of ours: this machine's least time for the same job (see `floor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<Floor>,
}

impl Row {
    /// `flags-tokio -m 1000`: how the charts name it.
    pub fn label(&self) -> String {
        format!("{} -m {}", self.downloader, self.concurrency)
    }
}

/// What every run shares.
pub struct Bench<'a> {
    pub bins: &'a Bins,
    pub settings: &'a Settings,
    pub out: &'a Path,
    pub python: Option<&'a Python>,
    /// Where the runs save their flags, a directory for each run.
    pub downloads: &'a Downloads,
    /// The library floor, run beside each LOCAL run of ours (compare's); None: not run.
    pub library_floor: Option<&'a Path>,
    /// Read each run's stacks while it goes on (the sweep's `parts`).
    pub parts: bool,
}

/// Every planned run, each `--repeat` times, profile by profile. None when Ctrl-C stopped it.
pub fn all(plan: &[Run], bench: &Bench<'_>) -> anyhow::Result<Option<Vec<Row>>> {
    let repeat = bench.settings.repeat;
    let mut progress = Progress::new(plan.len() * repeat);
    let mut profiles: Vec<Profile> = plan.iter().map(|r| r.profile).collect();
    profiles.dedup();
    let mut rows = Vec::new();
    for profile in profiles {
        let server = start_server(bench, profile)?;
        for run in plan.iter().filter(|r| r.profile == profile) {
            let mut repeats = Vec::new();
            let mut timeline = Vec::new();
            for r in 1..=repeat {
                let label = format!(
                    "{} {} -m {} #{r}",
                    profile.label(),
                    run.downloader,
                    run.concurrency
                );
                progress.step(&label);
                let result = one(run, r, &server, bench);
                if aborted() {
                    progress.clear();
                    return Ok(None);
                }
                let (measure, spans) = result?;
                progress.note(&label, measure.items_per_s);
                if r == 1 {
                    timeline = spans;
                }
                repeats.push(measure);
            }
            rows.push(Row {
                scenario: profile,
                downloader: run.downloader,
                concurrency: run.concurrency,
                median: Measure::median_of(&repeats),
                repeats,
                timeline,
                floor: None,
            });
        }
    }
    progress.clear();
    Ok(Some(rows))
}

/// A `flags-server` process for `profile`: on a free port, or on the book's with `--python`.
fn start_server(bench: &Bench<'_>, profile: Profile) -> anyhow::Result<ServerProcess> {
    let port = bench.python.and_then(|p| p.port(profile)).unwrap_or(0);
    let settings = bench.settings;
    ServerProcess::start(
        &bench.bins.server,
        profile,
        port,
        settings.seed,
        settings.delay,
    )
}

/// One run: reset the server's statistics, run the program (its stacks read meanwhile, for the
/// sweep), read what it reports, its trace and the server's statistics; for compare's LOCAL
/// runs of ours, the library floor just before and just after it.
fn one(
    run: &Run,
    repeat: usize,
    server: &ServerProcess,
    bench: &Bench<'_>,
) -> anyhow::Result<(Measure, Vec<Span>)> {
    // The codes the run asks for, and its library floor too.
    let codes = Codes {
        all: false,
        limit: bench.settings.limit,
    };
    let library = LibraryFloor::beside(run, bench.library_floor, &server.ready.base_url, codes);
    let before = library.as_ref().map(LibraryFloor::run).transpose()?;
    server.reset_stats()?;
    let settings = bench.settings;
    let name = format!(
        "{}-{}-m{}-{repeat}",
        run.profile.label().to_lowercase(),
        run.downloader,
        run.concurrency,
    );
    // A directory of its own for each run (see `bench::downloads`).
    let dest = bench.downloads.for_run(&name)?;
    let trace = bench.out.join("traces").join(format!("{name}.jsonl"));
    let command = match (run.downloader, bench.python) {
        (Downloader::Rust(implementation), _) => {
            let _ = std::fs::remove_file(&trace);
            let invocation = Invocation {
                codes,
                max_req: run.concurrency,
                base_url: &server.ready.base_url,
                timeout: Some(settings.timeout()),
                dest: dest.path(),
                trace: &trace,
            };
            invocation.command(bench.bins.downloader(implementation))
        }
        (Downloader::Python(script), Some(python)) => python.command(
            script,
            run.profile,
            run.concurrency,
            settings.limit,
            dest.path(),
        ),
        (Downloader::Python(_), None) => bail!("a Python run without --python"),
    };
    let grace = process::grace(settings.timeout());
    // Ours are ready for their budget's SIGINT once their trace has begun; the book's scripts
    // have no trace.
    let ready = || !run.downloader.is_ours() || process::trace_begun(&trace);
    let budget = settings.budget();
    let out_of_budget = |elapsed| process::budget_out(elapsed, budget, grace, ready());
    let mut sampler = bench.parts.then(Sampler::start);
    let watch = |live| {
        if let Some(sampler) = sampler.as_mut() {
            sampler.watch(live);
        }
    };
    let finished = process::run_until(command, out_of_budget, grace, watch)
        .with_context(|| format!("cannot run {}", run.downloader))?;
    let stats = server.stats().ok();
    let (measure, spans) = match run.downloader {
        Downloader::Rust(_) => {
            let read = trace::read(&trace);
            let mut m = Measure::from_trace(read.summary.as_ref(), &read.spans, settings.codes());
            m.trace_threads = read.threads;
            m.trace_file = Some(trace);
            (m, read.spans)
        }
        Downloader::Python(_) => {
            let printed = python::read_report(&finished.stdout);
            let m = Measure::from_printed(
                printed.asked,
                printed.summary.as_ref(),
                stats.as_ref(),
                finished.wall_s,
            );
            (m, Vec::new())
        }
    };
    let mut measure = measure.with_costs(&finished);
    measure.parts = sampler.as_ref().map(Sampler::parts).unwrap_or_default();
    // The book's scripts give up on a request after 3.1 s, while the server's statistics count
    // each delay whole: no ideal time to hold them to.
    if let (true, Some(stats)) = (run.downloader.is_ours(), &stats) {
        measure.hold_to_ideal(stats, run.concurrency);
    }
    measure.server_stats = stats;
    if let (Some(library), Some(before)) = (&library, before) {
        measure.library_floor_s = library.around(before, &measure)?;
    }
    if measure.tally.asked == 0 {
        bail!(
            "{} reported nothing (exit {:?}):\n{}{}",
            run.downloader,
            finished.exit_code,
            finished.stdout,
            finished.stderr
        );
    }
    Ok((measure, spans))
}
