//! What one run measured, and the median of its repeats: how every code ended (from the
//! downloader's own summary, its trace, or the server), how long it took, what it cost.

use std::path::PathBuf;

use flags_common::{Status, Summary, Tally};
use flags_server::Stats;
use serde::{Deserialize, Serialize};

use super::parts::Parts;
use super::platform::Usage;
use super::process::Finished;
use super::trace::{Span, max_in_flight};

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

/// Everything measured in one run of one downloader (or the median of its repeats).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Measure {
    /// How every code ended.
    #[serde(flatten)]
    pub tally: Tally,
    /// Where `tally` comes from.
    #[serde(default)]
    pub counts: Counts,
    /// Seconds from the first request to the last end; None when nothing says (no report).
    pub elapsed_s: Option<f64>,
    /// Codes ended per second: `tally.ended()` / elapsed.
    pub items_per_s: Option<f64>,
    /// The process's own resource usage (None where the OS does not tell).
    #[serde(flatten)]
    pub usage: Usage,
    /// Most threads the process had at once, sampled every 10 ms (Linux only).
    pub threads_peak: Option<u32>,
    /// Its threads' stacks, and the kernel's for them (the sweep's runs; Linux only).
    #[serde(flatten)]
    pub parts: Parts,
    /// Distinct thread names in the trace: the threads that finished a request.
    pub trace_threads: usize,
    /// Most requests in flight at once, from the trace (None without one: the book's scripts).
    #[serde(default)]
    pub in_flight_peak: Option<usize>,
    /// Least elapsed time the delays the server injected allow (our downloaders only).
    pub ideal_s: Option<f64>,
    /// ideal / elapsed.
    pub efficiency: Option<f64>,
    /// The server's `/_stats` after the run.
    pub server_stats: Option<Stats>,
    /// The exit status, or None when a signal ended it.
    pub exit_code: Option<i32>,
    /// SIGINT sent when the time budget ran out.
    pub budget_hit: bool,
    /// Killed: no end within --timeout + 5 s of the SIGINT.
    pub killed: bool,
    /// The run's `--trace` file (our downloaders only).
    pub trace_file: Option<PathBuf>,
    /// The library's floor, run just before and just after this run against the same server:
    /// the mean of their elapsed seconds (compare's LOCAL rows of ours; see `floor::library`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_floor_s: Option<f64>,
}

impl Measure {
    /// From one of our downloaders: its summary, else (killed) its trace.
    pub fn from_trace(summary: Option<&Summary>, spans: &[Span], asked: usize) -> Measure {
        let mut m = Measure {
            in_flight_peak: Some(max_in_flight(spans)),
            ..Measure::default()
        };
        match summary {
            Some(s) => {
                m.tally = s.tally;
                // Its own peak, read as it ended: the most exact figure there is.
                m.usage.peak_rss_kib = s.peak_rss_kib;
                // The summary's elapsed time and the trace's last end are on the same clock:
                // the later one is when the last request was done.
                let last_end = spans.iter().map(|t| t.end).fold(0.0, f64::max);
                let close = last_end > 0.0 && (s.elapsed_s - last_end).abs() <= 0.006;
                m.elapsed_s = Some(if close { last_end } else { s.elapsed_s });
            }
            None => {
                let count = |status| spans.iter().filter(|t| t.status == status).count();
                m.tally = Tally {
                    asked,
                    ok: count(Status::Ok),
                    not_found: count(Status::NotFound),
                    errors: count(Status::Error),
                    not_attempted: asked.saturating_sub(spans.len()),
                };
                m.counts = Counts::Trace;
            }
        }
        m
    }

    /// From a book script's printed report, else (stopped by Ctrl-C, which ends it with a
    /// traceback) from what the server answered until the script exited.
    pub fn from_printed(
        asked: usize,
        summary: Option<&Summary>,
        stats: Option<&Stats>,
        wall_s: f64,
    ) -> Measure {
        let mut m = Measure::default();
        match (summary, stats) {
            (Some(s), _) => {
                m.tally = Tally { asked, ..s.tally };
                m.elapsed_s = Some(s.elapsed_s);
            }
            (None, Some(stats)) => {
                let (ok, not_found) = (stats.ok as usize, stats.not_found as usize);
                let errors = (stats.errors_injected + stats.rejected) as usize;
                m.tally = Tally {
                    asked,
                    ok,
                    not_found,
                    errors,
                    not_attempted: asked.saturating_sub(ok + not_found + errors),
                };
                m.elapsed_s = Some(wall_s);
                m.counts = Counts::Server;
            }
            (None, None) => {
                m.tally = Tally {
                    asked,
                    not_attempted: asked,
                    ..Tally::default()
                }
            }
        }
        m
    }

    /// What the run cost and how it ended, from the process.
    pub fn with_costs(mut self, done: &Finished) -> Measure {
        let own = self.usage.peak_rss_kib;
        self.usage = done.usage;
        if own.is_some() {
            self.usage.peak_rss_kib = own;
        }
        self.threads_peak = done.threads_peak;
        self.exit_code = done.exit_code;
        self.budget_hit = done.budget_hit;
        self.killed = done.killed;
        let ended = self.tally.ended();
        self.items_per_s = self
            .elapsed_s
            .filter(|e| *e > 0.0)
            .map(|e| ended as f64 / e);
        self
    }

    /// User + system CPU seconds, where the OS tells.
    pub fn cpu_s(&self) -> Option<f64> {
        Some(self.usage.user_s? + self.usage.sys_s?)
    }

    /// The least time the server's injected delays allow over `concurrency` connections, and
    /// how close the run came to it.
    pub fn hold_to_ideal(&mut self, stats: &Stats, concurrency: usize) {
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

    /// Each figure's median over the repeats; the counts of the repeat with the median speed,
    /// so that they still add up.
    pub fn median_of(repeats: &[Measure]) -> Measure {
        let mut by_speed: Vec<&Measure> = repeats.iter().collect();
        by_speed.sort_by(|a, b| {
            let speed = |m: &Measure| m.items_per_s.unwrap_or(0.0);
            speed(a).total_cmp(&speed(b))
        });
        let mid = by_speed[(by_speed.len() - 1) / 2];
        let real = |f: fn(&Measure) -> Option<f64>| median(repeats.iter().filter_map(f).collect());
        Measure {
            elapsed_s: real(|m| m.elapsed_s),
            items_per_s: real(|m| m.items_per_s),
            usage: Usage {
                peak_rss_kib: middle(repeats.iter().filter_map(|m| m.usage.peak_rss_kib)),
                user_s: real(|m| m.usage.user_s),
                sys_s: real(|m| m.usage.sys_s),
            },
            threads_peak: middle(repeats.iter().filter_map(|m| m.threads_peak)),
            parts: Parts {
                stacks_kib: middle(repeats.iter().filter_map(|m| m.parts.stacks_kib)),
                kernel_stacks_kib: middle(repeats.iter().filter_map(|m| m.parts.kernel_stacks_kib)),
            },
            trace_threads: middle(repeats.iter().map(|m| m.trace_threads)).unwrap_or(0),
            in_flight_peak: middle(repeats.iter().filter_map(|m| m.in_flight_peak)),
            ideal_s: real(|m| m.ideal_s),
            efficiency: real(|m| m.efficiency),
            library_floor_s: real(|m| m.library_floor_s),
            budget_hit: repeats.iter().any(|m| m.budget_hit),
            killed: repeats.iter().any(|m| m.killed),
            ..mid.clone()
        }
    }
}

/// The median of measured real numbers: the mean of the two middle ones when there is an even
/// number of them.
pub(crate) fn median(mut values: Vec<f64>) -> Option<f64> {
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

/// The median of whole numbers (bytes, threads, requests): the lower middle one, a value that
/// was measured rather than the mean of two.
fn middle<T: Ord + Copy>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut values: Vec<T> = values.collect();
    values.sort_unstable();
    values.get(values.len().checked_sub(1)? / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
        assert_eq!(middle([3u64, 1, 2].into_iter()), Some(2));
        assert_eq!(middle([4u64, 1].into_iter()), Some(1));
        assert_eq!(middle(std::iter::empty::<u64>()), None);
    }

    #[test]
    fn a_killed_run_is_counted_from_its_trace() {
        let span = |start, end, status| Span { start, end, status };
        let spans = [
            span(0.0, 1.0, Status::Ok),
            span(0.5, 1.5, Status::NotFound),
            span(1.0, 2.0, Status::Ok),
        ];
        let m = Measure::from_trace(None, &spans, 10);
        let t = m.tally;
        assert_eq!((t.ok, t.not_found, t.errors, t.not_attempted), (2, 1, 0, 7));
        assert_eq!((m.counts, m.in_flight_peak), (Counts::Trace, Some(2)));
    }
}
