//! What the xtask tests share: running xtask into an output directory, reading its JSON, and
//! the check every row must pass.

#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// `cargo xtask ARGS --out OUT`, its output captured.
pub fn xtask(args: &[&str], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// `cargo xtask ARGS --out OUT`, which must succeed: its stdout.
pub fn xtask_ok(args: &[&str], out: &Path) -> String {
    let output = xtask(args, out);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A JSON file xtask wrote into `out`.
pub fn json(out: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join(name)).unwrap()).unwrap()
}

/// The figures `m` of `row` account for every one of `codes`: asked, and ended as OK, not
/// found, error or not attempted; and a peak RSS was measured.
pub fn assert_adds_up(m: &Value, codes: u64, row: &Value) {
    let n = |key: &str| m[key].as_u64().unwrap();
    assert_eq!(n("asked"), codes, "{row}");
    assert_eq!(
        n("ok") + n("not_found") + n("errors") + n("not_attempted"),
        codes,
        "{row}"
    );
    assert!(n("peak_rss_kib") > 0, "{row}");
}
