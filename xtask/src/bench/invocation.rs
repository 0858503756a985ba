//! The command line of one of our downloaders, built in one place for every task that starts
//! one (compare, sweep, race).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Which codes: every possible one (`-e`, AA..ZZ) or the 194 that exist (`-a`), maybe only the
/// first N (`-l N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Codes {
    pub all: bool,
    pub limit: Option<usize>,
}

impl Codes {
    /// The arguments that choose them: `-e`, `-a`, `-l N`.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![if self.all { "-a" } else { "-e" }.to_string()];
        if let Some(limit) = self.limit {
            args.extend(["-l".to_string(), limit.to_string()]);
        }
        args
    }

    /// The codes themselves, by the same rule the downloaders use.
    pub fn list(&self) -> Vec<String> {
        flags_common::expand_cc_args(!self.all, self.all, &[], self.limit.unwrap_or(usize::MAX))
            .unwrap_or_default()
    }
}

/// One run of one of our downloaders.
pub struct Invocation<'a> {
    pub codes: Codes,
    /// `-m`.
    pub max_req: usize,
    /// `-s`: the server's base URL.
    pub base_url: &'a str,
    /// `--timeout`; the downloader's default when None.
    pub timeout: Option<Duration>,
    /// `--dest`.
    pub dest: &'a Path,
    /// `--trace`: where its events go, read back as typed values.
    pub trace: &'a Path,
}

impl Invocation<'_> {
    pub fn command(&self, bin: &Path) -> Command {
        let mut command = Command::new(bin);
        command.args(self.codes.args()).args([
            "-m",
            &self.max_req.to_string(),
            "-s",
            self.base_url,
        ]);
        if let Some(timeout) = self.timeout {
            command
                .arg("--timeout")
                .arg(timeout.as_secs_f64().to_string());
        }
        command
            .arg("--dest")
            .arg(self.dest)
            .arg("--trace")
            .arg(self.trace);
        command
    }
}
