//! The outputs: a table for the terminal, the headline, report.md, report.json and report.html.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use super::{Measure, Row, Scenario, Settings, charts};

const HEADER: [&str; 15] = [
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

fn cells(row: &Row) -> [String; 15] {
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
    match (m.killed, m.budget_hit) {
        (true, _) => "killed".to_string(),
        (false, true) => "budget".to_string(),
        _ => String::new(),
    }
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
            let text = if i < 2 || i == 14 {
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

/// One line per scenario, like the talk's: each downloader at its highest concurrency.
pub fn headlines(rows: &[Row]) -> Vec<String> {
    let mut scenarios: Vec<Scenario> = rows.iter().map(|r| r.scenario).collect();
    scenarios.dedup();
    scenarios
        .into_iter()
        .map(|scenario| {
            let mut parts = Vec::new();
            for downloader in ["flags-seq", "flags-threadpool", "flags-tokio"] {
                let best = rows
                    .iter()
                    .filter(|r| r.scenario == scenario && r.downloader == downloader)
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
            format!("{} -e: {}", scenario.label(), parts.join(", "))
        })
        .collect()
}

/// Speeds as the talk says them: 0.36, 1.92, 150.
fn speed(v: Option<f64>) -> String {
    match v {
        None => "-".to_string(),
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) if v >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.2}"),
    }
}

fn markdown(settings: &Settings, rows: &[Row]) -> String {
    let mut md = String::from("# Flags downloaders compared\n\n");
    let _ = writeln!(
        md,
        "Every code from AA to ZZ (`-e`{}), {} repeat(s), median shown; budget {} s per run, then SIGINT; \
         {} build; server seed {}{}.\n",
        settings
            .limit
            .map_or(String::new(), |n| format!(", first {n}")),
        settings.repeat,
        settings.budget_s,
        settings.profile,
        settings.seed,
        settings
            .delay
            .as_ref()
            .map_or(String::new(), |d| format!(", delays {d} s")),
    );
    for line in headlines(rows) {
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
            .map(|(i, _)| if i < 2 { "---|" } else { "---:|" })
            .collect::<String>()
    );
    for row in rows {
        let _ = writeln!(md, "| {} |", cells(row).join(" | "));
    }
    md.push_str(
        "\nRSS and CPU come from the downloader's own `rusage` (wait4); threads is the peak of \
         /proc/PID/status `Threads:`; ideal is the least time the server's injected delays allow \
         (their sum over one connection, the longest for unbounded concurrency, max(sum/N, longest) for N).\n",
    );
    md
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html(settings: &Settings, rows: &[Row], chart: &str, timeline: &str) -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Flags downloaders compared</title>\n\
         <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:2px 8px}td.n{text-align:right}svg{max-width:100%;height:auto}</style>\n\
         </head>\n<body>\n<h1>Flags downloaders compared</h1>\n<ul>\n",
    );
    for line in headlines(rows) {
        let _ = writeln!(page, "<li>{}</li>", escape(&line));
    }
    let _ = writeln!(
        page,
        "</ul>\n<p>{} repeat(s), median shown; budget {} s per run; {} build; server seed {}.</p>\n<table>\n<tr>{}</tr>",
        settings.repeat,
        settings.budget_s,
        settings.profile,
        settings.seed,
        HEADER
            .iter()
            .map(|h| format!("<th>{}</th>", escape(h)))
            .collect::<String>()
    );
    for row in rows {
        let tds: String = cells(row)
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i < 2 || i == 14 {
                    format!("<td>{}</td>", escape(c))
                } else {
                    format!("<td class=\"n\">{}</td>", escape(c))
                }
            })
            .collect();
        let _ = writeln!(page, "<tr>{tds}</tr>");
    }
    let _ = write!(
        page,
        "</table>\n<h2>Speed</h2>\n{chart}\n<h2>Timeline</h2>\n{timeline}\n</body>\n</html>\n"
    );
    page
}

pub fn write_all(
    out: &Path,
    settings: &Settings,
    rows: &[Row],
    timeline_scenario: Scenario,
) -> anyhow::Result<()> {
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("report.md", &markdown(settings, rows))?;
    let json = serde_json::json!({ "settings": settings, "rows": rows });
    write("report.json", &serde_json::to_string_pretty(&json)?)?;
    let chart = charts::speed_chart(rows)?;
    write("report.svg", &chart)?;
    let timeline = charts::timeline(rows, timeline_scenario)?;
    write("timeline.svg", &timeline)?;
    write("report.html", &html(settings, rows, &chart, &timeline))?;
    Ok(())
}
