//! What the flags downloaders share, as the book's `flags2_common.py`: the command line, the codes,
//! the server to hit, the reports, saving files. Each downloader's `main.rs` holds only what differs
//! between the concurrency models: `get_flag`, `download_one`, `download_many`.
//!
//! ```no_run
//! # use flags_common::{Counter, Job};
//! fn download_many(job: &Job) -> Counter {
//!     // fetch every code in job.cc_list, at most job.concur_req at a time...
//! #   Counter::default()
//! }
//! fn main() -> std::process::ExitCode {
//!     flags_common::main(download_many, flags_common::ConcurReq::SEQUENTIAL)
//! }
//! ```

//!
//! The modules, from what a run starts with to what it leaves behind (each imports only modules
//! above it in this list, or none; no two import each other):
//! - `platform.rs`: what differs between operating systems, behind `cfg`: the signals that stop a
//!   run, the descriptors open at start-up, opening a file without blocking on it;
//! - `text.rs`: what a printed line or a saved name may show (no format or bidi control characters);
//! - `interrupt.rs`: Ctrl-C, SIGTERM, SIGHUP and a closed stdout, and the pauses they cut short
//!   (process-wide state: the signals' thread needs it);
//! - `output.rs`: every line printed, on stdout or stderr, never a panic; a stdout that cannot be
//!   written is said once;
//! - `bounds.rs`: the limits of `--timeout`, `-m`, `-l`, `--retries`, `--max-size`, defined once
//!   (also for xtask; built without the HTTP clients);
//! - `codes.rs`: the country codes, and `CC` arguments expanded;
//! - `open_files.rs`: how many requests at once fit under the open-files limit, or none;
//! - `servers.rs`: `-s`, the servers by label, and the built-in one started when none answers;
//! - `save.rs`: `save_flag`, `Dest`, temporary files and their locks, the start-up cleanup;
//! - `report.rs`: `Status`, `Counter`, `Summary` and the reports printed before and after;
//! - `trace.rs`: the `--trace` file and its `TraceEvent` lines;
//! - `args.rs`: `process_args`, the command line checked into a run's settings;
//! - `error.rs`: `FetchError`, what the clients' errors become;
//! - `http.rs`: what counts as a flag: a 200 of at most `--max-size` bytes (`ReadBody`);
//! - `resolve.rs` (feature `ureq`): ureq's agent, looking each host up once per run (through
//!   ureq's `unversioned` API: the workspace pins ureq's version for it);
//! - `tls.rs` (feature `reqwest`): reqwest's TLS, the system's certificates read on first use;
//! - `clients.rs`: `http_client`, `event_loop` and `blocking_agent`, the clients and the runtime
//!   the downloaders build, with the timeout, the redirect rule, TLS and lookups (and the same
//!   clients without a run, for `examples/library_floor.rs`);
//! - `board/` and `progress.rs`: what the terminal shows while a run goes on;
//! - `thread_tag.rs`: a number for each thread, for the `--trace` file;
//! - `job.rs`: `Job`, what `download_many` receives, and the bookkeeping after each code;
//! - `testkit/` (feature `testkit`): the behaviour checks every downloader runs.

mod args;
pub mod board;
pub mod bounds;
#[cfg(any(feature = "ureq", feature = "reqwest"))]
mod clients;
mod codes;
mod error;
pub mod http;
mod interrupt;
mod job;
mod open_files;
mod output;
mod platform;
mod progress;
mod report;
#[cfg(feature = "ureq")]
mod resolve;
mod save;
mod servers;
#[cfg(feature = "testkit")]
pub mod testkit;
mod text;
mod thread_tag;
#[cfg(feature = "reqwest")]
mod tls;
mod trace;

use std::process::ExitCode;

pub use bounds::ConcurReq;
#[cfg(feature = "ureq")]
pub use clients::{blocking_agent, blocking_agent_for};
#[cfg(feature = "reqwest")]
pub use clients::{event_loop, http_client, http_client_for};
pub use codes::{POP20_CC, all_codes, every_code, expand_cc_args};
pub use error::FetchError;
pub use http::{Fetch, MAX_REDIRECTS, ReadBody, ReadBodyAsync};
pub use interrupt::interrupted;
pub use job::{Job, Run};
pub use report::{Counter, Status, Summary, Tally, final_report, initial_report};
pub use save::{Dest, Saved, clean_partials, file_stem, prepare_dest, save_flag};
pub use servers::{
    DEFAULT_SERVER, REMOTE_URL, Server, ServerArg, choose_server, parse_server, servers_help,
};
pub use trace::TraceEvent;

use args::Settings;
use output::{say, warn};

/// Run a downloader: the book's `flags2_common.main(download_many, default_concur_req,
/// max_concur_req)`, with both sizes in `concur_req`. Check the command line, choose the server,
/// report before, call `download_many`, report after.
///
/// Exit status: 0 when every code was downloaded or not found; 1 when any ended in error, the
/// `--trace` file or stdout could not be written, the server could not be reached or started, or
/// the open-files limit is too low for one request; 2 on usage errors; 130 after Ctrl-C, 143
/// after SIGTERM, 129 after SIGHUP; 141 when stdout was closed (`| head`).
pub fn main(download_many: fn(&Job) -> Counter, concur_req: ConcurReq) -> ExitCode {
    let ConcurReq {
        default: default_concur_req,
        max: max_concur_req,
    } = concur_req;
    let args = match args::process_args(default_concur_req, max_concur_req) {
        Ok(args) => args,
        Err(status) => return status,
    };
    let asked_req = args
        .max_req
        .min(max_concur_req)
        .min(args.cc_list.len())
        .max(1);
    let server = match start_up(&args, asked_req) {
        Ok(server) => server,
        Err(status) => {
            // The run never starts: an existing --trace file is left as it was.
            if let Some(trace) = args.trace {
                trace.abandon();
            }
            return status;
        }
    };
    // Fewer when the open-files limit is short (`server.note` says so).
    let actual_req = server.max_req;
    say(&initial_report(
        &args.cc_list,
        actual_req,
        &server.label,
        &server.base_url,
    ));
    let job = Job::new(args, server.base_url, actual_req);
    let counter = download_many(&job);
    say(&final_report(&job.finish(&counter)));
    ExitCode::from(job.exit_status(&counter))
}

/// Everything between the command line and the first request: Ctrl-C and the other signals
/// that stop a run, the server (started here when it is the built-in one), and the requests at
/// once that fit under the open-files limit. A server that cannot be reached or started, or a
/// limit too low for one request, is said in one `error:` line: exit status 1.
fn start_up(args: &Settings, max_req: usize) -> Result<Server, ExitCode> {
    // First, before any thread starts: the signals' mask is inherited by every thread (Unix).
    if let Err(err) = interrupt::handle_stop_signals(progress::interrupt, quit_now) {
        warn(&format!(
            "warning: cannot catch Ctrl-C ({err}): it will stop the run at once, without a report"
        ));
    }
    #[cfg(feature = "reqwest")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = choose_server(args.server.clone(), max_req).map_err(|err| {
        warn(&format!("error: {err}"));
        ExitCode::from(1)
    })?;
    if let Some(notice) = &server.notice {
        say(notice);
    }
    if let Some(note) = &server.note {
        warn(note);
    }
    Ok(server)
}

/// A second Ctrl-C (or SIGTERM, SIGHUP): the terminal as it was, and the events of the run so far
/// in its `--trace` file, before the process quits.
fn quit_now() {
    progress::restore_terminal();
    trace::flush_pending();
}

/// The country's name in a `metadata.json` body: `{"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil"}`.
pub fn parse_country(json: &[u8]) -> Result<String, FetchError> {
    #[derive(serde::Deserialize)]
    struct Metadata {
        country: String,
    }
    let metadata: Metadata = serde_json::from_slice(json)?;
    Ok(metadata.country)
}

/// Stop here: the part `part` of a student's downloader is not written yet. Says so in one
/// `error:` line on stderr and exits with status 1, for `cargo xtask check` to read (a
/// `todo!()` would panic, with a backtrace hint, and exit 101).
pub fn unwritten(part: &str) -> ! {
    warn(&format!("error: not written yet: {part}"));
    std::process::exit(1)
}
