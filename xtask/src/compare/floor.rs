//! compare's floor: each LOCAL row of ours gets this machine's least time for the same job
//! (`bench::floor`) and how far above it the row is; the lines that say what the floor is made of.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use flags_server::Profile;

use crate::bench::downloader::{Downloader, Impl};
use crate::bench::floor::{Client, Floor, Meter, REPEATS};
use crate::bench::invocation::Codes;
use crate::bench::measure::median;
use crate::bench::process::aborted;
use crate::bench::runs::{Bench, Row};

/// Fill in the floor of every LOCAL row of ours; the lines that say it, for the headlines.
/// None when Ctrl-C stopped it.
pub fn fill(rows: &mut [Row], bench: &Bench<'_>) -> anyhow::Result<Option<Vec<String>>> {
    let ours = |r: &Row| match (r.scenario, r.downloader) {
        (Profile::Local, Downloader::Rust(implementation)) => Some(implementation),
        _ => None,
    };
    if !rows.iter().any(|r| ours(r).is_some()) {
        return Ok(Some(Vec::new()));
    }
    let codes = Codes {
        all: false,
        limit: bench.settings.limit,
    };
    let scratch = bench.downloads.path().join("floor");
    let mut meter = Meter::start(&bench.bins.server, bench.settings.seed, codes, scratch)?;
    let mut requests: BTreeMap<usize, f64> = BTreeMap::new();
    let mut startup: BTreeMap<Impl, f64> = BTreeMap::new();
    for row in rows.iter_mut() {
        let Some(implementation) = ours(row) else {
            continue;
        };
        let connections = row.concurrency.min(meter.gets()).max(1);
        if let Entry::Vacant(slot) = requests.entry(connections) {
            slot.insert(meter.requests(connections)?);
        }
        if let Entry::Vacant(slot) = startup.entry(implementation) {
            slot.insert(meter.start_up(bench.bins.downloader(implementation))?);
        }
        if aborted() {
            return Ok(None);
        }
        row.floor = Some(Floor {
            startup_s: startup[&implementation],
            requests_s: requests[&connections],
            library_s: row.median.library_floor_s,
            connections,
            ..Floor::default()
        });
    }
    let (files_s, files) = meter.files()?;
    for row in rows.iter_mut() {
        if let Some(floor) = row.floor.as_mut() {
            floor.files_s = files_s;
            floor.files = files;
            floor.times = row
                .median
                .elapsed_s
                .map(|e| (floor.startup_s + e) / floor.total_s());
            // Run by run: each against the library floor's runs around it.
            let ratios = row.repeats.iter().filter_map(|m| {
                let (elapsed, library) = (m.elapsed_s?, m.library_floor_s?);
                Some(elapsed / library)
            });
            floor.library_times = median(ratios.collect());
        }
    }
    let mut lines = vec![parts(&requests, &startup, files_s, files, meter.gets())];
    lines.extend(each_row(
        rows,
        "LOCAL × floor, (start-up + elapsed) / floor",
        |f| f.times,
    ));
    let built = bench.bins.library_floor.is_some();
    lines.push(library_parts(rows, meter.gets(), built));
    lines.extend(each_row(
        rows,
        "LOCAL × library floor, the median over the repeats of a run's elapsed / the mean of the \
         library floor's runs around it",
        |f| f.library_times,
    ));
    Ok(Some(lines))
}

/// What the library floors measured, or why there are none (`built`: the program is there).
fn library_parts(rows: &[Row], gets: usize, built: bool) -> String {
    let library: BTreeMap<(Client, usize), f64> = rows
        .iter()
        .filter_map(|row| {
            let Downloader::Rust(implementation) = row.downloader else {
                return None;
            };
            let seconds = row.floor.as_ref()?.library_s?;
            Some(((implementation.client(), row.concurrency), seconds))
        })
        .collect();
    if !built {
        return "No library floor: --bin-dir has no examples/library_floor (cargo build -p \
                flags-common --features ureq,reqwest --example library_floor)."
            .to_string();
    }
    if library.is_empty() {
        return "No library floor: no LOCAL run of ours ended whole.".to_string();
    }
    let each: Vec<String> = library
        .iter()
        .map(|((client, n), s)| format!("{} -m {n} {:.1} ms", client.name(), s * 1000.0))
        .collect();
    format!(
        "Library floor, the same {gets} GETs by the row's own client set up as ours, and nothing \
         else (no trace, no saves, no progress line), run just before and just after each of the \
         row's runs: {}.",
        each.join(", ")
    )
}

/// Each LOCAL row against a floor, in one line after `title`: `flags-tokio -m 5 1.10×, ...`.
fn each_row(rows: &[Row], title: &str, times: fn(&Floor) -> Option<f64>) -> Option<String> {
    let parts: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let x = times(row.floor.as_ref()?)?;
            Some(format!("{} -m {} {x:.2}×", row.downloader, row.concurrency))
        })
        .collect();
    (!parts.is_empty()).then(|| format!("{title}: {}.", parts.join(", ")))
}

/// What the floor is made of, for the headlines.
fn parts(
    requests: &BTreeMap<usize, f64>,
    startup: &BTreeMap<Impl, f64>,
    files_s: f64,
    files: usize,
    gets: usize,
) -> String {
    let ms = |s: f64| format!("{:.1} ms", s * 1000.0);
    let over: Vec<String> = requests
        .iter()
        .map(|(&n, &s)| {
            let plural = if n == 1 { "" } else { "s" };
            format!("{} over {n} connection{plural}", ms(s))
        })
        .collect();
    let starts: Vec<String> = startup
        .iter()
        .map(|(i, &s)| format!("{} {}", i.package(), ms(s)))
        .collect();
    format!(
        "LOCAL floor, start-up + the longer of requests and files (medians of {REPEATS}, on a \
         machine doing other work): {gets} keep-alive GETs {}; {files} files written {}; start-up \
         (a -l 1 run) {}.",
        over.join(", "),
        ms(files_s),
        starts.join(", "),
    )
}
