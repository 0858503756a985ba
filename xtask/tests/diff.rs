//! `cargo xtask diff` on the workspace's own sources: functions facing by their part in the
//! lesson for every pair of mains, cuts never inside a name, unchanged words never marked,
//! `--from`, `--all`, the HTML page. The checks name functions, never today's exact text, since
//! the mains change.

#[path = "diff/mains.rs"]
mod mains;
#[path = "diff/screen.rs"]
mod screen;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use mains::{MAINS, declares, loop_holder, pairs, source};
use screen::cells;

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

#[test]
fn same_crate_has_no_difference() {
    let text = stdout(&["flags-seq", "flags-seq"]);
    assert!(text.contains("no difference"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn the_loops_over_the_codes_face_each_other_in_every_pair() {
    for (a, b) in pairs() {
        let args = [
            a,
            b,
            "--width",
            "200",
            "--color",
            "never",
            "--context",
            "100000",
        ];
        let text = stdout(&args);
        let row_of = |name: &str| {
            text.lines()
                .find(|row| declares(&cells(row, 200).0, name))
                .unwrap_or_else(|| panic!("{a} {b}: no row for {name}:\n{text}"))
        };
        let faces = |left: &str, right: &str| {
            let row = row_of(left);
            let (_, cell) = cells(row, 200);
            assert!(declares(&cell, right), "{a} {b}: {row}");
        };
        if a.starts_with("spinner") {
            for name in ["spin", "slow_function", "supervisor", "main"] {
                faces(name, name);
            }
            continue;
        }
        let (la, lb) = (loop_holder(&source(a)), loop_holder(&source(b)));
        faces(&la, &lb);
        for name in ["get_flag", "get_country", "download_one", "main"] {
            faces(name, name);
        }
        // A `download_many` that only starts the runtime faces nothing in a blocking main.
        if la != lb {
            let runtime_on_right = lb != "download_many";
            let row = text
                .lines()
                .find(|row| {
                    let (left, right) = cells(row, 200);
                    let side = if runtime_on_right { right } else { left };
                    side.contains("fn download_many(")
                })
                .expect("the runtime's row");
            let (left, right) = cells(row, 200);
            let other = if runtime_on_right { left } else { right };
            assert!(other.trim().is_empty(), "{a} {b}: {row}");
        }
    }
}

#[test]
fn no_cut_inside_a_name_and_nothing_lost() {
    for (a, b) in pairs() {
        let (old, new) = (source(a), source(b));
        let digits = screen::digits(&old, &new);
        for width in [80, 100, 120] {
            let w = width.to_string();
            let args = [a, b, "--color", "never", "--context", "100000", "--all"];
            let args = [&args[..], &["--comments"]].concat();
            let args = [&args[..], &["--width", &w]].concat();
            let text = stdout(&[&args[..], &["--side-by-side"]].concat());
            assert!(text.lines().all(|l| l.chars().count() <= width), "{text}");
            let title = format!("{a}/");
            let sides = screen::side_by_side(&text, &title, width, digits);
            for (side, file) in sides.iter().zip([&old, &new]) {
                assert_eq!(side.len(), file.lines().count(), "{a} {b} {width}");
                for (no, line) in file.lines().enumerate() {
                    let cut = screen::check_cuts(line, &side[&(no + 1)]);
                    cut.unwrap_or_else(|e| panic!("{a} {b} at {width}: {e}"));
                }
            }
            let text = stdout(&[&args[..], &["--stacked"]].concat());
            assert!(text.lines().all(|l| l.chars().count() <= width), "{text}");
            let [sa, sb] = screen::stacked(&text, digits);
            assert_eq!(sa.len(), old.lines().count(), "{a} {b} {width}");
            for (side, file) in [(&sa, &old), (&sb, &new)] {
                for (no, pieces) in side {
                    let line = file.lines().nth(no - 1).unwrap();
                    let cut = screen::check_cuts(line, pieces);
                    cut.unwrap_or_else(|e| panic!("{a} {b} stacked at {width}: {e}"));
                }
            }
        }
    }
    // The narrowest width allowed still holds.
    let text = stdout(&["flags-seq", "flags-tokio", "--width", "40"]);
    assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
}

#[test]
fn unchanged_words_are_not_marked() {
    for (a, b) in pairs() {
        let args = [a, b, "--width", "240", "--color", "always", "--all"];
        let text = stdout(&[&args[..], &["--context", "100000"]].concat());
        let plain = |s: &str| -> String {
            let mut out = String::new();
            for part in s.split('\x1b') {
                out += part.split_once('m').map_or(part, |(_, rest)| rest);
            }
            out
        };
        for row in text.lines() {
            let marked = screen::marked(row);
            // A line and its counterpart that differ only in spaces have nothing marked.
            let (left, right) = cells(&plain(row), 240);
            let words = |s: &str| -> String { s.split_whitespace().skip(1).collect() };
            if words(&left) == words(&right) && !left.trim().is_empty() {
                assert!(marked.is_empty(), "{a} {b}: {row:?}");
            }
            // Words a re-flowed doc comment moved to the next line are no change.
            if row.contains("//! Download flags") {
                let moved = marked.iter().any(|(_, w)| w.contains("metadata"));
                assert!(!moved, "{a} {b}: {row:?}");
            }
        }
        if a.starts_with("flags") {
            let row = text.lines().find(|l| l.contains("get_flag(")).unwrap();
            let marked = screen::marked(row);
            assert!(
                marked.iter().all(|(_, w)| !w.contains("get_flag")),
                "{row:?}"
            );
        }
    }
    // `async` alone is highlighted in the signature, not the whole line.
    let text = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "160",
        "--color",
        "always",
    ]);
    let row = text.lines().find(|l| l.contains("get_flag(")).unwrap();
    assert!(row.contains("\x1b[1;30;42masync \x1b[0m"), "{row:?}");
}

#[test]
fn from_starts_at_a_function_and_its_counterpart() {
    let text = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "120",
        "--color",
        "never",
    ]);
    let text = text.lines().skip(2).collect::<Vec<_>>().join("\n");
    let args = [
        "flags-seq",
        "flags-tokio",
        "--width",
        "120",
        "--color",
        "never",
    ];
    for from in ["download_many", "supervisor", "fn supervisor"] {
        let shown = stdout(&[&args[..], &["--from", from]].concat());
        let first = shown.lines().nth(2).unwrap();
        let (left, right) = cells(first, 120);
        assert!(
            left.contains("fn download_many(") && right.contains("async fn supervisor("),
            "--from {from}: {first}"
        );
        assert!(
            !shown.contains("fn get_flag(") && !shown.contains("use std"),
            "{shown}"
        );
        assert!(text.contains(&shown.lines().skip(2).collect::<Vec<_>>().join("\n")));
    }
    let out = xtask(&["flags-seq", "flags-tokio", "--from", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("nope") && stderr.contains("supervisor"),
        "{stderr}"
    );
}

#[test]
fn the_first_screen_shows_get_flag() {
    for (a, b) in pairs().into_iter().filter(|(a, _)| a.starts_with("flags")) {
        let text = stdout(&[a, b, "--width", "100", "--color", "never"]);
        let at = text.lines().position(|l| l.contains("fn get_flag("));
        assert!(at.is_some_and(|at| at < 30), "{a} {b}:\n{text}");
        assert!(text.contains("⋯ the imports") && !text.contains("use std"));
        let all = stdout(&[
            a,
            b,
            "--width",
            "100",
            "--color",
            "never",
            "--all",
            "--comments",
        ]);
        assert!(all.contains("use std") && !all.contains("⋯ the imports"));
    }
}

#[test]
fn stacked_puts_a_changed_line_just_above_its_counterpart() {
    let args = [
        "flags-seq",
        "flags-tokio",
        "--width",
        "80",
        "--color",
        "never",
    ];
    let text = stdout(&[&args[..], &["--all"]].concat());
    assert!(text.contains("--- flags-seq/src/main.rs\n+++ flags-tokio/src/main.rs\n"));
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains('↳')).collect();
    for name in ["get_flag", "download_one"] {
        let at = lines
            .iter()
            .position(|l| l.starts_with('-') && declares(l, name))
            .unwrap_or_else(|| panic!("no - row for {name}:\n{text}"));
        let next = lines[at + 1];
        let async_fn = format!("async fn {name}(");
        assert!(next.starts_with('+') && next.contains(&async_fn), "{next}");
    }
    let has = |sign: char, word: &str| {
        lines
            .iter()
            .any(|l| l.starts_with(sign) && l.contains(word))
    };
    assert!(has('+', "Semaphore") && has('-', "ureq"));
    assert!(!text.contains('\x1b'), "no colour when asked for none");
}

#[test]
fn no_comments_hides_comment_lines_only() {
    let args = ["flags-seq", "flags-tokio", "--no-comments", "--stacked"];
    let text = stdout(&[&args[..], &["--width", "200", "--color", "never"]].concat());
    let digits = 3;
    for line in text.lines().skip_while(|l| !l.starts_with("+++ ")).skip(1) {
        let code: String = line.chars().skip(digits + 3).collect();
        assert!(!code.trim_start().starts_with("//"), "{line}");
    }
    assert!(text.contains("Semaphore") && text.contains("async fn get_flag("));
}

#[test]
fn html_page_is_self_contained_with_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("diff.html");
    let path = file.to_str().unwrap();
    let out = xtask(&[
        "flags-seq",
        "flags-tokio",
        "--html",
        path,
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
    // Everything shown, the imports too.
    assert!(plain(&page).contains("use ureq::Agent;") && page.contains("Semaphore"));
    let row = page
        .lines()
        .find(|l| l.starts_with("<tr>") && plain(l).contains("get_flag("))
        .expect("a get_flag row");
    let marked = |word: &str| row.contains(&format!("<span class=\"w\">{word}</span>"));
    assert!(
        marked("agent") && marked("client") && marked("async"),
        "{row}"
    );
    // A wrapped line goes on under its own code: an indented line hangs deeper.
    let row = page
        .lines()
        .find(|l| plain(l).contains("    let url = "))
        .unwrap();
    assert!(
        row.contains("padding-left:calc(.5em + 6ch);text-indent:-6ch"),
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
    let names = [
        "fn spin(",
        "fn slow_function(",
        "fn supervisor(",
        "fn main(",
    ];
    for text in [&thread, &wait] {
        let order: Vec<usize> = names.iter().map(|n| text.find(n).unwrap()).collect();
        assert!(order.is_sorted(), "the book's order");
    }
}

#[test]
fn unknown_name_lists_the_known_ones() {
    let out = xtask(&["flags-seq", "flags-nope"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for known in MAINS.iter().chain(&["spinner-thread", "spinner-await"]) {
        assert!(stderr.contains(known), "{stderr}");
    }
    let known = stderr.lines().find(|l| l.contains("known ones")).unwrap();
    assert!(
        !known.contains("xtask") && !known.contains("flags-server"),
        "{known}"
    );
}

/// An HTML line's text: its tags dropped.
fn plain(html: &str) -> String {
    let mut out = String::new();
    for (k, part) in html.split('<').enumerate() {
        out += if k == 0 {
            part
        } else {
            part.split_once('>').map_or("", |(_, text)| text)
        };
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

#[test]
fn comments_are_hidden_below_120_columns_unless_asked() {
    let code_only = |text: &str| {
        text.lines()
            .skip(2)
            .all(|row| !cells(row, 100).0.trim_start().contains(" //") && !row.contains(" /// "))
    };
    let narrow = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "100",
        "--color",
        "never",
    ]);
    assert!(narrow.contains("comments hidden (--comments)"), "{narrow}");
    for row in narrow.lines().skip(2) {
        for cell in [cells(row, 100).0, cells(row, 100).1] {
            let code: String = cell.chars().skip(3).collect();
            assert!(!code.trim_start().starts_with("//"), "{row}");
        }
    }
    let asked = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "100",
        "--color",
        "never",
        "--comments",
    ]);
    assert!(asked.contains("/// GET one flag") && !asked.contains("comments hidden"));
    assert!(!code_only(&asked));
    let wide = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "120",
        "--color",
        "never",
    ]);
    assert!(wide.contains("/// GET one flag") && !wide.contains("comments hidden"));
    let hidden = stdout(&[
        "flags-seq",
        "flags-tokio",
        "--width",
        "120",
        "--no-comments",
    ]);
    assert!(!hidden.contains("/// GET one flag") && hidden.contains("comments hidden"));
}

#[test]
fn the_loops_bodies_face_statement_by_statement() {
    // What each loop does for one code: seq's statements face their counterparts inside the
    // async ones' `.map(|cc| async { ... })` or spawned task.
    for (a, b) in pairs().into_iter().filter(|(a, _)| a.starts_with("flags")) {
        let args = [
            a,
            b,
            "--width",
            "240",
            "--color",
            "never",
            "--context",
            "1000",
        ];
        let text = stdout(&args);
        for (left, right) in [
            ("job.start(", "job.start("),
            ("job.retry", "job.retry"),
            ("job.record(", "job.record("),
        ] {
            if !source(a).contains(left) || !source(b).contains(right) {
                continue;
            }
            let row = text
                .lines()
                .find(|row| cells(row, 240).0.contains(left))
                .unwrap_or_else(|| panic!("{a} {b}: no row with {left}:\n{text}"));
            assert!(cells(row, 240).1.contains(right), "{a} {b}: {row}\n{text}");
        }
    }
}

#[test]
fn comments_words_are_never_highlighted() {
    for (a, b) in pairs() {
        let args = [
            a,
            b,
            "--width",
            "240",
            "--color",
            "always",
            "--all",
            "--comments",
        ];
        let text = stdout(&[&args[..], &["--context", "100000"]].concat());
        for row in text.lines() {
            // Each side's text from its comment on: no highlight starts there.
            for (side, start) in [(0, "\x1b[1;97;41m"), (1, "\x1b[1;30;42m")] {
                let half = if side == 0 {
                    row.split(" \x1b[33m|").next().unwrap_or(row)
                } else {
                    row.split(" \x1b[33m|").nth(1).unwrap_or("")
                };
                if let Some(at) = half.find("//") {
                    assert!(!half[at..].contains(start), "{a} {b}: {row:?}");
                }
            }
        }
    }
}

#[test]
fn a_huge_columns_is_held_to_the_widest_width() {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "flags-seq", "flags-tokio"])
        .env("COLUMNS", "99999999999")
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= usize::from(u16::MAX))
    );
    assert!(text.contains("fn get_flag("), "{text}");
}

#[test]
fn a_terminal_gets_the_diff_through_the_pager() {
    // `sh` sets PAGER for the one command: the pager marks every line it is given.
    let xtask = env!("CARGO_BIN_EXE_xtask");
    let script = format!("PAGER='sed s/^/paged:/' exec '{xtask}' diff flags-seq flags-tokio");
    let mut term = pty_harness::Pty::spawn("sh", &["-c", &script], 30, 100);
    term.wait_for("fn get_flag(");
    let run = term.finish();
    assert_eq!(run.exit_code, 0, "{:?}", run.output);
    let first = run.output.lines().find(|l| !l.trim().is_empty()).unwrap();
    assert!(first.contains("paged:"), "{:?}", run.output);
    let row = run
        .output
        .lines()
        .find(|l| l.contains("fn get_flag("))
        .unwrap();
    assert!(row.contains("paged:"), "{row:?}");
}

#[test]
fn the_page_wraps_code_only_where_the_terminal_would() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("diff.html");
    let out = xtask(&["flags-seq", "flags-tokio", "--html", file.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.contains(".n { white-space: nowrap; }"), "{page}");
    assert!(!page.contains("break-word") && !page.contains("anywhere"));
    let name = |c: char| c.is_alphanumeric() || c == '_';
    let mut awaits = 0;
    for row in page.lines().filter(|l| l.starts_with("<tr>")) {
        // Walk the row: every character but a space sits in a `nowrap` span, and a `<wbr>`
        // (the only other place to wrap) never falls inside a name or `.await`.
        let mut stack: Vec<bool> = Vec::new();
        let mut code = false;
        let mut before = ' ';
        let mut wbr = false;
        let mut rest = row;
        while !rest.is_empty() {
            if let Some(tag) = rest.strip_prefix('<') {
                let (tag, after) = tag.split_once('>').unwrap();
                match tag {
                    "wbr" => wbr = true,
                    t if t.starts_with("td") => {
                        code = !t.contains("class=\"no\"") && !t.contains("class=\"mark\"")
                    }
                    t if t.starts_with("span") => stack.push(t.contains("class=\"n\"")),
                    "/span" => drop(stack.pop()),
                    _ => {}
                }
                rest = after;
                continue;
            }
            let (text, after) = rest.split_at(rest.find('<').unwrap_or(rest.len()));
            let text = plain(text);
            for c in text.chars() {
                if code && c != ' ' {
                    assert!(stack.contains(&true), "{c:?} may wrap: {row}");
                }
                if wbr {
                    assert!(!(name(before) && name(c)), "a name cut: {row}");
                    assert!(!(before == '.' && c == 'a'), ".await cut: {row}");
                    wbr = false;
                }
                before = c;
            }
            rest = after;
        }
        awaits += plain(row).matches(".await").count();
    }
    assert!(awaits > 0);
}
