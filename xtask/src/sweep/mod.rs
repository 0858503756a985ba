//! `cargo xtask sweep`: how the cost grows with concurrency. flags-threadpool and flags-tokio
//! (and, with `--python DIR`, the book's flags2_threadpool.py and flags2_asyncio.py) on the
//! DELAY profile at each `-m`, the sequential ones once as the baseline; the same building,
//! measuring and reports as `compare`, whose parts it reuses.

mod chart;
mod cost;

use std::path::Path;
use std::process::ExitCode;

use crate::bench::downloader::Impl;
use crate::bench::options::{Common, QuickDefaults, Settings, distinct, max_req};
use crate::bench::runs::Row;
use crate::bench::session::{Session, interrupted};
use crate::bench::{plan, runs};
use crate::report::{html, table, write_file};
use crate::util::{fit, say, warn};
use cost::Cost;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Concurrency levels (-m), comma-separated
    #[arg(
        short = 'm',
        long = "max-req",
        value_name = "N,..",
        value_delimiter = ',',
        default_value = "1,10,100,1000",
        value_parser = max_req
    )]
    levels: Vec<usize>,
    /// Downloaders, comma-separated (the sequential one runs once, at -m 1)
    #[arg(
        long = "impl",
        value_enum,
        value_delimiter = ',',
        default_values_t = Impl::all()
    )]
    implementation: Vec<Impl>,
    #[command(flatten)]
    common: Common,
}

/// `--quick`: 400 codes (so that -m 100 and -m 1000 differ by 300 requests in flight), delays
/// of 0.2..0.5 s.
fn quick() -> QuickDefaults {
    QuickDefaults {
        limit: 400,
        delay: "0.2..0.5".parse().expect("a valid delay"),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let session = match Session::prepare(
        &args.common,
        &quick(),
        &["sweep.json", "sweep.svg", "report.html"],
    )? {
        Ok(session) => session,
        Err(code) => return Ok(code),
    };
    let settings = &session.settings;
    if settings.quick {
        let delay = settings
            .delay
            .map_or("the server's".into(), |d| d.to_string());
        warn(&fit(&format!(
            "--quick: {} codes, delays {delay} s, budget {} s, {} repeat: a rehearsal of the full sweep (about 10 minutes), not the figures to quote.",
            settings.codes(),
            settings.budget_s,
            settings.repeat
        )));
    }
    let plan = plan::sweep(
        &distinct(&args.implementation),
        &distinct(&args.levels),
        session.python.is_some(),
        settings.codes(),
    );
    if let Some(capped) = plan::capped(&args.levels, settings.codes()) {
        warn(&fit(&capped));
    }
    // Each run's stacks read while it goes on: what a request in flight is made of.
    let bench = runs::Bench {
        parts: true,
        ..session.bench()
    };
    let Some(rows) = runs::all(&plan, &bench)? else {
        return Ok(interrupted());
    };

    let costs = cost::per_request(&rows);
    let headlines = cost::headlines(settings, &rows, &costs);
    say(&table::text_table(&rows));
    for line in &headlines {
        say(&fit(line));
    }
    write(
        &session.out,
        settings,
        &distinct(&args.levels),
        &headlines,
        &costs,
        &rows,
    )?;
    html::write(&session.out)?;
    say(&format!(
        "\nIn {}: sweep.json, sweep.svg, and a section of report.html",
        session.out.display()
    ));
    Ok(ExitCode::SUCCESS)
}

fn write(
    out: &Path,
    settings: &Settings,
    levels: &[usize],
    headlines: &[String],
    costs: &[Cost],
    rows: &[Row],
) -> anyhow::Result<()> {
    let json = serde_json::json!({
        "settings": settings,
        "levels": levels,
        "headlines": headlines,
        "per_request": costs,
        "rows": rows,
    });
    let text = serde_json::to_string_pretty(&json)? + "\n";
    write_file(out, "sweep.json", &text)?;
    write_file(out, "sweep.svg", &chart::draw(rows, settings)?)
}
