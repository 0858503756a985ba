//! Project tasks, run with `cargo xtask <task>` (the cargo-xtask pattern: a plain binary of the
//! workspace, aliased in `.cargo/config.toml`, so no tool needs installing).
//!
//! - `serve`: the book's three test servers (LOCAL 8000, DELAY 8001, ERROR 8002) in one process.
//! - `compare`: builds the downloaders, runs them against their own servers, measures, reports.
//! - `sweep`: the thread pool and tokio at -m 1..1000 on DELAY: what a thread and a task cost.
//! - `race`: runs the three downloaders at once against one server and draws their boards live.
//! - `diff A B`: shows what differs between two implementations' `src/main.rs`.
//! - `check [PACKAGE]`: judges a student's downloader from outside, step by step.

//!
//! The measuring tasks stand as equals on `bench` (what runs, how, what it measured) and
//! `report` (tables, charts, report.html); none reaches into another task.

mod bench;
mod check;
mod compare;
mod diff;
mod race;
mod report;
mod serve;
mod sweep;
mod util;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "cargo xtask",
    about = "Tasks of the flags and spinner workspace"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand, Debug)]
enum Task {
    /// Start the LOCAL (8000), DELAY (8001) and ERROR (8002) test servers until Ctrl-C
    Serve(serve::Args),
    /// Build the downloaders in release mode, run them against local servers, report the figures
    Compare(compare::Args),
    /// Run the thread pool and tokio at -m 1, 10, 100, 1000 on DELAY: what each request in flight costs
    Sweep(sweep::Args),
    /// Run flags-seq, flags-threadpool and flags-tokio at once against one server, their boards side by side
    Race(race::Args),
    /// Show the difference between two implementations' src/main.rs
    Diff(diff::Args),
    /// Check a downloader (yours: flags-yours) step by step: counted, concurrent, bounded,
    /// never blocks, Ctrl-C
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Serve(args) => serve::run(args),
        Task::Compare(args) => compare::run(args),
        Task::Sweep(args) => sweep::run(args),
        Task::Diff(args) => diff::run(args),
        Task::Race(args) => race::run(args),
        Task::Check(args) => check::run(args),
    };
    match result {
        // What it printed was lost: that is a failure, whatever the task made of its work.
        Ok(_) if let Some(err) = util::stdout_failed() => {
            util::warn(&format!("error: cannot write to stdout: {err}"));
            ExitCode::FAILURE
        }
        Ok(code) => code,
        Err(err) => {
            util::warn(&format!("error: {err:#}"));
            ExitCode::FAILURE
        }
    }
}
