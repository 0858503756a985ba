//! The steps of `check`, listed once, each judged from what the runs left, with the hint a
//! student needs when it fails.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use flags_common::TraceEvent;

use super::runs::{CtrlCRun, DELAY, MAX_REQ, Run, Seen};
use crate::bench::trace::{Span, max_in_flight};

/// A freed slot left empty longer than this, at the median, means the program's loop did not
/// get to it: a fifth of the server's delay (a program that never blocks takes about 1 ms).
const LATE_S: f64 = DELAY.as_secs_f64() / 5.0;

/// The steps, in the order a student writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Counted,
    Concurrent,
    Bounded,
    NeverBlocks,
    CtrlC,
}

/// One step's outcome, in one line: what was seen, against what was expected, and a hint.
pub struct Verdict {
    pub pass: bool,
    pub line: String,
}

impl Verdict {
    fn pass(line: String) -> Verdict {
        Verdict { pass: true, line }
    }

    fn fail(seen: String, hint: &str) -> Verdict {
        Verdict {
            pass: false,
            line: format!("{seen}: {hint}"),
        }
    }
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Counted,
        Step::Concurrent,
        Step::Bounded,
        Step::NeverBlocks,
        Step::CtrlC,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Step::Counted => "counted",
            Step::Concurrent => "concurrent",
            Step::Bounded => "bounded",
            Step::NeverBlocks => "never blocks",
            Step::CtrlC => "ctrl-c",
        }
    }

    pub fn judge(self, seen: &Seen) -> Verdict {
        let run = match self {
            Step::Counted => &seen.counted,
            Step::Concurrent | Step::Bounded | Step::NeverBlocks => &seen.in_flight,
            Step::CtrlC => &seen.ctrl_c.run,
        };
        // What each step needs of its run: the report to count, the server's figures to see
        // what was in flight, the Ctrl-C run whatever it left.
        let needs = match self {
            Step::Counted => Needs::Report,
            Step::Concurrent | Step::Bounded | Step::NeverBlocks => Needs::Requests,
            Step::CtrlC => Needs::Nothing,
        };
        if let Some(stopped) = stopped_early(run, needs) {
            return stopped;
        }
        match self {
            Step::Counted => counted(run),
            Step::Concurrent => concurrent(run),
            Step::Bounded => bounded(run),
            Step::NeverBlocks => never_blocks(run),
            Step::CtrlC => ctrl_c(&seen.ctrl_c),
        }
    }
}

/// What a step judges a run by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// The final report.
    Report,
    /// Requests that reached the server, whether or not the run reported.
    Requests,
    /// Whatever the run left.
    Nothing,
}

/// A run that cannot be judged for what the step `needs`: not written yet, or stopped (a
/// crash, killed) before its report or before any request.
fn stopped_early(run: &Run, needs: Needs) -> Option<Verdict> {
    let said = run
        .finished
        .stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty());
    if run.summary.is_none()
        && let Some(part) = said.and_then(|l| l.strip_prefix("error: not written yet: "))
    {
        return Some(Verdict::fail(
            format!("not written yet: {part}"),
            "write it, then check again",
        ));
    }
    let what = match needs {
        Needs::Report if run.summary.is_none() => "no final report",
        Needs::Requests if run.stats.arrived == 0 => "no request reached the server",
        _ => return None,
    };
    let how = match (run.finished.killed, run.finished.exit_code) {
        (true, _) => "killed: it did not end after its Ctrl-C".to_string(),
        (false, Some(code)) => format!("exit status {code}"),
        (false, None) => "ended by a signal".to_string(),
    };
    let said = said.map_or(String::new(), |l| format!(", saying \"{}\"", l.trim()));
    Some(Verdict::fail(
        format!("{what} ({how}{said})"),
        "download_many must send the requests and return its Counter for the report",
    ))
}

fn counted(run: &Run) -> Verdict {
    let Some(s) = run.summary.as_ref().map(|summary| summary.tally) else {
        return Verdict::fail("no final report".into(), "see the run's other lines");
    };
    let counts = format!(
        "{} codes: {} OK, {} not found, {} errors, {} not attempted",
        s.asked, s.ok, s.not_found, s.errors, s.not_attempted
    );
    if (s.ok, s.not_found, s.errors) != (194, 482, 0) {
        return Verdict::fail(
            format!("{counts}, expected 194 OK and 482 not found"),
            "count each code once, with counter.add(job.record(cc, started, result)); a 404 \
             is FetchError::NotFound (reqwest's error_for_status gives it)",
        );
    }
    match files(&run.dest) {
        Files::Whole(194) => Verdict::pass(format!("{counts}; 194 files equal to the server's")),
        Files::Whole(n) => Verdict::fail(
            format!("{counts}, but {n} files saved, expected 194"),
            "save each flag once, with save_flag",
        ),
        Files::Bad(name) => Verdict::fail(
            format!("{counts}, but {name} is not the server's flag"),
            "save the body as it came, with save_flag",
        ),
    }
}

fn concurrent(run: &Run) -> Verdict {
    let peak = run.stats.peak_in_flight as usize;
    let seen = format!("peak in flight {peak} at -m {MAX_REQ}");
    match peak {
        _ if peak >= MAX_REQ => Verdict::pass(seen),
        1 => Verdict::fail(
            seen,
            "each download is awaited before the next starts; look at FuturesUnordered, \
             buffer_unordered or JoinSet",
        ),
        _ => Verdict::fail(
            seen,
            "fewer than -m at once: give every code its future or task up front, and let \
             job.concur_req of them run",
        ),
    }
}

fn bounded(run: &Run) -> Verdict {
    let peak = run.stats.peak_in_flight as usize;
    let seen = format!("peak in flight {peak} at -m {MAX_REQ}");
    if peak <= MAX_REQ {
        return Verdict::pass(seen);
    }
    Verdict::fail(
        seen,
        "every download started at once; hold a permit of a tokio::sync::Semaphore of \
         job.concur_req for each download",
    )
}

fn never_blocks(run: &Run) -> Verdict {
    let late = &run.stats.lateness;
    let ms = |s: f64| format!("{:.0} ms", s * 1000.0);
    let (on_loop, saved) = saves_on_a_loop(&run.events);
    let wait = format!(
        "a freed slot waits {} for its next request, at the median",
        ms(late.median_s)
    );
    // A save on the loop is named first: it is the cause, and it may also show as a wait.
    if on_loop > 0 {
        return Verdict::fail(
            format!("{on_loop} of {saved} flags saved on the event loop's thread ({wait})"),
            "save_flag blocks while the disk works: hand it to tokio::task::spawn_blocking \
             (the book's asyncio.to_thread)",
        );
    }
    if late.count > 0 && late.median_s > LATE_S {
        return Verdict::fail(
            format!(
                "{wait} (the server answers each after {}, a free loop refills it in about \
                 1 ms)",
                ms(DELAY.as_secs_f64())
            ),
            "something blocks the event loop's thread; std::thread::sleep and blocking I/O \
             stop every download: use tokio::time::sleep, or spawn_blocking",
        );
    }
    Verdict::pass(format!(
        "{wait}; {saved} flags saved, none on a thread that runs other downloads meanwhile"
    ))
}

/// Flags saved on a thread that drives several downloads at once (an event loop), and all
/// flags saved: from the trace's thread numbers.
fn saves_on_a_loop(events: &[TraceEvent]) -> (usize, usize) {
    // The thread that started each download, then each download's span by that thread.
    let mut started_on: HashMap<&str, u64> = HashMap::new();
    let mut spans: HashMap<u64, Vec<Span>> = HashMap::new();
    let mut saves = Vec::new();
    for event in events {
        match event {
            TraceEvent::Start { cc, thread_id, .. } => {
                started_on.insert(cc, *thread_id);
            }
            TraceEvent::End {
                cc,
                start,
                end,
                status,
                saved_on,
                ..
            } => {
                if let Some(thread) = started_on.get(cc.as_str()) {
                    let span = Span {
                        start: *start,
                        end: *end,
                        status: *status,
                    };
                    spans.entry(*thread).or_default().push(span);
                }
                saves.extend(*saved_on);
            }
            TraceEvent::Summary(_) => {}
        }
    }
    // A thread that had two downloads in flight at once runs an event loop.
    let loops: HashSet<u64> = spans
        .into_iter()
        .filter(|(_, spans)| max_in_flight(spans) > 1)
        .map(|(thread, _)| thread)
        .collect();
    let on_loop = saves.iter().filter(|t| loops.contains(t)).count();
    (on_loop, saves.len())
}

fn ctrl_c(seen: &CtrlCRun) -> Verdict {
    let run = &seen.run;
    if !seen.sent {
        return Verdict::fail(
            "the run ended before a Ctrl-C could be sent".into(),
            "the run should take seconds at this delay: are downloads started?",
        );
    }
    if run.finished.exit_code.is_none() && !run.finished.killed {
        return Verdict::pass(
            "no Ctrl-C can be sent to one process on this system: not checked".into(),
        );
    }
    let after = run.stats.arrived.saturating_sub(seen.arrived_before);
    if let Files::Bad(name) = files(&run.dest) {
        return Verdict::fail(
            format!("{name} is left partial after Ctrl-C"),
            "let the downloads in flight end and save with save_flag (a temporary file, \
             renamed when whole); never exit in the middle",
        );
    }
    if run.finished.killed {
        return Verdict::fail(
            format!("still running 10 s after Ctrl-C, {} later", requests(after)),
            "check flags_common::interrupted() before each new download",
        );
    }
    if after > MAX_REQ as u64 {
        return Verdict::fail(
            format!(
                "{} after Ctrl-C, more than the {MAX_REQ} already on their way",
                requests(after)
            ),
            "check flags_common::interrupted() before each new download",
        );
    }
    let Some(summary) = &run.summary else {
        return Verdict::fail(
            "no report after Ctrl-C".into(),
            "return from download_many with the counts so far: the report is printed then",
        );
    };
    Verdict::pass(format!(
        "{} after Ctrl-C; the report counts {} done, {} not attempted; no partial file",
        requests(after),
        summary.tally.ended(),
        summary.tally.not_attempted
    ))
}

/// `1 request`, `3 requests`.
fn requests(n: u64) -> String {
    if n == 1 {
        "1 request".into()
    } else {
        format!("{n} requests")
    }
}

/// What a run left in its `--dest`.
enum Files {
    /// This many files, each the server's flag for the code of its name.
    Whole(usize),
    /// The first file that is not.
    Bad(String),
}

fn files(dest: &Path) -> Files {
    let Ok(entries) = std::fs::read_dir(dest) else {
        return Files::Whole(0);
    };
    let mut whole = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let flag = name
            .strip_suffix(".gif")
            .and_then(|cc| flags_server::flag_gif(&cc.to_lowercase()));
        match (flag, std::fs::read(entry.path())) {
            (Some(flag), Ok(bytes)) if bytes[..] == flag[..] => whole += 1,
            (_, Ok(bytes)) => return Files::Bad(format!("{name} ({} bytes)", bytes.len())),
            (_, Err(_)) => return Files::Bad(name),
        }
    }
    Files::Whole(whole)
}
