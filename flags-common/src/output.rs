//! Every line a run prints goes through here, so that a closed stdout
//! (`flags-seq -e -v | head -3`) stops the run quietly instead of panicking, as Unix tools do, a
//! stdout that cannot be written for another reason (a full disk: `-v >/dev/full`) is an error
//! said once, a closed or full stderr is ignored, and no line carries a character that hides or
//! reorders what follows (see `text`).

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::interrupt::{close_stdout, stdout_closed};
use crate::text::visible;

/// Set once a write to stdout failed for another reason than a closed pipe.
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

/// Print `line` on stdout. When nobody reads stdout any more (a broken pipe), print nothing from
/// now on and stop the run as Ctrl-C would: no new request starts, those in flight end whole.
/// When it fails otherwise (a full disk), say so in one `error:` line on stderr, print nothing
/// more on stdout, and let the run go on: it ends with exit status 1 (`stdout_failed`).
pub fn say(line: &str) {
    if stdout_closed() || stdout_failed() {
        return;
    }
    let mut out = std::io::stdout().lock();
    let Err(err) = writeln!(out, "{}", visible(line)).and_then(|()| out.flush()) else {
        return;
    };
    if err.kind() == ErrorKind::BrokenPipe {
        close_stdout();
    } else if !STDOUT_FAILED.swap(true, Ordering::SeqCst) {
        warn(&format!("error: cannot write to stdout: {err}"));
    }
}

/// True once a write to stdout failed, but not for a closed pipe: the run's status is then 1.
pub(crate) fn stdout_failed() -> bool {
    STDOUT_FAILED.load(Ordering::SeqCst)
}

/// Print `line` on stderr. A write that fails (stderr closed, `2>/dev/full`) is dropped: never
/// a panic, and the run goes on.
pub fn warn(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", visible(line)).and_then(|()| err.flush());
}
