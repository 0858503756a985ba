//! What the spinners draw (`\r| thinking!`, `\r/ thinking!`...), and the checks that both
//! spinners' terminal tests run: plain functions that panic with the output when a check fails.

use std::process::{Command, Stdio};

use crate::{CLEAR_LINE, HIDE_CURSOR, PtyRun, SHOW_CURSOR, run_in_pty};

/// The spinners' frames, in order.
pub const FRAMES: &str = r"|/-\";

/// One frame of the spinner: `ch` then the message, at the start of the line.
pub fn frame(ch: char, msg: &str) -> String {
    format!("\r{ch} {msg}")
}

/// How many frames the run drew.
pub fn count_frames(output: &str, msg: &str) -> usize {
    FRAMES
        .chars()
        .map(|ch| output.matches(&frame(ch, msg)).count())
        .sum()
}

/// Where the last frame ends.
pub fn end_of_last_frame(output: &str, msg: &str) -> usize {
    FRAMES
        .chars()
        .filter_map(|ch| {
            let f = frame(ch, msg);
            output.rfind(&f).map(|at| at + f.len())
        })
        .max()
        .expect("at least one frame")
}

/// The frames of the run, in order, as their characters: `"|/-\|/"`.
pub fn frames_drawn(output: &str, msg: &str) -> String {
    let mut found: Vec<(usize, char)> = FRAMES
        .chars()
        .flat_map(|ch| {
            let f = frame(ch, msg);
            output
                .match_indices(&f)
                .map(move |(at, _)| (at, ch))
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, ch)| ch).collect()
}

/// A run of `bin args` in a terminal long enough for a full turn: it ends with 0; prints
/// `spinner object: `, then hides the cursor and draws all four frames; after the last frame
/// it clears the line and shows the cursor before `Answer: 42`. Returns the run.
pub fn check_spins_then_restores(bin: &str, args: &[&str]) -> PtyRun {
    let run = run_in_pty(bin, args, None);
    let out = &run.output;
    assert_eq!(run.exit_code, 0, "{args:?}: {out:?}");
    for ch in FRAMES.chars() {
        assert!(
            out.contains(&frame(ch, "thinking!")),
            "{args:?}: {ch} in {out:?}"
        );
    }
    let first = out.find("\r| thinking!").expect("a first frame");
    assert!(out[..first].contains(HIDE_CURSOR), "{args:?}: {out:?}");
    let object = out.find("spinner object: ").expect("the spinner object");
    assert!(object < first, "{args:?}: {out:?}");
    // The spinner's drop guard cleared the line and showed the cursor.
    let rest = &out[end_of_last_frame(out, "thinking!")..];
    let clear = rest.find(CLEAR_LINE).expect("line cleared");
    let show = rest.find(SHOW_CURSOR).expect("cursor shown");
    let answer = rest.find("Answer: 42").expect("the answer");
    assert!(clear < answer && show < answer, "{args:?}: {rest:?}");
    run
}

/// `--message working` is drawn, and the default message is not.
pub fn check_message_is_shown(bin: &str, args: &[&str]) {
    let args: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--message", "working"])
        .collect();
    let run = run_in_pty(bin, &args, None);
    assert_eq!(run.exit_code, 0, "{args:?}: {:?}", run.output);
    assert!(
        count_frames(&run.output, "working") >= 1,
        "{args:?}: {:?}",
        run.output
    );
    assert!(
        !run.output.contains("thinking!"),
        "{args:?}: {:?}",
        run.output
    );
}

/// Ctrl-C as soon as the first frame shows: exit 130, the cursor shown again, no answer.
pub fn check_ctrl_c_restores_the_cursor(bin: &str, args: &[&str]) {
    let run = run_in_pty(bin, args, Some("\r| "));
    let out = &run.output;
    assert_eq!(run.exit_code, 130, "{args:?}: {out:?}");
    let rest = &out[end_of_last_frame(out, "thinking!")..];
    assert!(rest.contains(SHOW_CURSOR), "{args:?}: {rest:?}");
    assert!(!out.contains("Answer"), "{args:?}: {out:?}");
}

/// Stdout piped: exactly the book's two lines, `spinner object: {object}...` and `Answer: 42`,
/// with no escape code and no `\r`.
pub fn check_piped_output_is_two_plain_lines(bin: &str, args: &[&str], object: &str) {
    let out = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run the spinner");
    assert!(out.status.success(), "{args:?}");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        !text.contains('\x1b') && !text.contains('\r'),
        "{args:?}: {text:?}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{args:?}: {text:?}");
    assert!(
        lines[0].starts_with(&format!("spinner object: {object}")),
        "{text:?}"
    );
    assert_eq!(lines[1], "Answer: 42");
    assert!(text.ends_with('\n'));
}

/// A usage error: exit 2, nothing on stdout. Returns what stderr says.
pub fn check_usage_error(bin: &str, args: &[&str]) -> String {
    let out = Command::new(bin).args(args).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert!(out.stdout.is_empty(), "{args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}
