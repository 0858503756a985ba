//! `cargo xtask diff` on the workspace's own sources.

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn same_crate_has_no_difference() {
    let out = xtask(&["flags-seq", "flags-seq"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no difference"), "{stdout}");
    assert!(
        !stdout
            .lines()
            .any(|l| l.starts_with('+') || l.starts_with('-'))
    );
}

#[test]
fn seq_to_tokio_adds_the_semaphore() {
    let out = xtask(&["flags-seq", "flags-tokio", "--unified", "--color", "never"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("--- flags-seq/src/main.rs\n+++ flags-tokio/src/main.rs\n"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with('+') && l.contains("Semaphore")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with('-') && l.contains("ureq")),
        "{stdout}"
    );
    assert!(!stdout.contains('\x1b'), "no colour when asked for none");
}

#[test]
fn colour_and_side_by_side_when_asked() {
    let out = xtask(&[
        "flags-seq",
        "flags-tokio",
        "--side-by-side",
        "--color",
        "always",
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\x1b[32m"), "green for added lines");
    let semaphore = stdout
        .lines()
        .find(|l| l.contains("Semaphore"))
        .expect("a Semaphore line");
    // Added lines sit in the right column, after the `>` or `|` mark.
    let mark = semaphore
        .find(" > ")
        .or_else(|| semaphore.find(" | "))
        .expect("a mark");
    assert!(semaphore.find("Semaphore").unwrap() > mark, "{semaphore}");
}

#[test]
fn unknown_name_lists_the_known_ones() {
    let out = xtask(&["flags-seq", "flags-nope"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for known in [
        "flags-seq",
        "flags-threadpool",
        "flags-tokio",
        "spinner-thread",
        "spinner-await",
    ] {
        assert!(stderr.contains(known), "{stderr}");
    }
    let known = stderr.lines().find(|l| l.contains("known ones")).unwrap();
    assert!(
        !known.contains("xtask") && !known.contains("flags-server"),
        "{known}"
    );
}
