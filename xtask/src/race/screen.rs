//! What the race looks like: a headline, the three boards side by side sharing the row
//! letters, each titled with its crate and `-m`, their status lines stacked under the grids,
//! the legend. 100 × 40 is enough.

use std::time::Instant;

use flags_common::board::{Canvas, grid};

use super::racer::Racer;

/// The smallest terminal the race is drawn in.
pub const MIN_SIZE: (u16, u16) = (100, 40);
/// One column short of the edge: a full line would leave the cursor waiting to wrap.
const WIDTH: usize = 99;
/// Headline, titles, column letters and 26 rows, a blank, 3 × 2 status lines, legend, note.
const HEIGHT: usize = 38;
/// Where each grid starts, and how far apart they are: 26 cells and a gap of 6.
const LEFT: usize = 2;
const STRIDE: usize = 32;
/// Status lines start after the longest crate name.
const LABEL: usize = 18;

/// The race now: `headline` on top, `note` at the bottom (budget, Ctrl-C).
pub fn frame(racers: &[Racer], start: Instant, headline: &str, note: &str) -> Canvas {
    let mut canvas = Canvas::new(HEIGHT, WIDTH);
    canvas.text(0, 0, headline, None);
    grid::row_letters(&mut canvas, 2, 0);
    for (k, racer) in racers.iter().enumerate() {
        let left = LEFT + k * STRIDE;
        let title = format!("{} -m {}", racer.package, racer.concur_req);
        canvas.text(1, left, &title, None);
        grid::grid(&mut canvas, &racer.board, 2, left, 1);
        let row = 30 + 2 * k;
        canvas.text(row, 0, racer.package, None);
        grid::wrapped(
            &mut canvas,
            row,
            LABEL,
            &racer.board.status_line(racer.elapsed(start)),
        );
    }
    grid::legend(&mut canvas, 36, 0);
    canvas.text(37, 0, note, None);
    canvas
}
