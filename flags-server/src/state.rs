//! [`State`]: what every connection of one server shares.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::config::Config;
use crate::faults::Dice;
use crate::flight::Flights;
use crate::routes::RootTree;
use crate::stats::{Counters, Settings, Stats};

/// One per server, behind an `Arc`: read by every request, updated only through atomics
/// and three small mutexes (the RNG, the delay totals, the freed slots and lateness).
pub(crate) struct State {
    /// "LOCAL", "DELAY", "ERROR" or "CHAOS".
    pub(crate) profile: &'static str,
    /// The settings in force, as `/_stats` shows them.
    pub(crate) settings: Settings,
    pub(crate) dice: Dice,
    pub(crate) counters: Counters,
    /// The requests under /flags/ in flight; each holds it until its answer is over.
    pub(crate) flights: Arc<Flights>,
    /// The `--root` tree, or None for the built-in flags.
    pub(crate) root: Option<Arc<RootTree>>,
    pub(crate) header_timeout: Duration,
    pub(crate) send_timeout: Duration,
    /// `max_connections`, lowered to what the open-files limit allows.
    pub(crate) max_connections: usize,
    /// Connections open now.
    pub(crate) open: AtomicUsize,
    /// `-v`: a line on stderr as each request arrives and as it is answered.
    pub(crate) log_requests: bool,
}

impl State {
    /// Checks the configuration and opens the root; `max_connections` is the effective one.
    pub(crate) fn new(config: &Config, max_connections: usize) -> io::Result<State> {
        config
            .validate()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let root = match &config.root {
            Some(dir) => Some(Arc::new(RootTree::open(dir)?)),
            None => None,
        };
        let (min, max) = config.effective_delay();
        let delay = (min.as_secs_f64(), max.as_secs_f64());
        let error_rate = config.effective_error_rate();
        let rates = config.effective_faults();
        Ok(State {
            profile: config.profile.label(),
            settings: Settings {
                delay_min_s: delay.0,
                delay_max_s: delay.1,
                error_rate,
                error_status: 418,
                seed: config.seed,
                rates,
            },
            dice: Dice::new(delay, error_rate, rates, config.seed),
            counters: Counters::default(),
            flights: Arc::default(),
            root,
            header_timeout: config.header_timeout,
            send_timeout: config.send_timeout,
            max_connections,
            open: AtomicUsize::new(0),
            log_requests: config.log_requests,
        })
    }

    /// A snapshot of the statistics, the body of `GET /_stats`.
    pub(crate) fn stats(&self) -> Stats {
        let mut stats = self.counters.snapshot(self.profile, &self.settings);
        stats.connections_open = self.open.load(Ordering::Relaxed) as u64;
        stats.max_connections = self.max_connections as u64;
        self.flights.fill(&mut stats);
        stats
    }

    /// Zeroes the counters and restarts the random sequence from the seed.
    pub(crate) fn reset(&self) {
        self.counters.reset();
        self.flights.reset();
        self.dice.restart();
    }
}
