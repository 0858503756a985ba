//! The table of rows, its columns listed once: each with its title, alignment and cell. The
//! terminal's text table, report.md's and report.html's are drawn from the same list.

use std::fmt::Write as _;

use crate::bench::measure::{Counts, Measure};
use crate::bench::runs::Row;

/// Words are left-aligned, numbers right-aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One column: its title, how it is aligned, what it shows of a row, and whether the
/// terminal's table (at most 100 columns) has it; report.md and report.html have them all.
pub struct Column {
    pub title: &'static str,
    pub align: Align,
    pub cell: fn(&Row) -> String,
    pub terminal: bool,
}

/// The columns, in order. Adding one is one entry here.
pub const COLUMNS: [Column; 17] = [
    // The terminal groups the rows under their scenario instead.
    text("scenario", |r| r.scenario.label().to_string()).full_only(),
    text("downloader", |r| r.downloader.to_string()),
    number("-m", |r| r.concurrency.to_string()),
    number("items/s", |r| opt(r.median.items_per_s, 2)),
    number("elapsed s", |r| opt(r.median.elapsed_s, 2)),
    number("OK", |r| r.median.tally.ok.to_string()),
    number("404", |r| r.median.tally.not_found.to_string()),
    number("errors", |r| r.median.tally.errors.to_string()),
    number("not att.", |r| r.median.tally.not_attempted.to_string()),
    number("RSS MiB", |r| {
        let mib = r.median.usage.peak_rss_kib.map(|k| k as f64 / 1024.0);
        measured(mib, 1)
    }),
    number("threads", |r| {
        r.median
            .threads_peak
            .map_or(NOT_MEASURED.into(), |t| t.to_string())
    }),
    number("× floor", |r| {
        let times = r.floor.as_ref().and_then(|f| f.times);
        times.map_or("-".to_string(), |x| format!("{x:.2}×"))
    })
    // The terminal has it as a headline: the table would pass 100 columns.
    .full_only(),
    number("× library floor", |r| {
        let times = r.floor.as_ref().and_then(|f| f.library_times);
        times.map_or("-".to_string(), |x| format!("{x:.2}×"))
    })
    .full_only(),
    number("CPU s", |r| measured(r.median.cpu_s(), 2)).full_only(),
    number("ideal s", |r| opt(r.median.ideal_s, 2)).full_only(),
    number("efficiency", |r| {
        let percent = |e: f64| format!("{:.0}%", e * 100.0);
        r.median.efficiency.map_or("-".to_string(), percent)
    })
    .full_only(),
    text("note", |r| note(&r.median)),
];

const fn text(title: &'static str, cell: fn(&Row) -> String) -> Column {
    Column {
        title,
        align: Align::Left,
        cell,
        terminal: true,
    }
}

const fn number(title: &'static str, cell: fn(&Row) -> String) -> Column {
    Column {
        title,
        align: Align::Right,
        cell,
        terminal: true,
    }
}

impl Column {
    /// In report.md and report.html only.
    const fn full_only(self) -> Column {
        Column {
            terminal: false,
            ..self
        }
    }
}

/// A figure this OS does not give (see the README: what each OS measures).
const NOT_MEASURED: &str = "n/a";

/// A figure that may not apply to a run: `-`.
fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.digits$}"))
}

/// A figure the OS may not give: `n/a`.
fn measured(v: Option<f64>, digits: usize) -> String {
    v.map_or(NOT_MEASURED.to_string(), |v| format!("{v:.digits$}"))
}

/// How the run ended, and where its counts come from, when either is not plain.
fn note(m: &Measure) -> String {
    let ended = match (m.killed, m.budget_hit) {
        (true, _) => "killed",
        (false, true) => "budget",
        (false, false) => "",
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

/// Each row's cells, in the order of `COLUMNS`.
pub fn cells(row: &Row) -> Vec<String> {
    COLUMNS.iter().map(|c| (c.cell)(row)).collect()
}

/// For the terminal, within 100 columns: the rows under a line naming their scenario, the
/// terminal's columns as wide as their widest cell, a rule under the titles.
pub fn text_table(rows: &[Row]) -> String {
    let columns: Vec<&Column> = COLUMNS.iter().filter(|c| c.terminal).collect();
    let cells = |row: &Row| -> Vec<String> { columns.iter().map(|c| (c.cell)(row)).collect() };
    let body: Vec<Vec<String>> = rows.iter().map(cells).collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.title.len()).collect();
    for line in &body {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |line: &[String]| {
        let mut s = String::new();
        for ((cell, w), column) in line.iter().zip(&widths).zip(&columns) {
            let _ = match column.align {
                Align::Left => write!(s, "{cell:<w$}  "),
                Align::Right => write!(s, "{cell:>w$}  "),
            };
        }
        s.trim_end().to_string()
    };
    let titles: Vec<String> = columns.iter().map(|c| c.title.to_string()).collect();
    let mut out = render(&titles);
    out.push('\n');
    out += &"-".repeat(out.trim_end().len());
    let mut scenario = None;
    for (row, line) in rows.iter().zip(&body) {
        if scenario != Some(row.scenario) {
            scenario = Some(row.scenario);
            let _ = write!(out, "\n{}", row.scenario.label());
        }
        out.push('\n');
        out += &render(line);
    }
    out
}

/// For report.md.
pub fn markdown_table(rows: &[Row]) -> String {
    let titles: Vec<&str> = COLUMNS.iter().map(|c| c.title).collect();
    let mut md = format!("| {} |\n|", titles.join(" | "));
    for column in &COLUMNS {
        md += match column.align {
            Align::Left => "---|",
            Align::Right => "---:|",
        };
    }
    md.push('\n');
    for row in rows {
        let _ = writeln!(md, "| {} |", cells(row).join(" | "));
    }
    md
}

/// For report.html; `escape` makes a cell HTML.
pub fn html_table(rows: &[Row], escape: fn(&str) -> String) -> String {
    let mut html = String::from("<table>\n<tr>");
    for column in &COLUMNS {
        let _ = write!(html, "<th>{}</th>", escape(column.title));
    }
    html.push_str("</tr>\n");
    for row in rows {
        html.push_str("<tr>");
        for column in &COLUMNS {
            let cell = escape(&(column.cell)(row));
            let _ = match column.align {
                Align::Left => write!(html, "<td>{cell}</td>"),
                Align::Right => write!(html, "<td class=\"n\">{cell}</td>"),
            };
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    html
}
