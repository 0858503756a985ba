//! What the environment may do to xtask, met with one clear line or carried on: a stdout that
//! fails, a budget that runs out before a downloader has even started.

use std::process::{Command, Stdio};

fn race(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(["race", "--profile", "dev", "--delay", "0.01", "-m", "10"])
        .args(args)
        .stdin(Stdio::null());
    command
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error_with_its_reason() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = race(&["-l", "3"]).stdout(full).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot write to stdout: No space left on device"),
        "{stderr}"
    );
}

#[test]
fn a_budget_gone_before_the_start_still_gets_every_report() {
    let out = race(&["-l", "20", "--budget", "0.000001"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let table = &stdout[stdout.rfind("downloader ").expect("a table")..];
    // Each row has its counts: the SIGINT waited for each one's Ctrl-C handler.
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("flags-")).collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    for row in rows {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert!(cells[2].parse::<u64>().is_ok(), "{row}: {stdout}");
        assert!(!row.contains("exit"), "{row}");
    }
}

#[test]
fn an_out_that_cannot_take_the_reports_is_said_before_anything_runs() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("traces"), "a file where traces/ goes").unwrap();
    let compare = |out: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["compare", "--quick", "--profile", "dev", "--out"])
            .arg(out)
            .output()
            .unwrap()
    };
    let run = compare(out.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    let traces = out.path().join("traces").display().to_string();
    assert!(
        stderr.contains(&format!("{traces} is not a directory")),
        "{stderr}"
    );
    // Said before the build: cargo was never asked.
    assert!(!stderr.contains("Building"), "{stderr}");

    std::fs::remove_file(out.path().join("traces")).unwrap();
    std::fs::create_dir(out.path().join("report.json")).unwrap();
    let run = compare(out.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("report.json is not a plain file"),
        "{stderr}"
    );
}
