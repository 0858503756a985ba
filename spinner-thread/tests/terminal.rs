//! Runs the spinner in a real pseudo-terminal, and with stdout piped.

use std::process::{Command, Stdio};

use pty_harness::spinner::*;
use pty_harness::*;

const BIN: &str = env!("CARGO_BIN_EXE_spinner-thread");

#[test]
fn spins_in_a_terminal_then_clears_the_line_and_shows_the_cursor() {
    let run = run_in_pty(BIN, &["--seconds", "1"], None);
    let out = &run.output;
    assert_eq!(run.exit_code, 0, "{out:?}");
    assert!(out.contains("spinner object: Thread {"), "{out:?}");
    assert!(out.contains("\"spinner\""), "thread name in {out:?}");
    for ch in FRAMES.chars() {
        assert!(out.contains(&frame(ch, "thinking!")), "{ch} in {out:?}");
    }
    let first = out.find("\r| thinking!").unwrap();
    assert!(out[..first].contains(HIDE_CURSOR), "{out:?}");
    assert!(out.find("spinner object").unwrap() < first, "{out:?}");
    let rest = &out[end_of_last_frame(out, "thinking!")..];
    let clear = rest.find(CLEAR_LINE).expect("line cleared");
    let show = rest.find(SHOW_CURSOR).expect("cursor shown");
    let answer = rest.find("Answer: 42").expect("the answer");
    assert!(clear < answer && show < answer, "{rest:?}");
}

#[test]
fn message_is_shown_next_to_the_spinner() {
    let run = run_in_pty(BIN, &["--seconds", "0.5", "--message", "working"], None);
    assert_eq!(run.exit_code, 0, "{:?}", run.output);
    assert!(
        count_frames(&run.output, "working") >= 1,
        "{:?}",
        run.output
    );
    assert!(!run.output.contains("thinking!"), "{:?}", run.output);
}

#[test]
fn ctrl_c_restores_the_cursor_and_exits_130() {
    let run = run_in_pty(BIN, &["--seconds", "30"], Some("\r| "));
    let out = &run.output;
    assert_eq!(run.exit_code, 130, "{out:?}");
    let rest = &out[end_of_last_frame(out, "thinking!")..];
    assert!(rest.contains(SHOW_CURSOR), "{rest:?}");
    assert!(!out.contains("Answer"), "{out:?}");
}

#[test]
fn piped_output_is_two_plain_lines() {
    let out = Command::new(BIN)
        .args(["--seconds", "0.3"])
        .stdin(Stdio::null())
        .output()
        .expect("run the spinner");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(!text.contains('\x1b') && !text.contains('\r'), "{text:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text:?}");
    assert!(lines[0].starts_with("spinner object: Thread {"), "{text:?}");
    assert_eq!(lines[1], "Answer: 42");
    assert!(text.ends_with('\n'));
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--seconds", "soon"][..],
        &["--seconds=-1"],
        &["--frobnicate"],
    ] {
        let out = Command::new(BIN).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
