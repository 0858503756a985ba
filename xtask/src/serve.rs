//! `cargo xtask serve`: the book's LOCAL, DELAY and ERROR servers in one process.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::Context;
use flags_server::{Config, Profile};

use crate::util::{say, warn};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Serve this directory (the book's flags.zip unpacked: DIR/br/br.gif ...) instead of the built-in flags
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Seed for the delays and errors, for runs that can be repeated
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Print one line per request: time, server, method, path, status, delay or fault
    #[arg(short, long)]
    verbose: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(root) = &args.root
        && !root.is_dir()
    {
        warn(&format!(
            "error: --root {}: not a directory",
            root.display()
        ));
        return Ok(ExitCode::from(2));
    }
    // Set before the servers start, so a Ctrl-C at any moment still stops them through Drop.
    let (tx, rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .context("cannot handle Ctrl-C")?;

    let mut servers = Vec::new();
    for profile in Profile::BOOK {
        let mut config = Config::new(profile);
        config.port = profile.default_port();
        config.root = args.root.clone();
        config.seed = args.seed;
        config.log_requests = args.verbose;
        let server = flags_server::start(config).with_context(|| {
            format!(
                "cannot start {} on port {}",
                profile.label(),
                profile.default_port()
            )
        })?;
        let (min, max) = profile.default_delay();
        say(&format!(
            "{:5} {}  (delay {:.1}..{:.1} s, error rate {})",
            profile.label(),
            server.base_url(),
            min.as_secs_f64(),
            max.as_secs_f64(),
            profile.default_error_rate()
        ));
        servers.push(server);
    }
    say("Statistics at /_stats on each port. Ctrl-C to stop.");
    let _ = rx.recv();
    // Dropping a handle stops its server and joins its thread.
    drop(servers);
    flags_server::stderr_line_after_ctrl_c("stopped");
    Ok(ExitCode::SUCCESS)
}
