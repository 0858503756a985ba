//! The behaviour every downloader must show, checked against its own binary and the built-in
//! server on a free port: `flags_common::behaviour_tests!(env!("CARGO_BIN_EXE_flags-seq"));`
//! in a downloader's `tests/` generates one `#[test]` per check.
//!
//! Nothing here measures time: a run that does not end within `HANG` is killed and reported as
//! hung, which only catches a downloader that never ends.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use flags_server::{Config, Profile, ServerHandle};

/// Long enough for any honest run on a slow, shared machine.
pub const HANG: Duration = Duration::from_secs(180);

/// A built-in server with the given profile, no delay unless asked, on a free port.
pub fn server(profile: Profile, delay: f64, error_rate: f64, seed: u64) -> ServerHandle {
    let mut config = Config::new(profile);
    config.delay = Some((
        Duration::from_secs_f64(delay),
        Duration::from_secs_f64(delay),
    ));
    config.error_rate = Some(error_rate);
    config.seed = Some(seed);
    flags_server::start(config).expect("start the built-in server")
}

/// A built-in server that answers every GET with `fault` (`reset`, `truncate`, `stall`, `slow`).
pub fn faulty_server(fault: &str) -> ServerHandle {
    let mut config = Config::new(Profile::Local);
    config.faults = Some(flags_server::parse_faults(&format!("{fault}=1")).expect("a fault name"));
    flags_server::start(config).expect("start the built-in server")
}

/// Every code ends as ERROR with a one-line reason, within `--timeout`, and leaves no file.
pub fn check_fault(bin: &str, fault: &str) {
    let server = faulty_server(fault);
    let dir = tempfile::tempdir().expect("make a temporary --dest");
    let d = dir.path().to_str().unwrap();
    let args = [
        "-v",
        "BR",
        "JP",
        "US",
        "--timeout",
        "1",
        "-m",
        "3",
        "-s",
        server.base_url(),
    ];
    let out = run(bin, &[&args[..], &["--dest", d]].concat());
    let text = stdout(&out);
    assert_eq!(counts(&out), [0, 0, 3, 0], "{fault}: {text}");
    assert_eq!(out.status.code(), Some(1), "{fault}: {}", stderr(&out));
    for cc in ["BR", "JP", "US"] {
        let reason = text
            .lines()
            .find(|line| line.starts_with(&format!("{cc} error: ")));
        assert!(reason.is_some(), "{fault}: no reason for {cc} in\n{text}");
    }
    assert!(
        files(dir.path()).is_empty(),
        "{fault}: no file, whole or partial"
    );
    assert!(
        !stderr(&out).contains("panicked"),
        "{fault}: {}",
        stderr(&out)
    );
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
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("the downloader did not end within {HANG:?}");
        }
    }
}

pub fn run(bin: &str, args: &[&str]) -> Output {
    finish(spawn(bin, args))
}

/// The counts of the final report: downloaded, not found, errors, not attempted.
pub fn counts(output: &Output) -> [usize; 4] {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let count = |suffix: &str| {
        stdout
            .lines()
            .find(|line| line.trim_end().ends_with(suffix))
            .and_then(|line| line.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    let ok = count("flags downloaded.").max(count("flag downloaded."));
    let errors = count("errors.").max(count("error."));
    [
        ok,
        count("not found."),
        errors,
        count("not attempted (interrupted)."),
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

/// What `CC.gif` must hold: the server's bytes.
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

/// `args` followed by `--dest flags --trace trace`.
pub fn with_dest_and_trace<'a>(args: &[&'a str], flags: &'a Path, trace: &'a Path) -> Vec<&'a str> {
    let mut all = args.to_vec();
    let (flags, trace) = (flags.to_str().unwrap(), trace.to_str().unwrap());
    all.extend(["--dest", flags, "--trace", trace]);
    all
}

/// Wait until the `--trace` file at `path` has `n` lines: the run is under way.
pub fn wait_for_lines(path: &Path, n: usize) {
    let deadline = std::time::Instant::now() + HANG;
    while std::time::Instant::now() < deadline {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.lines().count() >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("no progress in {}", path.display());
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

/// Every check, as `#[test]` functions for the downloader binary `$bin`.
#[macro_export]
macro_rules! behaviour_tests {
    ($bin:expr) => {
        use $crate::testkit::flags_server::Profile;
        use $crate::testkit::*;

        const BIN: &str = $bin;

        fn dest() -> $crate::testkit::tempfile::TempDir {
            $crate::testkit::tempfile::tempdir().expect("make a temporary --dest")
        }

        #[test]
        fn every_code_gives_194_flags_equal_to_the_servers() {
            let server = server(Profile::Local, 0.0, 0.0, 1);
            let dir = dest();
            let d = dir.path().to_str().unwrap();
            let out = run(
                BIN,
                &["-e", "-m", "100", "-s", server.base_url(), "--dest", d],
            );
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}{}",
                stdout(&out),
                stderr(&out)
            );
            assert_eq!(counts(&out), [194, 482, 0, 0], "{}", stdout(&out));
            assert!(stdout(&out).contains("Searching for 676 flags: from AA to ZZ"));
            assert_eq!(files(dir.path()).len(), 194);
            assert_flags_whole(dir.path());
        }

        #[test]
        fn error_profile_counts_add_up_and_only_ok_flags_are_saved() {
            let server = server(Profile::Error, 0.0, 0.25, 7);
            let dir = dest();
            let d = dir.path().to_str().unwrap();
            let out = run(
                BIN,
                &["-e", "-m", "50", "-s", server.base_url(), "--dest", d],
            );
            let [ok, not_found, errors, skipped] = counts(&out);
            assert_eq!(ok + not_found + errors, 676, "{}", stdout(&out));
            assert_eq!(skipped, 0);
            assert!(
                errors > 0,
                "a 25% error rate gave no error:\n{}",
                stdout(&out)
            );
            assert_eq!(out.status.code(), Some(1), "errors mean exit status 1");
            assert_eq!(
                files(dir.path()).len(),
                ok,
                "one file per OK, no partial file"
            );
            assert_flags_whole(dir.path());
        }

        #[test]
        fn verbose_says_what_happened_to_each_code() {
            let server = server(Profile::Error, 0.0, 1.0, 3);
            let dir = dest();
            let d = dir.path().to_str().unwrap();
            let out = run(
                BIN,
                &["-v", "BR", "ZZ", "-s", server.base_url(), "--dest", d],
            );
            let text = stdout(&out);
            assert!(text.contains("BR error: HTTP error 418"), "{text}");
            assert!(text.contains("ZZ "), "{text}");
            assert_eq!(out.status.code(), Some(1));
        }

        #[test]
        fn metadata_names_files_by_country() {
            let server = server(Profile::Local, 0.0, 0.0, 1);
            let dir = dest();
            let d = dir.path().to_str().unwrap();
            let args = [
                "--metadata",
                "BR",
                "US",
                "GB",
                "ZZ",
                "-s",
                server.base_url(),
                "--dest",
                d,
            ];
            let out = run(BIN, &args);
            assert_eq!(counts(&out), [3, 1, 0, 0], "{}", stdout(&out));
            let names: Vec<String> = files(dir.path()).into_keys().collect();
            let mut expected: Vec<String> = ["BR", "US", "GB"]
                .iter()
                .map(|cc| {
                    let country = $crate::testkit::flags_server::country(cc).unwrap().country;
                    format!("{}.gif", $crate::file_stem(country))
                })
                .collect();
            expected.sort();
            assert_eq!(names, expected);
            assert!(names.contains(&"Brazil.gif".to_string()));
        }

        #[test]
        fn a_server_that_goes_away_gives_errors_not_a_hang() {
            let server = server(Profile::Delay, 0.05, 0.0, 1);
            let dir = dest();
            let (flags, trace) = (dir.path().join("flags"), dir.path().join("trace"));
            let url = server.base_url().to_string();
            let args = ["-e", "-m", "4", "--timeout", "5", "-s", &url];
            let child = spawn(BIN, &with_dest_and_trace(&args, &flags, &trace));
            wait_for_lines(&trace, 5);
            drop(server);
            let out = finish(child);
            let [ok, not_found, errors, skipped] = counts(&out);
            let report = format!("{}{}", stdout(&out), stderr(&out));
            assert_eq!(ok + not_found + errors, 676, "{report}");
            assert_eq!(skipped, 0);
            assert!(errors > 0);
            assert_eq!(out.status.code(), Some(1));
            assert_eq!(files(&flags).len(), ok);
            assert_flags_whole(&flags);
        }

        #[test]
        fn ctrl_c_reports_what_finished_and_exits_130() {
            let server = server(Profile::Delay, 0.2, 0.0, 1);
            let dir = dest();
            let (flags, trace) = (dir.path().join("flags"), dir.path().join("trace"));
            let args = ["-e", "-m", "2", "-s", server.base_url()];
            let child = spawn(BIN, &with_dest_and_trace(&args, &flags, &trace));
            // Once a download has ended, the Ctrl-C handler is in place.
            wait_for_lines(&trace, 2);
            let pid = child.id().to_string();
            let _ = std::process::Command::new("kill")
                .args(["-INT", &pid])
                .status();
            let out = finish(child);
            let report = format!("{}{}", stdout(&out), stderr(&out));
            assert_eq!(out.status.code(), Some(130), "{report}");
            let [ok, not_found, errors, skipped] = counts(&out);
            assert!(skipped > 0, "{report}");
            assert_eq!(ok + not_found + errors + skipped, 676);
            assert_eq!(files(&flags).len(), ok);
            assert_flags_whole(&flags);
        }

        #[test]
        fn retries_turn_errors_into_downloads_and_are_reported() {
            let server = server(Profile::Error, 0.0, 0.25, 11);
            let dir = dest();
            let d = dir.path().to_str().unwrap();
            let args = [
                "-a",
                "-m",
                "20",
                "--retries",
                "8",
                "-s",
                server.base_url(),
                "--dest",
                d,
            ];
            let out = run(BIN, &args);
            let [ok, not_found, errors, _] = counts(&out);
            assert_eq!(ok + not_found + errors, 194, "{}", stdout(&out));
            assert!(
                errors < 5,
                "8 retries at 25% leave few errors:\n{}",
                stdout(&out)
            );
            assert!(stdout(&out).contains(" retries."), "{}", stdout(&out));
            assert_eq!(files(dir.path()).len(), ok);
            assert_flags_whole(dir.path());
        }

        #[test]
        fn a_reset_connection_is_an_error() {
            check_fault(BIN, "reset");
        }

        #[test]
        fn a_truncated_body_is_an_error_and_no_file() {
            check_fault(BIN, "truncate");
        }

        #[test]
        fn a_server_that_never_answers_times_out() {
            check_fault(BIN, "stall");
        }

        #[test]
        fn a_body_that_trickles_times_out() {
            check_fault(BIN, "slow");
        }

        #[test]
        fn chaos_counts_add_up_and_only_whole_flags_are_saved() {
            let mut config = $crate::testkit::flags_server::Config::new(Profile::Chaos);
            config.delay = Some((
                std::time::Duration::ZERO,
                std::time::Duration::from_millis(20),
            ));
            config.seed = Some(5);
            let server = $crate::testkit::flags_server::start(config).unwrap();
            let dir = dest();
            let d = dir.path().to_str().unwrap();
            let args = [
                "-a",
                "-m",
                "50",
                "--timeout",
                "1",
                "-s",
                server.base_url(),
                "--dest",
                d,
            ];
            let out = run(BIN, &args);
            let [ok, not_found, errors, _] = counts(&out);
            assert_eq!(ok + not_found + errors, 194, "{}", stdout(&out));
            assert!(errors > 0, "{}", stdout(&out));
            assert_eq!(files(dir.path()).len(), ok);
            assert_flags_whole(dir.path());
        }

        #[test]
        fn killed_at_any_moment_leaves_only_whole_flags() {
            let server = server(Profile::Delay, 0.002, 0.0, 1);
            let dir = dest();
            let d = dir.path().to_str().unwrap();
            for kill_after_ms in random_moments(12, 400) {
                let child = spawn(
                    BIN,
                    &["-a", "-m", "8", "-s", server.base_url(), "--dest", d],
                );
                std::thread::sleep(std::time::Duration::from_millis(kill_after_ms));
                let pid = child.id().to_string();
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid])
                    .status();
                let _ = finish(child);
                for name in files(dir.path()).into_keys() {
                    let partial = name.starts_with('.') && name.ends_with(".partial");
                    assert!(partial || name.ends_with(".gif"), "unexpected {name}");
                }
                // Whole flags only, once the temporary files of the killed run are set aside.
                let whole = dest();
                for (name, bytes) in files(dir.path()) {
                    if name.ends_with(".gif") {
                        std::fs::write(whole.path().join(name), bytes).unwrap();
                    }
                }
                assert_flags_whole(whole.path());
            }
            // A new run removes what the killed ones left behind, and completes the set.
            let out = run(
                BIN,
                &["-a", "-m", "8", "-s", server.base_url(), "--dest", d],
            );
            assert_eq!(counts(&out), [194, 0, 0, 0], "{}", stdout(&out));
            assert_eq!(files(dir.path()).len(), 194);
            assert_flags_whole(dir.path());
        }

        #[test]
        fn an_unreachable_server_is_said_once() {
            for (url, why) in [
                ("http://127.0.0.1:1/flags", "nothing answers at 127.0.0.1:1"),
                (
                    "http://no-such-host.invalid/flags",
                    "cannot resolve host no-such-host.invalid",
                ),
            ] {
                let dir = dest();
                let out = run(
                    BIN,
                    &["-e", "-s", url, "--dest", dir.path().to_str().unwrap()],
                );
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

        #[test]
        fn a_dest_that_cannot_be_written_fails_before_any_request() {
            let dir = dest();
            let file = dir.path().join("not-a-dir");
            std::fs::write(&file, b"").unwrap();
            let out = run(
                BIN,
                &[
                    "BR",
                    "-s",
                    "http://127.0.0.1:1/flags",
                    "--dest",
                    file.to_str().unwrap(),
                ],
            );
            assert_eq!(out.status.code(), Some(2));
            assert!(
                stderr(&out).starts_with("error: cannot write to --dest"),
                "{}",
                stderr(&out)
            );
            assert!(stdout(&out).is_empty());
        }

        #[test]
        fn usage_errors_exit_2_with_one_clear_line() {
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
                let out = run(BIN, args);
                assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
                let err = stderr(&out);
                assert!(err.starts_with("error: "), "{args:?}: {err}");
                assert!(stdout(&out).is_empty(), "{args:?}: nothing is downloaded");
            }
        }
    };
}

pub use flags_server;
pub use tempfile;
