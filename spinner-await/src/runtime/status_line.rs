//! The status line `spin` draws on: spinner-thread's, and, when the mini loop runs with
//! `--explain`, each frame is told in its narration too (on a terminal, the next line of the
//! narration erases the frame; in a pipe, no frame is drawn at all).

use spinner_thread::{Screen, frame};

use super::explain::Event;
use super::mini;

/// spinner-thread's `StatusLine`, whose frames `--explain` tells.
pub struct StatusLine(spinner_thread::StatusLine);

impl StatusLine {
    /// Hides the cursor (on a terminal) until dropped, which erases the line and shows it.
    pub fn start() -> StatusLine {
        StatusLine(spinner_thread::StatusLine::start())
    }

    /// Draws `ch msg` over the last frame, where stdout can show it; tells it under --explain.
    pub fn draw(&self, ch: char, msg: &str) {
        self.0.draw(ch, msg);
        mini::tell(|task| Event::Draw(task, frame(ch, msg), Screen::of_stdout()));
    }
}
