//! Runs the spinner in a real pseudo-terminal, and with stdout piped, on each runtime:
//! pty-harness's spinner checks (which spinner-thread runs too), then what is async's own.

use std::process::{Command, Stdio};

use pty_harness::run_in_pty;
use pty_harness::spinner::*;

const BIN: &str = env!("CARGO_BIN_EXE_spinner-await");

/// Every runtime must behave alike.
const RUNTIMES: [&str; 4] = ["tokio", "async-std", "smol", "mini"];

/// `args` on `rt`, with `--seconds`.
fn on(rt: &str, seconds: &str, args: &[&'static str]) -> Vec<String> {
    let mut all = vec![
        "--runtime".into(),
        rt.into(),
        "--seconds".into(),
        seconds.into(),
    ];
    all.extend(args.iter().map(|arg| arg.to_string()));
    all
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn spins_in_a_terminal_then_clears_the_line_and_shows_the_cursor() {
    for rt in RUNTIMES {
        check_spins_then_restores(BIN, &strs(&on(rt, "1", &[])));
    }
    check_spins_then_restores(BIN, &strs(&on("mini", "1", &["--by-hand"])));
}

#[test]
fn spinner_object_is_the_task_handle() {
    for (rt, object) in [
        ("tokio", "JoinHandle {"),
        ("async-std", "Task {"),
        ("smol", "Task { header: "),
        ("mini", "JoinHandle { task: 1 }"),
    ] {
        let run = run_in_pty(BIN, &strs(&on(rt, "0", &[])), None);
        let line = format!("spinner object: {object}");
        assert!(run.output.contains(&line), "{rt}: {:?}", run.output);
    }
}

#[test]
fn message_is_shown_next_to_the_spinner() {
    check_message_is_shown(BIN, &["--seconds", "0.5"]);
    check_message_is_shown(BIN, &strs(&on("mini", "0.5", &["--by-hand"])));
}

/// The lesson of spinner_prime_async_broken.py: a blocking call inside a coroutine holds the
/// only thread. The spinner draws its first frame, then nothing until the call returns;
/// handing the call to another thread lets it spin again.
#[test]
fn blocking_freezes_the_spinner_after_a_frame_and_offload_fixes_it() {
    for rt in RUNTIMES {
        let blocking = run_in_pty(BIN, &strs(&on(rt, "1", &["--blocking"])), None);
        let offload = run_in_pty(BIN, &strs(&on(rt, "1", &["--blocking", "--offload"])), None);
        for run in [&blocking, &offload] {
            assert_eq!(run.exit_code, 0, "{rt}: {:?}", run.output);
            assert!(run.output.contains("Answer: 42"), "{rt}: {:?}", run.output);
        }
        // One line tells the class what it is about to see, before the freeze, and not why.
        let says = "Spinner frozen for 1 s.\r\n";
        assert!(
            blocking.output.contains(says),
            "{rt}: {:?}",
            blocking.output
        );
        let says = "Spinner keeps turning";
        assert!(offload.output.contains(says), "{rt}: {:?}", offload.output);
        let frozen = count_frames(&blocking.output, "thinking!");
        let spinning = count_frames(&offload.output, "thinking!");
        assert_eq!(
            frozen, 1,
            "{rt}: one frame, then the freeze: {:?}",
            blocking.output
        );
        assert!(spinning > frozen, "{rt}: {spinning} frames with offload");
    }
}

#[test]
fn ctrl_c_restores_the_cursor_and_exits_130() {
    for rt in RUNTIMES {
        check_ctrl_c_restores_the_cursor(BIN, &strs(&on(rt, "30", &[])));
    }
}

#[cfg(unix)]
#[test]
fn sigint_sigterm_sighup_exit_128_plus_the_signal() {
    for rt in RUNTIMES {
        check_signals_exit_128_plus_the_signal(BIN, &strs(&on(rt, "30", &[])));
    }
}

#[cfg(unix)]
#[test]
fn a_dumb_terminal_gets_frames_and_no_escape_codes() {
    for rt in RUNTIMES {
        check_dumb_terminal_gets_no_escape_codes(BIN, &strs(&on(rt, "0.5", &[])));
    }
    let args = on("mini", "0.5", &["--explain"]);
    check_dumb_terminal_gets_no_escape_codes(BIN, &strs(&args));
}

#[test]
fn piped_output_is_two_plain_lines() {
    for (args, object) in [
        (on("tokio", "0.3", &[]), "JoinHandle {"),
        (on("async-std", "0.3", &[]), "Task {"),
        (on("smol", "0.3", &[]), "Task {"),
        (on("mini", "0.3", &[]), "JoinHandle {"),
        (on("mini", "0.3", &["--by-hand"]), "JoinHandle {"),
        (on("tokio", "0.3", &["--blocking"]), "JoinHandle {"),
        (
            on("tokio", "0.3", &["--blocking", "--offload"]),
            "JoinHandle {",
        ),
        (
            on("async-std", "0.3", &["--blocking", "--offload"]),
            "Task {",
        ),
        (on("smol", "0.3", &["--blocking", "--offload"]), "Task {"),
        (
            on("mini", "0.3", &["--blocking", "--offload"]),
            "JoinHandle {",
        ),
    ] {
        check_piped_output_is_two_plain_lines(BIN, &strs(&args), object);
    }
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--seconds", "soon"][..],
        &["--seconds=-1"],
        &["--runtime", "nope"],
        &["--offload"],
    ] {
        check_usage_error(BIN, args);
    }
}

/// Past a day, `--seconds` is refused in one line that gives the bound, on every runtime.
#[test]
fn seconds_past_a_day_are_refused_in_one_line() {
    for rt in RUNTIMES {
        let said = check_usage_error(BIN, &["--runtime", rt, "--seconds", "1e19"]);
        assert_eq!(said.lines().count(), 1, "{rt}: {said:?}");
        assert!(said.contains("at most 86400"), "{rt}: {said:?}");
    }
}

/// Only the hand-made loop can tell its steps, or run the hand-written spin: one line says so.
#[test]
fn explain_and_by_hand_are_usage_errors_but_on_mini() {
    for rt in ["tokio", "async-std", "smol"] {
        let said = check_usage_error(BIN, &["--runtime", rt, "--explain"]);
        assert_eq!(said.lines().count(), 1, "{rt}: {said:?}");
        assert!(
            said.contains("only the hand-made loop can show its steps"),
            "{said:?}"
        );
        let said = check_usage_error(BIN, &["--runtime", rt, "--by-hand"]);
        assert_eq!(said.lines().count(), 1, "{rt}: {said:?}");
        assert!(said.contains("--runtime mini"), "{said:?}");
    }
    check_usage_error(BIN, &["--explain"]);
}

/// `--explain` reads as the talk's slides: the spawn, a timer set by sleep, Pending, a timer
/// firing and a wake, the cancellation at an .await, then the answer.
#[test]
fn explain_tells_the_loop_steps_in_the_talks_order() {
    for by_hand in [&[][..], &["--by-hand"]] {
        let args = on("mini", "0.3", &[&["--explain"], by_hand].concat());
        let run = run_in_pty(BIN, &strs(&args), None);
        let out = &run.output;
        assert_eq!(run.exit_code, 0, "{out:?}");
        let mut at = 0;
        for step in [
            "spawn(",
            "→ task 1",
            "sleep(0.3 s) sets a timer for",
            "→ Pending: task 0",
            "poll task 1",
            "draws \"| thinking!\"",
            "sleep(0.1 s) sets a timer for",
            "→ Pending: task 1",
            "timer",
            "is due",
            "wakes task 1",
            "poll task 1",
            "cancel task 1",
            "at an .await",
            "→ Ready",
            "Answer: 42",
        ] {
            let found = out[at..].find(step);
            at += found.unwrap_or_else(|| panic!("{step:?} after {at} in {out:?}")) + step.len();
        }
    }
}

/// A longer run folds the rounds that repeat (a frame each) into one line with a count.
#[test]
fn explain_folds_repeated_rounds() {
    let run = run_in_pty(
        BIN,
        &["--runtime", "mini", "--explain", "--seconds", "1"],
        None,
    );
    let out = &run.output;
    assert_eq!(run.exit_code, 0, "{out:?}");
    assert!(out.contains("⋮ the same round again, ×"), "{out:?}");
    let polls = out.matches("poll task 1 (spin)").count();
    let frames = count_frames(out, "thinking!");
    assert!(
        polls < frames,
        "{polls} polls of spin told for {frames} frames: {out:?}"
    );
}

/// `spin` by hand, a state machine, draws what `async fn spin` draws: the frames in turn.
#[test]
fn by_hand_spin_draws_the_same_frames() {
    for args in [&[][..], &["--by-hand"]] {
        let run = run_in_pty(BIN, &strs(&on("mini", "1", args)), None);
        let drawn = frames_drawn(&run.output, "thinking!");
        let expected: String = FRAMES.chars().cycle().take(drawn.chars().count()).collect();
        assert!(drawn.chars().count() >= 4, "{args:?}: {drawn:?}");
        assert_eq!(drawn, expected, "{args:?}");
    }
    let run = run_in_pty(BIN, &["--runtime", "mini", "--explain", "--by-hand"], None);
    assert!(
        run.output.contains("poll task 1 (Spin)"),
        "{:?}",
        run.output
    );
}

/// Offloading on mini: a thread runs the blocking call, and its wake reaches the sleeping loop.
#[test]
fn explain_tells_the_offload_thread_waking_the_loop() {
    let args = on("mini", "0.3", &["--explain", "--blocking", "--offload"]);
    let run = run_in_pty(BIN, &strs(&args), None);
    let out = &run.output;
    assert_eq!(run.exit_code, 0, "{out:?}");
    let handed = out
        .find("task 0 hands its blocking call to another thread")
        .expect(out);
    let woke = out.find("another thread woke task 0").expect(out);
    let answer = out.find("Answer: 42").expect(out);
    assert!(handed < woke && woke < answer, "{out:?}");
}

/// Piped, nothing is drawn, but the loop runs the same: the story tells the spinner's timer,
/// a wake, each frame (not drawn) and the cancel at an `.await`, in plain lines.
#[test]
fn explain_piped_tells_the_same_steps_without_drawing() {
    let out = Command::new(BIN)
        .args(["--runtime", "mini", "--explain", "--seconds", "0.3"])
        .stdin(Stdio::null())
        .output()
        .expect("run the spinner");
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(!out.contains('\x1b') && !out.contains('\r'), "{out:?}");
    let mut at = 0;
    for step in [
        "poll task 1 (spin)",
        "frame \"| thinking!\", not drawn: stdout is not a terminal",
        "sleep(0.1 s) sets a timer for",
        "→ Pending: task 1",
        "wakes task 1",
        "poll task 1 (spin)",
        "cancel task 1 (spin): its future is dropped where it is parked, at an .await",
        "Answer: 42",
    ] {
        let found = out[at..].find(step);
        at += found.unwrap_or_else(|| panic!("{step:?} after {at} in {out:?}")) + step.len();
    }
}

/// `--blocking --explain`: the story says, in words, that the supervisor holds the thread.
#[test]
fn explain_tells_the_freeze_of_a_blocking_call() {
    let args = on("mini", "0.3", &["--explain", "--blocking"]);
    let run = run_in_pty(BIN, &strs(&args), None);
    let out = &run.output;
    assert_eq!(run.exit_code, 0, "{out:?}");
    let held = out
        .find("task 0 has not returned to the loop for ")
        .expect(out);
    let mut lines = out[held..].lines();
    let said = lines.next().unwrap_or_default();
    assert!(said.ends_with("s: nothing else can run"), "{said:?}");
    let next = lines.next().unwrap_or_default();
    assert!(
        next.contains("cancel task 1"),
        "told before the cancel: {out:?}"
    );
}

/// `--by-hand --explain`: each poll of `Spin` names the state it found and the one it left.
#[test]
fn explain_by_hand_names_the_state_of_spin_at_each_poll() {
    let args = on("mini", "0.3", &["--explain", "--by-hand"]);
    let run = run_in_pty(BIN, &strs(&args), None);
    let out = &run.output;
    assert_eq!(run.exit_code, 0, "{out:?}");
    let start = out.find("Spin::Start → Spin::Sleeping").expect(out);
    let again = out.find("Spin::Sleeping → Spin::Sleeping").expect(out);
    assert!(start < again, "{out:?}");
}

/// With 1 to 4 threads allowed (`ulimit -u`), on each runtime and each mode: a refusal in one
/// line or the answer, never a panic, and nothing said that did not happen. The main thread,
/// the signals' thread and `--offload`'s make 3, which tokio and mini need and no more.
#[cfg(unix)]
#[test]
fn short_of_threads_it_refuses_in_one_line_or_carries_on_honestly() {
    let modes: [&[&'static str]; 3] = [&[], &["--blocking"], &["--blocking", "--offload"]];
    for threads in 1..=4 {
        for rt in RUNTIMES {
            for mode in modes {
                let args = on(rt, "0.3", mode);
                let run = match run_with_threads(BIN, &strs(&args), threads) {
                    Ok(run) => run,
                    Err(why) => return eprintln!("skipped: {why}"),
                };
                let what = format!("{threads} threads, {args:?}");
                check_honest_when_short_of_threads(&run, &what);
                let unhandled = run.output.contains("Ctrl-C is not handled");
                assert_eq!(unhandled, threads == 1, "{what}: {:?}", run.output);
                if threads >= 3 && matches!(rt, "tokio" | "mini") {
                    assert_eq!(run.exit_code, 0, "{what}: {:?}", run.output);
                    let offloads = mode.contains(&"--offload");
                    let turns = run.output.contains("Spinner keeps turning");
                    assert_eq!(turns, offloads, "{what}: {:?}", run.output);
                }
            }
        }
    }
}
