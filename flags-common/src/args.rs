//! The book's `process_args`: the command line, checked, turned into the settings of a run.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, error::ErrorKind};

use crate::bounds::{DEFAULT_TIMEOUT, LIMIT, MAX_REQ, MAX_SIZE, RETRIES, TIMEOUT};
use crate::codes::expand_cc_args;
use crate::output::warn;
use crate::save::prepare_dest;
use crate::servers::{DEFAULT_SERVER, ServerArg, parse_server};
use crate::trace::TraceFile;

/// The book's flags2 command line.
#[derive(Parser, Debug)]
#[command(
    about = "Download flags for country codes. Default: top 20 countries by population.",
    after_help = crate::servers::servers_help()
)]
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
    #[arg(short, long, value_name = "N", value_parser = |s: &str| LIMIT.parse(s))]
    limit: Option<usize>,
    /// Maximum concurrent requests
    #[arg(short, long = "max-req", alias = "max_req", value_name = "CONCURRENT",
          value_parser = |s: &str| MAX_REQ.parse(s))]
    max_req: Option<usize>,
    /// Server to hit: LOCAL, DELAY, ERROR, CHAOS, REMOTE (see below), or a URL like http://localhost:8000/flags
    #[arg(short, long, value_name = "LABEL|URL", default_value = DEFAULT_SERVER)]
    server: String,
    /// Output detailed progress info
    #[arg(short, long)]
    verbose: bool,
    /// Directory to save the flags in
    #[arg(long, value_name = "DIR", default_value = "downloaded")]
    dest: PathBuf,
    /// Seconds one request may take, body included (0.001 to 86400)
    #[arg(long, value_name = "SECONDS", default_value = DEFAULT_TIMEOUT.as_secs().to_string(),
          value_parser = |s: &str| TIMEOUT.parse(s))]
    timeout: Duration,
    /// Largest body accepted, flag or metadata.json; a longer one is an error
    #[arg(long, value_name = "BYTES", default_value_t = crate::http::DEFAULT_MAX_SIZE,
          value_parser = |s: &str| MAX_SIZE.parse(s))]
    max_size: u64,
    /// Also get each country's metadata.json and name the file after the country (the book's flags3)
    #[arg(long)]
    metadata: bool,
    /// Try a download that ended in error up to N more times, pausing 0.1 s, 0.2 s, 0.4 s...
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = |s: &str| RETRIES.parse(s))]
    retries: u32,
    /// Write one JSON line per event to FILE: each start, each end, and the summary
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Show every code as a cell of a 26 x 26 board, coloured as it is queued, in flight and done
    #[arg(long)]
    board: bool,
}

/// A run's settings, checked: what `main` needs besides the server.
pub(crate) struct Settings {
    pub cc_list: Vec<String>,
    pub server: ServerArg,
    pub max_req: usize,
    pub verbose: bool,
    pub dest: PathBuf,
    pub timeout: Duration,
    pub max_size: u64,
    pub metadata: bool,
    pub retries: u32,
    pub trace: Option<TraceFile>,
    pub board: bool,
}

/// Parse and check the command line. On a usage error, say it (one `error:` line and the usage)
/// and return the exit status: 2, or 0 for `--help` and `--version`.
pub(crate) fn process_args(
    default_concur_req: usize,
    max_concur_req: usize,
) -> Result<Settings, ExitCode> {
    let mut command = Args::command()
        .name(program_name())
        .mut_arg("max_req", |arg| {
            arg.default_value(default_concur_req.to_string())
                .help(format!(
                    "Maximum concurrent requests (at most {max_concur_req})"
                ))
        });
    let usage = command.render_usage().to_string();
    let fail = |err: clap::Error| {
        if matches!(
            err.kind(),
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
        ) {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        // One `error:` line and the usage, for every kind of mistake (clap leaves the usage out
        // of some, like a number too large).
        let text = err.render().to_string();
        let text = if text.contains("Usage:") {
            text
        } else {
            text.replacen("\n\n", &format!("\n\n{usage}\n\n"), 1)
        };
        warn(text.trim_end());
        ExitCode::from(2)
    };
    let args = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|matches| Args::from_arg_matches(&matches))
        .map_err(fail)?;
    let mut usage_error = |msg: String| fail(command.error(ErrorKind::ValueValidation, msg));

    let max_req = args.max_req.unwrap_or(default_concur_req);
    let limit = args.limit.unwrap_or(usize::MAX);
    let cc_list = match expand_cc_args(args.every, args.all, &args.cc, limit) {
        Ok(cc_list) => cc_list,
        Err(bad) => {
            return Err(usage_error(format!(
                "invalid country code {bad:?}: each CC must be A to Z or AA to ZZ"
            )));
        }
    };
    let server = parse_server(&args.server).map_err(&mut usage_error)?;
    // Checked before --dest is made, and opened without emptying it: the run empties it when
    // it starts, once the server answers.
    let trace = match args
        .trace
        .as_deref()
        .map(|path| (path, TraceFile::open(path)))
    {
        None => None,
        Some((_, Ok(trace))) => Some(trace),
        Some((path, Err(err))) => {
            let path = path.display();
            warn(&format!("error: cannot write --trace file {path}: {err}"));
            return Err(ExitCode::from(2));
        }
    };
    if let Err(err) = prepare_dest(&args.dest) {
        warn(&format!(
            "error: cannot write to --dest {}: {err}",
            args.dest.display()
        ));
        if let Some(trace) = trace {
            trace.abandon();
        }
        return Err(ExitCode::from(2));
    }
    Ok(Settings {
        cc_list,
        server,
        max_req,
        verbose: args.verbose,
        dest: args.dest,
        timeout: args.timeout,
        max_size: args.max_size,
        metadata: args.metadata,
        retries: args.retries,
        trace,
        board: args.board,
    })
}

/// Usage lines name the program that runs, not this library.
fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|arg0| {
            Some(
                PathBuf::from(arg0)
                    .file_name()?
                    .to_string_lossy()
                    .into_owned(),
            )
        })
        .unwrap_or_else(|| "flags".into())
}
