//! The binaries to measure: built with `$CARGO build` (their paths read from cargo's JSON
//! messages), or taken from `--bin-dir`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use serde::Deserialize;

use super::cli::BuildProfile;

pub const BINARIES: [&str; 4] = [
    "flags-seq",
    "flags-threadpool",
    "flags-tokio",
    "flags-server",
];

/// Each binary's path, by package name.
pub type Bins = BTreeMap<&'static str, PathBuf>;

pub fn binaries(bin_dir: Option<&Path>, profile: BuildProfile) -> anyhow::Result<Bins> {
    match bin_dir {
        Some(dir) => locate(dir),
        None => build(&crate::workspace_root(), profile),
    }
}

/// Where cargo puts its builds: CARGO_TARGET_DIR, else `<workspace>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

fn locate(dir: &Path) -> anyhow::Result<Bins> {
    let mut bins = BTreeMap::new();
    for name in BINARIES {
        let path = dir.join(name);
        if !path.is_file() {
            bail!("--bin-dir {}: no {name} there", dir.display());
        }
        bins.insert(name, path);
    }
    Ok(bins)
}

/// The part of one cargo JSON message this needs.
#[derive(Deserialize)]
struct Message {
    reason: String,
    target: Option<Target>,
    executable: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

/// `$CARGO build [--release] -p ...`, reading the binaries' paths from cargo's JSON messages.
fn build(root: &Path, profile: BuildProfile) -> anyhow::Result<Bins> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .arg("build")
        .arg("--message-format=json-render-diagnostics");
    if profile == BuildProfile::Release {
        command.arg("--release");
    }
    for name in BINARIES {
        command.args(["-p", name]);
    }
    eprintln!(
        "Building {} ({} profile)...",
        BINARIES.join(", "),
        profile.name()
    );
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot run cargo")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut bins = BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let Ok(message) = serde_json::from_str::<Message>(&line?) else {
            continue;
        };
        let (Some(target), Some(exe)) = (message.target, message.executable) else {
            continue;
        };
        if message.reason != "compiler-artifact" {
            continue;
        }
        if let Some(known) = BINARIES.iter().find(|b| **b == target.name) {
            bins.insert(*known, exe);
        }
    }
    if !child.wait()?.success() {
        bail!("cargo build failed");
    }
    for name in BINARIES {
        if !bins.contains_key(name) {
            bail!("cargo build reported no {name} binary");
        }
    }
    Ok(bins)
}
