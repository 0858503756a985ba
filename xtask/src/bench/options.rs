//! The options every measuring task shares (compare, sweep, race), their checks as clap value
//! parsers, and the settings a report is made with once the defaults are filled in. A value a
//! downloader would refuse is refused here first, by the same definition: a usage error
//! (exit 2) before anything is built.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::ValueEnum;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The options every task that runs the downloaders takes alike (compare, sweep, race): which
/// codes, which seed, which build. Their budget and delay differ in their defaults, so each
/// declares those.
#[derive(clap::Args, Debug)]
pub struct Shared {
    /// Only the first N of the 676 codes, as the downloaders' -l N [default: all; fewer with
    /// compare's and sweep's --quick]
    #[arg(short, long, value_name = "N", value_parser = limit)]
    pub limit: Option<usize>,
    /// Seed of the servers' delays and errors
    #[arg(long, value_name = "N", default_value_t = 1950)]
    pub seed: u64,
    /// Cargo profile to build and run (dev builds are quicker to get, slower to run)
    #[arg(long, value_enum, default_value = "release")]
    pub profile: BuildProfile,
    /// Take the programs (named PACKAGE there, as cargo names them) and flags-server from DIR
    /// instead of building them
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
}

/// The options of every measuring task: how long, how often, against what, built how.
#[derive(clap::Args, Debug)]
pub struct Common {
    #[command(flatten)]
    pub shared: Shared,
    /// Runs of each downloader × scenario × concurrency; the median is reported [default: 3, 1 with --quick]
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub repeat: Option<usize>,
    /// Seconds a run may take before it gets SIGINT (the downloader's Ctrl-C) [default: 20, 3 with --quick]
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub budget: Option<Duration>,
    /// Delay of each GET on the DELAY and ERROR servers, MIN[..MAX] seconds [default: the server's; shorter with --quick]
    #[arg(long, value_name = "MIN[..MAX]")]
    pub delay: Option<Delay>,
    /// Seconds one request may take (the downloaders' --timeout)
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = timeout)]
    pub timeout: Duration,
    /// A short run: repeat 1, budget 3 s, fewer codes, shorter delays
    #[arg(long)]
    pub quick: bool,
    /// Where the reports go [default: <target dir>/compare]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Where the runs save their flags, in a new directory removed at the end [default: /dev/shm
    /// on Linux, so that the disk's own swings stay out of the figures; else the reports' DIR]
    #[arg(long, value_name = "DIR", value_parser = existing_dir)]
    pub downloads: Option<PathBuf>,
    /// Also run the book's flags2_*.py from DIR (its 20-executors/getflags) with $PYTHON, else python3
    #[arg(long, value_name = "DIR")]
    pub python: Option<PathBuf>,
    /// First of the three ports the servers take with --python (the book's: 8000)
    #[arg(long, value_name = "PORT", default_value_t = 8000, hide = true)]
    pub python_port_base: u16,
}

/// What `--quick` means for one task.
pub struct QuickDefaults {
    pub limit: usize,
    pub delay: Delay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BuildProfile {
    Release,
    Dev,
}

impl BuildProfile {
    /// Cargo's name for it.
    pub fn name(self) -> &'static str {
        match self {
            BuildProfile::Release => "release",
            BuildProfile::Dev => "dev",
        }
    }
}

/// The settings a report was made with.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settings {
    pub repeat: usize,
    pub budget_s: f64,
    pub timeout_s: f64,
    pub limit: Option<usize>,
    pub delay: Option<Delay>,
    pub seed: u64,
    pub profile: BuildProfile,
    #[serde(default)]
    pub quick: bool,
    pub threads_measure: String,
    pub median_rule: String,
}

impl Settings {
    /// Codes each run asks for: `-e` is 676, `-l N` the first N of them.
    pub fn codes(&self) -> usize {
        self.limit.map_or(676, |n| n.min(676))
    }

    pub fn budget(&self) -> Duration {
        Duration::from_secs_f64(self.budget_s)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_s)
    }

    /// What ran, for headlines: `-e`, `-e -l 100`, and the delays when they are not the server's.
    pub fn scope(&self, profile: flags_server::Profile) -> String {
        let mut s = String::from("-e");
        if let Some(n) = self.limit {
            s += &format!(" -l {n}");
        }
        if let (Some(d), true) = (&self.delay, profile != flags_server::Profile::Local) {
            s += &format!(", delays {d} s");
        }
        s
    }
}

impl Common {
    /// The settings with the defaults filled in (the values were checked by clap).
    pub fn settings(&self, quick: &QuickDefaults) -> Settings {
        let repeat = self.repeat.unwrap_or(if self.quick { 1 } else { 3 });
        let budget = self
            .budget
            .unwrap_or(Duration::from_secs(if self.quick { 3 } else { 20 }));
        Settings {
            repeat,
            budget_s: budget.as_secs_f64(),
            timeout_s: self.timeout.as_secs_f64(),
            limit: self.shared.limit.or(self.quick.then_some(quick.limit)),
            delay: self.delay.or(self.quick.then_some(quick.delay)),
            seed: self.shared.seed,
            profile: self.shared.profile,
            quick: self.quick,
            threads_measure: "threads_peak: highest Threads: of the process's status in procfs, sampled every 10 ms \
                              (Linux; null elsewhere); trace_threads: distinct thread names in the --trace file"
                .to_string(),
            median_rule: "each figure is the median over the repeats; the counts are those of the repeat with the median items/s"
                .to_string(),
        }
    }
}

/// A directory that exists: `--downloads`, checked before anything is built.
pub fn existing_dir(text: &str) -> Result<PathBuf, String> {
    let dir = PathBuf::from(text);
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err("not a directory".into())
    }
}

/// `--limit`: the downloaders' own bound.
pub fn limit(text: &str) -> Result<usize, String> {
    flags_common::bounds::LIMIT.parse(text)
}

/// `-m`: the downloaders' own bound (each then caps it at its maximum).
pub fn max_req(text: &str) -> Result<usize, String> {
    flags_common::bounds::MAX_REQ.parse(text)
}

/// A count of at least 1: `--repeat`, which no downloader takes.
pub fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(err) => Err(err.to_string()),
    }
}

/// A positive number of seconds that a `Duration` can hold: `--budget`. `1e300` is refused, as
/// are zero, negatives, NaN and infinity.
pub fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 => Duration::try_from_secs_f64(s)
            .map_err(|_| "must be a number of seconds that fits a duration".into()),
        Ok(_) => Err("must be a positive number of seconds".into()),
        Err(err) => Err(err.to_string()),
    }
}

/// `--timeout`: the downloaders' own bound, so that none of them refuses what was accepted.
pub fn timeout(text: &str) -> Result<Duration, String> {
    flags_common::bounds::TIMEOUT.parse(text)
}

/// `MIN[..MAX]` seconds, as the server takes them: `--delay`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Delay {
    pub min: Duration,
    pub max: Duration,
}

impl FromStr for Delay {
    type Err = String;

    fn from_str(text: &str) -> Result<Delay, String> {
        let (min, max) = flags_server::parse_delay(text).map_err(|err| err.to_string())?;
        Ok(Delay { min, max })
    }
}

impl fmt::Display for Delay {
    /// As the server takes it: `0.5`, `0.05..0.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (min, max) = (self.min.as_secs_f64(), self.max.as_secs_f64());
        if min == max {
            write!(f, "{min}")
        } else {
            write!(f, "{min}..{max}")
        }
    }
}

impl Serialize for Delay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Delay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Delay, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Each item once, in the order it first comes: downloaders, profiles, as the rows list them.
pub fn first_seen<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

/// Sorted, without repeats.
pub fn distinct<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut v = items.to_vec();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_never_panic() {
        assert!(seconds("1e300").is_err());
        assert!(seconds("0").is_err());
        assert!(seconds("nan").is_err());
        assert!(seconds("inf").is_err());
        assert_eq!(seconds("2.5"), Ok(Duration::from_millis(2500)));
    }

    #[test]
    fn delays_read_back_as_written() {
        for text in ["0.5", "0.05..0.5", "1..5"] {
            assert_eq!(text.parse::<Delay>().unwrap().to_string(), text);
        }
    }
}
