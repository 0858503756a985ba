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

/// `cargo xtask ARGS --out OUT`, which must succeed: its stdout and its stderr.
pub fn xtask_ok_both(args: &[&str], out: &Path) -> (String, String) {
    let output = xtask(args, out);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
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

/// An SVG chart read from the back of a room: no text under 16 px as the SVG says it, and no
/// fill under 3:1 contrast against white (WCAG's rule for graphics); the white background that
/// covers the whole chart aside.
pub fn assert_readable_svg(name: &str, svg: &str) {
    let attr = |tag: &str, key: &str| -> Option<String> {
        let at = tag.find(&format!(" {key}=\""))? + key.len() + 3;
        Some(tag[at..].split('"').next()?.to_string())
    };
    let head = svg.lines().next().unwrap_or_default();
    let size = (attr(head, "width"), attr(head, "height"));
    let mut fonts = 0;
    for tag in svg.split('<').filter(|t| !t.starts_with('/')) {
        if let Some(px) = attr(tag, "font-size") {
            let px: f64 = px.parse().unwrap();
            assert!(px >= 16.0, "{name}: font-size {px} in <{tag}");
            fonts += 1;
        }
        let Some(fill) = attr(tag, "fill") else {
            continue;
        };
        let background = tag.starts_with("rect ")
            && attr(tag, "x").as_deref() == Some("0")
            && attr(tag, "y").as_deref() == Some("0")
            && (attr(tag, "width"), attr(tag, "height")) == size;
        if fill == "none" || background {
            continue;
        }
        let ratio = contrast_with_white(&fill);
        assert!(
            ratio >= 3.0,
            "{name}: fill {fill} is {ratio:.2}:1 in <{tag}"
        );
    }
    assert!(fonts > 0, "{name}: no text");
}

/// WCAG's contrast ratio of `#RRGGBB` against white.
pub fn contrast_with_white(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    assert_eq!(hex.len(), 6, "a colour: {hex}");
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    1.05 / (luminance + 0.05)
}

/// How the tests get the workspace's programs: from the directory `cargo test --workspace` has
/// just built them into, xtask's own (`--bin-dir`), when `names` are all there; else built by
/// xtask in the dev profile. A build by xtask would make them again with other features than
/// the tests' build gave them: seconds each, on every run.
pub fn programs(names: &[&str]) -> Vec<String> {
    let dir = Path::new(env!("CARGO_BIN_EXE_xtask"))
        .parent()
        .expect("xtask's directory");
    let exe = |name: &str| dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if names.iter().all(|name| exe(name).is_file()) {
        vec!["--bin-dir".into(), dir.display().to_string()]
    } else {
        vec!["--profile".into(), "dev".into()]
    }
}
