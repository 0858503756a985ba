//! Every line a run prints goes through here, so that a closed stdout
//! (`flags-seq -e -v | head -3`) stops the run quietly instead of panicking, as Unix tools do,
//! a closed or full stderr is ignored, and no line carries a character that hides or reorders
//! what follows (see `text`).

use std::io::Write;

use crate::interrupt::{close_stdout, stdout_closed};
use crate::text::visible;

/// Print `line` on stdout. When nobody reads stdout any more, print nothing from now on and
/// stop the run as Ctrl-C would: no new request starts, those in flight end whole.
pub fn say(line: &str) {
    if stdout_closed() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{}", visible(line))
        .and_then(|()| out.flush())
        .is_err()
    {
        close_stdout();
    }
}

/// Print `line` on stderr. A write that fails (stderr closed, `2>/dev/full`) is dropped: never
/// a panic, and the run goes on.
pub fn warn(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", visible(line)).and_then(|()| err.flush());
}
