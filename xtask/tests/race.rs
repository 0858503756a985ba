//! `cargo xtask race` on real pseudo-terminals: a projector's 100 × 30 and a laptop's 80 × 24.
//! Both draw the race live (the boards where they fit, else a bar and a status line each) with
//! each downloader's memory and threads, then the table. Dev builds, short delays: nothing here
//! measures time.

#[path = "race/vt.rs"]
mod vt;

use std::cell::RefCell;

use pty_harness::Pty;
use vt::Vt;

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
    // The table fits a laptop's 80 columns, with each one's memory and threads.
    for line in out[table..].lines() {
        assert!(line.trim_end().chars().count() <= 80, "{line:?}");
    }
    assert!(out[table..].contains("finished"), "{out:?}");
    // Its header's first line is just above: `RSS` over `MiB`.
    let header = out[..table].lines().last().unwrap_or_default();
    assert!(
        header.contains("RSS") && header.chars().count() <= 80,
        "{header:?}"
    );
    assert!(out[table..].contains("MiB") && out[table..].contains("threads"));
    // What their threads' stacks hold, read in procfs while they ran.
    if cfg!(target_os = "linux") {
        assert!(
            out[table..].contains("Thread stacks, resident: flags-seq "),
            "{out:?}"
        );
    }
    // The race's own screen is left, and its last frame printed once on the terminal's.
    let left = out.rfind("\x1b[?1049l").expect("the alternate screen left");
    assert_eq!(
        out[left..table].matches("race on DELAY").count(),
        1,
        "{out:?}"
    );
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

/// Everything the terminal has shown so far (what has arrived, without waiting for more).
fn shown(term: &mut Pty) -> String {
    let seen = RefCell::new(String::new());
    term.wait_until(
        |out| {
            *seen.borrow_mut() = out.to_string();
            true
        },
        "any output",
    );
    seen.into_inner()
}

/// Whether the screen shows each downloader's status line whole: its name at the start of a
/// line, then its figures from `in flight` or `done` to `threads` (or a cut at a word, `…`),
/// once, and nothing of another line over them.
fn every_status_whole(lines: &[String], width: usize) -> Result<(), String> {
    if lines.iter().any(|l| l.chars().count() > width) {
        return Err("a line wider than the terminal".into());
    }
    for package in ["flags-seq", "flags-threadpool", "flags-tokio"] {
        let at = lines
            .iter()
            .position(|l| l.starts_with(package))
            .ok_or(format!("no line starts with {package}"))?;
        // Its line, and the indented lines under it.
        let mut block = lines[at].clone();
        for line in &lines[at + 1..] {
            if !line.starts_with("  ") || line.trim_start().starts_with("flags-") {
                break;
            }
            block = format!("{block} {}", line.trim());
        }
        let figures = ["in flight", "done"]
            .iter()
            .map(|w| block.matches(w).count());
        if figures.clone().any(|n| n > 1) || figures.sum::<usize>() == 0 {
            return Err(format!("{package}: {block:?}"));
        }
        if !(block.ends_with("threads") || block.ends_with('…')) {
            return Err(format!("{package} not whole: {block:?}"));
        }
    }
    Ok(())
}

#[test]
fn race_is_laid_out_again_after_each_resize() {
    let args = [
        "race",
        "--profile",
        "dev",
        "--delay",
        "0.1",
        "--budget",
        "20",
        "-m",
        "10",
        "-l",
        "100",
    ];
    let mut term = Pty::spawn(env!("CARGO_BIN_EXE_xtask"), &args, 30, 100);
    term.wait_for(" threads");
    let mut screen = Vt::new(30, 100);
    let mut read = 0;
    for (rows, cols) in [(20, 60), (30, 100)] {
        let out = shown(&mut term);
        screen.feed(&out[read..]);
        read = out.len();
        term.resize(rows, cols);
        screen.resize(usize::from(rows), usize::from(cols));
        // The next frames, drawn at the new size, show every status line whole.
        let at_size = screen.clone();
        term.wait_until(
            |out| {
                let mut now = at_size.clone();
                now.feed(out.get(read..).unwrap_or_default());
                every_status_whole(&now.lines(), usize::from(cols)).is_ok()
            },
            &format!("every status line whole at {cols} × {rows}"),
        );
    }
    let run = term.finish();
    assert_eq!(run.exit_code, 0, "{:?}", run.output);
}
