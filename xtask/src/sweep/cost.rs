//! What concurrency costs: the memory each request in flight adds (the slope of peak RSS
//! between the two highest levels), and the sweep's headlines.

use flags_server::Profile;
use serde::Serialize;

use crate::bench::downloader::{Downloader, Model};
use crate::bench::options::{Settings, first_seen};
use crate::bench::runs::Row;

/// Memory per request in flight: the slope of peak RSS between the two highest levels, and of
/// its parts.
#[derive(Debug, Serialize, PartialEq)]
pub struct Cost {
    pub downloader: Downloader,
    pub from_m: usize,
    pub to_m: usize,
    /// Requests in flight at each of the two levels (from the trace, else min(-m, codes)).
    pub in_flight: (usize, usize),
    pub rss_kib: (u64, u64),
    pub kib_per_request: f64,
    /// What it is made of (ours, on Linux).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<PartsPerRequest>,
}

/// A request in flight, by part, KiB: what its RSS holds (the stacks' resident pages, the
/// connection's buffers as allocated, the rest), and the kernel's stack, which RSS leaves out.
#[derive(Debug, Serialize, PartialEq)]
pub struct PartsPerRequest {
    pub stack_kib: f64,
    pub buffers_kib: f64,
    /// RSS per request less the stack and the buffers: the allocator's arenas, the request's
    /// and the connection's state, the future.
    pub rest_kib: f64,
    pub kernel_stack_kib: f64,
}

/// A connection's buffers as both clients allocate them: one to read, one to write.
const BUFFERS_KIB: f64 = 2.0 * flags_common::bounds::CONNECTION_BUFFER as f64 / 1024.0;

fn in_flight(row: &Row) -> usize {
    row.median
        .in_flight_peak
        .unwrap_or(row.concurrency.min(row.median.tally.asked))
}

pub fn per_request(rows: &[Row]) -> Vec<Cost> {
    first_seen(rows.iter().map(|r| r.downloader))
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
            let (ra, rb) = (lo.median.usage.peak_rss_kib?, hi.median.usage.peak_rss_kib?);
            let slope = |lo: u64, hi: u64| (hi as f64 - lo as f64) / (b - a) as f64;
            let kib_per_request = slope(ra, rb);
            let part = |f: fn(&Row) -> Option<u64>| Some(slope(f(lo)?, f(hi)?));
            let parts = name.is_ours().then(|| {
                let stack_kib = part(|r| r.median.parts.stacks_kib)?;
                let kernel_stack_kib = part(|r| r.median.parts.kernel_stacks_kib)?;
                Some(PartsPerRequest {
                    stack_kib,
                    buffers_kib: BUFFERS_KIB,
                    rest_kib: kib_per_request - stack_kib - BUFFERS_KIB,
                    kernel_stack_kib,
                })
            });
            Some(Cost {
                downloader: name,
                from_m: lo.concurrency,
                to_m: hi.concurrency,
                in_flight: (a, b),
                rss_kib: (ra, rb),
                kib_per_request,
                parts: parts.flatten(),
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

/// `a thread holds stack ~36 KiB + buffers 16 KiB + the rest ~14 KiB of RSS, and ~17 KiB of
/// kernel stack outside it`.
fn by_part(what: &str, p: &PartsPerRequest) -> String {
    let about = |v: f64| {
        if v < 0.5 {
            "~0 KiB".to_string()
        } else {
            format!("~{v:.0} KiB")
        }
    };
    let kernel = if p.kernel_stack_kib < 0.5 {
        "no kernel stack".to_string()
    } else {
        format!("{} of kernel stack outside it", about(p.kernel_stack_kib))
    };
    format!(
        "{what} holds stack {} + buffers {:.0} KiB + the rest {} of RSS, and {kernel}",
        about(p.stack_kib),
        p.buffers_kib,
        about(p.rest_kib),
    )
}

/// The lines a teacher quotes: the cost of a thread and of a task in flight, then the
/// figures at the highest level every concurrent downloader reached.
pub fn headlines(settings: &Settings, rows: &[Row], costs: &[Cost]) -> Vec<String> {
    // The first of ours, or of the book's, of a model: whose cost speaks for the model.
    let cost = |ours: bool, model: Model| {
        let of = |c: &&Cost| c.downloader.is_ours() == ours && c.downloader.model() == model;
        costs.iter().find(of)
    };
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
    let (threads, tasks) = (cost(true, Model::Threads), cost(true, Model::Async));
    if let Some(line) = pair(threads, tasks, "task") {
        let span = slope(threads.or(tasks)).unwrap_or_default();
        lines.push(format!("Rust: {line} (peak RSS, {span})"));
    }
    let by_part: Vec<String> = [(threads, "a thread"), (tasks, "a task")]
        .into_iter()
        .filter_map(|(cost, what)| Some(by_part(what, cost?.parts.as_ref()?)))
        .collect();
    if !by_part.is_empty() {
        lines.push(format!(
            "Rust, by part: {} (buffers as allocated: 8 KiB to read, 8 to write; stacks from \
             procfs, kernel stacks from the machine's KernelStack)",
            by_part.join("; ")
        ));
    }
    if let Some(line) = pair(
        cost(false, Model::Threads),
        cost(false, Model::Async),
        "coroutine",
    ) {
        lines.push(format!("The book's Python: {line}"));
    }
    // The highest -m that every concurrent downloader ran at.
    let concurrent: Vec<&Row> = rows.iter().filter(|r| r.concurrency > 1).collect();
    let mut names: Vec<Downloader> = concurrent.iter().map(|r| r.downloader).collect();
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
                let mib = r.median.usage.peak_rss_kib.map(|k| k as f64 / 1024.0);
                let mib = mib.map_or("n/a".to_string(), |m| format!("{m:.1}"));
                let threads = r
                    .median
                    .threads_peak
                    .map_or("n/a".into(), |t| t.to_string());
                format!("{} {mib} MiB, {threads} threads", r.downloader)
            })
            .collect();
        lines.push(format!(
            "DELAY {} at -m {m}: {}",
            settings.scope(Profile::Delay),
            parts.join("; ")
        ));
    }
    lines
}
