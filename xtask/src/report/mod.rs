//! What the measuring tasks write, shared by compare and sweep: the table (its columns listed
//! once), the settings line and the notes on the columns, report.md, the bar charts, and
//! report.html put together from whatever is in the output directory.
//!
//! - `table`: the columns, and the table for the terminal, markdown and HTML.
//! - `charts`: the bar charts (speed, memory) and what other charts share (colours, the order
//!   of the scenarios, what marks a run the budget cut).
//! - `draw`: drawing in pixels: text a back row reads, bars, stripes, axis steps, labels apart.
//! - `html`: report.html.

pub mod charts;
pub mod draw;
pub mod html;
pub mod table;

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::bench::options::Settings;
use crate::bench::runs::Row;

/// What report.json and sweep.json hold, as far as report.html needs.
#[derive(Serialize, Deserialize)]
pub struct Report {
    pub settings: Settings,
    /// The lines a teacher quotes.
    #[serde(default)]
    pub headlines: Vec<String>,
    pub rows: Vec<Row>,
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
        settings.profile.name(),
        settings.seed,
        settings.delay.as_ref().map_or(String::new(), |d| format!(
            ", delays {d} s on DELAY and ERROR"
        )),
        if settings.quick { " (--quick)" } else { "" },
    )
}

/// What the columns mean, under the table in report.md and report.html.
pub const COLUMN_NOTES: [&str; 8] = [
    "RSS is each program's own peak resident memory: ours say it in their report (Linux's VmHWM as they end); the book's scripts are read in procfs every 10 ms; never wait4's ru_maxrss, which a child starts with its parent's. CPU is user + system time, from wait4.",
    "threads is the peak of the `Threads:` line of the process's status in procfs (Linux), sampled every 10 ms: the main thread, then one per \
     pool worker for flags-threadpool; flags-tokio and flags-combinators run every task on one thread (a \
     current-thread runtime), plus one blocking thread where `spawn_blocking` saves the files, and the \
     Ctrl-C handler's; ureq (flags-seq, flags-threadpool) looks the server's name up once per run.",
    "ideal is the least time the server's injected delays allow: their sum over one connection, \
     max(sum/N, longest) for N, and efficiency is ideal / elapsed (our downloaders only: the book's \
     scripts give up on a request after 3.1 s).",
    "× floor (LOCAL, our downloaders): (start-up + elapsed) / floor. The floor is this machine's least time \
     for the same job, measured after the runs against a LOCAL server of its own, each part the median of 5 \
     tries: start-up is the downloader's own `-l 1` run, spawn to exit; requests are the same GETs as \
     keep-alive HTTP/1.1 over plain blocking sockets, as many connections as -m, one thread per core; files \
     are the 200s' bodies written with one plain write each into a new directory. It leaves out what a \
     downloader does besides: URL and redirect handling, checks of each answer, saving each flag whole \
     (a temporary file, then a rename), the progress line and the trace. The floor is the start-up plus the \
     longer of the requests and the files, which a downloader may overlap: no run can come under it by \
     writing while it downloads.",
    "× library floor (LOCAL, our downloaders): elapsed / the library's floor. The library's floor is the same GETs \
     made by the row's own HTTP client (ureq's agent for flags-seq and flags-threadpool, one thread per request \
     in flight; reqwest's client on one current-thread runtime for flags-tokio and flags-combinators, one task \
     per request in flight), set up as the downloaders set it up, at the same -m, each body read whole and \
     nothing else: flags-common's example library_floor, timed from before the client is made to the last \
     body, as a run's elapsed is. It runs just before and just after each repeat, against the same server, \
     and the column is the median over the repeats of elapsed / the mean of those two. What a row takes beyond it is this project's own code: the \
     job's bookkeeping, the trace, the saves, the progress line.",
    "not att. is what a Ctrl-C spared: codes never started. note: budget (SIGINT at the time budget), \
     killed (SIGKILL: no end after it), trace counts (counted from the trace), server counts \
     (a book script that printed no report: counts from the server, speed over its time from start to exit).",
    "n/a: a figure this operating system does not give (threads outside Linux; RSS and CPU outside Unix).",
    "Figures are from one machine at one time, other work running; read them as orders of magnitude.",
];

/// report.md: the title, the settings, the headlines, the table, the notes.
pub fn markdown(settings: &Settings, headlines: &[String], rows: &[Row]) -> String {
    let mut md = String::from("# Flags downloaders compared\n\n");
    let _ = writeln!(md, "{}\n", settings_line(settings));
    for line in headlines {
        let _ = writeln!(md, "- {line}");
    }
    md.push('\n');
    md += &table::markdown_table(rows);
    md.push('\n');
    for note in COLUMN_NOTES {
        let _ = writeln!(md, "- {note}");
    }
    md
}

/// Write `text` to `out/name`, saying which file could not be written.
pub fn write_file(out: &Path, name: &str, text: &str) -> anyhow::Result<()> {
    let path = out.join(name);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}
