//! The line a spinner draws its frames on, each over the last. What is written depends on where
//! stdout goes, and on nothing else: a terminal gets the frames and escape codes (hide the
//! cursor, erase the line), a dumb one (`TERM=dumb`) the frames and plain spaces, a pipe or a
//! file nothing at all. The spinner runs the same loop either way.

use std::env;
use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::queue;
use crossterm::style::Print;
use crossterm::terminal::{Clear, ClearType};

/// Where stdout goes, as far as drawing is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// A terminal: frames, and escape codes to hide the cursor and erase the line.
    Terminal,
    /// A terminal that takes no escape codes (`TERM=dumb`): frames, erased with spaces.
    Dumb,
    /// A pipe or a file: frames would be noise there, so none is written.
    NotATerminal,
}

impl Screen {
    /// Stdout's, looked at once per run.
    pub fn of_stdout() -> Screen {
        static SCREEN: OnceLock<Screen> = OnceLock::new();
        *SCREEN.get_or_init(|| {
            if !io::stdout().is_terminal() {
                Screen::NotATerminal
            } else if env::var_os("TERM").is_some_and(|term| term == "dumb") {
                Screen::Dumb
            } else {
                Screen::Terminal
            }
        })
    }
}

/// One frame: the character, a space, the message.
pub fn frame(ch: char, msg: &str) -> String {
    format!("{ch} {msg}")
}

/// How many characters the line holds: what a dumb terminal overwrites with spaces.
static DRAWN: AtomicUsize = AtomicUsize::new(0);

/// Hides the cursor while it lives; erases the line and shows the cursor again when dropped,
/// however the spinner ends.
pub struct StatusLine(());

impl StatusLine {
    pub fn start() -> StatusLine {
        if Screen::of_stdout() == Screen::Terminal {
            // Errors are ignored here and below: a spinner has nobody to report them to.
            let _ = queue!(io::stdout(), Hide);
        }
        StatusLine(())
    }

    /// Draws `ch msg` over the last frame, where stdout can show it.
    pub fn draw(&self, ch: char, msg: &str) {
        if Screen::of_stdout() == Screen::NotATerminal {
            return;
        }
        let frame = frame(ch, msg);
        let mut out = io::stdout().lock();
        // `\r` moves back to the start of the line, so each frame overwrites the last.
        let _ = write!(out, "\r{frame}").and_then(|()| out.flush());
        DRAWN.store(frame.chars().count(), Ordering::Relaxed);
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Erases the line, where a frame may be drawn, and moves to its start.
pub fn erase_line(out: &mut impl Write) -> io::Result<()> {
    let drawn = DRAWN.swap(0, Ordering::Relaxed);
    match Screen::of_stdout() {
        Screen::Terminal => queue!(out, Print('\r'), Clear(ClearType::CurrentLine)),
        Screen::Dumb if drawn > 0 => write!(out, "\r{:drawn$}\r", ""),
        Screen::Dumb | Screen::NotATerminal => Ok(()),
    }
}

/// Erases the line and shows the cursor again: what the status line leaves when it goes, and
/// what a Ctrl-C leaves.
pub(crate) fn restore_terminal() {
    let mut out = io::stdout().lock();
    let _ = erase_line(&mut out);
    if Screen::of_stdout() == Screen::Terminal {
        let _ = queue!(out, Show);
    }
    let _ = out.flush();
}
