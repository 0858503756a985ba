//! Runs the spinner in a real pseudo-terminal, and with stdout piped.

use std::process::{Command, Stdio};

use pty_harness::spinner::*;
use pty_harness::*;

const BIN: &str = env!("CARGO_BIN_EXE_spinner-await");

/// Both runtimes must behave alike.
const RUNTIMES: [&str; 2] = ["tokio", "async-std"];

#[test]
fn spins_in_a_terminal_then_clears_the_line_and_shows_the_cursor() {
    for rt in RUNTIMES {
        let run = run_in_pty(BIN, &["--runtime", rt, "--seconds", "1"], None);
        let out = &run.output;
        assert_eq!(run.exit_code, 0, "{rt}: {out:?}");
        assert!(out.contains("spinner object: "), "{rt}: {out:?}");
        for ch in FRAMES.chars() {
            assert!(
                out.contains(&frame(ch, "thinking!")),
                "{rt}: {ch} in {out:?}"
            );
        }
        let first = out.find("\r| thinking!").unwrap();
        assert!(out[..first].contains(HIDE_CURSOR), "{rt}: {out:?}");
        assert!(out.find("spinner object").unwrap() < first, "{rt}: {out:?}");
        // The cancelled task's drop guard cleared the line and showed the cursor.
        let rest = &out[end_of_last_frame(out, "thinking!")..];
        let clear = rest.find(CLEAR_LINE).expect("line cleared");
        let show = rest.find(SHOW_CURSOR).expect("cursor shown");
        let answer = rest.find("Answer: 42").expect("the answer");
        assert!(clear < answer && show < answer, "{rt}: {rest:?}");
    }
}

#[test]
fn spinner_object_is_the_task_handle() {
    let run = run_in_pty(BIN, &["--runtime", "tokio", "--seconds", "0"], None);
    assert!(
        run.output.contains("spinner object: JoinHandle {"),
        "{:?}",
        run.output
    );
    let run = run_in_pty(BIN, &["--runtime", "async-std", "--seconds", "0"], None);
    assert!(
        run.output.contains("spinner object: Task {"),
        "{:?}",
        run.output
    );
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

/// The lesson of spinner_prime_async_broken.py: a blocking call inside a
/// coroutine holds the only thread, so the spinner cannot draw; handing the
/// call to a blocking-thread pool lets it spin again.
#[test]
fn blocking_freezes_the_spinner_and_offload_fixes_it() {
    for rt in RUNTIMES {
        let blocking = run_in_pty(
            BIN,
            &["--runtime", rt, "--seconds", "1", "--blocking"],
            None,
        );
        let offload = run_in_pty(
            BIN,
            &["--runtime", rt, "--seconds", "1", "--blocking", "--offload"],
            None,
        );
        for run in [&blocking, &offload] {
            assert_eq!(run.exit_code, 0, "{rt}: {:?}", run.output);
            assert!(run.output.contains("Answer: 42"), "{rt}: {:?}", run.output);
        }
        // One line tells the class what it is about to see, before the freeze.
        assert!(
            blocking.output.contains(
                "Spinner frozen for 1 s: thread::sleep holds the event loop's only thread."
            ),
            "{rt}: {:?}",
            blocking.output
        );
        assert!(
            offload.output.contains("Spinner keeps turning"),
            "{rt}: {:?}",
            offload.output
        );
        let frozen = count_frames(&blocking.output, "thinking!");
        let spinning = count_frames(&offload.output, "thinking!");
        assert!(frozen <= 1, "{rt}: {frozen} frames while blocked");
        assert!(
            spinning > frozen,
            "{rt}: {spinning} frames with offload vs {frozen}"
        );
    }
}

#[test]
fn ctrl_c_restores_the_cursor_and_exits_130() {
    for rt in RUNTIMES {
        let run = run_in_pty(BIN, &["--runtime", rt, "--seconds", "30"], Some("\r| "));
        let out = &run.output;
        assert_eq!(run.exit_code, 130, "{rt}: {out:?}");
        let rest = &out[end_of_last_frame(out, "thinking!")..];
        assert!(rest.contains(SHOW_CURSOR), "{rt}: {rest:?}");
        assert!(!out.contains("Answer"), "{rt}: {out:?}");
    }
}

#[test]
fn piped_output_is_two_plain_lines() {
    for args in [
        &["--runtime", "tokio"][..],
        &["--runtime", "async-std"],
        &["--blocking"],
        &["--blocking", "--offload"],
        &["--runtime", "async-std", "--blocking", "--offload"],
    ] {
        let out = Command::new(BIN)
            .args(["--seconds", "0.3"])
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
        assert!(lines[0].starts_with("spinner object: "), "{text:?}");
        assert_eq!(lines[1], "Answer: 42");
        assert!(text.ends_with('\n'));
    }
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--seconds", "soon"][..],
        &["--seconds=-1"],
        &["--runtime", "smol"],
        &["--offload"],
    ] {
        let out = Command::new(BIN).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
