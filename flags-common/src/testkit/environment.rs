//! What the environment or a hostile server may do to a downloader, met without a panic, a hang
//! or a lie, the same way by all three: every form of redirect, a redirect with an endless body,
//! a closed or full stderr, names with invisible format characters, a `--trace` that cannot be
//! written or a run that never starts.

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

/// Under `ulimit -n 128` with the built-in server, `-m 1000` is lowered with a note and every
/// code is counted: no mass timeouts. The limit is set by `sh` (Unix only; elsewhere nothing
/// to check).
pub fn a_low_open_files_limit_lowers_m_with_a_note(bin: &str) {
    if cfg!(not(unix)) {
        return;
    }
    let dest = tempdir();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 128 && exec \"$0\" \"$@\"")
        .arg(bin)
        .args(["-e", "-m", "1000", "--timeout", "5", "--dest", path(&dest)])
        .stdin(Stdio::null())
        .output()
        .expect("run under sh");
    let (stdout, stderr) = (stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("194 flags downloaded."), "{stdout}");
    assert!(stdout.contains("482 not found."), "{stdout}");
    // flags-seq runs one at a time: nothing to lower.
    let lowered = stdout.contains("16 concurrent connections");
    let noted = stderr.contains("note: the open-files limit is 128: 16 requests at once");
    assert_eq!(lowered, noted, "{stdout}{stderr}");
}
