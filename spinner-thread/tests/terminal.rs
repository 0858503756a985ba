//! Runs the spinner in a real pseudo-terminal, and with stdout piped: pty-harness's spinner
//! checks, which spinner-await runs too.

use pty_harness::spinner::*;

const BIN: &str = env!("CARGO_BIN_EXE_spinner-thread");

#[test]
fn spins_in_a_terminal_then_clears_the_line_and_shows_the_cursor() {
    let run = check_spins_then_restores(BIN, &["--seconds", "1"]);
    assert!(
        run.output.contains("spinner object: Thread {"),
        "{:?}",
        run.output
    );
    assert!(
        run.output.contains("\"spinner\""),
        "thread name in {:?}",
        run.output
    );
}

#[test]
fn message_is_shown_next_to_the_spinner() {
    check_message_is_shown(BIN, &["--seconds", "0.5"]);
}

#[test]
fn ctrl_c_restores_the_cursor_and_exits_130() {
    check_ctrl_c_restores_the_cursor(BIN, &["--seconds", "30"]);
}

#[cfg(unix)]
#[test]
fn sigint_sigterm_sighup_exit_128_plus_the_signal() {
    check_signals_exit_128_plus_the_signal(BIN, &["--seconds", "30"]);
}

#[cfg(unix)]
#[test]
fn a_dumb_terminal_gets_frames_and_no_escape_codes() {
    check_dumb_terminal_gets_no_escape_codes(BIN, &["--seconds", "0.5"]);
}

#[test]
fn piped_output_is_two_plain_lines() {
    check_piped_output_is_two_plain_lines(BIN, &["--seconds", "0.3"], "Thread {");
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--seconds", "soon"][..],
        &["--seconds=-1"],
        &["--frobnicate"],
    ] {
        check_usage_error(BIN, args);
    }
}

/// Past a day, `--seconds` is refused in one line that gives the bound.
#[test]
fn seconds_past_a_day_are_refused_in_one_line() {
    for seconds in ["1e19", "86400.5", "inf"] {
        let said = check_usage_error(BIN, &["--seconds", seconds]);
        assert_eq!(said.lines().count(), 1, "{said:?}");
        assert!(said.contains("at most 86400"), "{said:?}");
    }
}

/// With 1 to 4 threads allowed (`ulimit -u`), the spinner refuses in one line or carries on,
/// never panics, and says nothing that did not happen. Its main thread, the signals' thread
/// and the spinner's make 3: with fewer it refuses, with 3 or more it spins.
#[cfg(unix)]
#[test]
fn short_of_threads_it_refuses_in_one_line_or_spins() {
    for threads in 1..=4 {
        let run = match run_with_threads(BIN, &["--seconds", "0.3"], threads) {
            Ok(run) => run,
            Err(why) => return eprintln!("skipped: {why}"),
        };
        let what = format!("{threads} threads");
        check_honest_when_short_of_threads(&run, &what);
        let (refused, answered) = (run.exit_code == 1, run.exit_code == 0);
        assert!(
            if threads < 3 { refused } else { answered },
            "{what}: {:?}",
            run.output
        );
        let unhandled = run.output.contains("Ctrl-C is not handled");
        assert_eq!(unhandled, threads == 1, "{what}: {:?}", run.output);
    }
}
