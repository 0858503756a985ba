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
//!     flags_common::main(download_many, 1, 1)
//! }
//! ```

pub mod board;
mod codes;
mod error;
mod job;
mod progress;
mod report;
mod save;
mod servers;
#[cfg(feature = "testkit")]
pub mod testkit;
#[cfg(feature = "testkit")]
pub mod testkit_board;
mod trace;

use std::fs::File;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, error::ErrorKind};

pub use codes::{POP20_CC, all_codes, every_code, expand_cc_args};
pub use error::FetchError;
pub use job::{Job, interrupted};
pub use report::{Counter, Status, final_report, initial_report};
pub use save::{clean_partials, file_stem, prepare_dest, save_flag};
pub use servers::{DEFAULT_SERVER, SERVERS, Server, ServerArg, choose_server, parse_server};
pub use trace::{Summary, TraceEvent};

/// The book's flags2 command line.
#[derive(Parser, Debug)]
#[command(about = "Download flags for country codes. Default: top 20 countries by population.")]
struct Args {
    /// Country code or 1st letter (eg. B for BA...BZ)
    #[arg(value_name = "CC")]
    cc: Vec<String>,
    /// Get all available flags (AD to ZW)
    #[arg(short, long, conflicts_with = "cc")]
    all: bool,
    /// Get flags for every possible code (AA...ZZ)
    #[arg(short, long, conflicts_with_all = ["cc", "all"])]
    every: bool,
    /// Limit to N first codes
    #[arg(short, long, value_name = "N")]
    limit: Option<usize>,
    /// Maximum concurrent requests
    #[arg(short, long = "max-req", alias = "max_req", value_name = "CONCURRENT")]
    max_req: Option<usize>,
    /// Server to hit: LOCAL, DELAY, ERROR, REMOTE, or a base URL like http://localhost:8000/flags
    #[arg(short, long, value_name = "LABEL|URL", default_value = DEFAULT_SERVER)]
    server: String,
    /// Output detailed progress info
    #[arg(short, long)]
    verbose: bool,
    /// Directory to save the flags in
    #[arg(long, value_name = "DIR", default_value = "downloaded")]
    dest: PathBuf,
    /// Seconds one request may take, body included
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    timeout: f64,
    /// Also get each country's metadata.json and name the file after the country (the book's flags3)
    #[arg(long)]
    metadata: bool,
    /// Try a download that ended in error up to N more times, pausing 0.1 s, 0.2 s, 0.4 s...
    #[arg(long, value_name = "N", default_value_t = 0)]
    retries: u32,
    /// Write one JSON line per event to FILE: each start, each end, and the summary
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Show every code as a cell of a 26 x 26 board, coloured as it is queued, in flight and done
    #[arg(long)]
    board: bool,
}

/// Run a downloader: parse the command line, choose the server, report before, call
/// `download_many`, report after. The book's `flags2_common.main(download_many,
/// default_concur_req, max_concur_req)`.
///
/// Exit status: 0 when every code was downloaded or not found, 1 when any ended in error (or
/// the server could not be reached or started), 2 on usage errors, 130 after Ctrl-C.
pub fn main(
    download_many: fn(&Job) -> Counter,
    default_concur_req: usize,
    max_concur_req: usize,
) -> ExitCode {
    // Usage lines name the program that runs, not this library.
    let name = std::env::args_os()
        .next()
        .and_then(|arg0| {
            Some(
                PathBuf::from(arg0)
                    .file_name()?
                    .to_string_lossy()
                    .into_owned(),
            )
        })
        .unwrap_or_else(|| "flags".into());
    let mut command = Args::command().name(name).mut_arg("max_req", |arg| {
        arg.default_value(default_concur_req.to_string())
            .help(format!(
                "Maximum concurrent requests (at most {max_concur_req})"
            ))
    });
    let matches = command.clone().get_matches();
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let mut usage_error =
        |msg: String| -> ! { command.error(ErrorKind::ValueValidation, msg).exit() };

    let max_req = args.max_req.unwrap_or(default_concur_req);
    if max_req < 1 {
        usage_error("--max-req CONCURRENT must be >= 1".into());
    }
    if args.limit == Some(0) {
        usage_error("--limit N must be >= 1".into());
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        usage_error(format!(
            "--timeout must be a positive number of seconds, not {}",
            args.timeout
        ));
    }
    let cc_list = expand_cc_args(
        args.every,
        args.all,
        &args.cc,
        args.limit.unwrap_or(usize::MAX),
    )
    .unwrap_or_else(|bad| {
        usage_error(format!(
            "invalid country code {bad:?}: each CC must be A to Z or AA to ZZ"
        ))
    });
    let server_arg = parse_server(&args.server).unwrap_or_else(|msg| usage_error(msg));
    if let Err(err) = prepare_dest(&args.dest) {
        eprintln!(
            "error: cannot write to --dest {}: {err}",
            args.dest.display()
        );
        return ExitCode::from(2);
    }
    let trace = match args.trace.as_ref().map(File::create).transpose() {
        Ok(trace) => trace,
        Err(err) => {
            eprintln!("error: cannot write --trace file: {err}");
            return ExitCode::from(2);
        }
    };

    // Up to 1000 connections, and as many for the built-in server when it runs in this process:
    // more files than some systems allow by default.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    #[cfg(feature = "reqwest")]
    let _ = rustls::crypto::ring::default_provider().install_default();

    let server = match choose_server(server_arg) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    if let Some(notice) = &server.notice {
        println!("{notice}");
    }
    let actual_req = max_req.min(max_concur_req).min(cc_list.len()).max(1);
    println!(
        "{}",
        initial_report(&cc_list, actual_req, &server.label, &server.base_url)
    );

    job::handle_ctrl_c();
    let job = Job::new(
        cc_list,
        server.base_url.clone(),
        args.verbose,
        actual_req,
        Duration::from_secs_f64(args.timeout),
        args.dest,
        args.metadata,
        args.retries,
        trace,
        args.board,
    );
    let counter = download_many(&job);
    job.finish();
    let summary = job.summary(&counter);
    job.trace(TraceEvent::Summary(summary.clone()));
    println!("{}", final_report(&summary));
    ExitCode::from(job.exit_status(&counter))
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
