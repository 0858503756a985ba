//! `--seconds`: how long the slow function takes, from 0 to a day.

use std::time::Duration;

use clap::error::{DefaultFormatter, Error, ErrorKind};

/// The most `--seconds` takes: a day is more than any class needs, and keeps every runtime's
/// timer far from the end of its clock.
pub const MOST_SECONDS: f64 = 86_400.0;

/// Reads `--seconds`: a number of seconds, from 0 to a day. Past a day, exits at once with a
/// usage error of one line that gives the bound (clap's own error for a bad value takes three).
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if seconds > MOST_SECONDS {
        let why = format!("--seconds {text} is more than a day: at most {MOST_SECONDS}\n");
        Error::<DefaultFormatter>::raw(ErrorKind::ValueValidation, why).exit()
    }
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{e}"))
}
