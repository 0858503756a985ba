//! Every line a run prints goes through here, so that a closed stdout
//! (`flags-seq -e -v | head -3`) stops the run quietly instead of panicking, as Unix tools do.

use std::io::Write;

/// Print `line` on stdout. When nobody reads stdout any more, print nothing from now on and
/// stop the run as Ctrl-C would: no new request starts, those in flight end whole.
pub fn say(line: &str) {
    if crate::interrupt::stdout_closed() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        crate::interrupt::close_stdout();
    }
}

/// Print `line` on stderr; a closed stderr is ignored.
pub fn warn(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
