//! The `--board` checks every downloader runs on a real pseudo-terminal, each a plain function.
//! In a downloader's `tests/`, `flags_common::board_tests!(env!("CARGO_BIN_EXE_flags-seq"));`
//! makes one `#[test]` of each. Like the behaviour checks, none of them measures time.

use crossterm::style::{Color, SetForegroundColor};
use flags_server::Profile;
use pty_harness::{HIDE_CURSOR, Pty, SHOW_CURSOR};
use tempfile::TempDir;

use super::tools::{path, run, server, tempdir};
use crate::board::Cell;
use crate::board::grid::look;

/// The first full frame ends with the legend's last word.
const END_OF_FIRST_FRAME: &str = " error";

/// The final frame begins by going back up over the whole board: as many lines as a board of
/// `rows` rows has on a terminal `cols` wide.
fn final_frame(rows: usize, cols: u16) -> String {
    format!("\x1b[{}F", crate::board::live::height(rows, cols))
}

/// Every code, on a projector's 100 × 30: all 26 rows fit.
pub fn board_final_frame_shows_the_counts(bin: &str) {
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let dest = tempdir();
    let args = ["--board", "-e", "-m", "20"];
    let run = on_terminal(bin, &args, server.base_url(), &dest, (30, 100)).finish();
    assert_eq!(run.exit_code, 0, "{:?}", run.output);
    let status = last_status_line(&run.output);
    assert!(
        status.starts_with("in flight: 0 (peak ")
            && status.contains(" · done 676/676 · OK 194 · not found 482 · errors 0 · ")
            && status.contains(" items/s · 00:"),
        "{status:?}"
    );
    let at = run.output.rfind(&final_frame(26, 100));
    let report = &run.output[at.expect("a final frame")..];
    assert!(report.contains("194 flags downloaded."), "{report:?}");
}

/// One row of codes on an 80 × 24 terminal: only that row is drawn, and it fits.
pub fn board_cells_change_state_during_a_run(bin: &str) {
    let server = server(Profile::Delay, 0.05, 0.0, 1);
    let dest = tempdir();
    let args = ["--board", "B", "-m", "2"];
    let run = on_terminal(bin, &args, server.base_url(), &dest, (24, 80)).finish();
    assert_eq!(run.exit_code, 0, "{:?}", run.output);
    assert!(!run.output.contains("a bar instead"), "{:?}", run.output);
    // Between the first frame (all queued) and the final one, frames that changed cells.
    let first_end = run.output.find(END_OF_FIRST_FRAME).expect("a first frame");
    let last_start = run
        .output
        .rfind(&final_frame(1, 80))
        .expect("a final frame");
    let between = &run.output[first_end..last_start];
    let in_flight = between.find(&mark(Cell::InFlight));
    let ok = between.rfind(&mark(Cell::Ok));
    assert!(
        matches!((in_flight, ok), (Some(a), Some(b)) if a < b),
        "a cell went in flight, later one was OK: {between:?}"
    );
    assert!(last_status_line(&run.output).contains("done 26/26 · OK 17 · not found 9"));
}

pub fn board_ctrl_c_leaves_the_terminal_clean_and_exits_130(bin: &str) {
    let server = server(Profile::Delay, 0.2, 0.0, 1);
    let dest = tempdir();
    let args = ["--board", "-e", "-m", "2"];
    let mut term = on_terminal(bin, &args, server.base_url(), &dest, (40, 100));
    // A code has ended (AA is not found): the run is under way, Ctrl-C is handled.
    let ended = mark(Cell::NotFound);
    term.wait_until(
        |out| {
            out.find(END_OF_FIRST_FRAME)
                .is_some_and(|at| out[at..].contains(&ended))
        },
        "a cell drawn as not found",
    );
    term.ctrl_c();
    let run = term.finish();
    let out = &run.output;
    assert_eq!(run.exit_code, 130, "{out:?}");
    assert!(out.contains("Interrupted: finishing the requests in flight"));
    assert!(out.contains("not attempted (interrupted)."), "{out:?}");
    let hidden = out.rfind(HIDE_CURSOR).expect("the board hides the cursor");
    let shown = out.rfind(SHOW_CURSOR).unwrap_or(0);
    assert!(shown > hidden, "the cursor is shown again: {out:?}");
    let coloured = out.rfind("\x1b[38;5;").expect("coloured cells");
    let reset = out.rfind("\x1b[0m").unwrap_or(0);
    assert!(reset > coloured, "the colours are reset: {out:?}");
}

/// The 194 countries on 80 × 24: their 25 rows do not fit; one line that fits the width says
/// so, and the bar is drawn instead.
pub fn board_in_a_small_terminal_falls_back_to_the_bar(bin: &str) {
    // Delays long enough for the bar to be drawn again and again, short enough for one at a
    // time to end in a few seconds.
    let server = server(Profile::Delay, 0.02, 0.0, 1);
    let dest = tempdir();
    let args = ["--board", "-a", "-m", "2"];
    let run = on_terminal(bin, &args, server.base_url(), &dest, (24, 80)).finish();
    let out = &run.output;
    assert_eq!(run.exit_code, 0, "{out:?}");
    let says = "--board: 80 × 24 is too small for 25 rows (needs 56 × 30): a bar instead.";
    assert_eq!(out.matches(says).count(), 1, "{out:?}");
    assert!(says.chars().count() < 80);
    assert!(!out.contains(HIDE_CURSOR), "{out:?}");
    assert!(out.contains("194 flags downloaded."));
    // The bar: `| 3/26 [00:00<00:01, 9.5 items/s]`, times in mm:ss, at most one decimal.
    let at = out.rfind(" items/s]").expect("the progress bar");
    // The board's in-flight figure stays with the bar that stands in for it.
    let after = &out[at..];
    let after = &after[..after.find(['\r', '\n', '\x1b']).unwrap_or(after.len())];
    assert!(after.contains(" in flight"), "{after:?}");
    let bar = &out[out[..at].rfind('|').expect("the bar's end")..at];
    let (times, rate) = bar.split_once(", ").expect("times, then the rate");
    let left = times.contains("<00:") || times.contains("<--:--"); // before the first code ends
    assert!(times.contains("/194 [00:0") && left, "{bar:?}");
    assert!(
        rate.split('.')
            .nth(1)
            .is_none_or(|decimals| decimals.len() == 1),
        "{bar:?}"
    );
    // Short of the right edge, padding included: the `^C` a terminal echoes then stays on the
    // bar's line and is cleared with it, rather than wrapping and stranding a stale bar.
    let line_start = out[..at]
        .rfind("\x1b[2K")
        .expect("the bar's line is cleared first")
        + 4;
    let line = &out[line_start..];
    let line = &line[..line.find(['\r', '\x1b']).unwrap_or(line.len())];
    assert!(line.chars().count() <= 78, "{line:?}");
}

pub fn board_without_a_terminal_prints_what_it_always_did(bin: &str) {
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let run = |board: bool| {
        let dest = tempdir();
        let mut args = vec!["-a", "-s", server.base_url(), "--dest", path(&dest)];
        if board {
            args.push("--board");
        }
        let out = run(bin, &args);
        assert!(out.status.success());
        assert!(
            out.stderr.is_empty(),
            "{:?}",
            String::from_utf8_lossy(&out.stderr)
        );
        // All but the lines that depend on timing: the time, and how many were in flight.
        let timing = ["Elapsed time:", "Speed:", "Peak in flight:"];
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|line| !timing.iter().any(|t| line.starts_with(t)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(run(true), run(false));
}

/// Start `bin` with `args`, `-s url` and `--dest dest` on a `rows` × `cols` pseudo-terminal.
fn on_terminal(bin: &str, args: &[&str], url: &str, dest: &TempDir, size: (u16, u16)) -> Pty {
    let (rows, cols) = size;
    let all = [args, &["-s", url, "--dest", path(dest)]].concat();
    Pty::spawn(bin, &all, rows, cols)
}

/// How a cell in `state` is drawn when it changes: its colour, then its character.
pub fn mark(state: Cell) -> String {
    let (ch, color) = look(state);
    format!("{}{ch}", SetForegroundColor(color.unwrap_or(Color::Reset)))
}

/// The status line of the final frame, drawn whole.
pub fn last_status_line(output: &str) -> String {
    // `in flight: 0 (peak 20) · ...`, not the report's `Peak in flight: 20 of 20 allowed.`
    output
        .rmatch_indices("in flight: ")
        .map(|(at, _)| {
            let line = &output[at..];
            let end = line.find(['\r', '\n', '\x1b']).unwrap_or(line.len());
            line[..end].trim_end().to_string()
        })
        .find(|line| line.contains(" (peak "))
        .expect("a status line")
}
