//! Where the progress bar is drawn: stderr, two columns narrower than the terminal. The `^C`
//! the terminal echoes when Ctrl-C is pressed then lands on the bar's own line, which is
//! cleared with it; with a bar to the right edge, the echo would wrap to a new line and the
//! bar would be left behind, stale, above the "Interrupted" message.

use std::io::{self, Write};

use crossterm::cursor::{MoveDown, MoveLeft, MoveRight, MoveUp};
use crossterm::execute;
use crossterm::terminal::{Clear, ClearType};
use indicatif::TermLike;

#[derive(Debug)]
pub(super) struct NarrowStderr;

impl TermLike for NarrowStderr {
    fn width(&self) -> u16 {
        let (cols, _) = crossterm::terminal::size().unwrap_or((80, 24));
        cols.saturating_sub(2).max(20)
    }

    fn height(&self) -> u16 {
        crossterm::terminal::size().map_or(24, |(_, rows)| rows)
    }

    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        match n {
            0 => Ok(()),
            n => execute!(io::stderr(), MoveUp(n as u16)),
        }
    }

    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        match n {
            0 => Ok(()),
            n => execute!(io::stderr(), MoveDown(n as u16)),
        }
    }

    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        match n {
            0 => Ok(()),
            n => execute!(io::stderr(), MoveRight(n as u16)),
        }
    }

    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        match n {
            0 => Ok(()),
            n => execute!(io::stderr(), MoveLeft(n as u16)),
        }
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        writeln!(io::stderr(), "{s}")
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        write!(io::stderr(), "{s}")
    }

    fn clear_line(&self) -> io::Result<()> {
        write!(io::stderr(), "\r")?;
        execute!(io::stderr(), Clear(ClearType::CurrentLine))
    }

    fn flush(&self) -> io::Result<()> {
        io::stderr().flush()
    }
}
