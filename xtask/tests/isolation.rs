//! Runs of xtask that cannot touch each other, and leave nothing behind: two races or two
//! compares at once each report their own counts; two compares into one `--out` are refused;
//! a race or a compare killed outright (SIGKILL) takes its servers and downloaders with it,
//! and the next run removes what it left. Linux: the children die with their parent there
//! (`PR_SET_PDEATHSIG`), and `/proc` shows who they are.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn xtask(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).stdin(Stdio::null());
    command
}

fn started(args: &[&str]) -> Child {
    xtask(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The race table's rows: package, then OK, not found, errors, not attempted.
fn race_rows(out: &Output) -> Vec<(String, [u64; 4])> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let table = &stdout[stdout.rfind("downloader ").expect("a table")..];
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let n = |i: usize| cells.get(i)?.parse::<u64>().ok();
            Some((cells.first()?.to_string(), [n(2)?, n(3)?, n(4)?, n(5)?]))
        })
        .collect()
}

#[test]
fn two_races_at_once_each_report_their_own_counts() {
    let common = ["race", "--profile", "dev", "--budget", "30", "-m", "10"];
    // -a has no 404; -e -l 30 has some.
    let first = started(&[&common[..], &["--delay", "0.05", "-a", "-l", "20"]].concat());
    std::thread::sleep(Duration::from_millis(500));
    let second = started(&[&common[..], &["--delay", "0.1", "-l", "30"]].concat());
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    for (out, codes, none_missing) in [(&first, 20, true), (&second, 30, false)] {
        assert!(out.status.success(), "{}", text(out));
        let rows = race_rows(out);
        assert_eq!(rows.len(), 3, "{}", text(out));
        for (package, [ok, not_found, errors, not_attempted]) in rows {
            assert_eq!(
                ok + not_found + errors + not_attempted,
                codes,
                "{package}: {}",
                text(out)
            );
            if none_missing {
                assert_eq!(not_found, 0, "{package}: -a has no 404: {}", text(out));
            }
        }
    }
}

/// `args` as the `&str`s `started` and `xtask` take.
fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn two_compares_at_once_each_report_their_own_counts_and_one_out_is_refused() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let args = |out: &Path, limit: &str| -> Vec<String> {
        let fixed = [
            "compare",
            "--profile",
            "dev",
            "--scenario",
            "local,delay",
            "--delay",
            "0.05",
            "--impl",
            "seq,tokio",
            "--repeat",
            "1",
            "--budget",
            "5",
            "--limit",
            limit,
            "--out",
        ];
        let mut args: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
        args.push(out.display().to_string());
        args
    };
    let (first_args, second_args) = (args(a.path(), "40"), args(b.path(), "25"));
    let first = started(&strs(&first_args));
    // Its --out is locked once its lock file is there (made, then locked at once).
    let deadline = Instant::now() + Duration::from_secs(60);
    while !a.path().join(".xtask.lock").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    // The same --out as the first, while it runs: refused in one line.
    let same = xtask(&strs(&first_args)).output().unwrap();
    let second = started(&strs(&second_args));
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    assert_eq!(same.status.code(), Some(2), "{}", text(&same));
    assert!(
        String::from_utf8_lossy(&same.stderr)
            .contains("is the --out of another compare or sweep still running"),
        "{}",
        text(&same)
    );
    for (out, dir, codes) in [(&first, &a, 40), (&second, &b, 25)] {
        assert!(out.status.success(), "{}", text(out));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
                .unwrap();
        for row in json["rows"].as_array().unwrap() {
            let m = &row["median"];
            let n = |key: &str| m[key].as_u64().unwrap();
            assert_eq!(n("asked"), codes, "{row}");
            assert_eq!(
                n("ok") + n("not_found") + n("errors") + n("not_attempted"),
                codes
            );
        }
    }
}

/// The processes whose parent is `pid` now.
fn children_of(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
        let after = &stat[stat.rfind(')').map_or(0, |i| i + 1)..];
        let ppid = after
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            found.push(child);
        }
    }
    found
}

/// Whether `pid` still runs (a zombie no longer does).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let after = &stat[stat.rfind(')').map_or(0, |i| i + 1)..];
        !matches!(after.split_whitespace().next(), Some("Z" | "X"))
    })
}

/// Start xtask with `args`, wait until it has `at_least` children, SIGKILL it: its children,
/// which must all be gone 2 s later.
fn kill_with_children(args: &[&str], at_least: usize) -> Vec<u32> {
    let mut xtask = started(args);
    let pid = xtask.id();
    let deadline = Instant::now() + Duration::from_secs(120);
    let children = loop {
        let children = children_of(pid);
        if children.len() >= at_least {
            // A moment more: the last one started has set itself up.
            std::thread::sleep(Duration::from_millis(300));
            break children_of(pid);
        }
        assert!(Instant::now() < deadline, "{args:?}: no children");
        assert!(xtask.try_wait().unwrap().is_none(), "{args:?} ended early");
        std::thread::sleep(Duration::from_millis(20));
    };
    xtask.kill().unwrap(); // SIGKILL: no handler runs
    xtask.wait().unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let alive: Vec<u32> = children.iter().copied().filter(|&c| running(c)).collect();
    assert!(
        alive.is_empty(),
        "{args:?}: still running 2 s after: {alive:?}"
    );
    children
}

/// The directories named `xtask-<what>-*` in `dir`.
fn ours(dir: &Path, what: &str) -> Vec<PathBuf> {
    let prefix = format!("xtask-{what}-");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

fn race_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), |t| root.join(t));
    target.join("race")
}

#[test]
fn a_race_killed_outright_takes_its_children_and_the_next_cleans_up() {
    let before = ours(&race_dir(), "race");
    let args = [
        "race",
        "--profile",
        "dev",
        "--delay",
        "0.5",
        "-l",
        "100",
        "-m",
        "10",
        "--budget",
        "60",
    ];
    // The server and three downloaders.
    kill_with_children(&args, 4);
    let left: Vec<PathBuf> = ours(&race_dir(), "race")
        .into_iter()
        .filter(|d| !before.contains(d))
        .collect();
    assert_eq!(left.len(), 1, "the killed race's directory stays: {left:?}");
    let next = xtask(&["race", "--profile", "dev", "--delay", "0.01", "-l", "3"])
        .output()
        .unwrap();
    assert!(next.status.success(), "{}", text(&next));
    assert!(
        !left[0].exists(),
        "the next race removed {}",
        left[0].display()
    );
}

#[test]
fn a_compare_killed_outright_takes_its_children_and_the_next_cleans_up() {
    let shm = Path::new("/dev/shm");
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().display().to_string();
    let before = ours(shm, "downloads");
    let args = [
        "compare",
        "--profile",
        "dev",
        "--scenario",
        "delay",
        "--impl",
        "seq",
        "--repeat",
        "1",
        "--budget",
        "60",
        "--limit",
        "100",
        "--out",
        &out_arg,
    ];
    // The server and the downloader.
    kill_with_children(&args, 2);
    let left: Vec<PathBuf> = ours(shm, "downloads")
        .into_iter()
        .filter(|d| !before.contains(d))
        .collect();
    let next_args = [
        "compare",
        "--profile",
        "dev",
        "--scenario",
        "local",
        "--impl",
        "seq",
        "--repeat",
        "1",
        "--limit",
        "3",
        "--out",
        &out_arg,
    ];
    let next = xtask(&next_args).output().unwrap();
    assert!(
        next.status.success(),
        "the next run starts clean: {}",
        text(&next)
    );
    for dir in left {
        assert!(!dir.exists(), "the next compare removed {}", dir.display());
    }
}
