//! `cargo xtask race`: the talk's demo as a race. One flag server, then flags-seq,
//! flags-threadpool and flags-tokio started at the same moment, their boards drawn side by side
//! from the events of their `--trace` files as they are written, then their three final
//! reports in one table.

mod racer;
mod screen;
mod table;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use flags_common::board::Painter;

use flags_server::Profile;

use crate::bench::build;
use crate::bench::downloader::Impl;
use crate::bench::invocation::Codes;
use crate::bench::options::{BuildProfile, Delay, at_least_one, seconds};
use crate::bench::process::{self, aborted};
use crate::bench::server::ServerProcess;
use crate::util::say;
use racer::{Racer, Start};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The server's profile
    #[arg(short, long, value_enum, ignore_case = true, default_value = "delay")]
    server: Profile,
    /// Requests in flight for each downloader [default: each one's own: 1, 30, 5]
    #[arg(short, long = "max-req", value_name = "CONCURRENT", value_parser = at_least_one)]
    max_req: Option<usize>,
    /// Get all available flags (AD to ZW)
    #[arg(short, long)]
    all: bool,
    /// Get flags for every possible code (AA...ZZ): what the race does unless -a is given
    #[arg(short, long, conflicts_with = "all")]
    every: bool,
    /// Limit to N first codes
    #[arg(short, long, value_name = "N", value_parser = at_least_one)]
    limit: Option<usize>,
    /// Seconds before a downloader still running gets SIGINT (its Ctrl-C)
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = seconds)]
    budget: Duration,
    /// Delay of each GET on the DELAY and ERROR servers, MIN[..MAX] seconds [default: the server's]
    #[arg(long, value_name = "MIN[..MAX]")]
    delay: Option<Delay>,
    /// Seed of the server's delays and errors
    #[arg(long, value_name = "N", default_value_t = 1950)]
    seed: u64,
    /// Cargo profile to build and race
    #[arg(long, value_enum, default_value = "release")]
    profile: BuildProfile,
}

/// A frame every 50 ms at most.
const TICK: Duration = Duration::from_millis(50);

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // The boards show every code: the race asks for all 676 unless told -a.
    let choice = Codes {
        all: args.all,
        limit: args.limit,
    };
    let codes = choice.list();

    process::on_ctrl_c(None);
    // Up to 1000 connections at each end, as compare does.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let root = crate::util::workspace_root();
    let bins = build::binaries(None, args.profile)?;
    let server = ServerProcess::start(&bins.server, args.server, 0, args.seed, args.delay)?;
    let dir = build::target_dir(&root).join("race");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;

    let headline = format!(
        "race on {}: {} codes ({}), budget {} s · {}",
        args.server.label(),
        codes.len(),
        choice.args().join(" "),
        args.budget.as_secs_f64(),
        server.ready.base_url
    );
    let mut screen = Screen::new(&headline)?;
    let start = Start {
        base_url: &server.ready.base_url,
        codes: &codes,
        choice,
        max_req: args.max_req,
        budget: args.budget,
        dir: &dir,
    };
    // All three at the same moment.
    let race_start = Instant::now();
    let mut racers = Vec::new();
    for implementation in Impl::ALL {
        let bin = bins.downloader(implementation);
        racers.push(Racer::start(implementation, bin, &start)?);
    }
    while !racers.iter().all(Racer::done) {
        std::thread::sleep(TICK);
        racers.iter_mut().for_each(Racer::update);
        let note = note(&args, race_start);
        screen.draw(&racers, race_start, (&headline, &note), false)?;
    }
    let note = note(&args, race_start);
    screen.draw(&racers, race_start, (&headline, &note), true)?;
    drop(server);

    say(&format!("\n{}", table::table(&racers)));
    if aborted() {
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

/// The line under the boards.
fn note(args: &Args, race_start: Instant) -> String {
    if aborted() {
        "Interrupted: SIGINT sent to those still running; their requests in flight end first."
            .into()
    } else if race_start.elapsed() >= args.budget {
        format!(
            "Budget of {} s reached: SIGINT sent to those still running.",
            args.budget.as_secs_f64()
        )
    } else {
        "Ctrl-C stops all three.".into()
    }
}

/// The terminal the race is drawn on (stdout), or nothing when it is not a terminal or too
/// small: then only the table is printed.
struct Screen {
    painter: Option<Painter>,
}

impl Screen {
    fn new(headline: &str) -> anyhow::Result<Screen> {
        let (min_cols, min_rows) = screen::MIN_SIZE;
        let (cols, rows) = crossterm::terminal::size().unwrap_or((0, 0));
        if !io::stdout().is_terminal() || cols < min_cols || rows < min_rows {
            say(headline);
            say(&format!(
                "The race is drawn on a terminal of at least {min_cols} × {min_rows}; this one is {cols} × {rows}. Racing..."
            ));
            return Ok(Screen { painter: None });
        }
        execute!(io::stdout(), Hide)?;
        Ok(Screen {
            painter: Some(Painter::default()),
        })
    }

    /// One frame: only what changed, or with `last` the whole frame and the cursor back.
    fn draw(
        &mut self,
        racers: &[Racer],
        start: Instant,
        (headline, note): (&str, &str),
        last: bool,
    ) -> io::Result<()> {
        if let Some(painter) = &mut self.painter {
            let canvas = screen::frame(racers, start, headline, note);
            let mut out = io::stdout().lock();
            match last {
                false => painter.draw(&mut out, &canvas)?,
                true => painter.redraw(&mut out, &canvas)?,
            }
            out.flush()?;
        }
        Ok(())
    }
}

impl Drop for Screen {
    /// On every way out, errors too: the cursor shown again.
    fn drop(&mut self) {
        if self.painter.is_some() {
            let _ = execute!(io::stdout(), Show);
        }
    }
}
