//! What a run shows on the terminal while it goes on, on stderr: the progress bar, or with
//! `--board` the 26 × 26 board of codes (see `board`). Nothing under `-v`, or when stderr is
//! not a terminal: then the output is exactly the report lines.
//!
//! Ctrl-C goes through here too ([`interrupt`], [`restore_terminal`]), so that the message
//! lands under the live view and not in the middle of it, and nothing stale is left on screen.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

mod narrow;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::board::BoardState;
use crate::board::live::{self, LiveBoard, Shared};
use crate::board::{mm_ss, one_decimal};
use crate::report::Status;
use narrow::NarrowStderr;

/// The live view of one run, told of each code as it starts and as it ends.
pub(crate) struct Progress {
    view: View,
    /// A `--board` shown as a bar: the bar then says how many are in flight.
    says_in_flight: bool,
}

enum View {
    Hidden,
    Bar(ProgressBar),
    Board(LiveBoard),
}

/// The view Ctrl-C must speak through, once a run has one.
enum Live {
    Nothing,
    Bar(ProgressBar),
    Board(Arc<Shared>),
}

static LIVE: Mutex<Live> = Mutex::new(Live::Nothing);

impl Progress {
    /// `board`: the user asked for `--board`; it is drawn when the terminal is large enough,
    /// else one line says so and the bar is shown.
    pub(crate) fn new(cc_list: &[String], verbose: bool, board: bool) -> Progress {
        let mut says_in_flight = false;
        let view = if verbose || !std::io::stderr().is_terminal() {
            View::Hidden
        } else if board {
            let board = BoardState::new(cc_list);
            match live::fits(&board) {
                Ok(cols) => View::Board(LiveBoard::start(board, cols)),
                Err(msg) => {
                    // The board's own figure, in flight, stays with the bar that stands in.
                    crate::output::warn(&msg);
                    says_in_flight = true;
                    View::Bar(bar(cc_list.len(), " · {msg}"))
                }
            }
        } else {
            View::Bar(bar(cc_list.len(), ""))
        };
        *live_view() = match &view {
            View::Hidden => Live::Nothing,
            View::Bar(bar) => Live::Bar(bar.clone()),
            View::Board(board) => Live::Board(board.shared()),
        };
        Progress {
            view,
            says_in_flight,
        }
    }

    /// The bar standing in for a board: say that `in_flight` are in flight now.
    fn show_in_flight(&self, in_flight: usize) {
        if let (View::Bar(bar), true) = (&self.view, self.says_in_flight) {
            bar.set_message(format!("{in_flight} in flight"));
        }
    }

    /// A download of `cc` started: `in_flight` are in flight now (the job counts them).
    pub(crate) fn started(&self, cc: &str, in_flight: usize) {
        if let View::Board(board) = &self.view {
            board.started(cc);
        }
        self.show_in_flight(in_flight);
    }

    /// The download of `cc` ended with `status`: `in_flight` are in flight now.
    pub(crate) fn finished(&self, cc: &str, status: Status, in_flight: usize) {
        match &self.view {
            View::Hidden => {}
            View::Bar(bar) => bar.inc(1),
            View::Board(board) => board.finished(cc, status),
        }
        self.show_in_flight(in_flight);
    }

    /// The run is over: leave the terminal ready for the final report (the bar goes, the
    /// board stays, in its final state).
    pub(crate) fn finish(&self) {
        *live_view() = Live::Nothing;
        match &self.view {
            View::Hidden => {}
            View::Bar(bar) => bar.finish_and_clear(),
            View::Board(board) => board.finish(),
        }
    }
}

fn live_view() -> std::sync::MutexGuard<'static, Live> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// ` 18%|█████░░░| 119/676 [00:04<00:19, 17.2 items/s]`: elapsed and time left in mm:ss, then
/// `more` (` · {msg}` where a message follows).
fn bar(len: usize, more: &str) -> ProgressBar {
    let target = ProgressDrawTarget::term_like_with_hz(Box::new(NarrowStderr), 20);
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    let style = ProgressStyle::with_template(&format!(
        "{{percent:>3}}%|{{wide_bar}}| {{pos}}/{{len}} [{{elapsed_mm_ss}}<{{left_mm_ss}}, {{rate}} items/s]{more}"
    ));
    if let Ok(style) = style {
        let style = style
            .with_key(
                "elapsed_mm_ss",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&mm_ss(state.elapsed()));
                },
            )
            .with_key(
                "left_mm_ss",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&time_left(state));
                },
            )
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&one_decimal(rate(state)));
                },
            );
        bar.set_style(style);
    }
    // Redrawn as time passes too, not only when a code ends: a slow run shows its clock. On a
    // thread of its own when one can be had (indicatif's steady tick panics when none can).
    let ticking = bar.downgrade();
    let _ = std::thread::Builder::new()
        .name("progress".into())
        .spawn(move || {
            while let Some(bar) = ticking.upgrade().filter(|bar| !bar.is_finished()) {
                bar.tick();
                drop(bar);
                std::thread::sleep(Duration::from_millis(500));
            }
        });
    bar
}

/// Codes ended per second since the start.
fn rate(state: &ProgressState) -> f64 {
    let secs = state.elapsed().as_secs_f64();
    if secs > 0.0 {
        state.pos() as f64 / secs
    } else {
        0.0
    }
}

/// The codes left at the rate so far; `--:--` before the first one ends (or for a time no
/// `Duration` can hold: never a panic).
fn time_left(state: &ProgressState) -> String {
    let rate = rate(state);
    let left = state.len().unwrap_or(0).saturating_sub(state.pos());
    match Duration::try_from_secs_f64(left as f64 / rate) {
        Ok(time) if rate > 0.0 => mm_ss(time),
        _ => "--:--".to_string(),
    }
}

/// The first Ctrl-C: say `msg` where the live view leaves room for it. The bar is cleared
/// first (no stale copy above the message) and drawn again under it; the board shows it on
/// its last line; without a view it is printed as a line of its own.
pub(crate) fn interrupt(msg: &str) {
    match &*live_view() {
        Live::Nothing => crate::output::warn(&format!("\n{msg}")),
        Live::Bar(bar) => bar.suspend(|| crate::output::warn(msg)),
        Live::Board(board) => board.note(msg),
    }
}

/// Before quitting at once (the second Ctrl-C): cursor shown, colours reset, no bar left.
pub(crate) fn restore_terminal() {
    match &*live_view() {
        Live::Nothing => {}
        Live::Bar(bar) => bar.finish_and_clear(),
        Live::Board(board) => board.restore_terminal(),
    }
}
