//! The book's `DownloadStatus`, its `Counter`, and the reports printed before and after a run,
//! with `Summary`, the final report as a value (the last line of a `--trace` file).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How one code ended: the book's `DownloadStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "OK")]
    Ok,
    #[serde(rename = "NOT_FOUND")]
    NotFound,
    #[serde(rename = "ERROR")]
    Error,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Ok => "OK",
            Status::NotFound => "NOT_FOUND",
            Status::Error => "ERROR",
        })
    }
}

/// How many codes ended in each status: the book's `collections.Counter`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    pub ok: usize,
    pub not_found: usize,
    pub error: usize,
}

impl Counter {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Ok => self.ok += 1,
            Status::NotFound => self.not_found += 1,
            Status::Error => self.error += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.ok + self.not_found + self.error
    }
}

/// How every code asked for ended: each counted once, as OK, not found, error or not
/// attempted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Codes asked for.
    pub asked: usize,
    /// Flags downloaded and saved.
    pub ok: usize,
    /// Codes answered 404.
    pub not_found: usize,
    /// Codes that ended in error.
    pub errors: usize,
    /// Codes never started: what a Ctrl-C (or a closed stdout) spared.
    pub not_attempted: usize,
}

impl Tally {
    /// Codes that ended, one way or another.
    pub fn ended(&self) -> usize {
        self.ok + self.not_found + self.errors
    }
}

/// The final report as a value: what the printed report says, for programs to read. In JSON its
/// tally's fields stand beside the others (`{"asked":676,"ok":194,...}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// How every code ended.
    #[serde(flatten)]
    pub tally: Tally,
    /// Tries taken again under `--retries`.
    pub retries: usize,
    /// Requests allowed in flight at once (`-m`, within the downloader's maximum).
    pub concur_req: usize,
    /// The most downloads in flight at once, as the run went: what happened, against
    /// `concur_req`, what was allowed.
    #[serde(default)]
    pub peak_in_flight: usize,
    /// Seconds from the first request to the report.
    pub elapsed_s: f64,
    /// Codes ended per second.
    pub items_per_s: f64,
    /// Ctrl-C stopped the run early.
    pub interrupted: bool,
    /// The program's own peak resident memory, KiB, as it ends (Linux's `VmHWM`; None where not
    /// read): what `cargo xtask` reports, since a parent's view can include its own memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_kib: Option<u64>,
}

/// What the book prints before a run.
pub fn initial_report(cc_list: &[String], actual_req: usize, label: &str, url: &str) -> String {
    let cc_msg = if cc_list.len() <= 10 {
        cc_list.join(", ")
    } else {
        format!("from {} to {}", cc_list[0], cc_list[cc_list.len() - 1])
    };
    let plural = if cc_list.len() == 1 { "" } else { "s" };
    let connections = if actual_req == 1 {
        "1 connection will be used.".to_string()
    } else {
        format!("{actual_req} concurrent connections will be used.")
    };
    format!(
        "{label} site: {url}\nSearching for {} flag{plural}: {cc_msg}\n{connections}",
        cc_list.len()
    )
}

/// What the book prints after a run, and the speed in items (codes) per second.
pub fn final_report(summary: &Summary) -> String {
    let mut lines = vec!["-".repeat(20)];
    let tally = &summary.tally;
    let plural = if tally.ok == 1 { "" } else { "s" };
    lines.push(format!("{:3} flag{plural} downloaded.", tally.ok));
    if tally.not_found > 0 {
        lines.push(format!("{:3} not found.", tally.not_found));
    }
    if tally.errors > 0 {
        let plural = if tally.errors == 1 { "" } else { "s" };
        lines.push(format!("{:3} error{plural}.", tally.errors));
    }
    if tally.not_attempted > 0 {
        let skipped = tally.not_attempted;
        lines.push(format!("{skipped:3} not attempted (interrupted)."));
    }
    if summary.retries > 0 {
        let retries = summary.retries;
        let plural = if retries == 1 { "y" } else { "ies" };
        lines.push(format!("{retries:3} retr{plural}."));
    }
    lines.push(in_flight_line(summary));
    lines.push(format!("Elapsed time: {:.2}s", summary.elapsed_s));
    lines.push(format!("Speed: {:.2} items/s", summary.items_per_s));
    lines.join("\n")
}

/// What the run did with `-m`: `Peak in flight: 1 of 10 allowed.`, or, for a program that
/// starts more than it may, `Peak in flight: 676, above the 5 allowed.`
fn in_flight_line(summary: &Summary) -> String {
    let (peak, allowed) = (summary.peak_in_flight, summary.concur_req);
    if peak > allowed {
        format!("Peak in flight: {peak}, above the {allowed} allowed.")
    } else {
        format!("Peak in flight: {peak} of {allowed} allowed.")
    }
}

impl Summary {
    /// The summary of a run that asked for `asked` codes, ended `counter`, took `retries` extra
    /// tries and `elapsed`.
    pub fn new(
        asked: usize,
        counter: &Counter,
        retries: usize,
        concur_req: usize,
        peak_in_flight: usize,
        elapsed: Duration,
        interrupted: bool,
    ) -> Summary {
        let elapsed_s = elapsed.as_secs_f64();
        let items_per_s = if elapsed_s > 0.0 {
            counter.total() as f64 / elapsed_s
        } else {
            0.0
        };
        Summary {
            tally: Tally {
                asked,
                ok: counter.ok,
                not_found: counter.not_found,
                errors: counter.error,
                not_attempted: asked.saturating_sub(counter.total()),
            },
            retries,
            concur_req,
            peak_in_flight,
            elapsed_s,
            items_per_s,
            interrupted,
            peak_rss_kib: crate::platform::peak_rss_kib(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_read_like_the_book() {
        let codes: Vec<String> = crate::codes::every_code();
        assert_eq!(
            initial_report(&codes, 1000, "LOCAL", "http://localhost:8000/flags"),
            "LOCAL site: http://localhost:8000/flags\n\
             Searching for 676 flags: from AA to ZZ\n\
             1000 concurrent connections will be used."
        );
        let one = vec!["BR".to_string()];
        assert!(
            initial_report(&one, 1, "DELAY", "u")
                .ends_with("1 flag: BR\n1 connection will be used.")
        );

        let counter = Counter {
            ok: 194,
            not_found: 482,
            error: 0,
        };
        let report = final_report(&Summary::new(
            676,
            &counter,
            0,
            1000,
            1000,
            Duration::from_millis(520),
            false,
        ));
        assert_eq!(
            report,
            "--------------------\n194 flags downloaded.\n482 not found.\n\
             Peak in flight: 1000 of 1000 allowed.\nElapsed time: 0.52s\nSpeed: 1300.00 items/s"
        );
    }

    #[test]
    fn errors_and_interruptions_are_reported() {
        let counter = Counter {
            ok: 1,
            not_found: 0,
            error: 2,
        };
        let report = final_report(&Summary::new(
            5,
            &counter,
            3,
            5,
            9,
            Duration::from_secs(1),
            true,
        ));
        assert!(report.contains("  1 flag downloaded.\n"));
        assert!(report.contains("  2 errors.\n"));
        assert!(report.contains("  2 not attempted (interrupted).\n"));
        assert!(report.contains("  3 retries.\n"));
        assert!(report.contains("Peak in flight: 9, above the 5 allowed.\n"));
        assert!(!report.contains("not found"));
    }
}
