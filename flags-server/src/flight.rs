//! [`Flights`]: the requests under /flags/, from arrival until their answer is over: how many
//! arrived, how many are in flight and the most at once, and how long clients leave a freed
//! slot unused (the lateness).
//!
//! The lateness: each request that ends frees a slot, and the instant it did so joins a
//! queue; each request that arrives takes the oldest freed slot off the queue and records how
//! long ago it was freed. A client that keeps N requests in flight refills the j-th freed slot
//! with its (N+j)-th request, so one whose event loop is blocked (a `std::thread::sleep`
//! inside a coroutine) refills its slots late, one after the other, and that shows here.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::histogram::Histogram;
use crate::stats::{LatenessStats, Stats, bump, lock};

/// Freed slots remembered at most: past this, the oldest is forgotten, so a client that
/// never refills its slots costs no more than this (1.6 MB).
const FREED_CAP: usize = 100_000;

/// One per server, in [`crate::state::State`]; requests hold it through their [`InFlight`].
#[derive(Default)]
pub(crate) struct Flights {
    /// Requests that arrived since start or the last reset.
    arrived: AtomicU64,
    /// Requests whose [`InFlight`] is not dropped yet.
    in_flight: AtomicU64,
    /// The most in flight at once since start or the last reset.
    peak: AtomicU64,
    slots: Mutex<Slots>,
}

/// The freed slots and the lateness, updated together as a request ends or arrives.
#[derive(Default)]
struct Slots {
    /// When each ended request freed its slot, oldest first; not yet refilled.
    freed: VecDeque<Instant>,
    /// For each slot refilled: how long after it was freed.
    lateness: Histogram,
}

/// One request in flight: dropping it ends the flight, so it ends exactly once, however the
/// request ends. `handle` makes one as a request under /flags/ arrives and, when there is an
/// answer, hands it to the answer's body: it then lasts until hyper has taken the last piece
/// of the body, or drops the body with its connection (a truncated body, a client gone, a
/// send timeout, the server stopping). Without an answer (a reset, the end of a stall), it
/// is dropped as `handle` returns.
pub(crate) struct InFlight(Arc<Flights>);

impl Flights {
    /// Counts a request arriving, refills the oldest freed slot, and returns the request's
    /// flight.
    pub(crate) fn arrive(self: &Arc<Flights>) -> InFlight {
        bump(&self.arrived);
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        let mut slots = lock(&self.slots);
        let arrival = Instant::now();
        if let Some(freed) = slots.freed.pop_front() {
            slots.lateness.record(arrival - freed);
        }
        InFlight(self.clone())
    }

    /// Counts a request ending: its slot is freed now.
    fn end(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        let mut slots = lock(&self.slots);
        if slots.freed.len() == FREED_CAP {
            slots.freed.pop_front();
        }
        slots.freed.push_back(Instant::now());
    }

    /// Fills in the fields of `stats` that come from here.
    pub(crate) fn fill(&self, stats: &mut Stats) {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        stats.arrived = get(&self.arrived);
        stats.in_flight = get(&self.in_flight);
        stats.peak_in_flight = get(&self.peak);
        let slots = lock(&self.slots);
        let h = &slots.lateness;
        stats.lateness = LatenessStats {
            count: h.count(),
            median_s: h.quantile(0.5).as_secs_f64(),
            p90_s: h.quantile(0.9).as_secs_f64(),
            max_s: h.max().as_secs_f64(),
        };
    }

    /// Zeroes the arrivals and the lateness, forgets the freed slots, and restarts the peak
    /// from the requests in flight now (which go on, and free their slots as they end).
    pub(crate) fn reset(&self) {
        self.arrived.store(0, Ordering::Relaxed);
        self.peak
            .store(self.in_flight.load(Ordering::Relaxed), Ordering::Relaxed);
        let mut slots = lock(&self.slots);
        slots.freed.clear();
        slots.lateness.clear();
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(flights: &Flights) -> Stats {
        let mut s = Stats::default();
        flights.fill(&mut s);
        s
    }

    #[test]
    fn a_flight_ends_once_when_dropped_and_its_slot_is_refilled() {
        let flights = Arc::new(Flights::default());
        let (a, b) = (flights.arrive(), flights.arrive());
        let s = stats(&flights);
        assert_eq!((s.arrived, s.in_flight, s.peak_in_flight), (2, 2, 2));
        drop(a);
        drop(b);
        let _c = flights.arrive();
        let s = stats(&flights);
        assert_eq!((s.arrived, s.in_flight, s.peak_in_flight), (3, 1, 2));
        assert_eq!(s.lateness.count, 1);
        flights.reset();
        let s = stats(&flights);
        assert_eq!((s.arrived, s.in_flight, s.peak_in_flight), (0, 1, 1));
        assert_eq!(s.lateness, LatenessStats::default());
        // The slot `b` freed was forgotten: the next arrival refills nothing.
        let _d = flights.arrive();
        assert_eq!(stats(&flights).lateness.count, 0);
    }

    #[test]
    fn the_freed_slots_are_bounded() {
        let flights = Arc::new(Flights::default());
        let all: Vec<InFlight> = (0..FREED_CAP + 10).map(|_| flights.arrive()).collect();
        drop(all);
        assert_eq!(lock(&flights.slots).freed.len(), FREED_CAP);
    }
}
