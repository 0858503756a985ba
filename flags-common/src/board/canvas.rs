//! A block of text lines with a colour per character, drawn on a terminal just above the
//! cursor, and redrawn by changing only the characters that changed. The cursor always comes
//! back to the line under the block, so whatever prints next (the final report) lands there.

use std::io::{self, Write};

use crossterm::cursor::{MoveToColumn, MoveToNextLine, MoveToPreviousLine};
use crossterm::queue;
use crossterm::style::{Color, Print, ResetColor, SetForegroundColor};
use crossterm::terminal::{Clear, ClearType};

/// One character cell: a character and its colour (`None`: the terminal's own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Glyph {
    ch: char,
    color: Option<Color>,
}

const BLANK: Glyph = Glyph {
    ch: ' ',
    color: None,
};

/// `height` lines of `width` character cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canvas {
    width: usize,
    rows: Vec<Vec<Glyph>>,
}

impl Canvas {
    pub fn new(height: usize, width: usize) -> Canvas {
        Canvas {
            width,
            rows: vec![vec![BLANK; width]; height],
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Put one character at `row`, `col`; outside the canvas it is dropped.
    pub fn put(&mut self, row: usize, col: usize, ch: char, color: Option<Color>) {
        if let Some(glyph) = self.rows.get_mut(row).and_then(|row| row.get_mut(col)) {
            *glyph = Glyph { ch, color };
        }
    }

    /// Write `text` from `row`, `col`, cut at the right edge.
    pub fn text(&mut self, row: usize, col: usize, text: &str, color: Option<Color>) {
        for (i, ch) in text.chars().enumerate() {
            self.put(row, col + i, ch, color);
        }
    }

    /// The plain text of a row, trailing blanks removed.
    #[cfg(test)]
    pub fn row_text(&self, row: usize) -> String {
        let text: String = self.rows[row].iter().map(|glyph| glyph.ch).collect();
        text.trim_end().to_string()
    }
}

/// Draws successive canvases of the same size in one place of the terminal. Each frame is
/// made in memory and written at once: one write, however many cells changed.
#[derive(Default)]
pub struct Painter {
    shown: Option<Canvas>,
}

impl Painter {
    /// Draw `canvas`: in full the first time (below the cursor), then only what changed.
    pub fn draw(&mut self, out: &mut impl Write, canvas: &Canvas) -> io::Result<()> {
        let mut frame = Vec::new();
        self.draw_into(&mut frame, canvas)?;
        out.write_all(&frame)?;
        out.flush()
    }

    fn draw_into(&mut self, out: &mut Vec<u8>, canvas: &Canvas) -> io::Result<()> {
        match self.shown.take() {
            Some(shown) if shown.rows.len() == canvas.rows.len() => {
                draw_changes(out, &shown, canvas)?
            }
            _ => {
                for row in &canvas.rows {
                    draw_row(out, row)?;
                }
            }
        }
        self.shown = Some(canvas.clone());
        Ok(())
    }

    /// Draw `canvas` whole over the last one: the final frame, complete in the output.
    pub fn redraw(&mut self, out: &mut impl Write, canvas: &Canvas) -> io::Result<()> {
        let mut frame = Vec::new();
        if let Some(shown) = self.shown.take() {
            queue!(frame, MoveToPreviousLine(shown.rows.len() as u16))?;
        }
        for row in &canvas.rows {
            draw_row(&mut frame, row)?;
        }
        self.shown = Some(canvas.clone());
        out.write_all(&frame)?;
        out.flush()
    }
}

/// A whole line, then the start of the next one.
fn draw_row(out: &mut impl Write, row: &[Glyph]) -> io::Result<()> {
    let end = row
        .iter()
        .rposition(|glyph| *glyph != BLANK)
        .map_or(0, |i| i + 1);
    queue!(out, MoveToColumn(0))?;
    draw_glyphs(out, &row[..end])?;
    queue!(out, Clear(ClearType::UntilNewLine), Print("\r\n"))
}

/// Only the changed part of each changed line; the cursor goes back under the block.
fn draw_changes(out: &mut impl Write, shown: &Canvas, canvas: &Canvas) -> io::Result<()> {
    let height = canvas.rows.len();
    let mut at = height; // the line under the block
    for (r, (old, new)) in shown.rows.iter().zip(&canvas.rows).enumerate() {
        let Some(first) = (0..new.len()).find(|&c| old.get(c) != new.get(c)) else {
            continue;
        };
        let last = (0..new.len())
            .rev()
            .find(|&c| old.get(c) != new.get(c))
            .unwrap_or(first);
        if r < at {
            queue!(out, MoveToPreviousLine((at - r) as u16))?;
        } else if r > at {
            queue!(out, MoveToNextLine((r - at) as u16))?;
        }
        at = r;
        queue!(out, MoveToColumn(first as u16))?;
        draw_glyphs(out, &new[first..=last])?;
    }
    if at < height {
        queue!(out, MoveToNextLine((height - at) as u16))?;
    }
    Ok(())
}

/// Characters with their colours, and the terminal's own colour after them.
fn draw_glyphs(out: &mut impl Write, glyphs: &[Glyph]) -> io::Result<()> {
    let mut color = None;
    let mut text = String::new();
    for glyph in glyphs {
        // A blank looks the same in any colour: no escape sequence for it.
        if glyph.color != color && glyph.ch != ' ' {
            queue!(out, Print(std::mem::take(&mut text)))?;
            match glyph.color {
                Some(c) => queue!(out, SetForegroundColor(c))?,
                None => queue!(out, ResetColor)?,
            }
            color = glyph.color;
        }
        text.push(glyph.ch);
    }
    queue!(out, Print(text))?;
    if color.is_some() {
        queue!(out, ResetColor)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    #[test]
    fn a_second_frame_writes_only_what_changed_and_comes_back_below() {
        let mut canvas = Canvas::new(3, 10);
        canvas.text(0, 0, "top", None);
        canvas.text(2, 0, "bottom", None);
        let mut painter = Painter::default();
        let mut first = Vec::new();
        painter.draw(&mut first, &canvas).unwrap();
        assert!(text(&first).contains("top") && text(&first).contains("bottom"));

        canvas.put(0, 1, 'a', Some(Color::Green));
        let mut second = Vec::new();
        painter.draw(&mut second, &canvas).unwrap();
        let second = text(&second);
        assert!(!second.contains("bottom"), "{second:?}");
        // Up 3 lines to the top row, column 2, the green `a`, then down 3 lines again.
        assert!(second.starts_with("\x1b[3F\x1b[2G"), "{second:?}");
        assert!(
            second.contains('a') && second.ends_with("\x1b[3E"),
            "{second:?}"
        );

        let mut same = Vec::new();
        painter.draw(&mut same, &canvas).unwrap();
        assert!(same.is_empty(), "nothing changed, nothing drawn");
    }
}
