//! `cargo xtask race`: the talk's demo as a race. One flag server, then flags-seq,
//! flags-threadpool and flags-tokio (or those `--impl` names, and the packages `--with` names,
//! such as a student's flags-yours) started at the same moment, their boards drawn side by side
//! from the events of their `--trace` files as they are written, each with its live peak
//! memory and threads, then their final reports in one table.
//!
//! With no options it is the talk's harness: every code, each GET delayed 0.5 s (vaurien's
//! `--behavior-delay-sleep .5`), sequential at 1, the thread pool and tokio at the same `-m`.

mod racer;
mod screen;
mod stacks;
mod table;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use flags_server::Profile;

use crate::bench::build;
use crate::bench::downloader::Impl;
use crate::bench::invocation::Codes;
use crate::bench::options::{Delay, Shared, seconds};
use crate::bench::owned::Owned;
use crate::bench::process::{self, aborted};
use crate::bench::server::ServerProcess;
use crate::util::say;
use racer::{Entrant, Racer, Start};
use screen::Screen;
use stacks::Stacks;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The server's profile
    #[arg(short, long, value_enum, ignore_case = true, default_value = "delay")]
    server: Profile,
    /// Requests in flight for the thread pool and tokio (flags-seq: always 1); `book`: each
    /// one's own default, as the book sets it
    #[arg(short, long = "max-req", value_name = "CONCURRENT|book", default_value = "100",
          value_parser = max_req)]
    max_req: MaxReq,
    /// Get all available flags (AD to ZW)
    #[arg(short, long)]
    all: bool,
    /// Get flags for every possible code (AA...ZZ): what the race does unless -a is given
    #[arg(short, long, conflicts_with = "all")]
    every: bool,
    /// Seconds before a downloader still running gets SIGINT (its Ctrl-C)
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = seconds)]
    budget: Duration,
    /// Delay of each GET on the DELAY and ERROR servers, MIN[..MAX] seconds (the talk's 0.5;
    /// the book's slow server: 0.5..5)
    #[arg(long, value_name = "MIN[..MAX]", default_value = "0.5")]
    delay: Delay,
    #[command(flatten)]
    shared: Shared,
    /// Which of ours race, in this order
    #[arg(long = "impl", value_enum, value_name = "IMPL,...", value_delimiter = ',',
          default_values_t = RACERS)]
    ours: Vec<Impl>,
    /// Race a package of your own too (a downloader on flags-common, e.g. flags-yours), after
    /// ours, at the race's -m (or 5 with -m book); repeat for more
    #[arg(long = "with", value_name = "PACKAGE")]
    with: Vec<String>,
}

/// The talk's three, in its order (the combinators' race would look like tokio's).
const RACERS: [Impl; 3] = [Impl::Seq, Impl::Threadpool, Impl::Tokio];

/// `-m`: one number for the concurrent ones, or each one's book default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxReq {
    Book,
    Count(usize),
}

fn max_req(text: &str) -> Result<MaxReq, String> {
    match text {
        "book" => Ok(MaxReq::Book),
        _ => crate::bench::options::max_req(text).map(MaxReq::Count),
    }
}

/// A frame every 50 ms at most.
const TICK: Duration = Duration::from_millis(50);

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // The boards show every code: the race asks for all 676 unless told -a.
    let choice = Codes {
        all: args.all,
        limit: args.shared.limit,
    };
    let codes = choice.list();

    let entrants = match entrants(&args) {
        Ok(entrants) => entrants,
        Err(usage) => {
            crate::util::warn(&format!("error: {usage}"));
            return Ok(ExitCode::from(2));
        }
    };
    process::on_ctrl_c(None);
    // Up to 1000 connections at each end, as compare does.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let root = crate::util::workspace_root();
    let bins = build::binaries(args.shared.bin_dir.as_deref(), args.shared.profile)?;
    let theirs: Vec<&str> = args.with.iter().map(String::as_str).collect();
    let their_bins = if theirs.is_empty() {
        Vec::new()
    } else {
        build::package_binaries(args.shared.bin_dir.as_deref(), args.shared.profile, &theirs)?
    };
    let server = ServerProcess::start(
        &bins.server,
        args.server,
        0,
        args.shared.seed,
        Some(args.delay),
    )?;
    // The traces and flags of this race alone: two races at once never share a path.
    let races = build::target_dir(&root).join("race");
    std::fs::create_dir_all(&races)
        .with_context(|| format!("cannot create {}", races.display()))?;
    let dir = Owned::new_in(&races, "race")?;

    let start = Start {
        base_url: &server.ready.base_url,
        codes: &codes,
        choice,
        max_req: args.max_req,
        budget: args.budget,
        dir: dir.path(),
    };
    let headline = headline(&args, &start, &entrants, codes.len());
    let mut screen = Screen::new(&headline, &codes, entrants.len())?;
    let mut stacks = Stacks::start();
    // All at the same moment.
    let race_start = Instant::now();
    let mut racers = Vec::new();
    let mut their_bins = their_bins.iter();
    for entrant in &entrants {
        let bin = match entrant {
            Entrant::Ours(implementation) => bins.downloader(*implementation),
            Entrant::Package(_) => their_bins
                .next()
                .context("a --with package was not built")?,
        };
        racers.push(Racer::start(entrant, bin, &start)?);
    }
    while !racers.iter().all(Racer::done) {
        std::thread::sleep(TICK);
        racers.iter_mut().for_each(Racer::update);
        stacks.sample(&racers);
        let note = note(&args, race_start);
        screen.draw(&racers, race_start, (&headline, &note), false)?;
    }
    let note = note(&args, race_start);
    screen.draw(&racers, race_start, (&headline, &note), true)?;
    drop(server);

    screen.finish();
    say(&format!("\n{}", table::table(&racers)));
    if let Some(line) = stacks.line(&racers) {
        say(&table::wrap(&line));
    }
    if aborted() {
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

/// Who races: ours as `--impl` lists them, then the `--with` packages; each once.
fn entrants(args: &Args) -> Result<Vec<Entrant>, String> {
    let ours = args.ours.iter().map(|i| Entrant::Ours(*i));
    let theirs = args.with.iter().map(|p| Entrant::Package(p.clone()));
    let mut entrants: Vec<Entrant> = Vec::new();
    for entrant in ours.chain(theirs) {
        let package = entrant.package();
        if package.is_empty() {
            return Err("--with needs a package name".into());
        }
        if entrants.iter().any(|e| e.package() == package) {
            return Err(format!("{package} is named twice: each package races once"));
        }
        // A --with that names one of ours races as ours.
        let ours = Impl::all().find(|i| i.package() == package);
        entrants.push(ours.map_or(entrant, Entrant::Ours));
    }
    Ok(entrants)
}

/// The line on top: where, what, how many at once (and why fewer when capped), how long.
fn headline(args: &Args, start: &Start<'_>, entrants: &[Entrant], codes: usize) -> String {
    let delay = match args.server {
        Profile::Local => String::new(),
        Profile::Delay | Profile::Error | Profile::Chaos => format!(", {} s per GET", args.delay),
    };
    let m = match args.max_req {
        MaxReq::Book => "-m as each one's book default".to_string(),
        MaxReq::Count(asked) => {
            let used = entrants
                .iter()
                .map(|e| start.concurrency(e))
                .max()
                .unwrap_or(1);
            if used < asked {
                format!("-m {used} (capped from {asked}: at most 1000, and the codes asked)")
            } else {
                format!("-m {used}")
            }
        }
    };
    format!(
        "race on {}{delay}: {codes} codes ({}), {m}, budget {} s",
        args.server.label(),
        start.choice.args().join(" "),
        args.budget.as_secs_f64(),
    )
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
        "Ctrl-C stops them all.".into()
    }
}
