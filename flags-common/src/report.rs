//! The book's `DownloadStatus`, its `Counter`, and the reports printed before and after a run.

use std::fmt;
use std::time::Duration;

/// How one code ended: the book's `DownloadStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Ok,
    NotFound,
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
pub fn final_report(asked: usize, counter: &Counter, retries: usize, elapsed: Duration) -> String {
    let mut lines = vec!["-".repeat(20)];
    let plural = if counter.ok == 1 { "" } else { "s" };
    lines.push(format!("{:3} flag{plural} downloaded.", counter.ok));
    if counter.not_found > 0 {
        lines.push(format!("{:3} not found.", counter.not_found));
    }
    if counter.error > 0 {
        let plural = if counter.error == 1 { "" } else { "s" };
        lines.push(format!("{:3} error{plural}.", counter.error));
    }
    let skipped = asked.saturating_sub(counter.total());
    if skipped > 0 {
        lines.push(format!("{skipped:3} not attempted (interrupted)."));
    }
    if retries > 0 {
        let plural = if retries == 1 { "y" } else { "ies" };
        lines.push(format!("{retries:3} retr{plural}."));
    }
    let secs = elapsed.as_secs_f64();
    lines.push(format!("Elapsed time: {secs:.2}s"));
    let rate = if secs > 0.0 {
        counter.total() as f64 / secs
    } else {
        0.0
    };
    lines.push(format!("Speed: {rate:.2} items/s"));
    lines.join("\n")
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
        let report = final_report(676, &counter, 0, Duration::from_millis(520));
        assert_eq!(
            report,
            "--------------------\n194 flags downloaded.\n482 not found.\n\
             Elapsed time: 0.52s\nSpeed: 1300.00 items/s"
        );
    }

    #[test]
    fn errors_and_interruptions_are_reported() {
        let counter = Counter {
            ok: 1,
            not_found: 0,
            error: 2,
        };
        let report = final_report(5, &counter, 3, Duration::from_secs(1));
        assert!(report.contains("  1 flag downloaded.\n"));
        assert!(report.contains("  2 errors.\n"));
        assert!(report.contains("  2 not attempted (interrupted).\n"));
        assert!(report.contains("  3 retries.\n"));
        assert!(!report.contains("not found"));
    }
}
