//! How a board looks: one character and one colour per state, the letters around the grid,
//! the legend, the status line wrapped at its `·` when the terminal is narrow.

use crossterm::style::Color;

use super::canvas::Canvas;
use super::state::{BoardState, Cell};

/// The character and colour of each state. The characters carry the meaning; the colours are
/// the terminal's normal ones (not its bright yellow and green), which read on light themes
/// and dark ones alike.
pub fn look(cell: Cell) -> (char, Option<Color>) {
    match cell {
        Cell::Blank => (' ', None),
        Cell::Queued => ('.', Some(Color::DarkGrey)),
        Cell::InFlight => ('o', Some(Color::DarkYellow)),
        Cell::Ok => ('#', Some(Color::DarkGreen)),
        Cell::NotFound => ('-', Some(Color::Blue)),
        Cell::Error => ('X', Some(Color::Red)),
    }
}

/// The states, in the legend's order, with their names.
pub const LEGEND: [(Cell, &str); 5] = [
    (Cell::Queued, "queued"),
    (Cell::InFlight, "in flight"),
    (Cell::Ok, "OK"),
    (Cell::NotFound, "not found"),
    (Cell::Error, "error"),
];

/// The letters of `rows` (A is 0) down the left, at `col`, the first one on line `top + 1`.
pub fn row_letters(canvas: &mut Canvas, rows: &[usize], top: usize, col: usize) {
    for (n, &row) in rows.iter().enumerate() {
        canvas.put(top + 1 + n, col, letter(row), None);
    }
}

/// The column letters on line `top`, and under them the 26 cells of each of `rows`, from
/// `col`, one cell every `pitch` columns.
pub fn grid(
    canvas: &mut Canvas,
    board: &BoardState,
    rows: &[usize],
    (top, col): (usize, usize),
    pitch: usize,
) {
    for j in 0..26 {
        canvas.put(top, col + j * pitch, letter(j), None);
    }
    for (n, &row) in rows.iter().enumerate() {
        for j in 0..26 {
            let (ch, color) = look(board.cell(row, j));
            canvas.put(top + 1 + n, col + j * pitch, ch, color);
        }
    }
}

/// `A` for 0, `Z` for 25.
fn letter(index: usize) -> char {
    (b'A' + (index % 26) as u8) as char
}

/// `. queued  o in flight  # OK  - not found  X error`, each mark in its colour.
pub fn legend(canvas: &mut Canvas, row: usize, col: usize) {
    let mut at = col;
    for (cell, name) in LEGEND {
        let (ch, color) = look(cell);
        canvas.put(row, at, ch, color);
        canvas.text(row, at + 2, name, None);
        at += name.chars().count() + 4;
    }
}

/// `text` on line `row` from `col`; when wider than the canvas, the rest goes on the next
/// line, indented to `col`, broken after a `·`.
pub fn wrapped(canvas: &mut Canvas, row: usize, col: usize, text: &str) {
    let room = canvas.width().saturating_sub(col);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= room {
        canvas.text(row, col, text, None);
        return;
    }
    let cut = (0..room)
        .rev()
        .find(|&i| chars[i] == '·')
        .map_or(room, |i| i + 1);
    let first: String = chars[..cut].iter().collect();
    let rest: String = chars[cut..].iter().collect();
    canvas.text(row, col, first.trim_end(), None);
    canvas.text(row + 1, col, rest.trim_start(), None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_status_breaks_after_a_dot() {
        let mut canvas = Canvas::new(2, 30);
        wrapped(&mut canvas, 0, 2, "in flight: 5 (peak 5) · done 1/2 · OK 1");
        assert_eq!(canvas.row_text(0), "  in flight: 5 (peak 5) ·");
        assert_eq!(canvas.row_text(1), "  done 1/2 · OK 1");
    }
}
