//! What the spinners draw (`\r| thinking!`, `\r/ thinking!`...), and the checks that both
//! spinners' terminal tests run: plain functions that panic with the output when a check fails.
//! Those that need Unix (a signal, `TERM=dumb` set through `env`, a user to switch to) are
//! built on Unix only.

use std::process::{Command, Stdio};

use crate::{CLEAR_LINE, HIDE_CURSOR, PtyRun, SHOW_CURSOR, run_in_pty};

/// The spinners' frames, in order: spinner-thread's, where both spinners take them.
pub use spinner_thread::FRAMES;

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

/// With `TERM=dumb` the terminal takes no escape codes: the frames are drawn with `\r` alone,
/// and the last is erased with spaces before `Answer: 42`. Returns the run.
#[cfg(unix)]
pub fn check_dumb_terminal_gets_no_escape_codes(bin: &str, args: &[&str]) -> PtyRun {
    let all: Vec<&str> = ["TERM=dumb", bin].iter().chain(args).copied().collect();
    let run = run_in_pty("/usr/bin/env", &all, None);
    let out = &run.output;
    assert_eq!(run.exit_code, 0, "{args:?}: {out:?}");
    assert!(!out.contains('\x1b'), "{args:?}: escape code in {out:?}");
    assert!(count_frames(out, "thinking!") >= 1, "{args:?}: {out:?}");
    let rest = &out[end_of_last_frame(out, "thinking!")..];
    let erased = format!("\r{}\r", " ".repeat(frame('|', "thinking!").len() - 1));
    let answer = rest.find("Answer: 42").expect("the answer");
    assert!(rest[..answer].contains(&erased), "{args:?}: {rest:?}");
    run
}

/// Ctrl-C's SIGINT, SIGTERM and SIGHUP each end the program with 128 + the signal's number, as
/// a shell reports a program the signal killed: 130, 143, 129. Stdout is piped: the signal is
/// sent once the first line shows that the program has started.
#[cfg(unix)]
pub fn check_signals_exit_128_plus_the_signal(bin: &str, args: &[&str]) {
    use std::io::{BufRead, BufReader};

    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let mut child = Command::new(bin)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the spinner");
        let mut first = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("read the first line");
        assert!(first.starts_with("spinner object: "), "{args:?}: {first:?}");
        let kill = Command::new("kill")
            .args(["-s", signal, &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(kill.success(), "kill -s {signal}");
        let status = child.wait().expect("wait for the spinner");
        assert_eq!(
            status.code(),
            Some(code),
            "SIG{signal} {args:?}: {status:?}"
        );
    }
}

/// Runs `bin args` on a pseudo-terminal as the user `nobody`, who may have `threads` threads
/// at once (`prlimit --nproc`, which binds any user but root). Err says why that cannot be done
/// here (not root, no `setpriv` or `prlimit`, a binary `nobody` may not run): skip the check.
#[cfg(unix)]
pub fn run_with_threads(bin: &str, args: &[&str], threads: u32) -> Result<PtyRun, String> {
    let limit = format!("--nproc={threads}:{threads}");
    // Without RUST_BACKTRACE a refusal is the one line the user would see.
    let as_nobody = [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--",
        "prlimit",
        &limit,
        "--",
        "env",
        "-u",
        "RUST_BACKTRACE",
        "-u",
        "RUST_LIB_BACKTRACE",
        bin,
    ];
    let probe = Command::new("setpriv")
        .args(as_nobody)
        .arg("--help")
        .output()
        .map_err(|e| format!("no setpriv: {e}"))?;
    if !probe.status.success() {
        let why = String::from_utf8_lossy(&probe.stderr);
        return Err(format!("cannot run {bin} as nobody under prlimit: {why}"));
    }
    let all: Vec<&str> = as_nobody.iter().chain(args).copied().collect();
    Ok(run_in_pty("setpriv", &all, None))
}

/// What a run short of threads may do: refuse in one line (`Error: ...`, exit 1), or carry on
/// to the answer (exit 0); never panic; and print nothing that did not happen: a spinner said
/// to keep turning draws frames, one said frozen draws one, a Ctrl-C handler that could not
/// start is said to be missing in one line.
pub fn check_honest_when_short_of_threads(run: &PtyRun, what: &str) {
    let out = &run.output;
    assert!(!out.contains("panicked"), "{what}: {out:?}");
    assert!(!out.contains("Ctrl-C error"), "{what}: {out:?}");
    let errors = out.lines().filter(|line| line.contains("Error: ")).count();
    match run.exit_code {
        0 => assert!(out.contains("Answer: 42") && errors == 0, "{what}: {out:?}"),
        1 => assert!(!out.contains("Answer") && errors == 1, "{what}: {out:?}"),
        code => panic!("{what}: exit {code}: {out:?}"),
    }
    let frames = count_frames(out, "thinking!");
    if out.contains("Spinner keeps turning") {
        assert!(frames > 1, "{what}: {frames} frames in {out:?}");
    }
    if out.contains("Spinner frozen") {
        assert_eq!(frames, 1, "{what}: {out:?}");
    }
    let unhandled = out.matches("Ctrl-C is not handled").count();
    assert!(unhandled <= 1, "{what}: {out:?}");
}
