//! The command line of `compare` (and the options `sweep` shares with it), and the settings a
//! report is made with once the defaults are filled in.

use std::path::PathBuf;

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenarios to run, comma-separated
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "local,delay,error"
    )]
    pub scenario: Vec<Scenario>,
    /// Downloaders to run, comma-separated
    #[arg(
        long = "impl",
        value_enum,
        value_delimiter = ',',
        default_value = "seq,threadpool,tokio"
    )]
    pub implementation: Vec<Impl>,
    /// Scenario drawn in timeline.svg
    #[arg(long, value_enum, default_value = "delay")]
    pub timeline: Scenario,
    #[command(flatten)]
    pub common: Common,
}

/// The options of every measuring task: how long, how often, against what, built how.
#[derive(clap::Args, Debug)]
pub struct Common {
    /// Runs of each downloader × scenario × concurrency; the median is reported [default: 3, 1 with --quick]
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub repeat: Option<usize>,
    /// Seconds a run may take before it gets SIGINT (the downloader's Ctrl-C) [default: 20, 3 with --quick]
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub budget: Option<f64>,
    /// Only the first N of the 676 codes (-l N) [default: all; fewer with --quick]
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub limit: Option<usize>,
    /// Delay of each GET on the DELAY and ERROR servers, MIN[..MAX] seconds [default: the server's; shorter with --quick]
    #[arg(long, value_name = "MIN[..MAX]", value_parser = delay)]
    pub delay: Option<String>,
    /// Seed of the servers' delays and errors
    #[arg(long, value_name = "N", default_value_t = 1950)]
    pub seed: u64,
    /// Seconds one request may take (the downloaders' --timeout)
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = seconds)]
    pub timeout: f64,
    /// A short run: repeat 1, budget 3 s, fewer codes, shorter delays
    #[arg(long)]
    pub quick: bool,
    /// Cargo profile to build and measure (dev builds are quicker to get, slower to run)
    #[arg(long, value_enum, default_value = "release")]
    pub profile: BuildProfile,
    /// Take flags-seq, flags-threadpool, flags-tokio and flags-server from DIR instead of building
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
    /// Where the reports go [default: <target dir>/compare]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
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
    pub delay: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Scenario {
    Local,
    Delay,
    Error,
}

impl Scenario {
    pub fn label(self) -> &'static str {
        match self {
            Scenario::Local => "LOCAL",
            Scenario::Delay => "DELAY",
            Scenario::Error => "ERROR",
        }
    }

    pub const ALL: [Scenario; 3] = [Scenario::Local, Scenario::Delay, Scenario::Error];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Impl {
    Seq,
    Threadpool,
    Tokio,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
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
    pub delay: Option<String>,
    pub seed: u64,
    pub profile: String,
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

    /// What ran, for headlines: `-e`, `-e -l 100`, and the delays when they are not the server's.
    pub fn scope(&self, scenario: Scenario) -> String {
        let mut s = String::from("-e");
        if let Some(n) = self.limit {
            s += &format!(" -l {n}");
        }
        if let (Some(d), true) = (&self.delay, scenario != Scenario::Local) {
            s += &format!(", delays {d} s");
        }
        s
    }
}

impl Common {
    /// The settings with the defaults filled in (the values were checked by clap).
    pub fn settings(&self, quick: &QuickDefaults) -> Settings {
        let repeat = self.repeat.unwrap_or(if self.quick { 1 } else { 3 });
        let budget = self.budget.unwrap_or(if self.quick { 3.0 } else { 20.0 });
        let limit = self.limit.or(self.quick.then_some(quick.limit));
        let delay = self
            .delay
            .clone()
            .or(self.quick.then(|| quick.delay.to_string()));
        Settings {
            repeat,
            budget_s: budget,
            timeout_s: self.timeout,
            limit,
            delay,
            seed: self.seed,
            profile: self.profile.name().to_string(),
            quick: self.quick,
            threads_measure: "threads_peak: highest Threads: of /proc/PID/status, sampled every 10 ms; \
                              trace_threads: distinct thread names in the --trace file"
                .to_string(),
            median_rule: "each figure is the median over the repeats; the counts are those of the repeat with the median items/s"
                .to_string(),
        }
    }
}

/// The option checks of compare, sweep and race, as clap value parsers: a bad value is a usage
/// error (exit 2, the usage after it), the same in all three.
///
/// A count of at least 1: `--repeat`, `--limit`, `-m`.
pub fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(err) => Err(err.to_string()),
    }
}

/// A positive, finite number of seconds: `--budget`, `--timeout`.
pub fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 => Ok(s),
        Ok(_) => Err("must be a positive number of seconds".into()),
        Err(err) => Err(err.to_string()),
    }
}

/// `MIN[..MAX]` seconds, as the server takes them: `--delay`.
pub fn delay(text: &str) -> Result<String, String> {
    flags_server::parse_delay(text)
        .map(|_| text.to_string())
        .map_err(|err| err.to_string())
}

/// Sorted, without repeats.
/// Each item once, in the order it first comes: downloaders, labels, as the rows list them.
pub fn first_seen<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

pub fn distinct<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut v = items.to_vec();
    v.sort();
    v.dedup();
    v
}
