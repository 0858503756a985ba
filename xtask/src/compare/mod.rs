//! `cargo xtask compare`: the talk's demo, measured. Builds the downloaders and the server,
//! starts one server process per scenario, runs each downloader (and, with `--python`, the
//! book's scripts) at each concurrency, and writes a table, JSON, charts and an HTML page.
//!
//! One concern per file: `cli` (options, settings), `session` (setting up), `build`,
//! `plan`, `measure` (with `process` and `python`), `report`, `charts`, `timeline`, `html`.
//! `cargo xtask sweep` reuses them.

pub(crate) mod build;
mod charts;
mod cli;
mod html;
mod measure;
mod plan;
pub(crate) mod process;
mod progress;
mod python;
mod report;
mod session;
mod timeline;

use std::process::ExitCode;

pub use charts::{Panel, SERIES, draw_err, label};
pub use cli::{
    Args, BuildProfile, Common, Impl, QuickDefaults, Scenario, Settings, at_least_one, delay,
    distinct, first_seen, seconds,
};
pub use html::write as write_html;
pub use measure::{Row, all as measure_all};
pub use plan::{Runner, sweep as sweep_plan};
pub use report::text_table;
pub use session::{Session, interrupted};

/// `--quick`: 100 codes, delays of 0.05..0.5 s.
const QUICK: QuickDefaults = QuickDefaults {
    limit: 100,
    delay: "0.05..0.5",
};

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let session = match Session::prepare(&args.common, &QUICK)? {
        Ok(session) => session,
        Err(code) => return Ok(code),
    };
    let plan = plan::compare(
        &distinct(&args.scenario),
        &distinct(&args.implementation),
        session.python.is_some(),
    );
    let Some(rows) = measure::all(&plan, &session.bench())? else {
        return Ok(interrupted());
    };

    println!("{}", report::text_table(&rows));
    let headlines = report::headlines(&session.settings, &rows);
    for line in &headlines {
        println!("{line}");
    }
    report::write_all(
        &session.out,
        &session.settings,
        &headlines,
        &rows,
        args.timeline,
    )?;
    html::write(&session.out)?;
    println!(
        "\nReports in {}: report.md, report.json, report.svg, memory.svg, timeline.svg, report.html",
        session.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
