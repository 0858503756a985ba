//! What a server is asked to do: the profiles, [`Config`], the parsers of the command-line
//! values and the checks a configuration must pass before the server starts.
//!
//! Nothing here touches the network: a bad value is found before anything is bound or printed.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::faults::{Fault, FaultRates};

/// A client that has not sent its full request headers by then is disconnected (default).
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A client that reads nothing of its answers for this long is disconnected (default, as
/// nginx's `send_timeout`).
pub const DEFAULT_SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections beyond this are accepted and closed at once (default).
pub const DEFAULT_MAX_CONNECTIONS: usize = 20_000;
/// Longest delay accepted by `--delay`, and longest timeout.
const MAX_SECONDS: f64 = 3600.0;
/// Shortest timeout accepted: below a millisecond no client could ever be served.
const MIN_TIMEOUT_S: f64 = 0.001;

/// The book's three test servers, and CHAOS with every fault. Adding one is a variant here,
/// then whatever the compiler asks for (every `match` on it is exhaustive). On the command
/// line any case (`--profile delay`, `-s DELAY`); in JSON its label (`"DELAY"`).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Profile {
    /// nginx alone: no delay, no errors (port 8000).
    Local,
    /// vaurien/slow_server.py: every GET delayed 0.5..5 s (port 8001).
    Delay,
    /// vaurien: every GET delayed 0.5 s, 25% answered 418 (port 8002).
    Error,
    /// Toxiproxy-like: DELAY's 0.5..5 s plus resets, truncated bodies, stalls and slow bodies (port 8003).
    Chaos,
}

impl Profile {
    /// The book's three servers, in the order of their ports (8000, 8001, 8002): what
    /// `cargo xtask serve` starts and the book's scripts know.
    pub const BOOK: [Profile; 3] = [Profile::Local, Profile::Delay, Profile::Error];

    /// Every profile, in the order of the book's ports: the variants as declared, listed by
    /// clap's derive, so a new one is in the list without anyone adding it.
    pub fn all() -> &'static [Profile] {
        <Profile as clap::ValueEnum>::value_variants()
    }

    /// "LOCAL", "DELAY", "ERROR" or "CHAOS", as the book's clients name their servers.
    pub fn label(&self) -> &'static str {
        match self {
            Profile::Local => "LOCAL",
            Profile::Delay => "DELAY",
            Profile::Error => "ERROR",
            Profile::Chaos => "CHAOS",
        }
    }

    /// 8000, 8001 or 8002, as in the book; 8003 for CHAOS.
    pub fn default_port(&self) -> u16 {
        match self {
            Profile::Local => 8000,
            Profile::Delay => 8001,
            Profile::Error => 8002,
            Profile::Chaos => 8003,
        }
    }

    /// What a client sees, in a few words, for help texts. Written once per process from the
    /// profile's defaults (delay, error rate, fault rates), so it always says what they are.
    pub fn description(&self) -> &'static str {
        static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
        let texts = TEXTS.get_or_init(|| Profile::all().iter().map(Profile::describe).collect());
        let place = Profile::all().iter().position(|p| p == self);
        place.and_then(|i| texts.get(i)).map_or("", String::as_str)
    }

    /// The text of [`Profile::description`], from the defaults.
    fn describe(&self) -> String {
        let (min, max) = self.default_delay();
        let (min, max) = (min.as_secs_f64(), max.as_secs_f64());
        match self {
            Profile::Local => "answers at once".to_string(),
            Profile::Delay => format!("waits {min} to {max} s (at random) before each answer"),
            Profile::Error => format!(
                "waits {min} s, answers {} of requests with 418",
                percent(self.default_error_rate())
            ),
            Profile::Chaos => format!(
                "waits {min} to {max} s, then resets, truncates, stalls or slows {} of answers",
                percent(self.default_faults().total())
            ),
        }
    }

    /// The (min, max) delay of each GET when the configuration does not set one.
    pub fn default_delay(&self) -> (Duration, Duration) {
        match self {
            Profile::Local => (Duration::ZERO, Duration::ZERO),
            Profile::Delay | Profile::Chaos => (Duration::from_millis(500), Duration::from_secs(5)),
            Profile::Error => (Duration::from_millis(500), Duration::from_millis(500)),
        }
    }

    /// The reset, truncate, stall and slow rates when the configuration does not set them:
    /// 0.05, 0.05, 0.02 and 0.05 for CHAOS, none for the others.
    pub fn default_faults(&self) -> FaultRates {
        match self {
            Profile::Chaos => FaultRates::default()
                .with(Fault::Reset, 0.05)
                .with(Fault::Truncate, 0.05)
                .with(Fault::Stall, 0.02)
                .with(Fault::Slow, 0.05),
            Profile::Local | Profile::Delay | Profile::Error => FaultRates::default(),
        }
    }

    /// The share of GETs answered 418 when the configuration does not set one.
    pub fn default_error_rate(&self) -> f64 {
        match self {
            Profile::Error => 0.25,
            Profile::Local | Profile::Delay | Profile::Chaos => 0.0,
        }
    }
}

/// `17%` for 0.17, `2.5%` for 0.025: a share as a percentage, to a tenth of a percent.
fn percent(share: f64) -> String {
    format!("{}%", (share * 1000.0).round() / 10.0)
}

/// `reset, truncate, stall, slow`: the names `--faults` accepts, for its error message.
fn fault_names() -> String {
    let names: Vec<&str> = Fault::ALL.into_iter().map(Fault::name).collect();
    names.join(", ")
}

/// A value a server cannot run with. Its message is the `error:` line the binary prints.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    /// `--delay` is not `MIN` or `MIN..MAX` with 0 <= MIN <= MAX <= 3600.
    #[error(
        "invalid delay {0:?}: expected seconds as MIN or MIN..MAX with 0 <= MIN <= MAX <= 3600, e.g. 0.5..5"
    )]
    Delay(String),
    /// `--error-rate` is not a number from 0 to 1.
    #[error("invalid error rate {0:?}: expected a number from 0 to 1")]
    ErrorRate(String),
    /// `--faults` is not `NAME=P,...` with known, distinct names and rates adding up to at most 1.
    #[error(
        "invalid faults {0:?}: expected NAME=P,... with NAME one of {names} (each at most once), each P from 0 to 1, adding up to at most 1",
        names = fault_names()
    )]
    Faults(String),
    /// A timeout or a count out of its range; the first field names it.
    #[error("invalid {0}: {1}")]
    Limit(&'static str, String),
}

/// Parses `MIN` or `MIN..MAX` seconds, e.g. `0.1` or `0.5..5`.
pub fn parse_delay(s: &str) -> Result<(Duration, Duration), ConfigError> {
    let bad = || ConfigError::Delay(s.to_string());
    let secs = |t: &str| -> Result<f64, ConfigError> {
        let v: f64 = t.trim().parse().map_err(|_| bad())?;
        if (0.0..=MAX_SECONDS).contains(&v) {
            Ok(v)
        } else {
            Err(bad())
        }
    };
    let (min, max) = match s.split_once("..") {
        Some((a, b)) => (secs(a)?, secs(b)?),
        None => (secs(s)?, secs(s)?),
    };
    if min > max {
        return Err(bad());
    }
    Ok((Duration::from_secs_f64(min), Duration::from_secs_f64(max)))
}

/// Parses a probability from 0 to 1.
pub fn parse_error_rate(s: &str) -> Result<f64, ConfigError> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(ConfigError::ErrorRate(s.to_string())),
    }
}

/// Parses `reset=0.05,truncate=0.05,stall=0.02,slow=0.1`; faults not named are 0, a name
/// given twice is an error.
pub fn parse_faults(s: &str) -> Result<FaultRates, ConfigError> {
    let bad = || ConfigError::Faults(s.to_string());
    let mut rates = FaultRates::default();
    let mut seen = HashSet::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (name, value) = item.split_once('=').ok_or_else(bad)?;
        let p: f64 = value.trim().parse().map_err(|_| bad())?;
        if !(0.0..=1.0).contains(&p) {
            return Err(bad());
        }
        let fault = Fault::from_name(name.trim()).ok_or_else(bad)?;
        if !seen.insert(fault) {
            return Err(bad());
        }
        rates[fault] = p;
    }
    if rates.is_valid() {
        Ok(rates)
    } else {
        Err(bad())
    }
}

/// Parses a timeout in seconds, from 0.001 to 3600 (`what` names it in the error).
pub fn parse_timeout(what: &'static str, s: &str) -> Result<Duration, ConfigError> {
    match s.trim().parse::<f64>() {
        Ok(v) if (MIN_TIMEOUT_S..=MAX_SECONDS).contains(&v) => Ok(Duration::from_secs_f64(v)),
        _ => Err(ConfigError::Limit(
            what,
            format!("expected seconds from {MIN_TIMEOUT_S} to {MAX_SECONDS}, got {s:?}"),
        )),
    }
}

/// What to serve and how badly. Build one with [`Config::new`], then set the fields you need.
#[derive(Clone, Debug)]
pub struct Config {
    /// Which of the book's servers to imitate; it gives the defaults of the `Option` fields.
    pub profile: Profile,
    /// Each GET under /flags/ waits a uniformly random time in [min, max]; None = profile default.
    pub delay: Option<(Duration, Duration)>,
    /// Share of GETs under /flags/ answered 418; None = profile default.
    pub error_rate: Option<f64>,
    /// Seed for the delays and errors; None = seeded from the clock.
    pub seed: Option<u64>,
    /// Serve this directory (the book's flags.zip unpacked) instead of the built-in flags.
    pub root: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1).
    pub bind: IpAddr,
    /// Port to listen on; 0 = any free port.
    pub port: u16,
    /// Rate of each fault for GETs under /flags/, e.g. `Some(FaultRates::only(Fault::Reset,
    /// 1.0))`; None = profile default.
    pub faults: Option<FaultRates>,
    /// A client that has not sent its request headers by then is disconnected (default 10 s).
    pub header_timeout: Duration,
    /// A client that reads nothing of its answers for this long is disconnected (default 10 s).
    pub send_timeout: Duration,
    /// Open connections beyond this are accepted and closed at once (default 20,000). The
    /// server lowers it to what the open-files limit allows (see [`crate::connection_limit`]).
    pub max_connections: usize,
    /// Print one line per request on stderr: time, server, method, path, status, delay or fault.
    pub log_requests: bool,
}

impl Config {
    /// The profile's delay, error rate and faults, 127.0.0.1, any free port, built-in flags.
    pub fn new(profile: Profile) -> Self {
        Config {
            profile,
            delay: None,
            error_rate: None,
            seed: None,
            root: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            faults: None,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            send_timeout: DEFAULT_SEND_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            log_requests: false,
        }
    }

    /// The fault rates in force: the field, or the profile's.
    pub fn effective_faults(&self) -> FaultRates {
        self.faults.unwrap_or_else(|| self.profile.default_faults())
    }

    /// The (min, max) delay in force: the field, or the profile's.
    pub fn effective_delay(&self) -> (Duration, Duration) {
        self.delay.unwrap_or_else(|| self.profile.default_delay())
    }

    /// The error rate in force: the field, or the profile's.
    pub fn effective_error_rate(&self) -> f64 {
        self.error_rate
            .unwrap_or_else(|| self.profile.default_error_rate())
    }

    /// Checks every value, as the parsers do, so a configuration built in code gets the same
    /// errors as the command line. `start` and `serve` call it first.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let (min, max) = self.effective_delay();
        if min > max || max.as_secs_f64() > MAX_SECONDS {
            return Err(ConfigError::Delay(format!("{min:?}..{max:?}")));
        }
        let rate = self.effective_error_rate();
        if !(0.0..=1.0).contains(&rate) {
            return Err(ConfigError::ErrorRate(rate.to_string()));
        }
        let faults = self.effective_faults();
        if !faults.is_valid() {
            return Err(ConfigError::Faults(format!("{faults:?}")));
        }
        for (what, t) in [
            ("header timeout", self.header_timeout),
            ("send timeout", self.send_timeout),
        ] {
            if !(MIN_TIMEOUT_S..=MAX_SECONDS).contains(&t.as_secs_f64()) {
                return Err(ConfigError::Limit(
                    what,
                    format!("expected seconds from {MIN_TIMEOUT_S} to {MAX_SECONDS}, got {t:?}"),
                ));
            }
        }
        if self.max_connections == 0 {
            return Err(ConfigError::Limit(
                "max connections",
                "must be at least 1".into(),
            ));
        }
        if let Some(root) = &self.root
            && !root.is_dir()
        {
            return Err(ConfigError::Limit(
                "root",
                format!("{}: not a directory", root.display()),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_ports() {
        use clap::ValueEnum;
        let parse = |s| Profile::from_str(s, true).ok();
        assert_eq!(parse("delay"), Some(Profile::Delay));
        assert_eq!(parse("ERROR").map(|p| p.default_port()), Some(8002));
        assert_eq!(Profile::Local.label(), "LOCAL");
        assert_eq!(parse("slow"), None);
        assert_eq!(parse("chaos"), Some(Profile::Chaos));
        assert_eq!(Profile::all().len(), 4);
        assert_eq!(serde_json::to_string(&Profile::Chaos).unwrap(), "\"CHAOS\"");
        assert_eq!(
            serde_json::from_str::<Profile>("\"DELAY\"").unwrap(),
            Profile::Delay
        );
        assert_eq!(Profile::Chaos.default_port(), 8003);
        assert_eq!(
            Profile::Chaos.default_delay(),
            Profile::Delay.default_delay()
        );
        assert_eq!(Profile::Chaos.default_faults().rate(Fault::Stall), 0.02);
        assert!(Profile::Delay.default_faults().is_zero());
    }

    #[test]
    fn descriptions_say_the_defaults() {
        assert_eq!(percent(0.05 + 0.05 + 0.02 + 0.05), "17%");
        assert_eq!(percent(0.025), "2.5%");
        let chaos = Profile::Chaos.default_faults();
        let share = Fault::ALL.iter().map(|&f| chaos.rate(f)).sum::<f64>();
        let chaos = Profile::Chaos.description();
        assert!(
            chaos.ends_with(&format!(" {} of answers", percent(share))),
            "{chaos}"
        );
        assert!(
            chaos.starts_with("waits 0.5 to 5 s, then resets"),
            "{chaos}"
        );
        assert_eq!(
            Profile::Error.description(),
            "waits 0.5 s, answers 25% of requests with 418"
        );
        assert_eq!(
            Profile::Delay.description(),
            "waits 0.5 to 5 s (at random) before each answer"
        );
        assert_eq!(Profile::Local.description(), "answers at once");
    }

    #[test]
    fn delays_and_rates_parse() {
        let ms = Duration::from_millis;
        assert_eq!(parse_delay("0.5..5"), Ok((ms(500), ms(5000))));
        assert_eq!(parse_delay("0.1"), Ok((ms(100), ms(100))));
        for bad in ["", "x", "5..1", "-1", "1..", "..1", "NaN", "1e9"] {
            assert!(parse_delay(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_error_rate("0.25"), Ok(0.25));
        assert!(parse_error_rate("1.5").is_err());
    }

    #[test]
    fn faults_parse() {
        use clap::ValueEnum;
        let r = parse_faults("reset=0.05,truncate=0.05, stall=0.02,slow=0.1").unwrap();
        let want = FaultRates::only(Fault::Reset, 0.05)
            .with(Fault::Truncate, 0.05)
            .with(Fault::Stall, 0.02)
            .with(Fault::Slow, 0.1);
        assert_eq!(r, want);
        assert_eq!(
            parse_faults("truncate=1"),
            Ok(FaultRates::only(Fault::Truncate, 1.0))
        );
        assert_eq!(parse_faults(&want.spec()), Ok(want));
        assert_eq!(Fault::value_variants(), Fault::ALL);
        let json = serde_json::to_string(&want).unwrap();
        assert_eq!(
            json,
            r#"{"reset":0.05,"truncate":0.05,"stall":0.02,"slow":0.1}"#
        );
        assert_eq!(serde_json::from_str::<FaultRates>(&json).unwrap(), want);
        let partial: FaultRates = serde_json::from_str(r#"{"slow":1.0}"#).unwrap();
        assert_eq!(partial, FaultRates::only(Fault::Slow, 1.0));
        assert!(parse_faults("").unwrap().is_zero());
        for bad in [
            "reset",
            "reset=2",
            "reset=-0.1",
            "boom=0.1",
            "reset=x",
            "reset=0.6,slow=0.6",
            "reset=0.5,reset=0.6",
            "Slow=0.1,slow=0.1",
        ] {
            assert!(parse_faults(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn timeouts_must_be_usable() {
        assert_eq!(parse_timeout("t", "0.5"), Ok(Duration::from_millis(500)));
        for bad in ["0", "1e-12", "-1", "3601", "inf", "NaN", "x"] {
            assert!(parse_timeout("t", bad).is_err(), "{bad:?}");
        }
        let mut c = Config::new(Profile::Local);
        c.header_timeout = Duration::from_nanos(1);
        assert!(c.validate().is_err());
        let mut c = Config::new(Profile::Local);
        c.max_connections = 0;
        assert!(c.validate().is_err());
        assert!(Config::new(Profile::Chaos).validate().is_ok());
    }
}
