//! `cargo xtask diff` on the workspace's own sources: pairing, wrapping, the HTML page, and the
//! size of the spinner pair's diff. The checks name functions, never today's exact text, since
//! the mains change.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stdout(args: &[&str]) -> String {
    let out = xtask(args);
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn source(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(name).join("src/main.rs")).unwrap()
}

/// A line without any whitespace: wrapping may cut at a space, never drop a letter.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect()
}

#[test]
fn same_crate_has_no_difference() {
    let text = stdout(&["flags-seq", "flags-seq"]);
    assert!(text.contains("no difference"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn functions_face_their_counterparts() {
    let text = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "200",
        "--color",
        "never",
    ]);
    for name in ["get_flag", "get_country", "download_one", "download_many"] {
        let row = text
            .lines()
            .find(|l| l.contains(&format!("fn {name}(")))
            .unwrap_or_else(|| panic!("no row for {name}:\n{text}"));
        let (left, right) = row.split_at(row.find(&format!("fn {name}(")).unwrap() + 3);
        assert!(!left.contains("async"), "{row}");
        assert!(
            right.contains(&format!("fn {name}(")),
            "{name} faces its counterpart: {row}"
        );
    }
    let row = text.lines().find(|l| l.contains("fn get_flag(")).unwrap();
    assert!(
        row.contains(" | ") && row.contains("async fn get_flag("),
        "{row}"
    );
}

#[test]
fn stacked_puts_a_changed_line_just_above_its_counterpart() {
    let text = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "80",
        "--color",
        "never",
    ]);
    assert!(text.contains("--- flags-seq/src/main.rs\n+++ flags-tokio/src/main.rs\n"));
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains('↳')).collect();
    for name in ["get_flag", "download_one"] {
        let at = lines
            .iter()
            .position(|l| l.starts_with('-') && l.contains(&format!("fn {name}(")))
            .unwrap_or_else(|| panic!("no - row for {name}:\n{text}"));
        let next = lines[at + 1];
        assert!(
            next.starts_with('+') && next.contains(&format!("async fn {name}(")),
            "{next}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('+') && l.contains("Semaphore"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('-') && l.contains("ureq"))
    );
    assert!(!text.contains('\x1b'), "no colour when asked for none");
}

/// The lines each side shows, by line number, put back together from their wrapped pieces.
type Sides = [BTreeMap<usize, String>; 2];

fn add(side: &mut BTreeMap<usize, String>, last: &mut usize, gutter: &str, text: &str) {
    match gutter.trim() {
        "" => {}
        "↳" => side.get_mut(last).unwrap().push_str(text),
        no => {
            *last = no.parse().unwrap();
            side.insert(*last, text.to_string());
        }
    }
}

fn side_by_side_rows(text: &str, width: usize, digits: usize) -> Sides {
    let col = (width - 3) / 2;
    let mut sides: Sides = Default::default();
    let mut last = [0, 0];
    let rows = text
        .lines()
        .skip_while(|l| !l.starts_with("flags-seq/"))
        .skip(1);
    for row in rows {
        let chars: Vec<char> = row.chars().collect();
        assert!("|<> ".contains(chars[col + 1]), "{row}");
        let cell = |from: usize| -> (String, String) {
            let cell: String = chars.iter().skip(from).take(col).collect();
            let gutter: String = cell.chars().take(digits).collect();
            (gutter, cell.chars().skip(digits + 1).collect())
        };
        for (k, from) in [0, col + 3].into_iter().enumerate() {
            let (gutter, text) = cell(from);
            add(&mut sides[k], &mut last[k], &gutter, &text);
        }
    }
    sides
}

fn stacked_rows(text: &str, digits: usize) -> Sides {
    let mut sides: Sides = Default::default();
    let mut last = [0, 0];
    let rows = text.lines().skip_while(|l| !l.starts_with("+++ ")).skip(1);
    for row in rows {
        let chars: Vec<char> = row.chars().collect();
        let gutter: String = chars.iter().skip(2).take(digits).collect();
        let text: String = chars.iter().skip(digits + 3).collect();
        // An unchanged line carries A's number; B's copy is checked through A's.
        let k = usize::from(chars[0] == '+');
        assert!("+- ".contains(chars[0]), "{row}");
        add(&mut sides[k], &mut last[k], &gutter, &text);
    }
    sides
}

#[test]
fn long_lines_wrap_within_the_width_and_lose_nothing() {
    let (old, new) = (source("flags-seq"), source("flags-tokio"));
    let digits = old
        .lines()
        .count()
        .max(new.lines().count())
        .to_string()
        .len()
        .max(2);
    for width in [100, 121, 160] {
        let w = width.to_string();
        let args = [
            "flags-seq",
            "flags-tokio",
            "--color",
            "never",
            "--context",
            "100000",
        ];
        let text = stdout(&[&args[..], &["--width", &w]].concat());
        for line in text.lines() {
            assert!(
                line.chars().count() <= width,
                "wider than {width}: {line:?}"
            );
        }
        let sides = side_by_side_rows(&text, width, digits);
        for (side, file) in sides.iter().zip([&old, &new]) {
            assert_eq!(side.len(), file.lines().count(), "every line shown once");
            for (no, line) in file.lines().enumerate() {
                assert_eq!(squeeze(&side[&(no + 1)]), squeeze(line), "line {}", no + 1);
            }
        }
        // Stacked at the same width: also no text lost.
        let text = stdout(&[&args[..], &["--width", &w, "--stacked"]].concat());
        assert!(text.lines().all(|l| l.chars().count() <= width));
        let [a, b] = stacked_rows(&text, digits);
        assert_eq!(a.len(), old.lines().count());
        for (no, line) in old.lines().enumerate() {
            assert_eq!(squeeze(&a[&(no + 1)]), squeeze(line), "line {}", no + 1);
        }
        for (no, shown) in &b {
            assert_eq!(squeeze(shown), squeeze(new.lines().nth(no - 1).unwrap()));
        }
    }
    // The narrowest width allowed still holds.
    let text = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "40",
        "--color",
        "never",
    ]);
    assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
}

#[test]
fn no_comments_hides_comment_lines_only() {
    let text = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--no-comments",
        "--stacked",
        "--width",
        "200",
        "--color",
        "never",
    ]);
    let digits = 2;
    for line in text.lines().skip_while(|l| !l.starts_with("+++ ")).skip(1) {
        let code: String = line.chars().skip(digits + 3).collect();
        assert!(!code.trim_start().starts_with("//"), "{line}");
    }
    assert!(text.contains("Semaphore") && text.contains("async fn get_flag("));
}

#[test]
fn colour_marks_the_changed_words() {
    let text = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "160",
        "--color",
        "always",
    ]);
    // `async` alone is highlighted in the signature, not the whole line.
    let row = text.lines().find(|l| l.contains("get_flag(")).unwrap();
    assert!(row.contains("\x1b[1;30;42masync \x1b[0m"), "{row:?}");
}

#[test]
fn html_page_is_self_contained_with_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("diff.html");
    let out = xtask(&[
        "flags-seq",
        "flags-tokio",
        "--html",
        file.to_str().unwrap(),
        "--color",
        "never",
    ]);
    assert!(out.status.success(), "{out:?}");
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<style>"));
    for outside in [
        "http://", "https://", "<script", "<link", "src=", "@import", "url(",
    ] {
        assert!(!page.contains(outside), "{outside} in the page");
    }
    assert!(page.contains("flags-seq/src/main.rs") && page.contains("flags-tokio/src/main.rs"));
    let row = page
        .lines()
        .find(|l| l.starts_with("<tr>") && l.contains("get_flag("))
        .expect("a get_flag row");
    assert!(
        row.contains("agent") && row.contains("client") && row.contains(">async "),
        "{row}"
    );
}

#[test]
fn spinner_pair_differs_in_about_seventy_lines() {
    let (thread, wait) = (source("spinner-thread"), source("spinner-await"));
    let diff = similar::TextDiff::from_lines(&thread, &wait);
    let changed = diff
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .count();
    // The book's spinner_thread.py and spinner_async.py: 58 lines.
    assert!(changed <= 70, "{changed} changed lines");
    for name in [
        "fn spin(",
        "fn slow_function(",
        "fn supervisor(",
        "fn main(",
    ] {
        let at = |text: &str| text.find(name).unwrap();
        assert!(at(&thread) > 0 && at(&wait) > 0);
    }
    let order = |text: &str| -> Vec<usize> {
        [
            "fn spin(",
            "fn slow_function(",
            "fn supervisor(",
            "fn main(",
        ]
        .iter()
        .map(|n| text.find(n).unwrap())
        .collect()
    };
    for text in [&thread, &wait] {
        assert!(order(text).is_sorted(), "the book's order");
    }
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
