//! `cargo xtask compare`: the talk's demo, measured. Builds the downloaders and the server,
//! starts one server process per scenario, runs each downloader (and, with `--python`, the
//! book's scripts) at its book default and maximum `-m`, and writes a table, JSON, charts and
//! an HTML page. Its own parts: the headlines, the timeline and the floor of the LOCAL rows;
//! the rest is the shared core (`bench`) and reports (`report`).

mod floor;
mod headlines;
mod timeline;

use std::process::ExitCode;

use flags_server::Profile;

use crate::bench::downloader::Impl;
use crate::bench::options::{Common, QuickDefaults, distinct};
use crate::bench::session::{Session, interrupted};
use crate::bench::{plan, runs};
use crate::report::{self, charts, html, table, write_file};
use crate::util::{fit, say};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Server profiles to run against, comma-separated
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        value_delimiter = ',',
        default_values_t = Profile::BOOK
    )]
    pub scenario: Vec<Profile>,
    /// Downloaders to run, comma-separated
    #[arg(
        long = "impl",
        value_enum,
        value_delimiter = ',',
        default_values_t = Impl::all()
    )]
    pub implementation: Vec<Impl>,
    /// Scenario drawn in timeline.svg
    #[arg(long, value_enum, ignore_case = true, default_value = "delay")]
    pub timeline: Profile,
    #[command(flatten)]
    pub common: Common,
}

/// The files compare writes in `--out`.
const REPORTS: [&str; 6] = [
    "report.md",
    "report.json",
    "report.svg",
    "memory.svg",
    "timeline.svg",
    "report.html",
];

/// `--quick`: 100 codes, delays of 0.05..0.5 s.
fn quick() -> QuickDefaults {
    QuickDefaults {
        limit: 100,
        delay: "0.05..0.5".parse().expect("a valid delay"),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let session = match Session::prepare(&args.common, &quick(), &REPORTS)? {
        Ok(session) => session,
        Err(code) => return Ok(code),
    };
    let codes = session.settings.codes();
    let plan = plan::compare(
        &distinct(&args.scenario),
        &distinct(&args.implementation),
        session.python.is_some(),
        codes,
    );
    // LOCAL runs of ours each get the library's floor run beside them.
    let bench = runs::Bench {
        library_floor: session.bins.library_floor.as_deref(),
        ..session.bench()
    };
    let Some(mut rows) = runs::all(&plan, &bench)? else {
        return Ok(interrupted());
    };
    let Some(floor_lines) = floor::fill(&mut rows, &session.bench())? else {
        return Ok(interrupted());
    };

    let mut headlines = headlines::of(&session.settings, &rows);
    let book_levels: Vec<usize> = args
        .implementation
        .iter()
        .flat_map(|i| i.model().concurrencies())
        .chain([plan::FLOOR_M])
        .collect();
    headlines.extend(plan::capped(&book_levels, codes));
    headlines.extend(floor_lines);
    say(&table::text_table(&rows));
    for line in &headlines {
        say(&fit(line));
    }
    let out = &session.out;
    write_file(
        out,
        "report.md",
        &report::markdown(&session.settings, &headlines, &rows),
    )?;
    // The shape of `report::Report`, written from borrowed parts.
    let json =
        serde_json::json!({ "settings": &session.settings, "headlines": headlines, "rows": rows });
    write_file(out, "report.json", &serde_json::to_string_pretty(&json)?)?;
    write_file(out, "report.svg", &charts::speed(&rows, &session.settings)?)?;
    write_file(
        out,
        "memory.svg",
        &charts::memory(&rows, &session.settings)?,
    )?;
    write_file(
        out,
        "timeline.svg",
        &timeline::draw(&rows, args.timeline, &session.settings)?,
    )?;
    html::write(out)?;
    say(&format!(
        "\nReports in {}:\n  {}",
        out.display(),
        REPORTS.join(", ")
    ));
    Ok(ExitCode::SUCCESS)
}
