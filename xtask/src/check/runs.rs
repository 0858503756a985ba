//! The three runs `check` watches, and what each left: the program's report and `--trace`
//! events, its files, and what its own flag server saw.
//!
//! - on LOCAL, every code (`-e`): does every code end counted, and every flag arrive whole?
//! - on DELAY, each GET answered after exactly `DELAY`: how many requests were in flight at
//!   once, and how soon each freed slot was used again;
//! - the same, with a Ctrl-C once a few downloads have ended.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use flags_common::{Summary, TraceEvent};
use flags_server::{Profile, Stats};

use crate::bench::follow::TraceFollower;
use crate::bench::invocation::{Codes, Invocation};
use crate::bench::options::Delay;
use crate::bench::process::{Finished, run_until};
use crate::bench::server::ServerProcess;

/// `-m` of every run: enough requests in flight that a blocked event loop cannot keep up.
pub const MAX_REQ: usize = 50;
/// Each GET of the DELAY runs takes exactly this long at the server, so that only the program
/// can explain a slot left empty.
pub const DELAY: Duration = Duration::from_millis(250);
/// Codes of the in-flight run: four rounds of `MAX_REQ`.
const IN_FLIGHT_CODES: usize = 200;
/// The in-flight run is cut here (a Ctrl-C): enough for a concurrent program to finish, and for
/// a sequential one to show what it is.
const IN_FLIGHT_BUDGET: Duration = Duration::from_secs(3);
/// The other runs are cut here, if nothing ends them sooner (a program that never stops).
const LONGEST: Duration = Duration::from_secs(60);
/// Downloads ended before the Ctrl-C of the last run.
pub const ENDED_BEFORE_CTRL_C: usize = 3;
/// How long a program may take to end after its Ctrl-C before it is killed.
const GRACE: Duration = Duration::from_secs(10);
/// Seed of the servers (no randomness is used: no errors, a fixed delay).
const SEED: u64 = 1950;

/// One run: how the process ended, what it reported, what it traced and saved, and what its
/// server counted.
pub struct Run {
    pub finished: Finished,
    /// The final report, from the trace's last line: None when the program stopped before it.
    pub summary: Option<Summary>,
    pub events: Vec<TraceEvent>,
    pub dest: PathBuf,
    pub stats: Stats,
}

/// The Ctrl-C run, and what the server had counted when the Ctrl-C was sent.
pub struct CtrlCRun {
    pub run: Run,
    /// Whether the Ctrl-C was sent (a program that ended before `ENDED_BEFORE_CTRL_C`
    /// downloads were traced never got one).
    pub sent: bool,
    /// Requests that had arrived at the server when the Ctrl-C was sent.
    pub arrived_before: u64,
}

/// Everything the steps judge.
pub struct Seen {
    pub counted: Run,
    pub in_flight: Run,
    pub ctrl_c: CtrlCRun,
}

impl Seen {
    /// Run `program` three times against servers of `server`'s binary, in `work`.
    pub fn gather(program: &Path, server: &Path, work: &Path) -> anyhow::Result<Seen> {
        let local = ServerProcess::start(server, Profile::Local, 0, SEED, None)?;
        let every = Codes {
            all: false,
            limit: None,
        };
        let counted = run(
            program,
            &local,
            every,
            LONGEST,
            &work.join("counted"),
            |_| false,
        )?;
        drop(local);

        let fixed = Delay {
            min: DELAY,
            max: DELAY,
        };
        let delay = ServerProcess::start(server, Profile::Delay, 0, SEED, Some(fixed))?;
        let some = Codes {
            all: false,
            limit: Some(IN_FLIGHT_CODES),
        };
        let dir = work.join("in-flight");
        let in_flight = run(program, &delay, some, IN_FLIGHT_BUDGET, &dir, |_| false)?;

        let mut sent = false;
        let mut arrived_before = 0;
        let run = run(
            program,
            &delay,
            every,
            LONGEST,
            &work.join("ctrl-c"),
            |ended| {
                if ended < ENDED_BEFORE_CTRL_C {
                    return false;
                }
                if !sent {
                    sent = true;
                    arrived_before = delay.stats().map_or(0, |stats| stats.arrived);
                }
                true
            },
        )?;
        let ctrl_c = CtrlCRun {
            run,
            sent,
            arrived_before,
        };
        Ok(Seen {
            counted,
            in_flight,
            ctrl_c,
        })
    }
}

/// One run of `program` against `server` (its statistics zeroed first), saving into `dir`:
/// sent its Ctrl-C when `ctrl_c` says so (asked with the number of downloads ended so far), or
/// at `budget`.
fn run(
    program: &Path,
    server: &ServerProcess,
    codes: Codes,
    budget: Duration,
    dir: &Path,
    mut ctrl_c: impl FnMut(usize) -> bool,
) -> anyhow::Result<Run> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let dest = dir.join("flags");
    let trace = dir.join("trace.jsonl");
    server.reset_stats()?;
    let command = Invocation {
        codes,
        max_req: MAX_REQ,
        base_url: &server.ready.base_url,
        timeout: None,
        dest: &dest,
        trace: &trace,
    }
    .command(program);
    let mut follower = TraceFollower::new(trace.clone());
    let mut events = Vec::new();
    let finished = run_until(
        command,
        |elapsed| {
            events.extend(follower.new_events());
            let ended = events
                .iter()
                .filter(|e| matches!(e, TraceEvent::End { .. }))
                .count();
            elapsed >= budget || ctrl_c(ended)
        },
        GRACE,
        |_| {},
    )?;
    events.extend(follower.new_events());
    let stats = server.stats()?;
    let summary = events.iter().rev().find_map(|event| match event {
        TraceEvent::Summary(summary) => Some(summary.clone()),
        _ => None,
    });
    Ok(Run {
        finished,
        summary,
        events,
        dest,
        stats,
    })
}
