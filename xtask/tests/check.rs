//! `cargo xtask check` on the reference downloaders, on flags-yours as shipped, and on
//! flags-fixture, a student's program written right (a `JoinSet`, plain reqwest) or wrong in
//! one way per mode: each wrong one fails exactly the step that names its fault, with its
//! hint. Dev builds; the steps judge counts, peaks and threads, and one median wait that a
//! blocked loop exceeds twentyfold.

use std::process::Command;

mod common;

/// The steps, as check names them, in its order.
const STEPS: [&str; 5] = ["counted", "concurrent", "bounded", "never blocks", "ctrl-c"];

/// `cargo xtask check PACKAGE` on the test build's programs, with `FLAGS_FIXTURE=mode` when
/// given: its exit code and stdout.
fn check(package: &str, mode: Option<&str>) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(["check", package])
        .args(common::programs(&[package, "flags-server"]));
    if let Some(mode) = mode {
        command.env("FLAGS_FIXTURE", mode);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code().unwrap_or(-1), stdout)
}

/// The step lines of `out` that failed.
fn failed(out: &str) -> Vec<&str> {
    STEPS
        .into_iter()
        .filter(|step| {
            let line = step_line(out, step);
            line.starts_with("FAIL")
        })
        .collect()
}

/// The line of `step`.
fn step_line<'a>(out: &'a str, step: &str) -> &'a str {
    out.lines()
        .find(|line| line[4..].trim_start().starts_with(&format!("{step}  ")))
        .unwrap_or_else(|| panic!("no line for {step}: {out}"))
}

/// `package` (in `mode`) passes every step, exit 0.
fn passes(package: &str, mode: Option<&str>) {
    let (code, out) = check(package, mode);
    assert_eq!(failed(&out), Vec::<&str>::new(), "{out}");
    assert!(out.contains("5 of 5 steps pass."), "{out}");
    assert_eq!(code, 0, "{out}");
}

/// `package` in `mode` fails `step` alone, saying `seen` and `hint`, exit 1.
fn fails_only(package: &str, mode: Option<&str>, step: &str, seen: &str, hint: &str) {
    let (code, out) = check(package, mode);
    assert_eq!(failed(&out), vec![step], "{out}");
    let line = step_line(&out, step);
    assert!(line.contains(seen) && line.contains(hint), "{line}");
    assert_eq!(code, 1, "{out}");
}

#[test]
fn flags_tokio_passes_every_step() {
    passes("flags-tokio", None);
}

#[test]
fn flags_combinators_passes_every_step() {
    passes("flags-combinators", None);
}

#[test]
fn flags_threadpool_passes_every_step() {
    passes("flags-threadpool", None);
}

#[test]
fn flags_seq_fails_concurrent_with_its_hint() {
    fails_only(
        "flags-seq",
        None,
        "concurrent",
        "peak in flight 1 at -m 50",
        "FuturesUnordered",
    );
}

#[test]
fn a_joinset_with_plain_reqwest_passes_every_step() {
    passes("flags-fixture", Some("joinset"));
}

#[test]
fn awaiting_each_download_in_turn_fails_concurrent() {
    fails_only(
        "flags-fixture",
        Some("in-turn"),
        "concurrent",
        "peak in flight 1 at -m 50",
        "each download is awaited before the next starts",
    );
}

#[test]
fn starting_every_download_at_once_fails_bounded() {
    fails_only(
        "flags-fixture",
        Some("unbounded"),
        "bounded",
        "peak in flight 200 at -m 50",
        "Semaphore",
    );
}

#[test]
fn a_blocking_sleep_in_get_flag_fails_never_blocks() {
    fails_only(
        "flags-fixture",
        Some("blocking-sleep"),
        "never blocks",
        "a freed slot waits",
        "std::thread::sleep",
    );
}

#[test]
fn saving_on_the_loops_thread_fails_never_blocks() {
    fails_only(
        "flags-fixture",
        Some("blocking-save"),
        "never blocks",
        "flags saved on the event loop's thread",
        "spawn_blocking",
    );
}

#[test]
fn a_partial_file_after_ctrl_c_fails_ctrl_c() {
    fails_only(
        "flags-fixture",
        Some("partial-on-ctrl-c"),
        "ctrl-c",
        "is left partial after Ctrl-C",
        "save_flag",
    );
}

#[test]
fn flags_yours_as_shipped_says_what_is_not_written_yet() {
    let (code, out) = check("flags-yours", None);
    assert_eq!(code, 1, "{out}");
    assert_eq!(failed(&out), STEPS.to_vec(), "{out}");
    for step in STEPS {
        assert!(
            step_line(&out, step).contains("not written yet: supervisor (step 1"),
            "{out}"
        );
    }
}
