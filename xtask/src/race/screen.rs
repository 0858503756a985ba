//! What the race looks like on the terminal (stdout). The race runs on a screen of its own (the
//! terminal's alternate screen: cleared, cargo's build lines out of the way) and is laid out
//! again whenever the terminal's size changes. Where there is room, the boards: a headline, the
//! boards side by side sharing the row letters (only the rows in use), each titled with its
//! crate and `-m`, their status lines under the grids, the legend. On a smaller terminal, the
//! richest compact view that fits: a bar and a status line per downloader, down to one line
//! each. A status line too long for its room is cut at a word, with `…`. When the race ends,
//! its last frame is printed once on the terminal's own screen, above the table. Not a
//! terminal: the headline, then only the final table.

use std::io::{self, IsTerminal, Write};
use std::time::Instant;

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::style::ResetColor;
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{execute, queue};
use flags_common::board::{BoardState, Cell, one_decimal};
use flags_common::board::{Canvas, Painter, grid};

use super::racer::Racer;
use crate::util::say;

/// Boards of 26 cells, 6 apart, after the row letters.
const LEFT: usize = 2;
const STRIDE: usize = 32;
/// The width of `n` boards side by side.
fn boards_width(n: usize) -> usize {
    LEFT + n.saturating_sub(1) * STRIDE + 26
}
/// Status lines start after the longest crate name.
const LABEL: usize = 18;
/// Lines besides the grid rows, for `n` boards: headline, titles, column letters, a blank,
/// n × 2 status lines, the legend, the note.
fn boards_overhead(n: usize) -> usize {
    6 + 2 * n
}

/// How a compact view spends its lines, richest first: the first that fits is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Compact {
    /// Lines of the headline (cut at a word with `…` past them).
    headline: usize,
    /// A blank line after the headline and after each downloader.
    blanks: bool,
    /// Per downloader: a line with its name and bar, then this many lines of status; or, with
    /// 0, one line for both.
    status: usize,
    /// The legend and the note under the downloaders.
    legend: bool,
}

const COMPACT: [Compact; 6] = [
    Compact {
        headline: 2,
        blanks: true,
        status: 2,
        legend: true,
    },
    Compact {
        headline: 1,
        blanks: true,
        status: 1,
        legend: true,
    },
    Compact {
        headline: 1,
        blanks: false,
        status: 1,
        legend: true,
    },
    Compact {
        headline: 1,
        blanks: false,
        status: 0,
        legend: true,
    },
    Compact {
        headline: 1,
        blanks: false,
        status: 0,
        legend: false,
    },
    Compact {
        headline: 0,
        blanks: false,
        status: 0,
        legend: false,
    },
];

impl Compact {
    fn height(&self, racers: usize) -> usize {
        let each = if self.status == 0 { 1 } else { 1 + self.status } + usize::from(self.blanks);
        self.headline
            + usize::from(self.blanks && self.headline > 0)
            + racers * each
            + 2 * usize::from(self.legend)
    }
}

/// How the race is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    /// Not a terminal: nothing live.
    None,
    Boards,
    Compact(Compact),
}

pub struct Screen {
    view: View,
    /// Drawn live on a terminal (until the last frame).
    live: bool,
    painter: Painter,
    /// The board rows in use (A = 0), from the codes asked for.
    rows: Vec<usize>,
    /// Codes asked for.
    asked: usize,
    /// The terminal's size as last laid out: columns, lines.
    size: (u16, u16),
}

impl Screen {
    /// The screen of a race of `racers` downloaders over `codes`.
    pub fn new(headline: &str, codes: &[String], racers: usize) -> anyhow::Result<Screen> {
        let rows = BoardState::new(codes).rows_in_use();
        let mut screen = Screen {
            view: View::None,
            live: false,
            painter: Painter::default(),
            rows,
            asked: codes.len(),
            size: (0, 0),
        };
        if io::stdout().is_terminal() {
            execute!(io::stdout(), EnterAlternateScreen, Hide)?;
            screen.live = true;
            screen.lay_out(racers);
        } else {
            say(headline);
            say("Not drawn live here (not a terminal). Racing...");
        }
        Ok(screen)
    }

    /// The view for the terminal's size now, on a cleared screen: the next frame is drawn
    /// whole from its top.
    fn lay_out(&mut self, racers: usize) {
        let size = crossterm::terminal::size().unwrap_or((80, 24));
        let (width, height) = usable(size);
        self.size = size;
        self.view = if width >= boards_width(racers)
            && height >= self.rows.len() + boards_overhead(racers)
        {
            View::Boards
        } else {
            let fits = COMPACT.iter().find(|c| c.height(racers) <= height);
            View::Compact(*fits.unwrap_or(&COMPACT[COMPACT.len() - 1]))
        };
        self.painter = Painter::default();
        let mut out = io::stdout().lock();
        let _ = queue!(out, ResetColor, Clear(ClearType::All), MoveTo(0, 0));
        let _ = out.flush();
    }

    /// One frame: only what changed, or the whole frame after a resize. With `last`, the race
    /// is over: its own screen is left, and the last frame printed once on the terminal's.
    pub fn draw(
        &mut self,
        racers: &[Racer],
        start: Instant,
        (headline, note): (&str, &str),
        last: bool,
    ) -> io::Result<()> {
        if self.view == View::None {
            return Ok(());
        }
        if crossterm::terminal::size().is_ok_and(|size| size != self.size) {
            self.lay_out(racers.len());
        }
        let canvas = match self.view {
            View::None => return Ok(()),
            View::Boards => self.boards(racers, start, headline, note),
            View::Compact(how) => self.compact(how, racers, start, headline, note),
        };
        let mut out = io::stdout().lock();
        if last {
            queue!(out, ResetColor, LeaveAlternateScreen)?;
            self.view = View::None;
            Painter::default().draw(&mut out, &canvas)?;
            queue!(out, Show)?;
        } else {
            self.painter.draw(&mut out, &canvas)?;
        }
        out.flush()
    }

    /// The cursor at the start of a clean line, after the last frame (and over the `^C` the
    /// terminal may have echoed).
    pub fn finish(&mut self) {
        if !self.live {
            return;
        }
        if self.view != View::None {
            let _ = execute!(io::stdout(), ResetColor, LeaveAlternateScreen, Show);
            self.view = View::None;
        }
        let _ = write!(io::stdout().lock(), "\r\x1b[2K");
        let _ = io::stdout().flush();
    }

    fn boards(&self, racers: &[Racer], start: Instant, headline: &str, note: &str) -> Canvas {
        let (width, _) = usable(self.size);
        let height = self.rows.len() + boards_overhead(racers.len());
        let mut canvas = Canvas::new(height, width);
        canvas.text(0, 0, &cut(headline, width), None);
        for (n, &row) in self.rows.iter().enumerate() {
            canvas.put(3 + n, 0, (b'A' + row as u8) as char, None);
        }
        let status_top = 4 + self.rows.len();
        for (k, racer) in racers.iter().enumerate() {
            let left = LEFT + k * STRIDE;
            canvas.text(1, left, &cut(&title(racer), STRIDE - 2), None);
            for (j, letter) in ('A'..='Z').enumerate() {
                canvas.put(2, left + j, letter, None);
            }
            for (n, &row) in self.rows.iter().enumerate() {
                for j in 0..26 {
                    let (ch, color) = grid::look(racer.board.cell(row, j));
                    canvas.put(3 + n, left + j, ch, color);
                }
            }
            let line = status_top + 2 * k;
            canvas.text(line, 0, &racer.package, None);
            let room = width.saturating_sub(LABEL);
            for (i, text) in lines(&status(racer, start), room, 2).iter().enumerate() {
                canvas.text(line + i, LABEL, text, None);
            }
        }
        legend(&mut canvas, height - 2, width);
        canvas.text(height - 1, 0, &cut(note, width), None);
        canvas
    }

    /// Per downloader: its name and `-m` with a bar of its codes by state, and its status
    /// line; as many lines of each as `how` says.
    fn compact(
        &self,
        how: Compact,
        racers: &[Racer],
        start: Instant,
        headline: &str,
        note: &str,
    ) -> Canvas {
        let (width, height) = usable(self.size);
        let mut canvas = Canvas::new(how.height(racers.len()).min(height), width);
        let mut line = 0;
        for text in lines(headline, width, how.headline) {
            canvas.text(line, 0, &text, None);
            line += 1;
        }
        line += usize::from(how.blanks && how.headline > 0);
        for racer in racers {
            if how.status == 0 {
                let text = format!(
                    "{} {}",
                    title(racer),
                    short_status(racer, start, self.asked)
                );
                canvas.text(line, 0, &cut(&text, width), None);
                line += 1;
            } else {
                let name = title(racer);
                canvas.text(line, 0, &cut(&name, width), None);
                let bar_left = (LABEL + 6).max(name.chars().count() + 1);
                bar(
                    &mut canvas,
                    racer,
                    line,
                    bar_left,
                    width.saturating_sub(bar_left),
                );
                line += 1;
                // On one line, the figures most telling first.
                let text = if how.status == 1 {
                    short_status(racer, start, self.asked)
                } else {
                    status(racer, start)
                };
                let texts = lines(&text, width.saturating_sub(2), how.status);
                for text in texts {
                    canvas.text(line, 2, &text, None);
                    line += 1;
                }
            }
            line += usize::from(how.blanks);
        }
        if how.legend {
            legend(&mut canvas, line, width);
            canvas.text(line + 1, 0, &cut(note, width), None);
        }
        canvas
    }
}

impl Drop for Screen {
    /// On every way out, errors too: the terminal's own screen and its cursor back.
    fn drop(&mut self) {
        if self.view != View::None {
            let _ = execute!(io::stdout(), ResetColor, LeaveAlternateScreen, Show);
        }
    }
}

/// The columns and lines a frame may take: one column short of the edge, so that a full line
/// never leaves the cursor waiting to wrap, and one line short of the bottom, which the cursor
/// takes under the frame.
fn usable((cols, lines): (u16, u16)) -> (usize, usize) {
    (
        usize::from(cols).saturating_sub(1).max(1),
        usize::from(lines).saturating_sub(1).max(1),
    )
}

/// `flags-tokio -m 100`.
fn title(racer: &Racer) -> String {
    format!("{} -m {}", racer.package, racer.concur_req)
}

/// The board's status line, with the live memory and threads.
fn status(racer: &Racer, start: Instant) -> String {
    let (mib, threads) = costs(racer);
    format!(
        "{} · RSS {mib} MiB · {threads} threads",
        racer.board.status_line(racer.elapsed(start))
    )
}

/// The status for a line of its own, most telling first: how far, how fast, how many at once.
fn short_status(racer: &Racer, start: Instant, asked: usize) -> String {
    let secs = racer.elapsed(start).as_secs_f64();
    let done = racer.board.done();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    let (mib, threads) = costs(racer);
    format!(
        "done {done}/{asked} · {} items/s · in flight: {} · RSS {mib} MiB · {threads} threads",
        one_decimal(rate),
        racer.board.in_flight()
    )
}

/// Memory (MiB) and threads as the racer has them, "n/a" where the OS does not tell.
fn costs(racer: &Racer) -> (String, String) {
    let (mib, threads) = racer.costs();
    (
        mib.map_or("n/a".into(), one_decimal),
        threads.map_or("n/a".into(), |t| t.to_string()),
    )
}

/// `text` within `width` characters: whole when it fits, else cut after its last whole word
/// (at a space) with `…`.
fn cut(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    // The last space within the room that ends a word: what comes before it is kept.
    let end = (1..=room)
        .rev()
        .find(|&i| chars.get(i) == Some(&' ') && chars[i - 1] != ' ')
        .unwrap_or(room);
    let kept: String = chars[..end].iter().collect();
    let kept = kept.trim_end().trim_end_matches('·').trim_end();
    format!("{kept}…")
}

/// `text` on at most `most` lines of `width`, broken after a `·` where it can, else at a space;
/// what does not fit is cut at a word with `…`.
fn lines(text: &str, width: usize, most: usize) -> Vec<String> {
    if most == 0 {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut rest = text.trim().to_string();
    while !rest.is_empty() {
        if out.len() + 1 == most || rest.chars().count() <= width {
            out.push(cut(&rest, width));
            break;
        }
        let chars: Vec<char> = rest.chars().collect();
        let within = |i: usize| i <= width;
        let after_dot = (1..chars.len())
            .rev()
            .find(|&i| within(i) && chars[i - 1] == '·' && chars[i] == ' ');
        let at_space = (1..chars.len())
            .rev()
            .find(|&i| within(i) && chars[i] == ' ');
        let end = after_dot.or(at_space).unwrap_or(width.min(chars.len()));
        let line: String = chars[..end].iter().collect();
        out.push(line.trim_end().to_string());
        rest = chars[end..]
            .iter()
            .collect::<String>()
            .trim_start()
            .to_string();
    }
    out
}

/// The board's legend on line `row`, as many of its entries as fit `width` whole.
fn legend(canvas: &mut Canvas, row: usize, width: usize) {
    let mut at = 0;
    for (cell, name) in grid::LEGEND {
        let end = at + 2 + name.chars().count();
        if end > width {
            break;
        }
        let (ch, color) = grid::look(cell);
        canvas.put(row, at, ch, color);
        canvas.text(row, at + 2, name, None);
        at = end + 2;
    }
}

/// A bar `width` long of the codes asked for, by state in the order of the legend: OK, not
/// found, error, in flight, queued.
fn bar(canvas: &mut Canvas, racer: &Racer, line: usize, left: usize, width: usize) {
    let order = [
        Cell::Ok,
        Cell::NotFound,
        Cell::Error,
        Cell::InFlight,
        Cell::Queued,
    ];
    let count = |state: Cell| {
        (0..26 * 26)
            .filter(|i| racer.board.cell(i / 26, i % 26) == state)
            .count()
    };
    let counts = order.map(count);
    let total: usize = counts.iter().sum::<usize>().max(1);
    let mut at = 0;
    let mut sum = 0;
    for (state, n) in order.into_iter().zip(counts) {
        sum += n;
        let end = sum * width / total;
        let (ch, color) = grid::look(state);
        while at < end {
            canvas.put(line, left + at, ch, color);
            at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(
            cut("in flight: 5 (peak 5) · done 1/2", 40),
            "in flight: 5 (peak 5) · done 1/2"
        );
        assert_eq!(
            cut("in flight: 5 (peak 5) · done 1/2", 20),
            "in flight: 5 (peak…"
        );
        assert_eq!(
            cut("in flight: 5 (peak 5) · done 1/2", 24),
            "in flight: 5 (peak 5)…"
        );
        assert!(cut("abcdefghij", 5).chars().count() <= 5);
        let status = "in flight: 5 (peak 5) · done 1/2 · OK 1 · not found 0 · errors 0";
        assert_eq!(
            lines(status, 30, 2),
            ["in flight: 5 (peak 5) ·", "done 1/2 · OK 1 · not found 0…"]
        );
        assert_eq!(lines(status, 80, 2), [status]);
        for width in 1..70 {
            for most in 1..4 {
                let got = lines(status, width, most);
                assert!(got.len() <= most, "{got:?}");
                assert!(
                    got.iter().all(|l| l.chars().count() <= width),
                    "{width}: {got:?}"
                );
            }
        }
    }

    #[test]
    fn compact_views_get_shorter_down_to_a_line_each() {
        let heights: Vec<usize> = COMPACT.iter().map(|c| c.height(3)).collect();
        assert!(heights.is_sorted_by(|a, b| a >= b), "{heights:?}");
        assert_eq!(COMPACT[COMPACT.len() - 1].height(3), 3);
        // 40 × 10 holds a line each with the headline, legend and note.
        let (_, lines) = usable((40, 10));
        assert!(
            COMPACT
                .iter()
                .any(|c| c.status == 0 && c.legend && c.height(3) <= lines)
        );
    }
}
