//! `cargo xtask diff A B`: what differs between two implementations' `src/main.rs`, made for a
//! projector. Each file is cut into items (a function with the comments above it, the imports,
//! a const...), items are paired by name (`fn get_flag` faces `async fn get_flag`) or by the
//! part they play in the lesson (the loop over the codes), each pair is diffed line by line, and
//! within facing lines the changed words are highlighted.
//!
//! - `items`: cutting a file into items, pairing them;
//! - `roles`: the part a function plays, where its name does not say it;
//! - `rows`: the rows to draw (line diff, facing lines, folding);
//! - `words`: lines as words: how alike two lines are, the changed words marked;
//! - `wrap`: long lines wrapped inside their column;
//! - `terminal`, `html`: the two renderings;
//! - `pager`: the terminal's rendering through `$PAGER` (or `less -R`) on a terminal.

mod html;
mod items;
mod pager;
mod roles;
mod rows;
mod terminal;
mod words;
mod wrap;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;

use terminal::{SIDE_BY_SIDE_MIN_WIDTH, Style};

/// From this width on, comments are shown unless `--no-comments`; below it, only with
/// `--comments`.
const COMMENTS_MIN_WIDTH: usize = 120;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old side, e.g. flags-seq
    a: String,
    /// The new side, e.g. flags-tokio
    b: String,
    /// Columns to fit in [default: the terminal's width, else $COLUMNS, else 80]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(MIN_WIDTH as i64..))]
    width: Option<u16>,
    /// Colour the output: auto = only when stdout is a terminal (and NO_COLOR is unset)
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// Two columns, A on the left (the default from 100 columns on)
    #[arg(long, conflicts_with = "stacked")]
    side_by_side: bool,
    /// One column, each changed line of A just above its counterpart in B (the default below
    /// 100 columns)
    #[arg(long, visible_alias = "unified")]
    stacked: bool,
    /// Unchanged lines shown around each change
    #[arg(long, value_name = "LINES", default_value_t = 3)]
    context: usize,
    /// Hide comment lines (`//`, `///`, `//!`): only the code (the default below 120 columns)
    #[arg(long, conflicts_with = "comments")]
    no_comments: bool,
    /// Show comment lines (the default from 120 columns on)
    #[arg(long)]
    comments: bool,
    /// Write to stdout even when it is a terminal, instead of through $PAGER (or less -R)
    #[arg(long)]
    no_pager: bool,
    /// Start at a function (and what faces it), e.g. --from get_flag
    #[arg(long, value_name = "NAME")]
    from: Option<String>,
    /// Also show the module's doc and the imports (folded to a line each by default, so the
    /// first screen shows the functions)
    #[arg(long)]
    all: bool,
    /// Also write the diff as one self-contained HTML page (side by side, everything shown) to
    /// FILE
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// The crates whose `src/main.rs` can be compared: every workspace member with one, except the
/// test server and this tool, which are no implementations of the talk's programs.
pub fn known_crates() -> Vec<String> {
    let root = crate::util::workspace_root();
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
    let names = (
        format!("{}/src/main.rs", args.a),
        format!("{}/src/main.rs", args.b),
    );
    let names = (names.0.as_str(), names.1.as_str());
    let (old, new) = (read(&args.a)?, read(&args.b)?);
    let same = old == new;
    let (mut old, mut new) = (items::split(&old), items::split(&new));
    roles::assign(&mut old);
    roles::assign(&mut new);
    let mut pairs = items::pair(&old, &new);
    if let Some(name) = &args.from {
        match starting_at(&pairs, name) {
            Some(at) => drop(pairs.drain(..at)),
            None => {
                eprintln!(
                    "error: no function {name:?} in {} or {}; functions: {}",
                    names.0,
                    names.1,
                    functions(&pairs).join(", ")
                );
                return Ok(ExitCode::from(2));
            }
        }
    }
    let style = style(&args);
    // Comments take half the lines of a main: below 120 columns only the code, unless asked.
    let comments = args.comments || (!args.no_comments && style.width >= COMMENTS_MIN_WIDTH);
    let show = |top: bool, comments: bool| rows::Show {
        comments,
        context: args.context,
        top,
    };
    let rows = rows::build(&pairs, &show(args.all || args.from.is_some(), comments));
    if let Some(file) = &args.html {
        // The page has no width: its comments are shown unless --no-comments.
        let rows = rows::build(&pairs, &show(true, !args.no_comments));
        std::fs::write(file, html::render(&rows, names))
            .with_context(|| format!("cannot write {}", file.display()))?;
        eprintln!("wrote {} (open it in a browser)", file.display());
    }
    let text = if same {
        format!("{} and {}: no difference.\n", names.0, names.1)
    } else {
        let hidden = (!comments).then_some("comments hidden (--comments)");
        terminal::render(&rows, names, &style, hidden)
    };
    if args.no_pager {
        pager::write_out(&text);
    } else {
        pager::show(&text);
    }
    Ok(ExitCode::SUCCESS)
}

/// The first pair with a function called `name` (`get_flag` or `fn get_flag`) on either side.
fn starting_at(pairs: &[items::Pair<'_>], name: &str) -> Option<usize> {
    let name = name.trim();
    let name = name.strip_prefix("fn ").unwrap_or(name).trim();
    pairs.iter().position(|(old, new)| {
        old.iter()
            .chain(new)
            .any(|item| item.name.strip_prefix("fn ") == Some(name))
    })
}

/// The functions of both files, each once, in the order shown.
fn functions(pairs: &[items::Pair<'_>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for item in pairs.iter().flat_map(|(old, new)| old.iter().chain(new)) {
        if let Some(name) = item.name.strip_prefix("fn ")
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_string());
        }
    }
    names
}

fn read(name: &str) -> anyhow::Result<String> {
    let path = crate::util::workspace_root().join(name).join("src/main.rs");
    std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", shown(&path)))
}

/// A path as the user knows it: relative to the workspace.
fn shown(path: &Path) -> String {
    let root = crate::util::workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Width, layout and colour from the options, the terminal and the environment.
fn style(args: &Args) -> Style {
    let tty = std::io::stdout().is_terminal();
    let width = args
        .width
        .map(usize::from)
        .unwrap_or_else(|| terminal_width(tty));
    Style {
        width,
        side_by_side: args.side_by_side || (!args.stacked && width >= SIDE_BY_SIDE_MIN_WIDTH),
        color: match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => tty && std::env::var_os("NO_COLOR").is_none(),
        },
    }
}

/// Columns of the terminal: its size when stdout is one, else `COLUMNS`, else the size of the
/// terminal we run in (piped into `less -R`), else 80.
fn terminal_width(tty: bool) -> usize {
    let size = || {
        crossterm::terminal::size()
            .ok()
            .map(|(cols, _)| usize::from(cols))
    };
    // Any number of digits: what does not fit a `u16` is as wide as `--width` allows.
    let columns = || {
        let text = std::env::var("COLUMNS").ok()?;
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(
            text.parse::<u16>()
                .map_or(usize::from(u16::MAX), usize::from),
        )
    };
    let width = if tty {
        size().or_else(columns)
    } else {
        columns().or_else(size)
    };
    // Within --width's own bounds.
    width
        .filter(|&w| w > 0)
        .unwrap_or(80)
        .clamp(MIN_WIDTH, usize::from(u16::MAX))
}

/// The narrowest width drawn (`--width` accepts no less).
const MIN_WIDTH: usize = 40;
