//! What a measuring task sets up before its first run: the settings, the `--python` checks,
//! Ctrl-C, the open-file limit, the binaries and the output directory.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::build::{self, Bins};
use super::downloads::Downloads;
use super::options::{Common, QuickDefaults, Settings};
use super::process;
use super::python::Python;
use super::runs::Bench;
use crate::util::warn;

pub struct Session {
    pub settings: Settings,
    pub python: Option<Python>,
    pub bins: Bins,
    pub out: PathBuf,
    /// Where the runs save their flags: removed when the session is dropped.
    pub downloads: Downloads,
    /// Held while the session writes in `out`.
    _out_lock: File,
}

/// Whether `out` can take the reports, found before anything runs: a directory (or nothing yet),
/// whose `traces` is a directory and whose reports are plain files or not there yet (a link
/// would be written through, to a file that is not ours).
fn check_out(out: &Path, reports: &[&str]) -> Result<(), String> {
    let kind = |path: &Path| std::fs::symlink_metadata(path).ok().map(|m| m.file_type());
    match kind(out) {
        Some(t) if !t.is_dir() => return Err("not a directory".into()),
        _ => {}
    }
    if let Some(t) = kind(&out.join("traces"))
        && !t.is_dir()
    {
        return Err(format!(
            "{} is not a directory",
            out.join("traces").display()
        ));
    }
    for name in reports {
        let path = out.join(name);
        if let Some(t) = kind(&path)
            && !t.is_file()
        {
            return Err(format!(
                "{} is not a plain file, and the report goes there",
                path.display()
            ));
        }
    }
    Ok(())
}

/// The lock of the reports' directory `out`, or None when another session holds it.
fn lock_out(out: &Path) -> anyhow::Result<Option<File>> {
    let path = out.join(".xtask.lock");
    // Appended to, never emptied: whatever stands there keeps its bytes.
    let file = File::options()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    Ok(file.try_lock().is_ok().then_some(file))
}

impl Session {
    /// Ready to measure, or the exit code to end with: 2 when `--python` cannot run or `--out`
    /// cannot take the `reports` the task will write there, 130 for a Ctrl-C during the build.
    pub fn prepare(
        common: &Common,
        quick: &QuickDefaults,
        reports: &[&str],
    ) -> anyhow::Result<Result<Session, ExitCode>> {
        let settings = common.settings(quick);
        // What --out cannot take is said before anything is built or run.
        let out = common
            .out
            .clone()
            .unwrap_or_else(|| build::target_dir(&crate::util::workspace_root()).join("compare"));
        if let Err(msg) = check_out(&out, reports) {
            warn(&format!("error: --out {}: {msg}", out.display()));
            return Ok(Err(ExitCode::from(2)));
        }
        let traces = out.join("traces");
        std::fs::create_dir_all(&traces)
            .with_context(|| format!("cannot create {}", traces.display()))?;
        // One session at a time writes its reports and traces in `out`.
        let out_lock = match lock_out(&out)? {
            Some(lock) => lock,
            None => {
                warn(&format!(
                    "error: {} is the --out of another compare or sweep still running: choose another --out",
                    out.display()
                ));
                return Ok(Err(ExitCode::from(2)));
            }
        };
        let python = match &common.python {
            None => None,
            Some(dir) => match Python::check(dir, common.python_port_base) {
                Ok(python) => Some(python),
                Err(msg) => {
                    warn(&format!("error: {msg}"));
                    return Ok(Err(ExitCode::from(2)));
                }
            },
        };
        process::on_ctrl_c(Some("\nInterrupted: stopping the current run."));
        // Up to 1000 connections at each end: raise this process's open-file limit, which the
        // servers and downloaders inherit.
        let _ = rlimit::increase_nofile_limit(u64::MAX);
        let bins = build::binaries(common.shared.bin_dir.as_deref(), common.shared.profile)?;
        if process::aborted() {
            return Ok(Err(interrupted()));
        }
        let downloads = Downloads::new(common.downloads.as_deref(), &out)?;
        Ok(Ok(Session {
            settings,
            python,
            bins,
            out,
            downloads,
            _out_lock: out_lock,
        }))
    }

    pub fn bench(&self) -> Bench<'_> {
        Bench {
            bins: &self.bins,
            settings: &self.settings,
            out: &self.out,
            python: self.python.as_ref(),
            downloads: &self.downloads,
            library_floor: None,
            parts: false,
        }
    }
}

/// Ctrl-C during the runs: nothing written, exit 130.
pub fn interrupted() -> ExitCode {
    warn("Interrupted: no report written.");
    ExitCode::from(130)
}
