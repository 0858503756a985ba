//! What the race looks like on the terminal (stdout). Where there is room, the boards: a
//! headline, the boards side by side sharing the row letters (only the rows in use), each
//! titled with its crate and `-m`, their status lines under the grids, the legend. On a smaller
//! terminal, a compact view: a bar and the status line per downloader. Not a terminal: the
//! headline, then only the final table.

use std::io::{self, IsTerminal, Write};
use std::time::Instant;

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
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

/// How the race is shown.
enum View {
    /// Not a terminal: nothing live.
    None,
    Boards,
    Compact,
}

pub struct Screen {
    view: View,
    painter: Painter,
    /// The board rows in use (A = 0), from the codes asked for.
    rows: Vec<usize>,
    /// The terminal's width and height, less one column so a full line never wraps.
    size: (usize, usize),
}

impl Screen {
    /// The screen of a race of `racers` downloaders over `codes`.
    pub fn new(headline: &str, codes: &[String], racers: usize) -> anyhow::Result<Screen> {
        let rows = BoardState::new(codes).rows_in_use();
        let (cols, lines) = crossterm::terminal::size().unwrap_or((0, 0));
        let size = ((cols as usize).saturating_sub(1), lines as usize);
        let view = if !io::stdout().is_terminal() || size.0 < 20 || size.1 < 4 {
            say(headline);
            say("Not drawn live here (not a terminal, or too small). Racing...");
            View::None
        } else if size.0 >= boards_width(racers) && size.1 >= rows.len() + boards_overhead(racers) {
            View::Boards
        } else {
            View::Compact
        };
        if !matches!(view, View::None) {
            execute!(io::stdout(), Hide)?;
        }
        Ok(Screen {
            view,
            painter: Painter::default(),
            rows,
            size,
        })
    }

    /// One frame: only what changed, or with `last` the whole frame.
    pub fn draw(
        &mut self,
        racers: &[Racer],
        start: Instant,
        (headline, note): (&str, &str),
        last: bool,
    ) -> io::Result<()> {
        let canvas = match self.view {
            View::None => return Ok(()),
            View::Boards => self.boards(racers, start, headline, note),
            View::Compact => self.compact(racers, start, headline, note),
        };
        let mut out = io::stdout().lock();
        if last {
            self.painter.redraw(&mut out, &canvas)?;
        } else {
            self.painter.draw(&mut out, &canvas)?;
        }
        out.flush()
    }

    /// The cursor back at the start of a clean line, after the last frame (and over the `^C`
    /// the terminal may have echoed).
    pub fn finish(&mut self) {
        if !matches!(self.view, View::None) {
            let mut out = io::stdout().lock();
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
        }
    }

    fn boards(&self, racers: &[Racer], start: Instant, headline: &str, note: &str) -> Canvas {
        let height = self.rows.len() + boards_overhead(racers.len());
        let width = boards_width(racers.len()).max(99);
        let mut canvas = Canvas::new(height, self.size.0.min(width));
        grid::wrapped(&mut canvas, 0, 0, headline);
        for (n, &row) in self.rows.iter().enumerate() {
            canvas.put(3 + n, 0, (b'A' + row as u8) as char, None);
        }
        let status_top = 4 + self.rows.len();
        for (k, racer) in racers.iter().enumerate() {
            let left = LEFT + k * STRIDE;
            canvas.text(
                1,
                left,
                &format!("{} -m {}", racer.package, racer.concur_req),
                None,
            );
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
            grid::wrapped(&mut canvas, line, LABEL, &status(racer, start));
        }
        grid::legend(&mut canvas, height - 2, 0);
        canvas.text(height - 1, 0, note, None);
        canvas
    }

    /// Per downloader: its name and `-m`, a bar of its codes by state, and its status line
    /// (wrapped at a `·` where narrow).
    fn compact(&self, racers: &[Racer], start: Instant, headline: &str, note: &str) -> Canvas {
        let (width, height) = self.size;
        let mut canvas = Canvas::new(height.min(4 * racers.len() + 5), width);
        grid::wrapped(&mut canvas, 0, 0, headline);
        let mut line = 3;
        for racer in racers {
            let title = format!("{} -m {}", racer.package, racer.concur_req);
            canvas.text(line, 0, &title, None);
            let bar_left = LABEL + 6;
            bar(
                &mut canvas,
                racer,
                line,
                bar_left,
                width.saturating_sub(bar_left),
            );
            grid::wrapped(&mut canvas, line + 1, 2, &status(racer, start));
            line += 4;
        }
        grid::legend(&mut canvas, line - 1, 0);
        canvas.text(line, 0, note, None);
        canvas
    }
}

impl Drop for Screen {
    /// On every way out, errors too: the cursor shown again.
    fn drop(&mut self) {
        if !matches!(self.view, View::None) {
            let _ = execute!(io::stdout(), Show);
        }
    }
}

/// The board's status line, with the live memory and threads.
fn status(racer: &Racer, start: Instant) -> String {
    let (mib, threads) = racer.costs();
    let mib = mib.map_or("n/a".into(), one_decimal);
    let threads = threads.map_or("n/a".into(), |t| t.to_string());
    format!(
        "{} · RSS {mib} MiB · {threads} threads",
        racer.board.status_line(racer.elapsed(start))
    )
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
