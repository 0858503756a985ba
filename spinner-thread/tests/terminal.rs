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
