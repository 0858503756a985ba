//! The tools the checks use: servers, runs of the downloader, what a run left behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use flags_server::{Config, Profile, ServerHandle};
use tempfile::TempDir;

use crate::platform::signal;
use crate::report::Summary;
use crate::trace::TraceEvent;

/// Long enough for any honest run on a slow, shared machine.
pub const HANG: Duration = Duration::from_secs(180);

/// A built-in server with the given profile, a fixed delay, on a free port.
pub fn server(profile: Profile, delay: f64, error_rate: f64, seed: u64) -> ServerHandle {
    let mut config = Config::new(profile);
    let delay = Duration::from_secs_f64(delay);
    config.delay = Some((delay, delay));
    config.error_rate = Some(error_rate);
    config.seed = Some(seed);
    flags_server::start(config).expect("start the built-in server")
}

/// A finished downloader run, the `--dest` it saved into and its `--trace`.
pub struct Run {
    pub out: Output,
    pub dest: TempDir,
    trace: Trace,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    pub fn stdout(&self) -> String {
        stdout(&self.out)
    }

    pub fn stderr(&self) -> String {
        stderr(&self.out)
    }

    /// Both outputs, for failure messages.
    pub fn text(&self) -> String {
        format!("{}{}", stdout(&self.out), stderr(&self.out))
    }

    /// The final report, as the run wrote it in its `--trace` file.
    pub fn summary(&self) -> Summary {
        self.trace
            .summary()
            .unwrap_or_else(|| panic!("no summary in the trace:\n{}", self.text()))
    }

    /// Downloaded, not found, errors, not attempted.
    pub fn counts(&self) -> [usize; 4] {
        let s = self.summary().tally;
        [s.ok, s.not_found, s.errors, s.not_attempted]
    }

    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        files(self.dest.path())
    }

    /// Check that nothing was lost: every one of the `asked` codes is counted once, one whole
    /// flag is saved per OK and nothing else is in `--dest`. Returns the counts.
    pub fn accounted(&self, asked: usize) -> [usize; 4] {
        let counts = self.counts();
        assert_eq!(counts.iter().sum::<usize>(), asked, "{}", self.text());
        assert_eq!(
            self.files().len(),
            counts[0],
            "one file per OK:\n{}",
            self.text()
        );
        assert_flags_whole(self.dest.path());
        counts
    }
}

/// A `--trace` file in a temporary directory of its own.
struct Trace {
    path: PathBuf,
    dir: TempDir,
}

impl Trace {
    fn new() -> Trace {
        let dir = tempdir();
        Trace {
            path: dir.path().join("trace.jsonl"),
            dir,
        }
    }

    fn arg(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temporary path")
    }

    fn events(&self) -> Vec<TraceEvent> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        text.lines().filter_map(TraceEvent::parse_line).collect()
    }

    fn summary(&self) -> Option<Summary> {
        self.events()
            .into_iter()
            .rev()
            .find_map(|event| match event {
                TraceEvent::Summary(summary) => Some(summary),
                _ => None,
            })
    }
}

/// Run `bin` with `args` against the server at `base_url`, saving into a new temporary directory.
pub fn download(bin: &str, base_url: &str, args: &[&str]) -> Run {
    download_into(bin, base_url, args, tempdir())
}

/// Run `bin` with `args` against the server at `base_url`, saving into `dest`.
pub fn download_into(bin: &str, base_url: &str, args: &[&str], dest: TempDir) -> Run {
    Running::start_into(bin, base_url, args, dest).finish()
}

/// A downloader still running, with a `--trace` file to follow its progress.
pub struct Running {
    child: Child,
    dest: TempDir,
    trace: Trace,
}

impl Running {
    pub fn start(bin: &str, base_url: &str, args: &[&str]) -> Running {
        Running::start_into(bin, base_url, args, tempdir())
    }

    pub fn start_into(bin: &str, base_url: &str, args: &[&str], dest: TempDir) -> Running {
        Running::start_via(&[], bin, base_url, args, dest)
    }

    /// Start `bin` through `via` (see [`download_via`]).
    fn start_via(via: &[&str], bin: &str, base_url: &str, args: &[&str], dest: TempDir) -> Running {
        let trace = Trace::new();
        if !via.is_empty() {
            open_to_all(&dest);
            open_to_all(&trace.dir);
        }
        let d = path(&dest);
        let all = [args, &["-s", base_url, "--dest", d, "--trace", trace.arg()]].concat();
        let child = spawn_via(via, bin, &all);
        Running { child, dest, trace }
    }

    /// Wait until `n` events matching `pick` are in the trace.
    fn wait_for(&self, n: usize, pick: fn(&TraceEvent) -> bool) {
        let deadline = Instant::now() + HANG;
        while Instant::now() < deadline {
            if self.trace.events().iter().filter(|e| pick(e)).count() >= n {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no progress in {}", self.trace.path.display());
    }

    /// Wait until `n` codes have ended: the run is under way.
    pub fn wait_for_ends(&self, n: usize) {
        self.wait_for(n, |event| matches!(event, TraceEvent::End { .. }));
    }

    /// Wait until `n` codes have started.
    pub fn wait_for_starts(&self, n: usize) {
        self.wait_for(n, |event| matches!(event, TraceEvent::Start { .. }));
    }

    /// Press Ctrl-C.
    pub fn interrupt(&self) {
        signal::interrupt(self.child.id());
    }

    /// Send SIGTERM (Unix; nothing elsewhere).
    pub fn terminate(&self) {
        signal::terminate(self.child.id());
    }

    /// Send SIGHUP (Unix; nothing elsewhere).
    pub fn hang_up(&self) {
        signal::hang_up(self.child.id());
    }

    /// Take the downloader's stdout, to read it while it runs.
    pub fn take_stdout(&mut self) -> std::process::ChildStdout {
        self.child.stdout.take().expect("a piped stdout")
    }

    pub fn finish(self) -> Run {
        Run {
            out: finish(self.child),
            dest: self.dest,
            trace: self.trace,
        }
    }
}

pub fn tempdir() -> TempDir {
    tempfile::tempdir().expect("make a temporary directory")
}

pub fn path(dir: &TempDir) -> &str {
    dir.path().to_str().expect("a UTF-8 temporary path")
}

/// Run `bin` with `args` against the server at `base_url`, started through the command `via`,
/// which is given the downloader and its arguments to run: `sh -c 'ulimit -n 12; exec "$0"
/// "$@"'` runs it under a lower open-files limit. Its `--dest` and `--trace` directories are
/// open to every user, for a `via` that runs it as another.
pub fn download_via(via: &[&str], bin: &str, base_url: &str, args: &[&str]) -> Run {
    Running::start_via(via, bin, base_url, args, tempdir()).finish()
}

/// Start a downloader with `args`, its output captured.
pub fn spawn(bin: &str, args: &[&str]) -> Child {
    spawn_via(&[], bin, args)
}

/// Start a downloader with `args` through the command `via` (none: directly), its output
/// captured.
fn spawn_via(via: &[&str], bin: &str, args: &[&str]) -> Child {
    let mut command = match via.split_first() {
        Some((program, via_args)) => {
            let mut command = Command::new(program);
            command.args(via_args).arg(bin);
            command
        }
        None => Command::new(bin),
    };
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the downloader")
}

/// Let every user write in `dir` (Unix; elsewhere nothing to do).
fn open_to_all(dir: &TempDir) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let all = std::fs::Permissions::from_mode(0o777);
        std::fs::set_permissions(dir.path(), all).expect("open a temporary directory to all");
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Wait for a downloader to end; kill it and fail if it hangs.
pub fn finish(child: Child) -> Output {
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(HANG) {
        Ok(output) => output.expect("wait for the downloader"),
        Err(_) => {
            signal::kill_now(pid);
            panic!("the downloader did not end within {HANG:?}");
        }
    }
}

/// Run a downloader with `args` only (no server, no `--dest` added).
pub fn run(bin: &str, args: &[&str]) -> Output {
    finish(spawn(bin, args))
}

/// The files in `dir`, by name, with their bytes (a symlink as the bytes it points to).
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read --dest")
        .map(|entry| {
            let entry = entry.expect("read --dest");
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            (entry.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// Each `CC.gif` in `dir` holds exactly the server's bytes.
pub fn assert_flags_whole(dir: &Path) {
    for (name, bytes) in files(dir) {
        let cc = name
            .strip_suffix(".gif")
            .unwrap_or_else(|| panic!("unexpected file {name}"));
        let expected = flags_server::flag_gif(cc).unwrap_or_else(|| panic!("{cc} is no country"));
        assert!(
            bytes == expected.as_ref(),
            "{name} differs from the server's bytes"
        );
    }
}

/// `n` moments between 0 and `max_ms` milliseconds, different at every run.
pub fn random_moments(n: usize, max_ms: u64) -> Vec<u64> {
    use std::hash::{BuildHasher, RandomState};
    let state = RandomState::new();
    (0..n).map(|i| state.hash_one(i) % max_ms).collect()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
