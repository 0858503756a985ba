//! `--python DIR`: the book's own clients (`flags2_sequential.py`, `flags2_threadpool.py`,
//! `flags2_asyncio.py`) in the same table. They only know the labels LOCAL, DELAY and ERROR on
//! `localhost:8000..8002`, so the servers take those ports, and they only print text, so their
//! printed report is read back here (this project's own downloaders are read as typed values).

use std::ffi::OsString;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flags_common::{Summary, Tally};
use flags_server::Profile;

use super::downloader::Script;

/// Whether the book's scripts can be run against `profile`'s server.
pub fn knows(profile: Profile) -> bool {
    Profile::BOOK.contains(&profile)
}

/// What the book's scripts need beyond the standard library.
const PIP: &str = "pip install httpx tqdm";

/// A checked interpreter and checkout.
#[derive(Debug)]
pub struct Python {
    interpreter: OsString,
    dir: PathBuf,
    /// LOCAL's port; DELAY and ERROR take the next two.
    pub port_base: u16,
}

impl Python {
    /// Everything `--python DIR` needs, checked before anything starts: the scripts are there,
    /// the interpreter runs them (`--help` imports all they import), the three ports are free.
    /// The error is the one line to print (a usage error: exit 2).
    pub fn check(dir: &Path, port_base: u16) -> Result<Python, String> {
        let interpreter = std::env::var_os("PYTHON")
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "python3".into());
        let shown = interpreter.to_string_lossy().into_owned();
        for script in Script::ALL {
            let path = dir.join(script.file());
            if !path.is_file() {
                return Err(format!(
                    "--python {}: no {} there (give the book's 20-executors/getflags directory)",
                    dir.display(),
                    script.file()
                ));
            }
            let output = Command::new(&interpreter)
                .arg(&path)
                .arg("--help")
                .current_dir(dir)
                .stdin(Stdio::null())
                .output();
            let output = match output {
                Ok(output) => output,
                Err(err) if err.kind() == ErrorKind::NotFound => {
                    return Err(format!(
                        "no Python interpreter `{shown}` (set PYTHON to one): install Python 3, then run `{shown} -m {PIP}`"
                    ));
                }
                Err(err) => return Err(format!("cannot run `{shown}`: {err}")),
            };
            if output.status.success() {
                continue;
            }
            let stderr = String::from_utf8_lossy(&output.stderr);
            if let Some(module) = missing_module(&stderr) {
                return Err(format!(
                    "`{shown}` has no module {module}, which {} needs: run `{shown} -m {PIP}`",
                    script.file()
                ));
            }
            return Err(format!(
                "`{shown} {} --help` failed: {}",
                path.display(),
                stderr.lines().last().unwrap_or("no message")
            ));
        }
        for (profile, port) in Profile::BOOK.into_iter().zip(port_base..) {
            if TcpListener::bind(("127.0.0.1", port)).is_err() {
                return Err(format!(
                    "port {port} is busy, and the book's scripts find their {} server there: stop what listens on it \
                     (a `cargo xtask serve`? `ss -ltnp 'sport = :{port}'` names it) and run again",
                    profile.label()
                ));
            }
        }
        Ok(Python {
            interpreter,
            dir: dir.to_path_buf(),
            port_base,
        })
    }

    /// The port the book's scripts look for `profile`'s server on; None for a profile they
    /// do not know.
    pub fn port(&self, profile: Profile) -> Option<u16> {
        let index = Profile::BOOK.iter().position(|p| *p == profile)?;
        Some(self.port_base + index as u16)
    }

    /// `$PYTHON DIR/SCRIPT -e [-l N] -m M -s LABEL`, run in `cwd` (where it makes `downloaded/`).
    pub fn command(
        &self,
        script: Script,
        profile: Profile,
        concurrency: usize,
        limit: Option<usize>,
        cwd: &Path,
    ) -> Command {
        let mut command = Command::new(&self.interpreter);
        command
            .arg(self.dir.join(script.file()))
            .args(["-e", "-m", &concurrency.to_string(), "-s", profile.label()])
            .current_dir(cwd)
            // Each line as it is printed, so a run cut short still shows how far it got.
            .env("PYTHONUNBUFFERED", "1");
        if let Some(n) = limit {
            command.args(["-l", &n.to_string()]);
        }
        command
    }
}

/// `ModuleNotFoundError: No module named 'httpx'` → `httpx`.
fn missing_module(stderr: &str) -> Option<&str> {
    let rest = stderr.split("No module named '").nth(1)?;
    rest.split('\'').next()
}

/// The book's printed report, read back: `Searching for 676 flags: ...` then, at the end,
/// `194 flags downloaded.`, `482 not found.`, `3 errors.`, `Elapsed time: 0.52s`.
/// `asked` is 0 when the first line is missing; `summary` is None when the report never came
/// (a Ctrl-C ends the book's scripts with a traceback).
#[derive(Debug, Default)]
pub struct Printed {
    pub asked: usize,
    pub summary: Option<Summary>,
}

pub fn read_report(stdout: &str) -> Printed {
    let mut printed = Printed::default();
    let mut s = Summary::default();
    let mut concurrency = 0;
    let mut elapsed = None;
    for line in stdout.lines().map(str::trim) {
        let first = |l: &str| {
            l.split_whitespace()
                .next()
                .and_then(|w| w.parse::<usize>().ok())
                .unwrap_or(0)
        };
        if let Some(rest) = line.strip_prefix("Searching for ") {
            printed.asked = first(rest);
        } else if line.ends_with("will be used.") {
            concurrency = first(line);
        } else if line.ends_with("downloaded.") {
            s.tally.ok = first(line);
        } else if line.ends_with("not found.") {
            s.tally.not_found = first(line);
        } else if line.ends_with("errors.") || line.ends_with("error.") {
            s.tally.errors = first(line);
        } else if let Some(rest) = line.strip_prefix("Elapsed time:") {
            elapsed = rest.trim().trim_end_matches('s').parse::<f64>().ok();
        }
    }
    if let Some(elapsed_s) = elapsed {
        let done = s.tally.ended();
        printed.summary = Some(Summary {
            tally: Tally {
                asked: printed.asked,
                not_attempted: printed.asked.saturating_sub(done),
                ..s.tally
            },
            concur_req: concurrency,
            elapsed_s,
            items_per_s: if elapsed_s > 0.0 {
                done as f64 / elapsed_s
            } else {
                0.0
            },
            ..s
        });
    }
    printed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_book_report() {
        let out = "LOCAL site: http://localhost:8000/flags\nSearching for 676 flags: from AA to ZZ\n\
                   1000 concurrent connections will be used.\n--------------------\n194 flags downloaded.\n\
                   482 not found.\n  3 errors.\nElapsed time: 0.52s\n";
        let p = read_report(out);
        let s = p.summary.unwrap();
        assert_eq!(
            (p.asked, s.tally.ok, s.tally.not_found, s.tally.errors),
            (676, 194, 482, 3)
        );
        assert_eq!((s.elapsed_s, s.concur_req), (0.52, 1000));
        let one = read_report(
            "Searching for 1 flag: BR\n1 connection will be used.\n--------------------\n  1 flag downloaded.\nElapsed time: 1.00s\n",
        );
        assert_eq!(
            one.summary
                .map(|s| (s.tally.asked, s.tally.ok, s.tally.errors)),
            Some((1, 1, 0))
        );
        let cut =
            read_report("Searching for 20 flags: from AA to AT\n1 connection will be used.\n");
        assert_eq!(cut.asked, 20);
        assert!(cut.summary.is_none());
    }

    #[test]
    fn names_the_missing_module() {
        let trace = "Traceback (most recent call last):\n  ...\nModuleNotFoundError: No module named 'httpx'\n";
        assert_eq!(missing_module(trace), Some("httpx"));
        assert_eq!(missing_module("SyntaxError"), None);
    }
}
