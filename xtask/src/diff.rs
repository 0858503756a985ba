//! `cargo xtask diff A B`: what differs between two implementations' `src/main.rs`,
//! coloured and side by side when the terminal allows, for projecting in class.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use similar::{ChangeTag, DiffOp, TextDiff};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old side, e.g. flags-seq
    a: String,
    /// The new side, e.g. flags-tokio
    b: String,
    /// Colour the output: auto = only when stdout is a terminal (and NO_COLOR is unset)
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// Two columns, old on the left (default when the terminal is at least 120 columns wide)
    #[arg(long, conflicts_with = "unified")]
    side_by_side: bool,
    /// One column with - and + lines, like `diff -u`
    #[arg(long)]
    unified: bool,
    /// Unchanged lines shown around each change
    #[arg(long, value_name = "LINES", default_value_t = 3)]
    context: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Narrower than this, two columns of code would be cut too short to read.
const SIDE_BY_SIDE_MIN_WIDTH: usize = 120;

/// The crates whose `src/main.rs` can be compared: every workspace member with one, except the
/// test server and this tool, which are no implementations of the talk's programs.
pub fn known_crates() -> Vec<String> {
    let root = crate::workspace_root();
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|entry| {
                    entry.path().join("src/main.rs").is_file()
                        && entry.path().join("Cargo.toml").is_file()
                })
                .filter_map(|entry| entry.file_name().into_string().ok())
                .filter(|name| name != "xtask" && name != "flags-server")
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let known = known_crates();
    for name in [&args.a, &args.b] {
        if !known.contains(name) {
            eprintln!(
                "error: unknown implementation {name:?}; known ones: {}",
                known.join(", ")
            );
            eprintln!(
                "usage: cargo xtask diff A B   (e.g. cargo xtask diff flags-seq flags-tokio)"
            );
            return Ok(ExitCode::from(2));
        }
    }
    let out = std::io::stdout();
    let tty = out.is_terminal();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => tty && std::env::var_os("NO_COLOR").is_none(),
    };
    if args.a == args.b {
        println!(
            "{} and {} are the same crate: no difference.",
            args.a, args.b
        );
        return Ok(ExitCode::SUCCESS);
    }
    let path = |name: &str| -> PathBuf { crate::workspace_root().join(name).join("src/main.rs") };
    let read = |name: &str| {
        std::fs::read_to_string(path(name))
            .with_context(|| format!("cannot read {}", path(name).display()))
    };
    let (old, new) = (read(&args.a)?, read(&args.b)?);
    let width = terminal_width(tty);
    let side_by_side = args.side_by_side || (!args.unified && width >= SIDE_BY_SIDE_MIN_WIDTH);

    let diff = TextDiff::from_lines(&old, &new);
    let names = (
        format!("{}/src/main.rs", args.a),
        format!("{}/src/main.rs", args.b),
    );
    let text = if diff
        .ops()
        .iter()
        .all(|op| matches!(op, DiffOp::Equal { .. }))
    {
        format!("{} and {}: no difference.\n", names.0, names.1)
    } else if side_by_side {
        render_side_by_side(&diff, &names, args.context, width.max(40), color)
    } else {
        render_unified(&diff, &names, args.context, color)
    };
    let mut lock = out.lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = lock.write_all(text.as_bytes()).and_then(|()| lock.flush());
    Ok(ExitCode::SUCCESS)
}

/// Columns of the terminal: its size when stdout is one, else `COLUMNS`, else 80.
fn terminal_width(tty: bool) -> usize {
    if tty && let Ok((cols, _)) = crossterm::terminal::size() {
        return usize::from(cols);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(80)
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

fn paint(text: &str, style: &str, color: bool) -> String {
    if color {
        format!("{style}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// Like `diff -u`: a header, then hunks of `-` (only in A), `+` (only in B) and ` ` lines.
fn render_unified(
    diff: &TextDiff<'_, '_, str>,
    names: &(String, String),
    context: usize,
    color: bool,
) -> String {
    let mut out = String::new();
    out += &paint(&format!("--- {}\n+++ {}\n", names.0, names.1), BOLD, color);
    for group in diff.grouped_ops(context) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        let header = format!(
            "@@ -{},{} +{},{} @@",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        );
        out += &paint(&header, CYAN, color);
        out.push('\n');
        for op in &group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches(['\n', '\r']);
                let (sign, style) = match change.tag() {
                    ChangeTag::Delete => ('-', RED),
                    ChangeTag::Insert => ('+', GREEN),
                    ChangeTag::Equal => (' ', ""),
                };
                let text = format!("{sign}{line}");
                out += &if style.is_empty() {
                    text
                } else {
                    paint(&text, style, color)
                };
                out.push('\n');
            }
        }
    }
    out
}

/// Two columns: A's line number and text on the left, B's on the right; `<` marks a line only
/// in A, `>` a line only in B, `|` a changed line.
fn render_side_by_side(
    diff: &TextDiff<'_, '_, str>,
    names: &(String, String),
    context: usize,
    width: usize,
    color: bool,
) -> String {
    // "NNNN text" + " X " + "NNNN text"
    let col = (width.saturating_sub(3) / 2).max(10);
    let text_width = col.saturating_sub(5).max(5);
    let old_lines: Vec<&str> = diff.iter_old_slices().collect();
    let new_lines: Vec<&str> = diff.iter_new_slices().collect();
    let cell = |lines: &[&str], i: Option<usize>| -> String {
        match i {
            Some(i) => format!("{:>4} {}", i + 1, fit(lines[i], text_width)),
            None => " ".repeat(col),
        }
    };
    let mut out = String::new();
    let title = format!("{:<col$} | {}", fit(&names.0, col), names.1);
    out += &paint(&title, BOLD, color);
    out.push('\n');
    for (n, group) in diff.grouped_ops(context).iter().enumerate() {
        if n > 0 {
            out += &paint(&format!("{:<col$} ~ {}", "", ""), DIM, color);
            out.push('\n');
        }
        for op in group {
            let (old, new) = (op.old_range(), op.new_range());
            let rows = old.len().max(new.len());
            for k in 0..rows {
                let o = (k < old.len()).then(|| old.start + k);
                let b = (k < new.len()).then(|| new.start + k);
                let (mark, left_style, right_style) = match (op, o, b) {
                    (DiffOp::Equal { .. }, _, _) => (' ', "", ""),
                    (_, Some(_), Some(_)) => ('|', RED, GREEN),
                    (_, Some(_), None) => ('<', RED, ""),
                    _ => ('>', "", GREEN),
                };
                let left = cell(&old_lines, o);
                let right = cell(&new_lines, b);
                let styled = |s: String, style: &str| {
                    if style.is_empty() {
                        s
                    } else {
                        paint(&s, style, color)
                    }
                };
                let line = format!(
                    "{} {mark} {}",
                    styled(left, left_style),
                    styled(right, right_style)
                );
                out += line.trim_end();
                out.push('\n');
            }
        }
    }
    out
}

/// One line cut or padded to exactly `width` characters, tabs as four spaces.
fn fit(line: &str, width: usize) -> String {
    let line = line.trim_end_matches(['\n', '\r']).replace('\t', "    ");
    let count = line.chars().count();
    if count > width {
        let mut cut: String = line.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        format!("{line}{}", " ".repeat(width - count))
    }
}
