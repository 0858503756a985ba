//! The faults a GET under /flags/ may get ([`Fault`]), their rates ([`FaultRates`]), and the
//! dice that draw them.
//!
//! Besides delays and 418s, four faults like Toxiproxy's:
//! - reset: the connection is closed with no answer, with an RST (`SO_LINGER` 0, `conn.rs`).
//! - truncate: headers and half the body are sent, then the connection is closed (`body.rs`).
//! - stall: the request is never answered; the connection stays open (capped at 10 minutes).
//! - slow: the body trickles at 50 bytes/s, in 10-byte pieces every 200 ms (`body.rs`): even
//!   the smallest flag (about 600 bytes) then takes over 10 s, the downloaders' default timeout.

use std::collections::BTreeMap;
use std::ops::{Index, IndexMut};
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How long a stalled request holds its connection before it is closed.
pub(crate) const STALL_CAP: Duration = Duration::from_secs(600);
/// Size of each piece of a slow body.
pub(crate) const SLOW_CHUNK: usize = 10;
/// Pause between the pieces of a slow body.
pub(crate) const SLOW_INTERVAL: Duration = Duration::from_millis(200);
/// Pause between the part of a truncated body and the close, so the part is flushed first.
pub(crate) const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// A fault a GET under /flags/ may get. [`Fault::ALL`] drives `--faults`, the counts in
/// `/_stats` and the help: adding one is a variant here, then whatever the compiler asks for.
/// What each does is said once, by [`Fault::description`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Fault {
    /// See [`Fault::description`].
    Reset,
    /// See [`Fault::description`].
    Truncate,
    /// See [`Fault::description`].
    Stall,
    /// See [`Fault::description`].
    Slow,
}

impl Fault {
    /// How many faults there are. The match names every variant, so a new one stops the build
    /// here until it is counted, and then at [`Fault::ALL`] until it is listed.
    const COUNT: usize = match Fault::Reset {
        Fault::Reset | Fault::Truncate | Fault::Stall | Fault::Slow => 4,
    };

    /// Every fault, in the order they take their slices of a draw (see `pick`).
    pub const ALL: [Fault; Fault::COUNT] =
        [Fault::Reset, Fault::Truncate, Fault::Stall, Fault::Slow];

    /// The name used by `--faults`, `/_stats` and the request log.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Reset => "reset",
            Fault::Truncate => "truncate",
            Fault::Stall => "stall",
            Fault::Slow => "slow",
        }
    }

    /// What the client sees, for the help (`flags-server --help` lists every fault with it):
    /// the one description of each fault, which the variants' docs point to.
    pub fn description(self) -> &'static str {
        match self {
            Fault::Reset => "close the connection with no answer (an RST)",
            Fault::Truncate => "send the headers and half the body, then close",
            Fault::Stall => "never answer; hold the connection open (10 minutes at most)",
            Fault::Slow => "trickle the body at 50 bytes/s (a flag then takes 12 to 70 s)",
        }
    }

    /// The fault named `name` (any case).
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// Its place in [`Fault::ALL`] and in a [`PerFault`].
    fn index(self) -> usize {
        self as usize
    }
}

// `index` is the place in `ALL`: the variants are listed there in their declared order.
const _: () = {
    let mut i = 0;
    while i < Fault::ALL.len() {
        assert!(Fault::ALL[i] as usize == i);
        i += 1;
    }
};

/// One value per fault, indexed by [`Fault`]: the rates ([`FaultRates`]) and the counts
/// ([`crate::FaultCounts`]). In JSON, an object keyed by the faults' names, in the order of
/// [`Fault::ALL`]: `{"reset":0.05,"truncate":0.05,"stall":0.02,"slow":0.05}`; a name missing
/// from it is the default (0), a name not a fault's is ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PerFault<T>([T; Fault::COUNT]);

impl<T> Index<Fault> for PerFault<T> {
    type Output = T;
    fn index(&self, fault: Fault) -> &T {
        &self.0[fault.index()]
    }
}

impl<T> IndexMut<Fault> for PerFault<T> {
    fn index_mut(&mut self, fault: Fault) -> &mut T {
        &mut self.0[fault.index()]
    }
}

impl<T: Copy> PerFault<T> {
    /// The value for `fault`.
    pub fn get(&self, fault: Fault) -> T {
        self[fault]
    }

    /// The same, with `fault`'s value set to `value`.
    pub fn with(mut self, fault: Fault, value: T) -> Self {
        self[fault] = value;
        self
    }

    /// Each fault with its value, in the order of [`Fault::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Fault, T)> + '_ {
        Fault::ALL.into_iter().map(|f| (f, self[f]))
    }
}

impl<T: Copy + Default> PerFault<T> {
    /// `value` for `fault`, the default (0) for the others.
    pub fn only(fault: Fault, value: T) -> Self {
        Self::default().with(fault, value)
    }
}

impl<T: Serialize> Serialize for PerFault<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Fault::ALL.len()))?;
        for fault in Fault::ALL {
            map.serialize_entry(fault.name(), &self[fault])?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for PerFault<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let named = BTreeMap::<String, T>::deserialize(deserializer)?;
        let mut out = PerFault::<T>::default();
        for (name, value) in named {
            if let Some(fault) = Fault::from_name(&name) {
                out[fault] = value;
            }
        }
        Ok(out)
    }
}

/// Probability of each fault for a GET under /flags/, each from 0 to 1, adding up to at most
/// 1: `FaultRates::only(Fault::Reset, 1.0)`, `rates.rate(Fault::Slow)`.
pub type FaultRates = PerFault<f64>;

impl FaultRates {
    /// The probability of `fault`.
    pub fn rate(&self, fault: Fault) -> f64 {
        self[fault]
    }

    /// No faults at all.
    pub fn is_zero(&self) -> bool {
        self.total() == 0.0
    }

    /// The rates added up: the share of GETs that get a fault.
    pub(crate) fn total(&self) -> f64 {
        self.0.iter().sum()
    }

    /// Each rate in [0, 1] and their sum at most 1.
    pub fn is_valid(&self) -> bool {
        self.0.iter().all(|p| (0.0..=1.0).contains(p)) && self.total() <= 1.0 + 1e-9
    }

    /// `reset=0.05,truncate=0.05,stall=0.02,slow=0.05`: every fault, as `--faults` reads it.
    pub fn spec(&self) -> String {
        let items: Vec<String> = self
            .iter()
            .map(|(f, p)| format!("{}={p}", f.name()))
            .collect();
        items.join(",")
    }
}

/// The fault for a uniform draw `u` in [0, 1): the rates take consecutive slices of [0, 1) in
/// the order reset, truncate, stall, slow, so each has exactly its probability.
pub(crate) fn pick(rates: &FaultRates, u: f64) -> Option<Fault> {
    let mut edge = 0.0;
    for (fault, rate) in rates.iter() {
        edge += rate;
        if rate > 0.0 && u < edge {
            return Some(fault);
        }
    }
    None
}

/// What one GET under /flags/ gets: its delay, whether it is answered 418, and its fault.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Draw {
    /// Seconds to wait before answering.
    pub(crate) delay: f64,
    /// Answer 418 instead of the file.
    pub(crate) fail: bool,
    /// The fault, if any.
    pub(crate) fault: Option<Fault>,
}

/// One seeded random sequence per server, drawn in the order requests arrive.
pub(crate) struct Dice {
    delay: (f64, f64),
    error_rate: f64,
    rates: FaultRates,
    seed: Option<u64>,
    rng: Mutex<StdRng>,
}

impl Dice {
    pub(crate) fn new(
        delay: (f64, f64),
        error_rate: f64,
        rates: FaultRates,
        seed: Option<u64>,
    ) -> Dice {
        Dice {
            delay,
            error_rate,
            rates,
            seed,
            rng: Mutex::new(new_rng(seed)),
        }
    }

    /// Whether anything is random at all; if not, requests skip the RNG and its lock.
    pub(crate) fn is_random(&self) -> bool {
        self.delay.1 > 0.0 || self.error_rate > 0.0 || !self.rates.is_zero()
    }

    /// Draws the delay, the 418 coin and the fault for one GET, in request order. All three
    /// are always drawn, so a seed gives the same delays whatever the error rate and faults.
    pub(crate) fn draw(&self) -> Draw {
        let (delay, p, u) = {
            let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
            let d = rng.random_range(self.delay.0..=self.delay.1);
            let p: f64 = rng.random();
            let u: f64 = rng.random();
            (d, p, u)
        };
        Draw {
            delay,
            fail: p < self.error_rate,
            fault: pick(&self.rates, u),
        }
    }

    /// Restarts the sequence from the seed.
    pub(crate) fn restart(&self) {
        *self.rng.lock().unwrap_or_else(|e| e.into_inner()) = new_rng(self.seed);
    }
}

fn new_rng(seed: Option<u64>) -> StdRng {
    let seed = seed.unwrap_or_else(|| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        t.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)
    });
    StdRng::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_faults;

    #[test]
    fn each_fault_takes_its_slice() {
        let r = parse_faults("reset=0.1,truncate=0.2,stall=0.3,slow=0.4").unwrap();
        assert_eq!(pick(&r, 0.05), Some(Fault::Reset));
        assert_eq!(pick(&r, 0.15), Some(Fault::Truncate));
        assert_eq!(pick(&r, 0.35), Some(Fault::Stall));
        assert_eq!(pick(&r, 0.99), Some(Fault::Slow));
        let one = parse_faults("slow=1").unwrap();
        assert_eq!(pick(&one, 0.0), Some(Fault::Slow));
        assert_eq!(pick(&one, 0.999_999), Some(Fault::Slow));
        assert_eq!(pick(&FaultRates::default(), 0.0), None);
    }

    #[test]
    fn same_seed_same_draws() {
        let none = FaultRates::default();
        let (a, b) = (
            Dice::new((0.5, 5.0), 0.0, none, Some(7)),
            Dice::new((0.5, 5.0), 0.0, none, Some(7)),
        );
        let xs: Vec<_> = (0..50).map(|_| a.draw()).collect();
        let ys: Vec<_> = (0..50).map(|_| b.draw()).collect();
        assert_eq!(xs, ys);
        assert!(
            xs.iter()
                .all(|d| (0.5..=5.0).contains(&d.delay) && !d.fail && d.fault.is_none())
        );
        // The faults do not change the delays drawn with the same seed.
        let rates = parse_faults("reset=0.5,slow=0.5").unwrap();
        let z = Dice::new((0.5, 5.0), 0.0, rates, Some(7));
        let zs: Vec<_> = (0..50).map(|_| z.draw()).collect();
        assert!(xs.iter().zip(&zs).all(|(x, z)| x.delay == z.delay));
        assert!(zs.iter().all(|d| d.fault.is_some()));
        a.restart();
        assert_eq!(a.draw(), xs[0]);
    }
}
