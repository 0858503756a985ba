//! `cargo xtask sweep` with tiny settings (dev build, 12 codes, two levels): the shape of
//! sweep.json, sweep.svg and its section of report.html. Figures are not checked: they are
//! measured, not asserted.

use std::process::Command;

mod common;

use common::{json, xtask};

#[test]
fn sweep_writes_rows_in_the_report_shape_and_the_headline() {
    let out = tempfile::tempdir().unwrap();
    let args = [
        "sweep",
        "--quick",
        "--profile",
        "dev",
        "-m",
        "1,4",
        "--limit",
        "12",
        "--delay",
        "0.05..0.1",
        "--budget",
        "2",
    ];
    let output = xtask(&args, out.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("--quick: 12 codes"), "{stderr}");
    assert!(
        stdout.contains("Rust: a thread in flight costs ") && stdout.contains(", a task "),
        "{stdout}"
    );
    if cfg!(target_os = "linux") {
        let joined = stdout.replace("\n  ", " ");
        assert!(
            joined.contains("Rust, by part: a thread holds stack "),
            "{stdout}"
        );
        assert!(joined.contains("; a task holds stack "), "{stdout}");
    }

    let json = json(out.path(), "sweep.json");
    assert_eq!(json["levels"], serde_json::json!([1, 4]));
    assert_eq!(json["settings"]["limit"], 12);
    let rows = json["rows"].as_array().unwrap();
    let runs: Vec<(&str, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["downloader"].as_str().unwrap(),
                r["concurrency"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        runs,
        [
            ("flags-seq", 1),
            ("flags-threadpool", 1),
            ("flags-threadpool", 4),
            ("flags-tokio", 1),
            ("flags-tokio", 4),
            ("flags-combinators", 1),
            ("flags-combinators", 4)
        ]
    );
    for row in rows {
        assert_eq!(row["scenario"], "DELAY");
        // The same shape as report.json's rows: the median and each repeat.
        for m in row["repeats"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&row["median"]])
        {
            assert!(m["peak_rss_kib"].as_u64().unwrap() > 0, "{row}");
            assert!(m["threads_peak"].as_u64().unwrap() > 0, "{row}");
            assert!(m["in_flight_peak"].as_u64().is_some(), "{row}");
            // The stacks, read while it ran (procfs).
            if cfg!(target_os = "linux") {
                assert!(m["stacks_kib"].as_u64().unwrap() > 0, "{row}");
                assert!(m["kernel_stacks_kib"].as_u64().is_some(), "{row}");
            }
        }
    }
    let costs = json["per_request"].as_array().unwrap();
    let names: Vec<&str> = costs
        .iter()
        .map(|c| c["downloader"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["flags-threadpool", "flags-tokio", "flags-combinators"]
    );
    for c in costs {
        assert!(c["kib_per_request"].as_f64().is_some(), "{c}");
        if cfg!(target_os = "linux") {
            // By part: the buffers as allocated (8 KiB each way), the others measured.
            let parts = &c["parts"];
            assert_eq!(parts["buffers_kib"].as_f64(), Some(16.0), "{c}");
            for part in ["stack_kib", "rest_kib", "kernel_stack_kib"] {
                assert!(parts[part].as_f64().is_some(), "{part}: {c}");
            }
        }
        assert_eq!(
            (c["from_m"].as_u64(), c["to_m"].as_u64()),
            (Some(1), Some(4))
        );
    }

    let svg = std::fs::read_to_string(out.path().join("sweep.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    common::assert_readable_svg("sweep.svg", &svg);
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(html.contains("Sweep: the cost of concurrency"), "{html}");
    assert!(html.contains("a thread in flight costs "));
}

#[test]
fn a_level_of_zero_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sweep", "-m", "0,10"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
