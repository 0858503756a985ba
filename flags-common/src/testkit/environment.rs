//! What the environment or a hostile server may do to a downloader, met without a panic, a hang
//! or a lie, the same way by all of them: every form of redirect, a redirect with an endless
//! body, a closed or full stderr, a full stdout, names with invisible format characters, a
//! `--trace` that cannot be written, a FIFO nobody reads, a run that never starts, few
//! descriptors or threads, SIGTERM and SIGHUP.

use std::process::{Command, Output, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use flags_server::Profile;

use super::hostile::{Hostile, Reply, cc_and_file};
use super::tools::*;

/// A hostile server that redirects `/flags/<cc>/<cc>.gif` as `redirect(cc, origin)` says
/// (`origin` is `http://127.0.0.1:PORT`), and answers every other path, whatever it is, with a
/// 200 and a flag: a client that turned a refused `Location` into a path would save it.
fn redirecting(redirect: fn(&str, &str) -> Option<Reply>) -> Hostile {
    let origin: Arc<OnceLock<String>> = Arc::default();
    let known = Arc::clone(&origin);
    let hostile = Hostile::start(move |path| {
        let (cc, file) = cc_and_file(path);
        let asked = path.starts_with("/flags/") && file == format!("{}.gif", cc.to_lowercase());
        let origin = known.get().map_or("", String::as_str);
        match asked.then(|| redirect(&cc, origin)).flatten() {
            Some(reply) => reply,
            None if flags_server::flag_gif(&cc).is_some() => Reply::flag(&cc),
            None => Reply::flag("BR"), // the bait
        }
    });
    let base = hostile.base_url();
    let _ = origin.set(base[..base.len() - "/flags".len()].to_string());
    hostile
}

pub fn redirects_to_other_schemes_are_refused_whatever_their_case(bin: &str) {
    let hostile = redirecting(|cc, _| {
        let location = match cc {
            "BR" => "file:///etc/passwd",
            "JP" => "FILE:///etc/passwd",
            "US" => "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
            "CN" => "javascript:alert(1)",
            "IN" => "Ftp://127.0.0.1/in.gif",
            _ => return None,
        };
        Some(Reply::redirect(302, location))
    });
    let codes = ["BR", "JP", "US", "CN", "IN"];
    let run = download(bin, hostile.base_url(), &[&["-v"][..], &codes].concat());
    assert_eq!(run.accounted(5), [0, 0, 5, 0], "{}", run.text());
    for line in [
        "BR error: redirect refused: file:///etc/passwd",
        "JP error: redirect refused: FILE:///etc/passwd",
        "US error: redirect refused: data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "CN error: redirect refused: javascript:alert(1)",
        "IN error: redirect refused: Ftp://127.0.0.1/in.gif",
    ] {
        // The URL as the client parsed it (reqwest lower-cases `Ftp:`) or as it came.
        let said = run.stdout().to_lowercase();
        assert!(
            said.contains(&line.to_lowercase()),
            "no {line:?}:\n{}",
            run.text()
        );
    }
    assert_eq!(run.code(), Some(1));
}

pub fn a_redirect_chain_ends_within_one_timeout(bin: &str) {
    // BR is redirected five times, each answer 0.9 s late: 4.5 s for the chain, a flag at its end.
    let hostile = Hostile::start(|path| {
        let hop = match path {
            "/flags/br/br.gif" => Some(1),
            _ => path
                .strip_prefix("/hop/")
                .and_then(|n| n.parse::<u32>().ok()),
        };
        match hop.filter(|n| *n <= 5) {
            Some(n) => {
                let redirect = Reply::redirect(302, &format!("/hop/{}", n + 1));
                Reply::After(Duration::from_millis(900), Box::new(redirect))
            }
            None => Reply::flag("BR"),
        }
    });
    let started = Instant::now();
    let run = download(bin, hostile.base_url(), &["-v", "--timeout", "1", "BR"]);
    let took = started.elapsed();
    assert_eq!(run.accounted(1), [0, 0, 1, 0], "{}", run.text());
    assert!(
        run.stdout().contains("BR error: timed out"),
        "{}",
        run.text()
    );
    // A timeout per hop would wait for 4.5 s; one for the chain ends it after about 1 s.
    assert!(took < Duration::from_secs(3), "{took:?}:\n{}", run.text());
}

pub fn a_relative_redirect_is_followed_and_saves_the_right_flag(bin: &str) {
    let hostile = redirecting(|cc, origin| {
        let lower = cc.to_lowercase();
        let location = match cc {
            "BR" => format!("/moved/{lower}/{lower}.gif"), // absolute path
            "JP" => format!("../../moved/{lower}/{lower}.gif"), // relative path
            "US" => format!("{lower}-moved.gif"),          // relative, same directory
            "CN" => format!("HTTP://{}/moved/{lower}/{lower}.gif", &origin[7..]), // scheme in capitals
            "IN" => format!("//{}/moved/{lower}/{lower}.gif", &origin[7..]),      // scheme-relative
            _ => return None,
        };
        Some(Reply::redirect(301, &location))
    });
    let codes = ["BR", "JP", "US", "CN", "IN"];
    let run = download(bin, hostile.base_url(), &[&["-v"][..], &codes].concat());
    assert_eq!(run.accounted(5), [5, 0, 0, 0], "{}", run.text());
    for cc in codes {
        let saved = &run.files()[&format!("{cc}.gif")];
        let served = flags_server::flag_gif(cc).expect("a country");
        assert!(saved == served.as_ref(), "{cc}.gif is not {cc}'s flag");
    }
}

pub fn a_redirect_with_an_endless_body_is_never_read(bin: &str) {
    // Read to its end, the body would last until --timeout: every code an error. Not read, each
    // redirect leads at once to its flag.
    let hostile = redirecting(|cc, _| {
        let lower = cc.to_lowercase();
        Some(Reply::EndlessRedirect(format!(
            "/moved/{lower}/{lower}.gif"
        )))
    });
    let args = ["-v", "-m", "4", "--timeout", "20", "--max-size", "100000"];
    let codes = ["BR", "JP", "US", "CN", "IN", "ID", "PK", "NG"];
    let run = download(bin, hostile.base_url(), &[&args[..], &codes].concat());
    assert_eq!(run.accounted(8), [8, 0, 0, 0], "{}", run.text());
    assert_eq!(run.code(), Some(0));
}

/// Run `bin` with `args`, its stderr a pipe nobody reads (closed) or, on Linux, `/dev/full`.
fn run_with_bad_stderr(bin: &str, args: &[&str], full: bool) -> Output {
    let stderr = if full {
        Stdio::from(std::fs::File::create("/dev/full").expect("open /dev/full"))
    } else {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        Stdio::from(writer)
    };
    let child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start the downloader");
    finish(child)
}

pub fn a_closed_or_full_stderr_never_stops_a_run(bin: &str) {
    let server = server(Profile::Local, 0.0, 0.0, 1);
    // A device that is always full: Linux only. A closed pipe everywhere.
    let cases: &[bool] = if std::path::Path::new("/dev/full").exists() {
        &[false, true]
    } else {
        &[false]
    };
    for &full in cases {
        let run = |args: &[&str]| run_with_bad_stderr(bin, args, full);
        let report = |out: &Output| stdout(out).contains("2 flags downloaded.");
        let dest = tempdir();
        let ok = [
            "-v",
            "BR",
            "JP",
            "-s",
            server.base_url(),
            "--dest",
            path(&dest),
        ];
        // Nothing to warn about.
        let out = run(&ok);
        assert_eq!(out.status.code(), Some(0), "full: {full}: {}", stdout(&out));
        assert!(report(&out), "full: {full}: {}", stdout(&out));
        // A warning: the trace cannot be written. Exit 1, after the whole report.
        if full {
            let out = run(&[&ok[..], &["--trace", "/dev/full"]].concat());
            assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
            assert!(report(&out), "{}", stdout(&out));
        }
        // An error line: nothing listens. Exit 1.
        let unreachable = [
            "BR",
            "-s",
            "http://127.0.0.1:1/flags",
            "--dest",
            path(&dest),
        ];
        assert_eq!(run(&unreachable).status.code(), Some(1), "full: {full}");
        // Usage errors. Exit 2.
        for usage in [&["-m", "0"][..], &["BR", "--trace", "/"]] {
            assert_eq!(run(usage).status.code(), Some(2), "full: {full}: {usage:?}");
        }
    }
}

pub fn names_with_format_characters_show_what_they_are(bin: &str) {
    let hostile = Hostile::start(|path| {
        let (cc, file) = cc_and_file(path);
        let country = match cc.as_str() {
            "BR" => "Brazil\u{202E}fig.exe",
            "JP" => "Zero\u{200B}Width\u{2066}",
            _ => "Soft\u{00AD}Hyphen\u{FEFF}",
        };
        match (file.as_str(), cc.as_str()) {
            ("metadata.json", _) => Reply::metadata(&cc, country),
            (_, "US") => Reply::redirect(302, "file:///\u{202E}fig.exe"),
            _ => Reply::flag(&cc),
        }
    });
    let run = download(
        bin,
        hostile.base_url(),
        &["-v", "--metadata", "BR", "JP", "US"],
    );
    assert_eq!(run.counts(), [2, 0, 1, 0], "{}", run.text());
    let names: Vec<String> = run.files().into_keys().collect();
    assert_eq!(names, ["Brazil-fig.exe.gif", "Zero-Width-.gif"]);
    let out = run.stdout();
    let invisible = ['\u{202E}', '\u{200B}', '\u{2066}', '\u{00AD}', '\u{FEFF}'];
    assert!(!out.contains(invisible), "{out:?}");
    assert!(
        out.contains("US error: redirect refused: file:///\\u{202e}fig.exe"),
        "{out:?}"
    );
}

pub fn a_bad_trace_makes_no_dest_and_a_run_that_never_starts_keeps_the_old_trace(bin: &str) {
    let dir = tempdir();
    let dest = dir.path().join("flags");
    let dest = dest.to_str().expect("a UTF-8 path");
    // A usage error in --trace: exit 2, and --dest is not made.
    let no_dir = dir.path().join("no-such-dir").join("trace.jsonl");
    let args = [
        "BR",
        "--dest",
        dest,
        "--trace",
        no_dir.to_str().expect("UTF-8"),
    ];
    let out = run(bin, &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("error: cannot write --trace file"));
    assert!(!std::path::Path::new(dest).exists(), "--dest was made");
    // The server cannot be reached: an existing trace is kept as it was, a new one not made.
    let old = dir.path().join("old.jsonl");
    std::fs::write(&old, "the last run\n").expect("write a trace");
    let new = dir.path().join("new.jsonl");
    for trace in [&old, &new] {
        let trace = trace.to_str().expect("UTF-8");
        let args = [
            "BR",
            "-s",
            "http://127.0.0.1:1/flags",
            "--dest",
            dest,
            "--trace",
            trace,
        ];
        let out = run(bin, &args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
    assert_eq!(
        std::fs::read_to_string(&old).expect("read"),
        "the last run\n"
    );
    assert!(
        !new.exists(),
        "a trace was made for a run that never started"
    );
}

/// `sh -c 'ulimit -n LIMIT; exec "$0" "$@"'`: the downloader under a lower open-files limit.
fn under_open_files_limit(limit: u64) -> [String; 3] {
    let script = format!("ulimit -n {limit} && exec \"$0\" \"$@\"");
    ["sh".into(), "-c".into(), script]
}

/// Under `ulimit -n 128` with the built-in server, `-m 1000` is lowered with a note and every
/// code is counted: no mass timeouts. The limit is set by `sh` (Unix only; elsewhere nothing
/// to check).
pub fn a_low_open_files_limit_lowers_m_with_a_note(bin: &str) {
    if cfg!(not(unix)) {
        return;
    }
    let dest = tempdir();
    let [sh, c, script] = under_open_files_limit(128);
    let out = Command::new(sh)
        .args([c, script])
        .arg(bin)
        .args(["-e", "-m", "1000", "--timeout", "5", "--dest", path(&dest)])
        .stdin(Stdio::null())
        .output()
        .expect("run under sh");
    let (stdout, stderr) = (stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("194 flags downloaded."), "{stdout}");
    assert!(stdout.contains("482 not found."), "{stdout}");
    // flags-seq runs one at a time: nothing to lower. The others are told how many fit.
    let noted = stderr
        .strip_prefix("note: the open-files limit is 128: ")
        .and_then(|rest| rest.split_once(" requests at once (asked for 676)"));
    match noted {
        Some((fit, _)) => {
            let used = format!("{fit} concurrent connections will be used.");
            assert!(stdout.contains(&used), "{used}\n{stdout}{stderr}");
        }
        None => assert!(
            stdout.contains("1 connection will be used."),
            "{stdout}{stderr}"
        ),
    }
}

/// At every `ulimit -n` from 5 to 16, with a server of its own (`-s URL`), a downloader either
/// refuses at once in one line that names the limit it needs, or gets every code: never a panic,
/// never a code lost for want of a descriptor. Once it runs at a limit it runs at every higher
/// one, and it runs at the limit it named. (Unix only.)
pub fn scarce_descriptors_are_refused_in_one_line_or_enough_for_every_code(bin: &str) {
    if cfg!(not(unix)) {
        return;
    }
    let server = server(Profile::Local, 0.0, 0.0, 1);
    // What the last refusal asked for, and the lowest limit a run went ahead at.
    let (mut named, mut ran) = (None, None);
    for limit in 5..=16 {
        match run_under_open_files_limit(bin, server.base_url(), limit) {
            Some(asks) => {
                assert!(ran.is_none(), "ulimit -n {limit}: refused above a run");
                named = Some(asks);
            }
            None => {
                ran.get_or_insert(limit);
            }
        }
    }
    if let (None, Some(asks)) = (ran, named) {
        // Descriptors inherited from whatever started the tests leave less: the limit it named.
        let refused = run_under_open_files_limit(bin, server.base_url(), asks);
        assert_eq!(refused, None, "refused at the limit it asked for, {asks}");
    }
}

/// One run under `ulimit -n limit`: the limit it asked for when it refused (one line, nothing
/// on stdout), or None when it went ahead and got every code (a `note:` at most).
fn run_under_open_files_limit(bin: &str, base_url: &str, limit: u64) -> Option<u64> {
    let via = under_open_files_limit(limit);
    let via: Vec<&str> = via.iter().map(String::as_str).collect();
    let args = ["-m", "4", "BR", "JP", "XX", "ZZ"];
    let run = download_via(&via, bin, base_url, &args);
    let (out, err) = (run.stdout(), run.stderr());
    assert!(!err.contains("panicked"), "ulimit -n {limit}: {err}");
    if run.code() == Some(1) && err.starts_with("error: the open-files limit is ") {
        assert_eq!(err.lines().count(), 1, "ulimit -n {limit}: {err}");
        assert!(out.is_empty(), "ulimit -n {limit}: refused after {out}");
        let asks = err
            .split_once("raise it with `ulimit -n ")
            .and_then(|(_, rest)| rest.split_once('`'))
            .and_then(|(n, _)| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("ulimit -n {limit}: no limit named: {err}"));
        assert!(asks > limit, "ulimit -n {limit}: refused, asks for {asks}");
        return Some(asks);
    }
    assert_eq!(run.code(), Some(0), "ulimit -n {limit}: {}", run.text());
    let counts = run.accounted(4);
    assert_eq!(counts, [2, 2, 0, 0], "ulimit -n {limit}: {}", run.text());
    let notes = err.lines().all(|line| line.starts_with("note: "));
    assert!(notes, "ulimit -n {limit}: {err}");
    None
}

/// The start of a command that runs a script as `nobody` (`bash -c SCRIPT`, whose `ulimit` has
/// `-u`), when this process may: as root, with `setpriv`. Else why not.
fn as_nobody_with_few_threads() -> Result<[&'static str; 6], String> {
    let via = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "bash",
        "-c",
    ];
    let tried = Command::new(via[0])
        .args(&via[1..])
        .arg("ulimit -u 8 && exec true")
        .stdin(Stdio::null())
        .output();
    match tried {
        Ok(out) if out.status.success() => Ok(via),
        Ok(out) => Err(format!(
            "setpriv cannot run bash as nobody ({}), or this bash has no `ulimit -u`: {}",
            out.status,
            stderr(&out).trim()
        )),
        Err(err) => Err(format!("no setpriv here: {err}")),
    }
}

/// As a user with a process limit of 2, 3 or 4 threads (`ulimit -u`, which binds only a user that
/// is not root), a downloader gets every code, or says in one `error:` line what it could not
/// start (its runtime's thread, its pool): never a panic. Ctrl-C's thread that cannot be had is
/// one `warning:` line, and the run goes on. Skipped, with the reason, where privileges cannot
/// be dropped (not root, no `setpriv`: macOS, Windows).
pub fn scarce_threads_never_panic(bin: &str) {
    let via = match as_nobody_with_few_threads() {
        Ok(via) => via,
        Err(why) => {
            eprintln!("scarce_threads_never_panic: skipped: {why}");
            return;
        }
    };
    let server = server(Profile::Local, 0.0, 0.0, 1);
    for threads in [2, 3, 4] {
        let script = format!("ulimit -u {threads} && exec \"$0\" \"$@\"");
        let via = [&via[..], &[script.as_str()]].concat();
        let args = ["-m", "4", "BR", "JP", "XX", "ZZ"];
        let run = download_via(&via, bin, server.base_url(), &args);
        let err = run.stderr();
        let case = format!("ulimit -u {threads}: {}", run.text());
        assert!(!err.contains("panicked"), "{case}");
        let (errors, others): (Vec<&str>, Vec<&str>) =
            err.lines().partition(|line| line.starts_with("error: "));
        assert!(
            others
                .iter()
                .all(|line| line.starts_with("warning: cannot catch Ctrl-C")
                    || line.starts_with("note: ")),
            "{case}"
        );
        if run.code() == Some(0) {
            assert!(errors.is_empty(), "{case}");
            assert_eq!(run.accounted(4), [2, 2, 0, 0], "{case}");
        } else {
            assert_eq!(run.code(), Some(1), "{case}");
            assert_eq!(errors.len(), 1, "{case}");
        }
    }
}

/// `-v` with stdout on a full device (`>/dev/full`) is not a closed pipe: one `error:` line on
/// stderr, the run goes on and saves its flags, exit status 1. (Linux: `/dev/full`.)
pub fn a_full_stdout_is_an_error_said_once_and_the_run_goes_on(bin: &str) {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // a device that is always full: Linux only
    };
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let dest = tempdir();
    let args = [
        "-v",
        "BR",
        "JP",
        "ZZ",
        "-s",
        server.base_url(),
        "--dest",
        path(&dest),
    ];
    let child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the downloader");
    let out = finish(child);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: cannot write to stdout: "), "{err}");
    assert_eq!(files(dest.path()).len(), 2, "{err}");
    assert_flags_whole(dest.path());
}

/// SIGTERM and SIGHUP stop a run as Ctrl-C does (no new request, a report of what finished),
/// with the shell's status for each: 128 + the signal, 143 and 129. (Unix only.)
pub fn sigterm_and_sighup_stop_the_run_with_128_plus_the_signal(bin: &str) {
    if cfg!(not(unix)) {
        return;
    }
    let server = server(Profile::Delay, 0.2, 0.0, 1);
    for (name, send, status) in [
        ("SIGTERM", Running::terminate as fn(&Running), 143),
        ("SIGHUP", Running::hang_up, 129),
    ] {
        let running = Running::start(bin, server.base_url(), &["-e", "-m", "2"]);
        running.wait_for_ends(2);
        send(&running);
        let run = running.finish();
        assert_eq!(run.code(), Some(status), "{name}: {}", run.text());
        let [_, _, _, skipped] = run.accounted(676);
        assert!(skipped > 0, "{name}: {}", run.text());
        assert!(run.summary().interrupted, "{name}");
        assert!(
            run.stdout().contains(" not attempted (interrupted)."),
            "{name}"
        );
    }
}

/// A `--trace` FIFO that nobody reads is a usage error at once (exit 2, one line, no `--dest`
/// made), not a start-up that waits for a reader; one that is read gets every line. (Unix only.)
pub fn a_trace_fifo_without_a_reader_is_refused_at_once(bin: &str) {
    #[cfg(unix)]
    {
        let server = server(Profile::Local, 0.0, 0.0, 1);
        let dir = tempdir();
        let fifo = dir.path().join("trace.fifo");
        crate::platform::make_fifo(&fifo).expect("make a FIFO");
        let fifo_arg = fifo.to_str().expect("a UTF-8 path");
        let dest = dir.path().join("flags");
        let dest_arg = dest.to_str().expect("a UTF-8 path");
        let args = [
            "BR",
            "-s",
            server.base_url(),
            "--dest",
            dest_arg,
            "--trace",
            fifo_arg,
        ];
        let started = Instant::now();
        let out = run(bin, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("a FIFO with no reader"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(30), "{err}");
        assert!(!dest.exists(), "--dest was made");
        // With a reader, the lines go through the FIFO.
        let mut reader = crate::platform::open_without_blocking(&fifo).expect("read the FIFO");
        let out = run(bin, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let mut lines = String::new();
        std::io::Read::read_to_string(&mut reader, &mut lines).expect("read the trace");
        let last = lines.lines().last().and_then(crate::TraceEvent::parse_line);
        assert!(
            matches!(last, Some(crate::TraceEvent::Summary(_))),
            "{lines}"
        );
    }
    #[cfg(not(unix))]
    let _ = bin;
}

/// When nothing answers at a label's book port, the built-in server is said in one line of at
/// most 100 columns: the book's address, and where the built-in flags are. Skipped, with the
/// reason, when a server answers at localhost:8000.
pub fn the_built_in_server_is_said_in_one_short_line(bin: &str) {
    let dest = tempdir();
    let out = run(bin, &["-s", "LOCAL", "-l", "1", "--dest", path(&dest)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    let Some(line) = said
        .lines()
        .find(|line| line.starts_with("Nothing answers"))
    else {
        eprintln!(
            "the_built_in_server_is_said_in_one_short_line: skipped: a server answers at localhost:8000"
        );
        return;
    };
    assert!(
        line.chars().count() <= 100,
        "{} columns: {line}",
        line.len()
    );
    assert!(
        line.starts_with("Nothing answers at localhost:8000: "),
        "{line}"
    );
    let url = line.rsplit(' ').next().unwrap_or("");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/flags"),
        "{line}"
    );
    assert!(said.contains(&format!("LOCAL site: {url}")), "{said}");
}
