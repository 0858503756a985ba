//! What both spinners share, defined once: the frames and their pace, the status line they are
//! drawn on, what Ctrl-C does to it, and how `--seconds` is read. spinner-thread's `main.rs` uses
//! it, so does spinner-await's, and so do the terminal tests (through `pty-harness`).
//!
//! - `status_line`: draws each frame where stdout can show it, and nothing where it cannot;
//! - `signals`: Ctrl-C, SIGTERM and SIGHUP restore the terminal before the program exits;
//! - `seconds`: `--seconds`, from 0 to a day.

mod seconds;
mod signals;
mod status_line;

use std::time::Duration;

pub use seconds::parse_seconds;
pub use signals::restore_terminal_on_signals;
pub use status_line::{Screen, StatusLine, erase_line, frame};

/// The spinner's frames, drawn in turn forever.
pub const FRAMES: &str = r"|/-\";
/// Time between two frames, as in the book.
pub const FRAME: Duration = Duration::from_millis(100);
