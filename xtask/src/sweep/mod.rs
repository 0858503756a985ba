//! `cargo xtask sweep`: how the cost grows with concurrency. flags-threadpool and flags-tokio
//! (and, with `--python DIR`, the book's flags2_threadpool.py and flags2_asyncio.py) on the
//! DELAY profile at each `-m`, the sequential ones once as the baseline; the same building,
//! measuring and reports as `compare`, whose parts it reuses.

mod chart;

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use crate::compare::{
    self, Common, Impl, QuickDefaults, Row, Session, Settings, distinct, first_seen, interrupted,
};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Concurrency levels (-m), comma-separated
    #[arg(
        short = 'm',
        long = "max-req",
        value_name = "N,..",
        value_delimiter = ',',
        default_value = "1,10,100,1000",
        value_parser = compare::at_least_one
    )]
    levels: Vec<usize>,
    /// Downloaders, comma-separated (the sequential one runs once, at -m 1)
    #[arg(
        long = "impl",
        value_enum,
        value_delimiter = ',',
        default_value = "seq,threadpool,tokio"
    )]
    implementation: Vec<Impl>,
    #[command(flatten)]
    common: Common,
}

/// `--quick`: 400 codes (so that -m 100 and -m 1000 differ by 300 requests in flight), delays
/// of 0.2..0.5 s.
const QUICK: QuickDefaults = QuickDefaults {
    limit: 400,
    delay: "0.2..0.5",
};

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let session = match Session::prepare(&args.common, &QUICK)? {
        Ok(session) => session,
        Err(code) => return Ok(code),
    };
    let settings = &session.settings;
    if settings.quick {
        eprintln!(
            "--quick: {} codes, delays {} s, budget {} s, {} repeat: a rehearsal of the full sweep (about 10 minutes), not the figures to quote.",
            settings.codes(),
            settings.delay.as_deref().unwrap_or("the server's"),
            settings.budget_s,
            settings.repeat
        );
    }
    let plan = compare::sweep_plan(
        &distinct(&args.implementation),
        &distinct(&args.levels),
        session.python.is_some(),
    );
    let Some(rows) = compare::measure_all(&plan, &session.bench())? else {
        return Ok(interrupted());
    };

    let costs = per_request(&rows);
    let headlines = headlines(settings, &rows, &costs);
    println!("{}", compare::text_table(&rows));
    for line in &headlines {
        println!("{line}");
    }
    write(
        &session.out,
        settings,
        &distinct(&args.levels),
        &headlines,
        &costs,
        &rows,
    )?;
    compare::write_html(&session.out)?;
    println!(
        "\nIn {}: sweep.json, sweep.svg, and a section of report.html",
        session.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Memory per request in flight: the slope of peak RSS between the two highest levels.
#[derive(Debug, Serialize, PartialEq)]
pub struct Cost {
    pub downloader: String,
    pub from_m: usize,
    pub to_m: usize,
    /// Requests in flight at each of the two levels (from the trace, else min(-m, codes)).
    pub in_flight: (usize, usize),
    pub rss_kib: (u64, u64),
    pub kib_per_request: f64,
}

fn in_flight(row: &Row) -> usize {
    row.median
        .in_flight_peak
        .unwrap_or(row.concurrency.min(row.median.asked))
}

pub fn per_request(rows: &[Row]) -> Vec<Cost> {
    first_seen(rows.iter().map(|r| r.downloader.as_str()))
        .into_iter()
        .filter_map(|name| {
            let mut of: Vec<&Row> = rows.iter().filter(|r| r.downloader == name).collect();
            of.sort_by_key(|r| r.concurrency);
            let [.., lo, hi] = of.as_slice() else {
                return None;
            };
            let (a, b) = (in_flight(lo), in_flight(hi));
            if b <= a {
                return None;
            }
            let (ra, rb) = (lo.median.peak_rss_kib, hi.median.peak_rss_kib);
            Some(Cost {
                downloader: name.to_string(),
                from_m: lo.concurrency,
                to_m: hi.concurrency,
                in_flight: (a, b),
                rss_kib: (ra, rb),
                kib_per_request: (rb as f64 - ra as f64) / (b - a) as f64,
            })
        })
        .collect()
}

/// `~300 KiB`; a slope that is not positive (the noise of a shared machine, or a run that did
/// less at the higher level) says so instead of printing a negative cost.
fn kib(v: f64) -> String {
    if v <= 0.0 {
        "too little to measure (peak RSS did not grow)".to_string()
    } else if v >= 100.0 {
        format!("~{v:.0} KiB")
    } else {
        format!("~{v:.1} KiB")
    }
}

/// The lines a teacher quotes: the cost of a thread and of a task in flight, then the
/// figures at the highest level every concurrent downloader reached.
pub fn headlines(settings: &Settings, rows: &[Row], costs: &[Cost]) -> Vec<String> {
    let cost = |name: &str| costs.iter().find(|c| c.downloader == name);
    let mut lines = Vec::new();
    let pair =
        |threads: Option<&Cost>, tasks: Option<&Cost>, task_word: &str| match (threads, tasks) {
            (Some(t), Some(k)) => Some(format!(
                "a thread in flight costs {}, a {task_word} {}",
                kib(t.kib_per_request),
                kib(k.kib_per_request)
            )),
            (Some(t), None) => Some(format!(
                "a thread in flight costs {}",
                kib(t.kib_per_request)
            )),
            (None, Some(k)) => Some(format!(
                "a {task_word} in flight costs {}",
                kib(k.kib_per_request)
            )),
            (None, None) => None,
        };
    let slope = |c: Option<&Cost>| c.map(|c| format!("-m {} to -m {}", c.from_m, c.to_m));
    if let Some(line) = pair(cost("flags-threadpool"), cost("flags-tokio"), "task") {
        let span = slope(cost("flags-threadpool").or(cost("flags-tokio"))).unwrap_or_default();
        lines.push(format!("Rust: {line} (peak RSS, {span})"));
    }
    if let Some(line) = pair(
        cost("flags2_threadpool.py"),
        cost("flags2_asyncio.py"),
        "coroutine",
    ) {
        lines.push(format!("The book's Python: {line}"));
    }
    // The highest -m that every concurrent downloader ran at.
    let concurrent: Vec<&Row> = rows.iter().filter(|r| r.concurrency > 1).collect();
    let mut names: Vec<&str> = concurrent.iter().map(|r| r.downloader.as_str()).collect();
    names.dedup();
    let common = concurrent
        .iter()
        .map(|r| r.concurrency)
        .filter(|m| {
            names.iter().all(|n| {
                concurrent
                    .iter()
                    .any(|r| r.downloader == *n && r.concurrency == *m)
            })
        })
        .max();
    if let Some(m) = common {
        let parts: Vec<String> = concurrent
            .iter()
            .filter(|r| r.concurrency == m)
            .map(|r| {
                format!(
                    "{} {:.1} MiB, {} threads",
                    r.downloader,
                    r.median.peak_rss_kib as f64 / 1024.0,
                    r.median.threads_peak
                )
            })
            .collect();
        lines.push(format!(
            "DELAY {} at -m {m}: {}",
            settings.scope(compare::Scenario::Delay),
            parts.join("; ")
        ));
    }
    lines
}

fn write(
    out: &Path,
    settings: &Settings,
    levels: &[usize],
    headlines: &[String],
    costs: &[Cost],
    rows: &[Row],
) -> anyhow::Result<()> {
    let json = serde_json::json!({
        "settings": settings,
        "levels": levels,
        "headlines": headlines,
        "per_request": costs,
        "rows": rows,
    });
    let mut text = serde_json::to_string_pretty(&json)?;
    let _ = writeln!(text);
    let path = out.join("sweep.json");
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    let path = out.join("sweep.svg");
    std::fs::write(&path, chart::draw(rows, settings)?)
        .with_context(|| format!("cannot write {}", path.display()))
}
