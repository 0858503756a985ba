//! What the server counts, and [`Stats`], the body of `GET /_stats`.
//!
//! The counters are atomics, so requests never wait for each other to count; only the delay
//! totals (a sum, a min and a max updated together) sit behind a small mutex. The requests in
//! flight and their lateness are counted in `flight.rs`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::faults::{Fault, FaultRates, PerFault};

/// Delays injected since start or the last reset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DelayStats {
    /// Requests that were delayed (delay > 0).
    pub count: u64,
    /// Sum of the delays: the ideal time of a run over one connection.
    pub sum_s: f64,
    /// Longest delay: the ideal time of a run with unbounded concurrency.
    pub max_s: f64,
    /// Shortest delay (0 when none).
    pub min_s: f64,
}

/// How long clients left a freed slot unused, since start or the last reset: each request
/// under /flags/ that arrives takes the oldest slot freed by an ended one (see `in_flight`),
/// and this is the time between the two. Counted in a log-scale histogram (8 KB whatever the
/// number of samples): the median and p90 are within about 3%, `max_s` is exact. All 0 when
/// no slot was refilled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatenessStats {
    /// Slots refilled.
    pub count: u64,
    /// Median time a freed slot stayed unused.
    pub median_s: f64,
    /// 90th percentile: 9 slots in 10 were refilled sooner.
    pub p90_s: f64,
    /// Longest time a freed slot stayed unused.
    pub max_s: f64,
}

/// The settings in force: delays, errors and faults (`"faults"` in `/_stats`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Shortest delay of a GET under /flags/, in seconds.
    pub delay_min_s: f64,
    /// Longest delay of a GET under /flags/, in seconds.
    pub delay_max_s: f64,
    /// Share of GETs under /flags/ answered with `error_status`.
    pub error_rate: f64,
    /// Status of injected errors: 418.
    pub error_status: u16,
    /// The seed given, if any (None: seeded from the clock).
    pub seed: Option<u64>,
    /// The rate of each fault.
    #[serde(default)]
    pub rates: FaultRates,
}

/// Faults injected since start or the last reset, by fault: `counts[Fault::Reset]`. In
/// JSON `{"reset":0,"truncate":0,"stall":0,"slow":0}`.
pub type FaultCounts = PerFault<u64>;

/// What the server did since start or the last reset: the body of `GET /_stats`, and what
/// [`crate::ServerHandle::stats`] returns. Deserialize it to read a server's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// "LOCAL", "DELAY", "ERROR" or "CHAOS".
    pub profile: String,
    /// Requests outside /_stats that got a status line.
    pub requests: u64,
    /// Answered 200.
    pub ok: u64,
    /// Answered 404.
    pub not_found: u64,
    /// Answered 418 on purpose.
    pub errors_injected: u64,
    /// Answered 400, 405, 414 or 500.
    pub rejected: u64,
    /// The delays drawn.
    pub delays: DelayStats,
    /// The settings in force.
    pub faults: Settings,
    /// Resets, truncated bodies, stalls and slow bodies injected.
    #[serde(default)]
    pub faults_injected: FaultCounts,
    /// Connections closed at once because `max_connections` were already open.
    #[serde(default)]
    pub connections_refused: u64,
    /// Connections closed because their client read nothing for `send_timeout`.
    #[serde(default)]
    pub send_timeouts: u64,
    /// Connections open now.
    #[serde(default)]
    pub connections_open: u64,
    /// The most connections served at once: `--max-connections`, or less when the
    /// open-files limit is lower.
    #[serde(default)]
    pub max_connections: u64,
    /// Requests under /flags/ that arrived, whatever their method and answer: counted as
    /// their head is read, before their delay.
    #[serde(default)]
    pub arrived: u64,
    /// Requests under /flags/ in flight now: arrived, and their answer neither sent in full
    /// nor dropped (a reset, a stall's end, a truncated body, a client gone). A reset leaves
    /// it as it is, since they are still in flight.
    #[serde(default)]
    pub in_flight: u64,
    /// The most requests under /flags/ in flight at once; a reset restarts it from
    /// `in_flight`.
    #[serde(default)]
    pub peak_in_flight: u64,
    /// How long the client left a freed slot unused before its next request.
    #[serde(default)]
    pub lateness: LatenessStats,
}

/// One counter per field of [`Stats`] that requests update.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) ok: AtomicU64,
    pub(crate) not_found: AtomicU64,
    pub(crate) errors_injected: AtomicU64,
    pub(crate) rejected: AtomicU64,
    /// Faults injected, by fault.
    pub(crate) faults: PerFault<AtomicU64>,
    pub(crate) connections_refused: AtomicU64,
    pub(crate) send_timeouts: AtomicU64,
    delays: Mutex<DelayStats>,
}

/// Adds one to a counter.
pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Locks a mutex; a panic elsewhere never leaves these values half-updated, so a poisoned
/// lock is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Counters {
    /// Counts an answered request by its status.
    pub(crate) fn count_status(&self, status: u16) {
        bump(&self.requests);
        bump(match status {
            200 => &self.ok,
            404 => &self.not_found,
            418 => &self.errors_injected,
            _ => &self.rejected,
        });
    }

    /// Counts one injected fault.
    pub(crate) fn count_fault(&self, fault: Fault) {
        bump(&self.faults[fault]);
    }

    /// Records a delay drawn for a GET (nothing for 0).
    pub(crate) fn record_delay(&self, delay: f64) {
        if delay <= 0.0 {
            return;
        }
        let mut d = lock(&self.delays);
        d.min_s = if d.count == 0 {
            delay
        } else {
            d.min_s.min(delay)
        };
        d.count += 1;
        d.sum_s += delay;
        d.max_s = d.max_s.max(delay);
    }

    /// A snapshot, with the parts that are not counters filled in by the caller.
    pub(crate) fn snapshot(&self, profile: &str, settings: &Settings) -> Stats {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            profile: profile.to_string(),
            requests: get(&self.requests),
            ok: get(&self.ok),
            not_found: get(&self.not_found),
            errors_injected: get(&self.errors_injected),
            rejected: get(&self.rejected),
            delays: lock(&self.delays).clone(),
            faults: settings.clone(),
            faults_injected: Fault::ALL
                .into_iter()
                .fold(FaultCounts::default(), |counts, f| {
                    counts.with(f, get(&self.faults[f]))
                }),
            connections_refused: get(&self.connections_refused),
            send_timeouts: get(&self.send_timeouts),
            connections_open: 0,
            max_connections: 0,
            arrived: 0,
            in_flight: 0,
            peak_in_flight: 0,
            lateness: LatenessStats::default(),
        }
    }

    /// Zeroes every counter.
    pub(crate) fn reset(&self) {
        *lock(&self.delays) = DelayStats::default();
        for c in [
            &self.requests,
            &self.ok,
            &self.not_found,
            &self.errors_injected,
            &self.rejected,
            &self.connections_refused,
            &self.send_timeouts,
        ]
        .into_iter()
        .chain(Fault::ALL.map(|f| &self.faults[f]))
        {
            c.store(0, Ordering::Relaxed);
        }
    }
}
