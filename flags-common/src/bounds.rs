//! The downloaders' limits, each defined once with its range (and the size of a connection's
//! buffers, `CONNECTION_BUFFER`), so that every program that passes
//! them on (`cargo xtask compare`, `race`...) refuses what a downloader would refuse, with the
//! same words, before anything runs. Built without the HTTP clients.
//!
//! | option | range | why |
//! | --- | --- | --- |
//! | `--timeout SECONDS` | 0.001 to 86400 (a millisecond to a day), a decimal number | below a millisecond nothing answers; above a day is a mistake |
//! | `-m`, `--max-req N` | 1 to 18446744073709551615 (`usize` on 64 bits) | at least one request in flight; each downloader then caps it at its own maximum (1 or 1000) |
//! | `-l`, `--limit N` | 1 to the same | at least one code |
//! | `--retries N` | 0 to 4294967295 | the pause between tries stops doubling at 3.2 s |
//! | `--max-size BYTES` | 1 to 18446744073709551615 | a flag has at least one byte |
//!
//! Each bound is a `const` whose `parse` takes the text of the option and returns the value or
//! the one-line reason it is refused. It fits clap's `value_parser` as it is:
//!
//! ```
//! use flags_common::bounds::TIMEOUT;
//! #[derive(clap::Parser)]
//! struct Args {
//!     #[arg(long, value_parser = |s: &str| TIMEOUT.parse(s))]
//!     timeout: std::time::Duration,
//! }
//! assert_eq!(TIMEOUT.parse("1e300").unwrap_err(), "must be 0.001 to 86400 seconds (a millisecond to a day)");
//! ```
//!
//! clap then says `error: invalid value '1e300' for '--timeout <SECONDS>': must be 0.001 to
//! 86400 seconds (a millisecond to a day)`, exit status 2. Durations are made without panics
//! from any number: NaN, infinities and `1e300` are refused, never `Duration::from_secs_f64`'s
//! panic.

use std::fmt::Display;
use std::str::FromStr;
use std::time::Duration;

/// Each connection's buffers, one to read and one to write: 8 KiB each, what hyper (under
/// reqwest) starts a connection's buffers at. ureq's agent gets them too (`blocking_agent`; its
/// own default is 128 KiB each way): so that a thread pool and an event loop compare as threads
/// and tasks, not as buffer sizes (at `-m 1000`, 256 MiB of buffers against 16 MiB).
pub const CONNECTION_BUFFER: usize = 8 * 1024;

/// A whole number within `least..=most`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count<T> {
    /// The smallest value accepted.
    pub least: T,
    /// The largest value accepted.
    pub most: T,
}

impl<T: FromStr + PartialOrd + Display + Copy> Count<T> {
    /// The number `s` says, or why not: `must be a whole number from 1 to 4294967295`.
    pub fn parse(&self, s: &str) -> Result<T, String> {
        match s.trim().parse::<T>() {
            Ok(n) if self.least <= n && n <= self.most => Ok(n),
            _ => Err(format!(
                "must be a whole number from {} to {}",
                self.least, self.most
            )),
        }
    }
}

/// A number of seconds within `least..=most`, as a `Duration`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seconds {
    /// The shortest time accepted, in seconds.
    pub least: f64,
    /// The longest time accepted, in seconds.
    pub most: f64,
    /// The range in words: `a millisecond to a day`.
    pub words: &'static str,
}

impl Seconds {
    /// The time `s` says (a decimal number of seconds), or why not.
    pub fn parse(&self, s: &str) -> Result<Duration, String> {
        let secs = s.trim().parse::<f64>().map_err(|_| self.refusal())?;
        self.check(secs)
    }

    /// `secs` as a `Duration` when it is within the range, else why not. NaN, infinities and
    /// numbers too large for a `Duration` are refused, never a panic.
    pub fn check(&self, secs: f64) -> Result<Duration, String> {
        if !(self.least..=self.most).contains(&secs) {
            return Err(self.refusal());
        }
        Duration::try_from_secs_f64(secs).map_err(|_| self.refusal())
    }

    fn refusal(&self) -> String {
        format!(
            "must be {} to {} seconds ({})",
            self.least, self.most, self.words
        )
    }
}

/// `--timeout` when not given: 10 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// `--timeout`: how long one request may take, body included.
pub const TIMEOUT: Seconds = Seconds {
    least: 0.001,
    most: 86_400.0,
    words: "a millisecond to a day",
};

/// `-m`, `--max-req`: requests in flight at once, before the downloader's own maximum.
pub const MAX_REQ: Count<usize> = Count {
    least: 1,
    most: usize::MAX,
};

/// `-m` as one of the book's scripts sets it: its `DEFAULT_CONCUR_REQ` and `MAX_CONCUR_REQ`.
/// Each downloader passes its model's to `flags_common::main`, and `cargo xtask` reads the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConcurReq {
    /// `-m` when not given.
    pub default: usize,
    /// The most `-m` the downloader takes: more is lowered to this.
    pub max: usize,
}

impl ConcurReq {
    /// `flags2_sequential.py`: one request at a time, which is what sequential means.
    pub const SEQUENTIAL: ConcurReq = ConcurReq { default: 1, max: 1 };
    /// `flags2_threadpool.py`: 30 workers unless `-m` says otherwise, 1000 at most.
    pub const THREAD_POOL: ConcurReq = ConcurReq {
        default: 30,
        max: 1000,
    };
    /// `flags2_asyncio.py`: 5 requests in flight unless `-m` says otherwise, 1000 at most.
    pub const ASYNCIO: ConcurReq = ConcurReq {
        default: 5,
        max: 1000,
    };
}

/// `-l`, `--limit`: only the first N codes.
pub const LIMIT: Count<usize> = Count {
    least: 1,
    most: usize::MAX,
};

/// `--retries`: tries after one that ended in error.
pub const RETRIES: Count<u32> = Count {
    least: 0,
    most: u32::MAX,
};

/// `--max-size`: the largest body accepted, in bytes.
pub const MAX_SIZE: Count<u64> = Count {
    least: 1,
    most: u64::MAX,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_within_the_range_and_no_panic_outside() {
        assert_eq!(TIMEOUT.parse("10"), Ok(Duration::from_secs(10)));
        assert_eq!(TIMEOUT.parse("0.001"), Ok(Duration::from_millis(1)));
        assert_eq!(TIMEOUT.parse("86400"), Ok(Duration::from_secs(86_400)));
        let refused = "must be 0.001 to 86400 seconds (a millisecond to a day)";
        for bad in [
            "0", "0.0001", "86401", "-1", "1e19", "1e300", "1e308", "inf", "-inf", "NaN", "", "x",
        ] {
            assert_eq!(TIMEOUT.parse(bad).unwrap_err(), refused, "{bad:?}");
        }
        assert_eq!(TIMEOUT.check(f64::MAX).unwrap_err(), refused);
    }

    #[test]
    fn counts_within_their_range() {
        assert_eq!(MAX_REQ.parse("1"), Ok(1));
        assert_eq!(MAX_REQ.parse("5000"), Ok(5000));
        assert_eq!(RETRIES.parse("0"), Ok(0));
        assert_eq!(MAX_SIZE.parse("20"), Ok(20));
        let huge = "99999999999999999999999999";
        assert_eq!(
            MAX_REQ.parse("0").unwrap_err(),
            format!("must be a whole number from 1 to {}", usize::MAX)
        );
        for bad in [huge, "-1", "1.5", "", "x"] {
            assert!(MAX_REQ.parse(bad).is_err(), "{bad:?}");
            assert!(LIMIT.parse(bad).is_err(), "{bad:?}");
            assert!(RETRIES.parse(bad).is_err(), "{bad:?}");
            assert!(MAX_SIZE.parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            RETRIES.parse(huge).unwrap_err(),
            "must be a whole number from 0 to 4294967295"
        );
        assert!(MAX_SIZE.parse("0").is_err());
        assert!(LIMIT.parse("0").is_err());
    }
}
