//! What a board shows, as plain data: the state of each of the 676 codes and the counts of the
//! status line. Told of each start and end, by the downloader itself (`--board`) or by the lines
//! of a `--trace` file (`cargo xtask race`).

use std::time::Duration;

use crate::report::{Counter, Status};

/// The state of one cell, AA..ZZ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Not asked for in this run (`-a`, explicit codes): drawn blank.
    Blank,
    Queued,
    InFlight,
    Ok,
    NotFound,
    Error,
}

impl From<Status> for Cell {
    fn from(status: Status) -> Cell {
        match status {
            Status::Ok => Cell::Ok,
            Status::NotFound => Cell::NotFound,
            Status::Error => Cell::Error,
        }
    }
}

/// The 26 × 26 cells and the counts of one run.
#[derive(Clone, Debug)]
pub struct BoardState {
    cells: Vec<Cell>,
    asked: usize,
    in_flight: usize,
    peak: usize,
    ended: Counter,
}

impl BoardState {
    /// A board of `cc_list` queued, every other cell blank.
    pub fn new(cc_list: &[String]) -> BoardState {
        let mut cells = vec![Cell::Blank; 26 * 26];
        let mut asked = 0;
        for cc in cc_list {
            if let Some(i) = index(cc) {
                cells[i] = Cell::Queued;
                asked += 1;
            }
        }
        BoardState {
            cells,
            asked,
            in_flight: 0,
            peak: 0,
            ended: Counter::default(),
        }
    }

    /// A download of `cc` started.
    pub fn start(&mut self, cc: &str) {
        let Some(i) = index(cc) else { return };
        if matches!(self.cells[i], Cell::Queued) {
            self.cells[i] = Cell::InFlight;
            self.in_flight += 1;
            self.peak = self.peak.max(self.in_flight);
        }
    }

    /// The download of `cc` ended with `status`.
    pub fn end(&mut self, cc: &str, status: Status) {
        let Some(i) = index(cc) else { return };
        match self.cells[i] {
            Cell::InFlight => self.in_flight -= 1,
            Cell::Queued => {}
            _ => return, // told twice: count once
        }
        self.cells[i] = status.into();
        self.ended.add(status);
    }

    /// The cell of row `first` (0 = A) and column `second` (0 = A).
    pub fn cell(&self, first: usize, second: usize) -> Cell {
        self.cells[first * 26 + second]
    }

    /// Codes that have ended, in any status.
    pub fn done(&self) -> usize {
        self.ended.total()
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// `in flight: N (peak P) · done D/T · OK O · not found F · errors E · R items/s · 00:04`
    pub fn status_line(&self, elapsed: Duration) -> String {
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            self.done() as f64 / secs
        } else {
            0.0
        };
        format!(
            "in flight: {} (peak {}) · done {}/{} · OK {} · not found {} · errors {} · {} items/s · {}",
            self.in_flight,
            self.peak,
            self.done(),
            self.asked,
            self.ended.ok,
            self.ended.not_found,
            self.ended.error,
            one_decimal(rate),
            mm_ss(elapsed),
        )
    }
}

/// The cell of a code: AA is 0, AB is 1, ZZ is 675.
fn index(cc: &str) -> Option<usize> {
    match cc.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => Some((a - b'A') as usize * 26 + (b - b'A') as usize),
        _ => None,
    }
}

/// At most one decimal: `17.2`, `3`, `1300`.
pub fn one_decimal(x: f64) -> String {
    let text = format!("{x:.1}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

/// Minutes and seconds: `00:04`, `12:30`, `75:00` past an hour.
pub fn mm_ss(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|cc| cc.to_string()).collect()
    }

    #[test]
    fn cells_go_queued_in_flight_done_and_the_counts_follow() {
        let mut board = BoardState::new(&codes(&["AA", "BR", "ZZ"]));
        assert_eq!(board.cell(0, 0), Cell::Queued);
        assert_eq!(board.cell(0, 1), Cell::Blank);
        board.start("BR");
        board.start("ZZ");
        assert_eq!(board.cell(1, 17), Cell::InFlight);
        board.end("BR", Status::Ok);
        board.end("BR", Status::Ok);
        board.end("ZZ", Status::NotFound);
        board.start("AA");
        assert_eq!(board.cell(1, 17), Cell::Ok);
        assert_eq!(board.cell(25, 25), Cell::NotFound);
        assert_eq!(
            board.status_line(Duration::from_millis(4_500)),
            "in flight: 1 (peak 2) · done 2/3 · OK 1 · not found 1 · errors 0 · 0.4 items/s · 00:04"
        );
    }

    #[test]
    fn numbers_have_at_most_one_decimal_and_time_is_mm_ss() {
        assert_eq!(one_decimal(17.2198), "17.2");
        assert_eq!(one_decimal(3.0), "3");
        assert_eq!(mm_ss(Duration::from_secs(754)), "12:34");
        assert_eq!(mm_ss(Duration::from_millis(4_900)), "00:04");
    }
}
