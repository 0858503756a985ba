//! `cargo xtask compare --quick` end to end, against its own servers on free ports. The
//! downloaders are built in the dev profile (already built by `cargo test --workspace`).

use std::process::Command;

mod common;

/// The programs a compare runs: the library floor is an example of flags-common, which
/// `cargo test --workspace` builds too.
const PROGRAMS: [&str; 6] = [
    "flags-seq",
    "flags-threadpool",
    "flags-tokio",
    "flags-combinators",
    "flags-server",
    "examples/library_floor",
];

use common::{assert_adds_up, json, xtask_ok};

#[test]
fn quick_compare_writes_consistent_reports() {
    let out = tempfile::tempdir().unwrap();
    // Built by xtask, to see its build line too.
    let args = [
        "compare",
        "--quick",
        "--profile",
        "dev",
        "--budget",
        "2",
        "--limit",
        "30",
        "--repeat",
        "1",
    ];
    let (stdout, stderr) = common::xtask_ok_both(&args, out.path());

    let json = json(out.path(), "report.json");
    let rows = json["rows"].as_array().unwrap();
    for scenario in ["LOCAL", "DELAY", "ERROR"] {
        for downloader in [
            "flags-seq",
            "flags-threadpool",
            "flags-tokio",
            "flags-combinators",
        ] {
            let found = rows
                .iter()
                .filter(|r| r["scenario"] == scenario && r["downloader"] == downloader)
                .count();
            // The book's default and maximum, each at most the 30 codes, once: the pool's 30 and
            // 1000 are one run at -m 30; -m 1000 (and on LOCAL -m 100) runs as -m 30.
            let expected = match downloader {
                "flags-seq" | "flags-threadpool" => 1,
                _ => 2,
            };
            assert_eq!(found, expected, "{scenario} {downloader}");
        }
    }
    assert!(
        stdout.contains("-m 100 and -m 1000 run as -m 30: never more requests in flight than the 30 codes asked."),
        "{stdout}"
    );
    for row in rows {
        assert!(row["concurrency"].as_u64().unwrap() <= 30, "{row}");
        for m in row["repeats"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&row["median"]])
        {
            assert_adds_up(m, 30, row);
        }
    }
    // The sequential downloader cannot get through 30 delayed codes in 2 s: stopped by SIGINT.
    let seq_delay = rows
        .iter()
        .find(|r| r["scenario"] == "DELAY" && r["downloader"] == "flags-seq")
        .unwrap();
    assert_eq!(seq_delay["median"]["budget_hit"], true);
    assert!(seq_delay["median"]["not_attempted"].as_u64().unwrap() > 0);
    assert!(seq_delay["median"]["ideal_s"].as_f64().unwrap() > 0.0);

    for name in ["report.svg", "memory.svg", "timeline.svg"] {
        let svg = std::fs::read_to_string(out.path().join(name)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{name}"
        );
        common::assert_readable_svg(name, &svg);
    }
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    // Speed, memory and the timeline; the settings line and the column notes, as report.md.
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("<table>") && html.contains("flags-tokio"));
    assert!(
        html.contains("first 30") && html.contains("--quick"),
        "{html}"
    );
    assert!(html.contains("threads is the peak"), "{html}");
    assert!(
        stdout.contains("DELAY -e -l 30, delays 0.05..0.5 s: flags-seq"),
        "{stdout}"
    );
    // For a projector: nothing wider than 100 columns, the build's line included (cargo's
    // own lines, indented, name the checkout's paths).
    let ours = stdout
        .lines()
        .chain(stderr.lines().filter(|l| !l.starts_with(' ')));
    for line in ours {
        assert!(line.chars().count() <= 100, "{line}");
    }
    assert!(
        stderr.contains("Building the downloaders and flags-server (dev)..."),
        "{stderr}"
    );
    assert!(
        std::fs::read_to_string(out.path().join("report.md"))
            .unwrap()
            .contains("| DELAY | flags-seq |")
    );
}

#[test]
fn bad_compare_options_are_usage_errors() {
    let bad: [&[&str]; 8] = [
        &["compare", "--repeat", "0"],
        &["compare", "--downloads", "/nonexistent/flags"],
        &["compare", "--scenario", "remote"],
        // What a downloader would refuse is refused here, before anything is built.
        &["compare", "--timeout", "100000"],
        &["compare", "--timeout", "1e300"],
        &["compare", "--budget", "1e300"],
        &["sweep", "--budget", "nan"],
        &["race", "--budget", "1e300"],
    ];
    for args in bad {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("Building"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn local_rows_are_held_to_a_floor_measured_on_this_machine() {
    let out = tempfile::tempdir().unwrap();
    // The runs save into a directory of their own inside --downloads, removed at the end; what
    // was there before stays.
    let downloads = tempfile::tempdir().unwrap();
    std::fs::write(downloads.path().join("theirs.txt"), "not ours").unwrap();
    let downloads_arg = downloads.path().to_str().unwrap();
    let programs = common::programs(&PROGRAMS);
    let mut args = vec![
        "compare",
        "--downloads",
        downloads_arg,
        "--quick",
        "--scenario",
        "local,error",
        "--impl",
        "seq,tokio",
        "--budget",
        "2",
        "--limit",
        "20",
        "--repeat",
        "1",
    ];
    args.extend(programs.iter().map(String::as_str));
    let stdout = xtask_ok(&args, out.path());
    let left: Vec<_> = std::fs::read_dir(downloads.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["theirs.txt"]);
    let json = json(out.path(), "report.json");
    for row in json["rows"].as_array().unwrap() {
        let floor = &row["floor"];
        if row["scenario"] != "LOCAL" {
            assert!(floor.is_null(), "{row}");
            continue;
        }
        // Three parts, each measured; the request part at the row's concurrency, at most one
        // connection per code.
        for part in ["startup_s", "requests_s", "files_s"] {
            assert!(floor[part].as_f64().unwrap() > 0.0, "{part}: {row}");
        }
        let m = row["concurrency"].as_u64().unwrap();
        assert_eq!(floor["connections"].as_u64(), Some(m.min(20)), "{row}");
        // -l 20: twenty GETs, and a file for each flag the server has among them.
        assert_eq!(floor["files"], row["median"]["ok"], "{row}");
        assert!(floor["times"].as_f64().unwrap() > 0.0, "{row}");
        // The library's floor, run around each repeat: its time, and the row's against it.
        assert!(floor["library_s"].as_f64().unwrap() > 0.0, "{row}");
        assert!(floor["library_times"].as_f64().unwrap() > 0.0, "{row}");
    }
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(md.contains("| × floor | × library floor |"), "{md}");
    let local = md
        .lines()
        .find(|l| l.starts_with("| LOCAL | flags-tokio | 5 |"))
        .unwrap();
    let error = md
        .lines()
        .find(|l| l.starts_with("| ERROR | flags-tokio | 5 |"))
        .unwrap();
    assert!(local.contains("×"), "{local}");
    assert!(!error.contains("×"), "{error}");
    // The floor's parts and how it was measured, in report.md, report.html and the terminal.
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    // (The terminal breaks long headlines between words: joined back here.)
    for text in [&md, &html, &stdout.replace("\n  ", " ")] {
        assert!(
            text.contains("LOCAL floor, start-up + the longer of"),
            "{text}"
        );
        assert!(text.contains("20 keep-alive GETs"), "{text}");
        assert!(text.contains("Library floor, the same 20 GETs"), "{text}");
        assert!(text.contains("LOCAL × library floor"), "{text}");
    }
    assert!(md.contains("It leaves out") && html.contains("It leaves out"));
}
