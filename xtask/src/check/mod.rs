//! `cargo xtask check [PACKAGE]`: is a downloader concurrent, bounded, kind to its event loop,
//! and stopped cleanly by Ctrl-C? Judged from outside, never from its code: what its own flag
//! server saw (`/_stats`: requests in flight, how soon a freed slot was used again), what its
//! `--trace` file says, what it left in `--dest`.
//!
//! It builds the package, starts its flag servers and runs the program three times
//! (`runs.rs`), then prints one line per step (`steps.rs`): what was seen, against what was
//! expected, and a hint when it fails. Exit status 0 only when every step passes.

mod runs;
mod steps;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::bench::build;
use crate::bench::options::BuildProfile;
use crate::bench::owned::Owned;
use crate::bench::process;
use crate::util::say;
use runs::{DELAY, MAX_REQ, Seen};
use steps::Step;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The package to check: a downloader built on flags-common, whose binary has its name
    #[arg(default_value = "flags-yours")]
    package: String,
    /// Cargo profile to build and check
    #[arg(long, value_enum, default_value = "release")]
    profile: BuildProfile,
    /// Take the program (named PACKAGE there) and flags-server from DIR instead of building
    #[arg(long, value_name = "DIR")]
    bin_dir: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    process::on_ctrl_c(None);
    // Up to MAX_REQ connections at each end.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let names = [args.package.as_str(), "flags-server"];
    let built = build::package_binaries(args.bin_dir.as_deref(), args.profile, &names)?;
    let (program, server) = (&built[0], &built[1]);
    // The runs' flags and traces: a directory of this check's own, removed at the end.
    let work = Owned::new_in(&std::env::temp_dir(), "check")?;
    say(&format!(
        "check {}: 3 runs at -m {MAX_REQ}, on LOCAL and on DELAY ({} ms per GET), watched by \
         their flag server",
        args.package,
        DELAY.as_millis()
    ));
    let seen = Seen::gather(program, server, work.path())?;
    if process::aborted() {
        return Ok(ExitCode::from(130));
    }
    let width = Step::ALL.iter().map(|s| s.name().len()).max().unwrap_or(0);
    let mut passed = 0;
    for step in Step::ALL {
        let verdict = step.judge(&seen);
        let mark = if verdict.pass { "ok  " } else { "FAIL" };
        say(&format!("{mark} {:width$}  {}", step.name(), verdict.line));
        passed += usize::from(verdict.pass);
    }
    say(&format!("{passed} of {} steps pass.", Step::ALL.len()));
    Ok(if passed == Step::ALL.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
