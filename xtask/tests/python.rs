//! `--python DIR` with stand-ins for the book's scripts (written by this project: the book's
//! command line and report lines, the standard library only), so these tests need neither the
//! book's code nor httpx. The servers take three fixed ports (the book's 8000..8002, here a free
//! run of three given with the hidden `--python-port-base`).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{assert_adds_up, json};

const COMMON: &str = include_str!("standin/standin_common.py");
const SCRIPTS: [(&str, &str); 3] = [
    (
        "flags2_sequential.py",
        include_str!("standin/flags2_sequential.py"),
    ),
    (
        "flags2_threadpool.py",
        include_str!("standin/flags2_threadpool.py"),
    ),
    (
        "flags2_asyncio.py",
        include_str!("standin/flags2_asyncio.py"),
    ),
];

/// Three consecutive free ports, searched from a point that differs per test and per process.
fn free_ports(salt: u32) -> u16 {
    let start = 20_000 + (std::process::id() % 5_000 + salt * 5_000) * 3 % 40_000;
    (start..60_000)
        .step_by(3)
        .map(|p| p as u16)
        .find(|&base| (base..base + 3).all(|p| TcpListener::bind(("127.0.0.1", p)).is_ok()))
        .expect("three free ports")
}

fn write_standins(dir: &Path, base: u16) {
    let common = COMMON
        .replace("{PORT0}", &base.to_string())
        .replace("{PORT1}", &(base + 1).to_string())
        .replace("{PORT2}", &(base + 2).to_string());
    std::fs::write(dir.join("standin_common.py"), common).unwrap();
    for (name, text) in SCRIPTS {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// `cargo xtask ARGS --python DIR` with the servers from port `base` on.
fn xtask_python(args: &[&str], dir: &Path, base: u16, out: &Path) -> Output {
    let dir = dir.to_str().expect("a UTF-8 temporary path");
    let base = base.to_string();
    let all = [args, &["--python", dir, "--python-port-base", &base]].concat();
    common::xtask(&all, out)
}

fn has_python() -> bool {
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    Command::new(python)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn standins_fill_rows_of_their_own() {
    if !has_python() {
        eprintln!("skipped: no python3 on this machine");
        return;
    }
    let (dir, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let base = free_ports(0);
    write_standins(dir.path(), base);
    let output = xtask_python(
        &[
            "compare",
            "--quick",
            "--profile",
            "dev",
            "--scenario",
            "local,delay",
            "--limit",
            "12",
            "--budget",
            "2",
        ],
        dir.path(),
        base,
        out.path(),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = json(out.path(), "report.json");
    let rows = json["rows"].as_array().unwrap();
    for scenario in ["LOCAL", "DELAY"] {
        // Each book level at most the 12 codes, once: the pool's 30 and 1000 are one run at
        // -m 12; asyncio's 5 and 1000 are 5 and 12.
        for (script, runs) in [
            ("flags2_sequential.py", 1),
            ("flags2_threadpool.py", 1),
            ("flags2_asyncio.py", 2),
        ] {
            let of: Vec<_> = rows
                .iter()
                .filter(|r| r["scenario"] == scenario && r["downloader"] == script)
                .collect();
            assert_eq!(of.len(), runs, "{scenario} {script}");
            for row in of {
                assert_adds_up(&row["median"], 12, row);
            }
        }
    }
    // All 12 LOCAL codes come back, as from our own downloaders: 200 or 404, no errors.
    let local_seq = rows
        .iter()
        .find(|r| r["scenario"] == "LOCAL" && r["downloader"] == "flags2_sequential.py")
        .unwrap();
    let m = &local_seq["median"];
    assert_eq!(
        m["ok"].as_u64().unwrap() + m["not_found"].as_u64().unwrap(),
        12
    );
    assert!(stdout.contains("flags2_asyncio.py -m 12 "), "{stdout}");
}

#[test]
fn a_busy_port_is_named_before_anything_starts() {
    if !has_python() {
        eprintln!("skipped: no python3 on this machine");
        return;
    }
    let (dir, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let base = free_ports(1);
    write_standins(dir.path(), base);
    let _busy = TcpListener::bind(("127.0.0.1", base + 1)).unwrap();
    let output = xtask_python(&["compare", "--quick"], dir.path(), base, out.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("port {} is busy", base + 1)) && stderr.contains("DELAY"),
        "{stderr}"
    );
    assert!(!stderr.contains("Building"), "{stderr}");
    assert!(!out.path().join("report.json").exists());
}

#[test]
fn a_missing_interpreter_is_one_line_with_the_pip_install() {
    let (dir, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_standins(dir.path(), 8000);
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["sweep", "--quick", "--python"])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path())
        .env("PYTHON", dir.path().join("no-such-python"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: no Python interpreter")
            && stderr.contains("pip install httpx tqdm"),
        "{stderr}"
    );
}

#[test]
fn a_missing_module_is_one_line_with_the_pip_install() {
    if !has_python() {
        eprintln!("skipped: no python3 on this machine");
        return;
    }
    let (dir, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_standins(dir.path(), 8000);
    // As the book's scripts do on a machine without httpx.
    std::fs::write(
        dir.path().join("flags2_threadpool.py"),
        "import no_such_module_for_this_test\n",
    )
    .unwrap();
    let output = xtask_python(&["compare"], dir.path(), 8000, out.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no module no_such_module_for_this_test")
            && stderr.contains("pip install httpx tqdm"),
        "{stderr}"
    );
}

#[test]
fn a_directory_without_the_scripts_is_a_usage_error() {
    let (dir, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let output = xtask_python(&["compare"], dir.path(), 8000, out.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no flags2_sequential.py there"), "{stderr}");
}
