//! The behaviour every downloader must show, checked against its own binary and the built-in
//! server on a free port. In a downloader's `tests/`,
//! `flags_common::behaviour_tests!(env!("CARGO_BIN_EXE_flags-seq"));` makes one `#[test]` of
//! each check below.
//!
//! Nothing here measures time: a run that does not end within `HANG` is killed and reported as
//! hung, which only catches a downloader that never ends.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use flags_server::{Config, Profile, ServerHandle};
use tempfile::TempDir;

/// Long enough for any honest run on a slow, shared machine.
pub const HANG: Duration = Duration::from_secs(180);

/// Makes one `#[test]` per check, each running the downloader `$bin`.
#[macro_export]
macro_rules! behaviour_tests {
    ($bin:expr) => {
        $crate::behaviour_tests!(@each $bin;
            every_code_gives_194_flags_equal_to_the_servers,
            error_profile_counts_add_up_and_only_ok_flags_are_saved,
            verbose_says_what_happened_to_each_code,
            metadata_names_files_by_country,
            a_server_that_goes_away_gives_errors_not_a_hang,
            ctrl_c_reports_what_finished_and_exits_130,
            retries_turn_errors_into_downloads_and_are_reported,
            a_reset_connection_is_an_error,
            a_truncated_body_is_an_error_and_no_file,
            a_server_that_never_answers_times_out,
            a_body_that_trickles_times_out,
            chaos_counts_add_up_and_only_whole_flags_are_saved,
            killed_at_any_moment_leaves_only_whole_flags,
            an_unreachable_server_is_said_once,
            a_dest_that_cannot_be_written_fails_before_any_request,
            usage_errors_exit_2_with_one_clear_line
        );
    };
    (@each $bin:expr; $($check:ident),*) => {
        $(
            #[test]
            fn $check() {
                $crate::testkit::$check($bin);
            }
        )*
    };
}

// The checks.

pub fn every_code_gives_194_flags_equal_to_the_servers(bin: &str) {
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let run = download(bin, &server, &["-e", "-m", "100"]);
    assert_eq!(run.code(), Some(0), "{}", run.text());
    assert_eq!(run.accounted(676), [194, 482, 0, 0], "{}", run.text());
    assert!(
        run.stdout()
            .contains("Searching for 676 flags: from AA to ZZ")
    );
}

pub fn error_profile_counts_add_up_and_only_ok_flags_are_saved(bin: &str) {
    let server = server(Profile::Error, 0.0, 0.25, 7);
    let run = download(bin, &server, &["-e", "-m", "50"]);
    let [_, _, errors, skipped] = run.accounted(676);
    assert_eq!(skipped, 0);
    assert!(
        errors > 0,
        "a 25% error rate gave no error:\n{}",
        run.text()
    );
    assert_eq!(run.code(), Some(1), "errors mean exit status 1");
}

pub fn verbose_says_what_happened_to_each_code(bin: &str) {
    let server = server(Profile::Error, 0.0, 1.0, 3);
    let run = download(bin, &server, &["-v", "BR", "ZZ"]);
    assert!(
        run.stdout().contains("BR error: HTTP error 418"),
        "{}",
        run.text()
    );
    assert!(run.stdout().contains("ZZ "), "{}", run.text());
    assert_eq!(run.code(), Some(1));
}

pub fn metadata_names_files_by_country(bin: &str) {
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let run = download(bin, &server, &["--metadata", "BR", "US", "GB", "ZZ"]);
    assert_eq!(run.counts(), [3, 1, 0, 0], "{}", run.text());
    let names: Vec<String> = run.files().into_keys().collect();
    let mut expected: Vec<String> = ["BR", "US", "GB"]
        .iter()
        .map(|cc| {
            format!(
                "{}.gif",
                crate::file_stem(flags_server::country(cc).unwrap().country)
            )
        })
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    assert!(names.contains(&"Brazil.gif".to_string()));
}

pub fn a_server_that_goes_away_gives_errors_not_a_hang(bin: &str) {
    let server = server(Profile::Delay, 0.05, 0.0, 1);
    let running = Running::start(bin, &server, &["-e", "-m", "4", "--timeout", "5"]);
    running.wait_for_lines(5);
    drop(server);
    let run = running.finish();
    let [_, _, errors, skipped] = run.accounted(676);
    assert_eq!(skipped, 0);
    assert!(errors > 0, "{}", run.text());
    assert_eq!(run.code(), Some(1));
}

pub fn ctrl_c_reports_what_finished_and_exits_130(bin: &str) {
    let server = server(Profile::Delay, 0.2, 0.0, 1);
    let running = Running::start(bin, &server, &["-e", "-m", "2"]);
    // Once a download has ended, the Ctrl-C handler is in place.
    running.wait_for_lines(2);
    running.signal("-INT");
    let run = running.finish();
    assert_eq!(run.code(), Some(130), "{}", run.text());
    let [_, _, _, skipped] = run.accounted(676);
    assert!(skipped > 0, "{}", run.text());
}

pub fn retries_turn_errors_into_downloads_and_are_reported(bin: &str) {
    let server = server(Profile::Error, 0.0, 0.25, 11);
    let run = download(bin, &server, &["-a", "-m", "20", "--retries", "8"]);
    let [_, _, errors, _] = run.accounted(194);
    assert!(
        errors < 5,
        "8 retries at 25% leave few errors:\n{}",
        run.text()
    );
    assert!(run.stdout().contains(" retries."), "{}", run.text());
}

pub fn a_reset_connection_is_an_error(bin: &str) {
    check_fault(bin, "reset");
}

pub fn a_truncated_body_is_an_error_and_no_file(bin: &str) {
    check_fault(bin, "truncate");
}

pub fn a_server_that_never_answers_times_out(bin: &str) {
    check_fault(bin, "stall");
}

pub fn a_body_that_trickles_times_out(bin: &str) {
    check_fault(bin, "slow");
}

pub fn chaos_counts_add_up_and_only_whole_flags_are_saved(bin: &str) {
    let mut config = Config::new(Profile::Chaos);
    config.delay = Some((Duration::ZERO, Duration::from_millis(20)));
    config.seed = Some(5);
    let server = flags_server::start(config).expect("start the built-in server");
    let run = download(bin, &server, &["-a", "-m", "50", "--timeout", "1"]);
    let [_, _, errors, _] = run.accounted(194);
    assert!(errors > 0, "{}", run.text());
}

pub fn killed_at_any_moment_leaves_only_whole_flags(bin: &str) {
    let server = server(Profile::Delay, 0.002, 0.0, 1);
    let dest = tempdir();
    let args = [
        "-a",
        "-m",
        "8",
        "-s",
        server.base_url(),
        "--dest",
        path(&dest),
    ];
    for kill_after_ms in random_moments(12, 400) {
        let child = spawn(bin, &args);
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        kill(&child, "-KILL");
        let _ = finish(child);
        // Flags and, maybe, the temporary file of a save cut short: nothing else.
        let saved = files(dest.path());
        let whole = tempdir();
        for (name, bytes) in saved {
            if name.ends_with(".gif") {
                std::fs::write(whole.path().join(name), bytes).unwrap();
            } else {
                assert!(
                    name.starts_with('.') && name.ends_with(".partial"),
                    "unexpected {name}"
                );
            }
        }
        assert_flags_whole(whole.path());
    }
    // A new run removes what the killed ones left behind, and completes the set.
    let out = run(bin, &args);
    assert_eq!(counts(&out), [194, 0, 0, 0], "{}", stdout(&out));
    assert_eq!(files(dest.path()).len(), 194);
    assert_flags_whole(dest.path());
}

pub fn an_unreachable_server_is_said_once(bin: &str) {
    for (url, why) in [
        ("http://127.0.0.1:1/flags", "nothing answers at 127.0.0.1:1"),
        (
            "http://no-such-host.invalid/flags",
            "cannot resolve host no-such-host.invalid",
        ),
    ] {
        let dest = tempdir();
        let out = run(bin, &["-e", "-s", url, "--dest", path(&dest)]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains(why), "{err}");
        assert!(
            stdout(&out).is_empty(),
            "no request was sent: {}",
            stdout(&out)
        );
    }
}

pub fn a_dest_that_cannot_be_written_fails_before_any_request(bin: &str) {
    let dir = tempdir();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"").unwrap();
    let file = file.to_str().unwrap();
    let out = run(
        bin,
        &["BR", "-s", "http://127.0.0.1:1/flags", "--dest", file],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: cannot write to --dest"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
}

pub fn usage_errors_exit_2_with_one_clear_line(bin: &str) {
    for args in [
        &["-m", "0"][..],
        &["-l", "0"],
        &["B2"],
        &["BRA"],
        &["-s", "ftp://localhost/flags"],
        &["-s", "NOWHERE"],
        &["--timeout", "0"],
        &["--bogus"],
    ] {
        let out = run(bin, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(stdout(&out).is_empty(), "{args:?}: nothing is downloaded");
    }
}

/// Every code ends as ERROR with a one-line reason, within `--timeout`, and leaves no file.
fn check_fault(bin: &str, fault: &str) {
    let mut config = Config::new(Profile::Local);
    let rates = flags_server::parse_faults(&format!("{fault}=1")).expect("a fault name");
    config.faults = Some(rates);
    let server = flags_server::start(config).expect("start the built-in server");
    let run = download(
        bin,
        &server,
        &["-v", "BR", "JP", "US", "--timeout", "1", "-m", "3"],
    );
    assert_eq!(run.accounted(3), [0, 0, 3, 0], "{fault}: {}", run.text());
    assert_eq!(run.code(), Some(1), "{fault}: {}", run.text());
    for cc in ["BR", "JP", "US"] {
        let reason = format!("{cc} error: ");
        assert!(
            run.stdout().contains(&reason),
            "{fault}: no reason for {cc}: {}",
            run.text()
        );
    }
    assert!(!run.text().contains("panicked"), "{fault}: {}", run.text());
}

// The tools the checks use.

/// A built-in server with the given profile, a fixed delay, on a free port.
pub fn server(profile: Profile, delay: f64, error_rate: f64, seed: u64) -> ServerHandle {
    let mut config = Config::new(profile);
    let delay = Duration::from_secs_f64(delay);
    config.delay = Some((delay, delay));
    config.error_rate = Some(error_rate);
    config.seed = Some(seed);
    flags_server::start(config).expect("start the built-in server")
}

/// A finished downloader run and the temporary `--dest` it saved into.
pub struct Run {
    pub out: Output,
    pub dest: TempDir,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    pub fn stdout(&self) -> String {
        stdout(&self.out)
    }

    /// Both outputs, for failure messages.
    pub fn text(&self) -> String {
        format!("{}{}", stdout(&self.out), stderr(&self.out))
    }

    /// Downloaded, not found, errors, not attempted.
    pub fn counts(&self) -> [usize; 4] {
        counts(&self.out)
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

/// Run `bin` with `args` against `server`, saving into a new temporary directory.
pub fn download(bin: &str, server: &ServerHandle, args: &[&str]) -> Run {
    let dest = tempdir();
    let all = [args, &["-s", server.base_url(), "--dest", path(&dest)]].concat();
    Run {
        out: run(bin, &all),
        dest,
    }
}

/// A downloader still running, with a `--trace` file to follow its progress.
pub struct Running {
    child: Child,
    dest: TempDir,
    trace: PathBuf,
    _trace_dir: TempDir,
}

impl Running {
    pub fn start(bin: &str, server: &ServerHandle, args: &[&str]) -> Running {
        let (dest, trace_dir) = (tempdir(), tempdir());
        let trace = trace_dir.path().join("trace.jsonl");
        let (d, t) = (path(&dest), trace.to_str().unwrap());
        let all = [args, &["-s", server.base_url(), "--dest", d, "--trace", t]].concat();
        let child = spawn(bin, &all);
        Running {
            child,
            dest,
            trace,
            _trace_dir: trace_dir,
        }
    }

    /// Wait until `n` codes have ended: the run is under way.
    pub fn wait_for_lines(&self, n: usize) {
        let deadline = Instant::now() + HANG;
        while Instant::now() < deadline {
            let text = std::fs::read_to_string(&self.trace).unwrap_or_default();
            let ended = text
                .lines()
                .filter_map(crate::Summary::parse_line)
                .filter(|event| matches!(event, crate::TraceEvent::End { .. }))
                .count();
            if ended >= n {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no progress in {}", self.trace.display());
    }

    pub fn signal(&self, signal: &str) {
        kill(&self.child, signal);
    }

    pub fn finish(self) -> Run {
        Run {
            out: finish(self.child),
            dest: self.dest,
        }
    }
}

pub fn tempdir() -> TempDir {
    tempfile::tempdir().expect("make a temporary directory")
}

fn path(dir: &TempDir) -> &str {
    dir.path().to_str().expect("a UTF-8 temporary path")
}

/// Start a downloader with `args`, its output captured.
pub fn spawn(bin: &str, args: &[&str]) -> Child {
    Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the downloader")
}

/// Send `signal` (`-INT`, `-KILL`) to a child.
pub fn kill(child: &Child, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
}

/// Wait for a downloader to end; kill it and fail if it hangs.
pub fn finish(child: Child) -> Output {
    let pid = child.id().to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(HANG) {
        Ok(output) => output.expect("wait for the downloader"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("the downloader did not end within {HANG:?}");
        }
    }
}

pub fn run(bin: &str, args: &[&str]) -> Output {
    finish(spawn(bin, args))
}

/// The counts of the final report: downloaded, not found, errors, not attempted.
pub fn counts(output: &Output) -> [usize; 4] {
    let stdout = stdout(output);
    let count = |suffixes: &[&str]| {
        stdout
            .lines()
            .find(|line| {
                suffixes
                    .iter()
                    .any(|suffix| line.trim_end().ends_with(suffix))
            })
            .and_then(|line| line.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    [
        count(&["flags downloaded.", "flag downloaded."]),
        count(&["not found."]),
        count(&["errors.", "error."]),
        count(&["not attempted (interrupted)."]),
    ]
}

/// The files in `dir`, by name, with their bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read --dest")
        .map(|entry| {
            let entry = entry.expect("read --dest");
            let bytes = std::fs::read(entry.path()).expect("read a saved flag");
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
