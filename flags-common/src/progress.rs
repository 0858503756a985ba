//! What a run shows on the terminal while it goes on: the progress bar on stderr (hidden under
//! `-v`, or when stderr is not a terminal). `--board` will draw the 26 × 26 grid of codes here;
//! until then it shows the bar.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Status;

/// The live view of one run, told of each code as it starts and as it ends.
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// `board`: the user asked for `--board`.
    pub(crate) fn new(cc_list: &[String], verbose: bool, _board: bool) -> Progress {
        let bar = if verbose || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(
                Some(cc_list.len() as u64),
                ProgressDrawTarget::stderr(),
            );
            let style = ProgressStyle::with_template(
                "{percent:>3}%|{wide_bar}| {pos}/{len} [{elapsed_precise}, {per_sec}]",
            );
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar
        };
        Progress { bar }
    }

    /// A download of `cc` started.
    pub(crate) fn started(&self, _cc: &str) {}

    /// The download of `cc` ended with `status`.
    pub(crate) fn finished(&self, _cc: &str, _status: Status) {
        self.bar.inc(1);
    }

    /// The run is over: leave the terminal ready for the final report.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
