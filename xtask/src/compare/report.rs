//! The outputs: a table for the terminal, the headlines, report.md, report.json and the SVG
//! files (report.html is put together from them by `html`).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::cli::{Scenario, Settings, first_seen};
use super::measure::{Counts, Measure, Row};
use super::{charts, timeline};

pub const HEADER: [&str; 15] = [
    "scenario",
    "downloader",
    "-m",
    "items/s",
    "elapsed s",
    "OK",
    "404",
    "errors",
    "not att.",
    "RSS MiB",
    "threads",
    "CPU s",
    "ideal s",
    "efficiency",
    "note",
];

pub fn cells(row: &Row) -> [String; 15] {
    let m = &row.median;
    let opt =
        |v: Option<f64>, digits: usize| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
    [
        row.scenario.label().to_string(),
        row.downloader.to_string(),
        row.concurrency.to_string(),
        opt(m.items_per_s, 2),
        opt(m.elapsed_s, 2),
        m.ok.to_string(),
        m.not_found.to_string(),
        m.errors.to_string(),
        m.not_attempted.to_string(),
        format!("{:.1}", m.peak_rss_kib as f64 / 1024.0),
        m.threads_peak.to_string(),
        format!("{:.2}", m.cpu_s),
        opt(m.ideal_s, 2),
        m.efficiency
            .map_or("-".to_string(), |e| format!("{:.0}%", e * 100.0)),
        note(m),
    ]
}

fn note(m: &Measure) -> String {
    let ended = match (m.killed, m.budget_hit) {
        (true, _) => "killed",
        (false, true) => "budget",
        _ => "",
    };
    let counts = match m.counts {
        Counts::Report => "",
        Counts::Trace => "trace counts",
        Counts::Server => "server counts",
    };
    [ended, counts]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Columns written as words (left-aligned); the others are numbers.
pub fn is_text_column(i: usize) -> bool {
    i < 2 || i == 14
}

/// Left-aligned words, right-aligned numbers, columns as wide as their widest cell.
pub fn text_table(rows: &[Row]) -> String {
    let body: Vec<[String; 15]> = rows.iter().map(cells).collect();
    let mut widths = HEADER.map(str::len);
    for line in &body {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |line: &[String]| {
        let mut s = String::new();
        for (i, (cell, w)) in line.iter().zip(widths).enumerate() {
            let text = if is_text_column(i) {
                format!("{cell:<w$}")
            } else {
                format!("{cell:>w$}")
            };
            s += &text;
            s += "  ";
        }
        s.trim_end().to_string()
    };
    let mut out = render(&HEADER.map(String::from));
    out.push('\n');
    out += &"-".repeat(out.trim_end().len());
    for line in &body {
        out.push('\n');
        out += &render(line);
    }
    out
}

/// One line per scenario, like the talk's: each downloader at its highest concurrency, and
/// what ran (`-e`, or `-e -l 100, delays 0.05..0.5 s` with --quick).
pub fn headlines(settings: &Settings, rows: &[Row]) -> Vec<String> {
    let mut scenarios: Vec<Scenario> = rows.iter().map(|r| r.scenario).collect();
    scenarios.dedup();
    let downloaders = first_seen(rows.iter().map(|r| r.downloader.as_str()));
    scenarios
        .into_iter()
        .map(|scenario| {
            let mut parts = Vec::new();
            for downloader in &downloaders {
                let best = rows
                    .iter()
                    .filter(|r| r.scenario == scenario && r.downloader == *downloader)
                    .max_by_key(|r| r.concurrency);
                if let Some(row) = best {
                    let m = if row.concurrency > 1 {
                        format!(" -m {}", row.concurrency)
                    } else {
                        String::new()
                    };
                    parts.push(format!(
                        "{downloader}{m} {} items/s",
                        speed(row.median.items_per_s)
                    ));
                }
            }
            format!(
                "{} {}: {}",
                scenario.label(),
                settings.scope(scenario),
                parts.join(", ")
            )
        })
        .collect()
}

/// The settings in one sentence, for report.md and report.html.
pub fn settings_line(settings: &Settings) -> String {
    format!(
        "Every code from AA to ZZ (`-e`{}), {} repeat(s), median shown; budget {} s per run, then SIGINT; \
         {} build; server seed {}{}{}.",
        settings
            .limit
            .map_or(String::new(), |n| format!(", first {n}")),
        settings.repeat,
        settings.budget_s,
        settings.profile,
        settings.seed,
        settings.delay.as_ref().map_or(String::new(), |d| format!(
            ", delays {d} s on DELAY and ERROR"
        )),
        if settings.quick { " (--quick)" } else { "" },
    )
}

/// What the columns mean, under the table in report.md and report.html.
pub const COLUMN_NOTES: [&str; 5] = [
    "RSS and CPU come from the downloader's own `rusage` (wait4): peak resident memory, user + system time.",
    "threads is the peak of /proc/PID/status `Threads:`, sampled every 10 ms: the main thread, then one per \
     pool worker for flags-threadpool; flags-tokio runs every task on one thread (a current-thread runtime), \
     plus tokio's blocking pool, where `spawn_blocking` saves each file and reqwest looks up names, so its \
     count grows with how many of those overlap; ureq (flags-seq, flags-threadpool) adds a short-lived thread \
     per name lookup.",
    "ideal is the least time the server's injected delays allow: their sum over one connection, \
     max(sum/N, longest) for N, and efficiency is ideal / elapsed (our downloaders only: the book's \
     scripts give up on a request after 3.1 s).",
    "not att. is what a Ctrl-C spared: codes never started. note: budget (SIGINT at the time budget), \
     killed (SIGKILL: no end after it), trace counts (counted from the trace), server counts \
     (a book script that printed no report: counts from the server, speed over its time from start to exit).",
    "Figures are from one machine at one time, other work running; read them as orders of magnitude.",
];

/// Speeds as the talk says them: 0.36, 1.92, 150.
fn speed(v: Option<f64>) -> String {
    v.map_or("-".to_string(), charts::figure)
}

fn markdown(settings: &Settings, headlines: &[String], rows: &[Row]) -> String {
    let mut md = String::from("# Flags downloaders compared\n\n");
    let _ = writeln!(md, "{}\n", settings_line(settings));
    for line in headlines {
        let _ = writeln!(md, "- {line}");
    }
    md.push('\n');
    let _ = writeln!(md, "| {} |", HEADER.join(" | "));
    let _ = writeln!(
        md,
        "|{}",
        HEADER
            .iter()
            .enumerate()
            .map(|(i, _)| if is_text_column(i) { "---|" } else { "---:|" })
            .collect::<String>()
    );
    for row in rows {
        let _ = writeln!(md, "| {} |", cells(row).join(" | "));
    }
    md.push('\n');
    for note in COLUMN_NOTES {
        let _ = writeln!(md, "- {note}");
    }
    md
}

/// What report.json and sweep.json hold, as far as report.html needs.
#[derive(Serialize, Deserialize)]
pub struct Report {
    pub settings: Settings,
    /// The lines a teacher quotes.
    #[serde(default)]
    pub headlines: Vec<String>,
    pub rows: Vec<Row>,
}

pub fn write_all(
    out: &Path,
    settings: &Settings,
    headlines: &[String],
    rows: &[Row],
    timeline_scenario: Scenario,
) -> anyhow::Result<()> {
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("report.md", &markdown(settings, headlines, rows))?;
    // The shape of `Report`, written from borrowed parts.
    let json = serde_json::json!({ "settings": settings, "headlines": headlines, "rows": rows });
    write("report.json", &serde_json::to_string_pretty(&json)?)?;
    write("report.svg", &charts::speed(rows)?)?;
    write("memory.svg", &charts::memory(rows)?)?;
    write("timeline.svg", &timeline::draw(rows, timeline_scenario)?)?;
    Ok(())
}
