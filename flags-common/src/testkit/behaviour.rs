//! The hardening every downloader must show beyond the core (`core.rs`): errors, metadata,
//! faults, retries, Ctrl-C, files always whole, each check a plain function run against the
//! downloader's own binary, the built-in server and misbehaving servers on free ports.
//! `hardening_tests!` (in `mod.rs`) makes one `#[test]` of each.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use flags_server::{Config, Fault, FaultRates, Profile};

use super::hostile::{Hostile, Reply, cc_and_file};
use super::tools::*;
use crate::platform::signal;

pub fn error_profile_counts_add_up_and_only_ok_flags_are_saved(bin: &str) {
    let server = server(Profile::Error, 0.0, 0.25, 7);
    let run = download(bin, server.base_url(), &["-e", "-m", "50"]);
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
    let run = download(bin, server.base_url(), &["-v", "BR", "ZZ"]);
    assert!(
        run.stdout().contains("BR error: unexpected status 418"),
        "{}",
        run.text()
    );
    assert!(run.stdout().contains("ZZ "), "{}", run.text());
    assert_eq!(run.code(), Some(1));
}

pub fn metadata_names_files_by_country(bin: &str) {
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let run = download(
        bin,
        server.base_url(),
        &["--metadata", "BR", "US", "GB", "ZZ"],
    );
    assert_eq!(run.counts(), [3, 1, 0, 0], "{}", run.text());
    let names: Vec<String> = run.files().into_keys().collect();
    let mut expected: Vec<String> = ["BR", "US", "GB"]
        .iter()
        .map(|cc| {
            let country = flags_server::country(cc).unwrap().country;
            format!("{}.gif", crate::file_stem(country))
        })
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    assert!(names.contains(&"Brazil.gif".to_string()));
}

pub fn a_server_that_goes_away_gives_errors_not_a_hang(bin: &str) {
    let server = server(Profile::Delay, 0.05, 0.0, 1);
    let running = Running::start(bin, server.base_url(), &["-e", "-m", "4", "--timeout", "5"]);
    running.wait_for_ends(5);
    drop(server);
    let run = running.finish();
    let [_, _, errors, skipped] = run.accounted(676);
    assert_eq!(skipped, 0);
    assert!(errors > 0, "{}", run.text());
    assert_eq!(run.code(), Some(1));
}

pub fn ctrl_c_reports_what_finished_and_exits_130(bin: &str) {
    let server = server(Profile::Delay, 0.2, 0.0, 1);
    let running = Running::start(bin, server.base_url(), &["-e", "-m", "2"]);
    // Once a download has ended, the Ctrl-C handler is in place.
    running.wait_for_ends(2);
    running.interrupt();
    let run = running.finish();
    assert_eq!(run.code(), Some(130), "{}", run.text());
    let [_, _, _, skipped] = run.accounted(676);
    assert!(skipped > 0, "{}", run.text());
    assert!(run.summary().interrupted);
}

pub fn ctrl_c_cuts_a_retry_pause_short(bin: &str) {
    // Every request fails, and --retries asks for a thousand more tries, 3.2 s apart: days.
    let server = server(Profile::Error, 0.0, 1.0, 1);
    let running = Running::start(bin, server.base_url(), &["-v", "BR", "--retries", "1000"]);
    running.wait_for_starts(1);
    std::thread::sleep(Duration::from_millis(300)); // the handler is in place, pauses go on
    running.interrupt();
    let run = running.finish(); // within HANG: the pause under way was cut short
    assert_eq!(run.code(), Some(130), "{}", run.text());
    assert_eq!(run.accounted(1), [0, 0, 1, 0], "{}", run.text());
    assert!(run.summary().retries > 0, "{}", run.text());
}

pub fn retries_turn_errors_into_downloads_and_are_reported(bin: &str) {
    let server = server(Profile::Error, 0.0, 0.25, 11);
    let run = download(
        bin,
        server.base_url(),
        &["-a", "-m", "20", "--retries", "8"],
    );
    let [_, _, errors, _] = run.accounted(194);
    assert!(
        errors < 5,
        "8 retries at 25% leave few errors:\n{}",
        run.text()
    );
    assert!(run.summary().retries > 0, "{}", run.text());
    assert!(run.stdout().contains(" retries."), "{}", run.text());
}

pub fn a_reset_connection_is_an_error(bin: &str) {
    check_fault(bin, Fault::Reset);
}

pub fn a_truncated_body_is_an_error_and_no_file(bin: &str) {
    check_fault(bin, Fault::Truncate);
}

pub fn a_server_that_never_answers_times_out(bin: &str) {
    check_fault(bin, Fault::Stall);
}

pub fn a_body_that_trickles_times_out(bin: &str) {
    check_fault(bin, Fault::Slow);
}

pub fn chaos_counts_add_up_and_only_whole_flags_are_saved(bin: &str) {
    let mut config = Config::new(Profile::Chaos);
    config.delay = Some((Duration::ZERO, Duration::from_millis(20)));
    config.seed = Some(5);
    let server = flags_server::start(config).expect("start the built-in server");
    let run = download(
        bin,
        server.base_url(),
        &["-a", "-m", "50", "--timeout", "1"],
    );
    let [_, _, errors, _] = run.accounted(194);
    assert!(errors > 0, "{}", run.text());
}

pub fn killed_at_any_moment_leaves_only_whole_flags(bin: &str) {
    let server = server(Profile::Delay, 0.002, 0.0, 1);
    let dest = tempdir();
    let args = ["-a", "-m", "8"];
    let with_dest = [&args[..], &["-s", server.base_url(), "--dest", path(&dest)]].concat();
    for kill_after_ms in random_moments(12, 400) {
        let child = spawn(bin, &with_dest);
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        signal::kill_now(child.id());
        let _ = finish(child);
        // Flags and, maybe, the temporary file of a save cut short: nothing else.
        let whole = tempdir();
        for (name, bytes) in files(dest.path()) {
            if name.ends_with(".gif") {
                std::fs::write(whole.path().join(name), bytes).unwrap();
            } else {
                let ours = crate::save::leftover_pid(&name).is_some();
                assert!(ours, "unexpected {name}");
            }
        }
        assert_flags_whole(whole.path());
    }
    // A new run removes what the killed ones left behind, and completes the set.
    let run = download_into(bin, server.base_url(), &args, dest);
    assert_eq!(run.counts(), [194, 0, 0, 0], "{}", run.text());
    assert_eq!(run.files().len(), 194);
    assert_flags_whole(run.dest.path());
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

pub fn usage_errors_exit_2_with_one_error_line_and_the_usage(bin: &str) {
    let huge = "99999999999999999999999999";
    for args in [
        &["-m", "0"][..],
        &["-l", "0"],
        &["B2"],
        &["BRA"],
        &["-s", "ftp://localhost/flags"],
        &["-s", "NOWHERE"],
        &["-s", "http://127.0.0.1:8000/flags?x=1"],
        &["-s", "http://127.0.0.1:8000/flags#top"],
        &["-s", "http://127.0.0.1:99999/flags"],
        &["-s", "http://:8000/flags"],
        &["-s", "http://user:secret@127.0.0.1:8000/flags"],
        &["--timeout", "0"],
        &["--timeout", "0.0001"],
        &["--timeout", "86401"],
        &["--timeout", "1e19"],
        &["--timeout", "1e308"],
        &["--timeout", "NaN"],
        &["--max-size", "0"],
        &["--max-size", huge],
        &["-l", huge],
        &["-m", huge],
        &["--retries", huge],
        &["--bogus"],
    ] {
        let out = run(bin, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        let error_lines = err.lines().filter(|l| l.starts_with("error")).count();
        assert_eq!(error_lines, 1, "{args:?}: {err}");
        assert!(err.contains("Usage: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(stdout(&out).is_empty(), "{args:?}: nothing is downloaded");
    }
}

pub fn help_explains_the_servers_and_the_fallback(bin: &str) {
    let out = run(bin, &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for words in [
        "LOCAL",
        "DELAY",
        "0.5 to 5 s",
        "ERROR",
        "25%",
        "418",
        "built-in",
        "--max-size",
    ] {
        assert!(
            help.contains(words),
            "--help does not say {words:?}:\n{help}"
        );
    }
}

pub fn only_a_200_with_a_body_is_a_flag(bin: &str) {
    let hostile = Hostile::start(|path| {
        let (cc, _) = cc_and_file(path);
        if path.starts_with("/moved/") {
            return Reply::flag(&cc);
        }
        match cc.as_str() {
            "BR" => Reply::empty(204),
            "JP" => Reply::empty(304),
            "US" => Reply::Status(201, String::new(), b"GIF89a".to_vec()),
            "CN" => Reply::empty(302),
            "IN" => Reply::redirect(302, "file://localhost/etc/passwd"),
            "PH" => Reply::redirect(307, "ftp://127.0.0.1/ph.gif"),
            "BD" => Reply::redirect(302, path), // forever
            "NG" => Reply::redirect(301, "/moved/ng/ng.gif"),
            "ID" => Reply::empty(404),
            cc => Reply::flag(cc),
        }
    });
    let codes = ["BR", "JP", "US", "CN", "IN", "PH", "BD", "NG", "ID", "PK"];
    let run = download(bin, hostile.base_url(), &[&["-v"][..], &codes].concat());
    assert_eq!(run.accounted(10), [2, 1, 7, 0], "{}", run.text());
    assert_eq!(run.code(), Some(1));
    let out = run.stdout();
    for line in [
        "BR error: unexpected status 204",
        "JP error: unexpected status 304",
        "US error: unexpected status 201",
        "IN error: redirect refused",
        "PH error: redirect refused",
        "BD error: ",
        "NG OK",
        "PK OK",
        "ID not found",
    ] {
        assert!(out.contains(line), "no {line:?}:\n{}", run.text());
    }
    let cn = out
        .lines()
        .find(|line| line.starts_with("CN "))
        .unwrap_or_default();
    assert!(
        cn.starts_with("CN error: redirect") && cn.ends_with("without Location"),
        "{cn}"
    );
    assert_eq!(
        run.files().into_keys().collect::<Vec<_>>(),
        ["NG.gif", "PK.gif"]
    );
}

pub fn a_body_over_max_size_stops_at_once_as_an_error(bin: &str) {
    // Half the codes get an endless body, half a Content-Length of 2 GiB: 20 in flight at once.
    let hostile = Hostile::start(|path| match cc_and_file(path).0.as_bytes()[1] % 2 {
        0 => Reply::Endless,
        _ => Reply::Huge,
    });
    let run = download(
        bin,
        hostile.base_url(),
        &["-v", "-m", "20", "--timeout", "5"],
    );
    assert_eq!(run.accounted(20), [0, 0, 20, 0], "{}", run.text());
    let too_big = run
        .stdout()
        .matches("error: body over --max-size (1048576 bytes)")
        .count();
    assert_eq!(too_big, 20, "{}", run.text());
    // The same ceiling applies to metadata.json.
    let local = server(Profile::Local, 0.0, 0.0, 1);
    let run = download(
        bin,
        local.base_url(),
        &["-v", "--metadata", "--max-size", "20", "BR"],
    );
    assert_eq!(run.accounted(1), [0, 0, 1, 0], "{}", run.text());
    assert!(
        run.stdout()
            .contains("BR error: body over --max-size (20 bytes)"),
        "{}",
        run.text()
    );
}

pub fn a_planted_symlink_is_never_written_through(bin: &str) {
    let outside = tempdir();
    let target = outside.path().join("precious");
    std::fs::write(&target, b"precious").unwrap();
    let dest = tempdir();
    #[cfg(unix)]
    for cc in crate::POP20_CC {
        let link = dest.path().join(format!("{cc}.gif"));
        std::os::unix::fs::symlink(&target, link).unwrap();
        let dangling = dest.path().join(format!(".{cc}.gif.1-0.partial"));
        std::os::unix::fs::symlink(outside.path().join(cc), dangling).unwrap();
    }
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let run = download_into(bin, server.base_url(), &["-m", "20"], dest);
    assert_eq!(run.counts(), [20, 0, 0, 0], "{}", run.text());
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"precious",
        "written through a link"
    );
    let outside_names: Vec<_> = std::fs::read_dir(outside.path()).unwrap().collect();
    assert_eq!(outside_names.len(), 1, "a file was made outside --dest");
    for cc in crate::POP20_CC {
        let flag = run.dest.path().join(format!("{cc}.gif"));
        let meta = std::fs::symlink_metadata(&flag).unwrap();
        assert!(meta.file_type().is_file(), "{cc}.gif is not a regular file");
        assert_eq!(
            std::fs::read(&flag).unwrap(),
            flags_server::flag_gif(cc).unwrap()
        );
    }
}

pub fn cleanup_removes_only_leftovers_of_runs_that_are_over(bin: &str) {
    let dest = tempdir();
    // Whatever the pid in its name (a run in another PID namespace may have any), only the lock
    // tells: a temporary file nobody locks is a leftover, one this test holds locked is live.
    let over = format!(".flags-{}-0123456789abcdef.partial", std::process::id());
    let over_init = ".flags-1-1123456789abcdef.partial";
    let live = ".flags-999999999-fedcba9876543210.partial";
    let others = [
        live,
        ".ubuntu.iso.partial",
        ".JP.gif.1-0.partial",
        "notes.txt",
    ];
    for name in others.iter().chain([&over.as_str(), &over_init]) {
        std::fs::write(dest.path().join(name), b"mine").unwrap();
    }
    let held = std::fs::File::open(dest.path().join(live)).unwrap();
    held.lock().unwrap();
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let run = download_into(bin, server.base_url(), &["BR"], dest);
    assert_eq!(run.counts(), [1, 0, 0, 0], "{}", run.text());
    let mut expected: Vec<String> = others.iter().map(|s| s.to_string()).collect();
    expected.push("BR.gif".into());
    expected.sort();
    assert_eq!(run.files().into_keys().collect::<Vec<_>>(), expected);
    for name in others {
        assert_eq!(run.files()[name], b"mine", "{name} was changed");
    }
    drop(held);
}

pub fn two_runs_into_one_dest_both_end_whole(bin: &str) {
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
    let (first, second) = (spawn(bin, &args), spawn(bin, &args));
    for out in [finish(first), finish(second)] {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(
            stdout(&out).contains("194 flags downloaded."),
            "{}",
            stdout(&out)
        );
    }
    assert_eq!(files(dest.path()).len(), 194);
    assert_flags_whole(dest.path());
}

pub fn a_run_never_overwrites_a_flag_it_saved(bin: &str) {
    let long = "é".repeat(126); // 252 bytes: `<name>.gif` alone would not fit in 255
    let names = [
        ("BR", "Same"),
        ("JP", "Same"),
        ("US", "same"),
        ("CN", "."),
        ("IN", ".."),
        ("ID", ""),
        ("PK", long.as_str()),
        ("NG", long.as_str()),
    ];
    let countries: Vec<(String, String)> = names
        .iter()
        .map(|(cc, name)| (cc.to_string(), name.to_string()))
        .collect();
    let hostile = Hostile::start(move |path| {
        let (cc, file) = cc_and_file(path);
        let country = &countries
            .iter()
            .find(|(code, _)| *code == cc)
            .expect("a code")
            .1;
        match file.as_str() {
            "metadata.json" => Reply::metadata(&cc, country),
            _ => Reply::flag(&cc),
        }
    });
    let codes: Vec<&str> = names.iter().map(|(cc, _)| *cc).collect();
    let run = download(
        bin,
        hostile.base_url(),
        &[&["-v", "--metadata"][..], &codes].concat(),
    );
    assert_eq!(run.counts(), [8, 0, 0, 0], "{}", run.text());
    let files = run.files();
    assert_eq!(
        files.len(),
        8,
        "one file per flag downloaded: {:?}",
        files.keys()
    );
    let mut saved: Vec<&Vec<u8>> = files.values().collect();
    saved.sort();
    let mut served: Vec<Vec<u8>> = codes
        .iter()
        .map(|cc| flags_server::flag_gif(cc).unwrap().to_vec())
        .collect();
    served.sort();
    assert_eq!(
        saved,
        served.iter().collect::<Vec<_>>(),
        "each flag saved once, whole"
    );
    assert!(
        files.keys().all(|name| name.len() <= 255),
        "{:?}",
        files.keys()
    );
    let renamed = run.stdout().matches(" was taken: saved as ").count();
    assert_eq!(renamed, 5, "{}", run.text());
}

pub fn a_closed_stdout_ends_the_run_quietly(bin: &str) {
    let server = server(Profile::Delay, 0.02, 0.0, 1);
    let mut running = Running::start(bin, server.base_url(), &["-e", "-v", "-m", "2"]);
    // `| head -3`: read three lines, then close the pipe.
    let mut lines = BufReader::new(running.take_stdout()).lines();
    for _ in 0..3 {
        lines.next().expect("a line").expect("a line");
    }
    drop(lines);
    let run = running.finish();
    assert_eq!(run.code(), Some(141), "{}", run.text());
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    let [ok, ..] = run.counts();
    assert!(run.summary().interrupted && run.summary().tally.not_attempted > 0);
    assert_eq!(
        run.files().len(),
        ok,
        "in-flight flags end whole, and nothing else"
    );
    assert_flags_whole(run.dest.path());
}

pub fn a_trace_that_cannot_be_written_is_a_warning_and_exit_1(bin: &str) {
    if !std::path::Path::new("/dev/full").exists() {
        return; // a device that is always full: Linux only
    }
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let dest = tempdir();
    let args = [
        "BR",
        "-s",
        server.base_url(),
        "--dest",
        path(&dest),
        "--trace",
        "/dev/full",
    ];
    let out = run(bin, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("warning: cannot write --trace file"),
        "{err}"
    );
    assert!(stdout(&out).contains("1 flag downloaded."));
}

/// Every code ends as ERROR with a one-line reason, within `--timeout`, and leaves no file.
fn check_fault(bin: &str, fault: Fault) {
    let mut config = Config::new(Profile::Local);
    config.faults = Some(FaultRates::only(fault, 1.0));
    let fault = fault.name();
    let server = flags_server::start(config).expect("start the built-in server");
    let args = ["-v", "BR", "JP", "US", "--timeout", "1", "-m", "3"];
    let run = download(bin, server.base_url(), &args);
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
