//! A finished run's `--trace` file, read as typed events: its summary, each request's span,
//! and the threads that recorded them.

use std::collections::BTreeSet;
use std::path::Path;

use flags_common::{Status, Summary, TraceEvent};

/// One request, from its start to its end (the `end` events of a trace).
#[derive(Clone, Debug)]
pub struct Span {
    pub start: f64,
    pub end: f64,
    pub status: Status,
}

/// What a trace holds: the summary (its last line, when the run reached its report), each
/// request, and how many threads recorded them.
pub struct Trace {
    pub summary: Option<Summary>,
    pub spans: Vec<Span>,
    pub threads: usize,
}

pub fn read(path: &Path) -> Trace {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut summary = None;
    let mut spans = Vec::new();
    let mut threads = BTreeSet::new();
    for event in text.lines().filter_map(TraceEvent::parse_line) {
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
