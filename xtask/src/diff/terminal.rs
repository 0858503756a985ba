//! The rows drawn on a terminal: two columns when they fit, else each changed line of A
//! stacked above its counterpart in B. No line is wider than the width asked for.

use super::rows::{Mark, Row};
use super::words::{Cell, Span};
use super::wrap::{len, wrap};

/// Below this, two columns of code would be too narrow to read: the pairs are stacked.
pub const SIDE_BY_SIDE_MIN_WIDTH: usize = 100;

/// How the rows are drawn.
pub struct Style {
    pub width: usize,
    pub side_by_side: bool,
    pub color: bool,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
/// Changed words: bold on a red or green background, readable on dark and light screens.
const RED_WORDS: &str = "\x1b[1;97;41m";
const GREEN_WORDS: &str = "\x1b[1;30;42m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Which side a cell is drawn for: it sets its colours.
#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
    Same,
}

/// Draws the rows. `names` are the two files; `hidden`, what the legend says was left out.
pub fn render(rows: &[Row], names: (&str, &str), style: &Style, hidden: Option<&str>) -> String {
    let digits = rows
        .iter()
        .filter_map(|row| match row {
            Row::Line { left, right, .. } => {
                Some(left.iter().chain(right).map(|c| c.no).max().unwrap_or(0))
            }
            Row::Folded(_) | Row::Skipped { .. } => None,
        })
        .max()
        .unwrap_or(0)
        .to_string()
        .len()
        .max(2);
    let mut out = Out {
        text: String::new(),
        color: style.color,
    };
    let hidden = hidden.map_or(String::new(), |h| format!("  {h}"));
    if style.side_by_side {
        side_by_side(rows, names, digits, style.width, &hidden, &mut out);
    } else {
        stacked(rows, names, digits, style.width, &hidden, &mut out);
    }
    out.text
}

struct Out {
    text: String,
    color: bool,
}

impl Out {
    fn put(&mut self, text: &str, style: &str) {
        if self.color && !style.is_empty() && !text.is_empty() {
            self.text += style;
            self.text += text;
            self.text += RESET;
        } else {
            self.text += text;
        }
    }

    fn end_line(&mut self) {
        while self.text.ends_with(' ') {
            self.text.pop();
        }
        self.text.push('\n');
    }

    /// Plain text on as few lines of `width` as it takes, broken between its entries (parted
    /// by two spaces, as in the legend) and within an entry only when it is wider than a line.
    fn words(&mut self, text: &str, width: usize, style: &str) {
        let mut lines = vec![String::new()];
        for entry in text.split("  ") {
            let line = lines.last_mut().expect("a line");
            if line.is_empty() {
                line.push_str(entry);
            } else if line.chars().count() + 2 + entry.chars().count() > width {
                lines.push(entry.to_string());
            } else {
                line.push_str("  ");
                line.push_str(entry);
            }
        }
        for text in lines {
            let span = Span {
                text,
                changed: false,
            };
            for piece in wrap(&[span], width) {
                let text: String = piece.iter().map(|s| s.text.as_str()).collect();
                self.put(&text, style);
                self.end_line();
            }
        }
    }

    /// One piece of a cell: the gutter (number or `↳`), the text, padding up to `width`.
    fn piece(
        &mut self,
        no: Option<usize>,
        piece: &[Span],
        side: Side,
        digits: usize,
        width: usize,
    ) {
        match no {
            Some(no) => self.put(&format!("{no:>digits$} "), DIM),
            None => self.put(&format!("{:>digits$} ", "↳"), DIM),
        }
        let (plain, words) = match side {
            Side::Old => (RED, RED_WORDS),
            Side::New => (GREEN, GREEN_WORDS),
            Side::Same => ("", ""),
        };
        for span in piece {
            self.put(&span.text, if span.changed { words } else { plain });
        }
        self.text += &" ".repeat(width.saturating_sub(len(piece)));
    }
}

fn side_by_side(
    rows: &[Row],
    names: (&str, &str),
    digits: usize,
    width: usize,
    hidden: &str,
    out: &mut Out,
) {
    // "NN text" | " X " | "NN text"
    let col = (width.saturating_sub(3) / 2).max(digits + 2);
    let text_width = col - digits - 1;
    let legend = format!(
        "| changed, words highlighted  < only in {}  > only in {}  ~ folded  ↳ wrapped{hidden}",
        krate(names.0),
        krate(names.1)
    );
    out.words(&legend, width, DIM);
    let title = |name: &str| fit(name, col);
    out.put(&title(names.0), BOLD);
    out.put("   ", "");
    out.put(&title(names.1), BOLD);
    out.end_line();
    for row in rows {
        match row {
            Row::Folded(n) => {
                let note = fit(&format!("{:digits$} ⋯ {n} unchanged lines", ""), col);
                out.put(&note, DIM);
                out.put(" ~ ", DIM);
                out.put(&note, DIM);
                out.end_line();
            }
            Row::Skipped { what, old, new } => {
                let note = |n: usize| match n {
                    0 => fit("", col),
                    n => fit(
                        &format!("{:digits$} ⋯ {what}: {} (--all)", "", lines(n)),
                        col,
                    ),
                };
                out.put(&note(*old), DIM);
                out.put(" ~ ", DIM);
                out.put(&note(*new), DIM);
                out.end_line();
            }
            Row::Line { mark, left, right } => {
                let (sign, mark_style, ls, rs) = match mark {
                    Mark::Same => (' ', "", Side::Same, Side::Same),
                    Mark::Changed => ('|', YELLOW, Side::Old, Side::New),
                    Mark::Old => ('<', RED, Side::Old, Side::Same),
                    Mark::New => ('>', GREEN, Side::Same, Side::New),
                };
                let pieces = |cell: &Option<Cell>| {
                    cell.as_ref()
                        .map(|c| wrap(&c.spans, text_width))
                        .unwrap_or_default()
                };
                let (lp, rp) = (pieces(left), pieces(right));
                for k in 0..lp.len().max(rp.len()) {
                    draw(out, left, &lp, k, ls, digits, text_width, col);
                    out.put(&format!(" {sign} "), mark_style);
                    draw(out, right, &rp, k, rs, digits, text_width, col);
                    out.end_line();
                }
            }
        }
    }
}

/// Piece `k` of a cell, or blanks where the cell has fewer pieces (or no cell at all).
#[allow(clippy::too_many_arguments)]
fn draw(
    out: &mut Out,
    cell: &Option<Cell>,
    pieces: &[Vec<Span>],
    k: usize,
    side: Side,
    digits: usize,
    text_width: usize,
    col: usize,
) {
    match (cell, pieces.get(k)) {
        (Some(cell), Some(piece)) => {
            let no = (k == 0).then_some(cell.no);
            out.piece(no, piece, side, digits, text_width);
        }
        _ => out.text += &" ".repeat(col),
    }
}

fn stacked(
    rows: &[Row],
    names: (&str, &str),
    digits: usize,
    width: usize,
    hidden: &str,
    out: &mut Out,
) {
    // "X NN text"
    let text_width = width.saturating_sub(digits + 3).max(1);
    let legend = format!(
        "- {}  + {}  (a changed line: - just above +, words highlighted)  ~ folded  ↳ wrapped{hidden}",
        krate(names.0),
        krate(names.1)
    );
    out.words(&legend, width, DIM);
    out.words(&format!("--- {}", names.0), width, BOLD);
    out.words(&format!("+++ {}", names.1), width, BOLD);
    let line = |out: &mut Out, sign: char, cell: &Cell, side: Side| {
        let style = match side {
            Side::Old => RED,
            Side::New => GREEN,
            Side::Same => "",
        };
        for (k, piece) in wrap(&cell.spans, text_width).iter().enumerate() {
            out.put(&format!("{sign} "), style);
            out.piece((k == 0).then_some(cell.no), piece, side, digits, 0);
            out.end_line();
        }
    };
    for row in rows {
        match row {
            Row::Folded(n) => out.words(
                &format!("~ {:digits$} ⋯ {n} unchanged lines", ""),
                width,
                DIM,
            ),
            Row::Skipped { what, old, new } => out.words(
                &format!(
                    "~ {:digits$} ⋯ {what}: {old} lines in A, {new} in B (--all)",
                    ""
                ),
                width,
                DIM,
            ),
            Row::Line { mark, left, right } => {
                if let (Mark::Same, Some(cell)) = (mark, left) {
                    line(out, ' ', cell, Side::Same);
                    continue;
                }
                if let Some(cell) = left {
                    line(out, '-', cell, Side::Old);
                }
                if let Some(cell) = right {
                    line(out, '+', cell, Side::New);
                }
            }
        }
    }
}

/// `1 line`, `5 lines`.
fn lines(n: usize) -> String {
    match n {
        1 => "1 line".into(),
        n => format!("{n} lines"),
    }
}

/// `flags-seq` of `flags-seq/src/main.rs`.
fn krate(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

/// `text` cut or padded to exactly `width` characters (file names in the title).
fn fit(text: &str, width: usize) -> String {
    let mut cut: String = text.chars().take(width).collect();
    let n = cut.chars().count();
    cut += &" ".repeat(width - n);
    cut
}
