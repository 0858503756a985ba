//! `cargo xtask race` on real pseudo-terminals: a projector's 100 × 30 and a laptop's 80 × 24.
//! Both draw the race live (the boards where they fit, else a bar and a status line each) with
//! each downloader's memory and threads, then the table. Dev builds, short delays: nothing here
//! measures time.

use pty_harness::Pty;

/// The race of `codes` codes on a `rows` × `cols` terminal, to its end.
fn race(codes: &str, size: (u16, u16)) -> String {
    race_with(codes, size, &[])
}

/// The same with more arguments.
fn race_with(codes: &str, (rows, cols): (u16, u16), more: &[&str]) -> String {
    let mut args = vec![
        "race",
        "--profile",
        "dev",
        "--delay",
        "0.05",
        "--budget",
        "20",
        "-m",
        "10",
        "-l",
        codes,
    ];
    args.extend(more);
    let mut term = Pty::spawn(env!("CARGO_BIN_EXE_xtask"), &args, rows, cols);
    // Live: a status line with its figures, before the final table.
    term.wait_for(" threads");
    let run = term.finish();
    assert_eq!(run.exit_code, 0, "{:?}", run.output);
    run.output
}

/// What every live view shows, then the table of the three.
fn check(out: &str) {
    assert!(out.contains("race on DELAY, 0.05 s per GET"), "{out:?}");
    let table = out.rfind("downloader ").expect("the final table");
    let live = &out[..table];
    for package in [
        "flags-seq -m 1",
        "flags-threadpool -m 10",
        "flags-tokio -m 10",
    ] {
        assert!(live.contains(package), "{package}: {live:?}");
    }
    assert!(
        live.contains("in flight: ") && live.contains(" MiB · "),
        "{live:?}"
    );
    // The table fits a projector's 100 columns.
    for line in out[table..].lines() {
        assert!(line.trim_end().chars().count() <= 100, "{line:?}");
    }
    assert!(out[table..].contains("finished"), "{out:?}");
}

#[test]
fn race_draws_its_boards_live_on_a_projector() {
    let out = race("100", (30, 100));
    check(&out);
    // Four rows of codes: the boards fit, each row letter drawn once per board line.
    assert!(out.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "{out:?}");
}

#[test]
fn race_falls_back_to_a_compact_live_view_on_a_small_terminal() {
    let out = race("100", (24, 80));
    check(&out);
    assert!(!out.contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "{out:?}");
}

#[test]
fn race_with_a_package_of_your_own_draws_four_on_a_projector() {
    let out = race_with("100", (30, 100), &["--with", "flags-fixture"]);
    check(&out);
    let table = out.rfind("downloader ").expect("the final table");
    assert!(out[..table].contains("flags-fixture -m 10"), "{out:?}");
    let row = out[table..]
        .lines()
        .find(|l| l.starts_with("flags-fixture"));
    assert!(row.is_some_and(|row| row.contains("finished")), "{out:?}");
}

#[test]
fn a_package_named_twice_is_a_usage_error() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["race", "--with", "flags-tokio"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "error: flags-tokio is named twice: each package races once"
    );
}
