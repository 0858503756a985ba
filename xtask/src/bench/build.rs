//! The binaries to measure: built with `$CARGO build` (their paths read from cargo's JSON
//! messages), or taken from `--bin-dir`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use serde::Deserialize;

use super::downloader::Impl;
use super::options::BuildProfile;

/// The server's package and binary.
const SERVER: &str = "flags-server";

/// The library floor (`bench::floor`): an example of flags-common, built beside the
/// downloaders with the features they turn on there.
const LIBRARY_FLOOR: Example = Example {
    package: "flags-common",
    name: "library_floor",
};

/// An example to build, and the package it is in.
#[derive(Clone, Copy)]
struct Example {
    package: &'static str,
    name: &'static str,
}

/// Each binary's path: the downloaders', by downloader, the server's, and the library floor's
/// (None when `--bin-dir` has none).
#[derive(Debug, Default)]
pub struct Bins {
    downloaders: HashMap<Impl, PathBuf>,
    pub server: PathBuf,
    pub library_floor: Option<PathBuf>,
}

impl Bins {
    /// The binary of `implementation` (every one is built or found, or `binaries` failed).
    pub fn downloader(&self, implementation: Impl) -> &Path {
        self.downloaders
            .get(&implementation)
            .map_or(Path::new(implementation.package()), PathBuf::as_path)
    }

    /// Where a downloader's (Some) or the server's (None) binary is.
    fn set(&mut self, which: Option<Impl>, path: PathBuf) {
        match which {
            Some(implementation) => {
                self.downloaders.insert(implementation, path);
            }
            None => self.server = path,
        }
    }
}

/// Every binary: the downloaders, then the server, with its package name.
fn packages() -> impl Iterator<Item = (Option<Impl>, &'static str)> {
    let downloaders = Impl::all().map(|i| (Some(i), i.package()));
    downloaders.chain([(None, SERVER)])
}

pub fn binaries(bin_dir: Option<&Path>, profile: BuildProfile) -> anyhow::Result<Bins> {
    match bin_dir {
        Some(dir) => locate(dir),
        None => build(&crate::util::workspace_root(), profile),
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
    let mut bins = Bins::default();
    for (which, name) in packages() {
        let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        if !path.is_file() {
            bail!("--bin-dir {}: no {name} there", dir.display());
        }
        bins.set(which, path);
    }
    // Where cargo puts a package's examples, beside its binaries.
    let example = dir.join("examples").join(format!(
        "{}{}",
        LIBRARY_FLOOR.name,
        std::env::consts::EXE_SUFFIX
    ));
    bins.library_floor = example.is_file().then_some(example);
    Ok(bins)
}

/// The variables cargo sets for a package's own binary or test (`CARGO_PKG_NAME`,
/// `CARGO_MANIFEST_DIR`...), not those that configure cargo (`CARGO_HOME`, `CARGO_TARGET_DIR`).
fn is_package_variable(name: &str) -> bool {
    const SET_FOR_A_PACKAGE: [&str; 6] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
    ];
    name.starts_with("CARGO_PKG_") || SET_FOR_A_PACKAGE.contains(&name)
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

/// `$CARGO build [--release] -p ...` of this project's downloaders, the server and the library
/// floor.
fn build(root: &Path, profile: BuildProfile) -> anyhow::Result<Bins> {
    let names: Vec<&str> = packages().map(|(_, name)| name).collect();
    let mut built = cargo_build(root, profile, &names, Some(LIBRARY_FLOOR))?;
    let mut bins = Bins {
        library_floor: built.pop(),
        ..Bins::default()
    };
    for ((which, _), exe) in packages().zip(built) {
        bins.set(which, exe);
    }
    Ok(bins)
}

/// Other packages of the workspace (a student's, the server): their binaries' paths, in the
/// order of `names`, each named as its package; built, or taken from `bin_dir`.
pub fn package_binaries(
    bin_dir: Option<&Path>,
    profile: BuildProfile,
    names: &[&str],
) -> anyhow::Result<Vec<PathBuf>> {
    let Some(dir) = bin_dir else {
        return cargo_build(&crate::util::workspace_root(), profile, names, None);
    };
    names
        .iter()
        .map(|name| {
            let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
            if path.is_file() {
                Ok(path)
            } else {
                bail!("--bin-dir {}: no {name} there", dir.display())
            }
        })
        .collect()
}

/// `$CARGO build [--release] -p ...`, reading the binaries' paths from cargo's JSON messages,
/// in the order of `names`, then `example`'s.
fn cargo_build(
    root: &Path,
    profile: BuildProfile,
    names: &[&str],
    example: Option<Example>,
) -> anyhow::Result<Vec<PathBuf>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .arg("build")
        .arg("--message-format=json-render-diagnostics");
    // `cargo run` (and `cargo test`) gave this process xtask's own package variables. Build
    // scripts that watch one of them (ring's watches CARGO_MANIFEST_DIR) would see it change
    // against a plain `cargo build` and rebuild: the build runs without them.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if is_package_variable(&name) {
            command.env_remove(name.as_ref());
        }
    }
    if profile == BuildProfile::Release {
        command.arg("--release");
    }
    for name in names {
        command.args(["-p", name]);
    }
    if let Some(example) = example {
        // Naming a target builds only what is named: the binaries too, then.
        command.args(["-p", example.package, "--bins", "--example", example.name]);
    }
    // The downloaders and the server are said in a few words: the line fits a projector.
    let all: Vec<&str> = packages().map(|(_, name)| name).collect();
    let what = if names == all.as_slice() {
        format!("the downloaders and {SERVER}")
    } else {
        names.join(", ")
    };
    crate::util::warn(&format!("Building {what} ({})...", profile.name()));
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot run cargo")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let targets: Vec<&str> = names
        .iter()
        .copied()
        .chain(example.map(|e| e.name))
        .collect();
    let mut found: Vec<Option<PathBuf>> = vec![None; targets.len()];
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
        if let Some(slot) = targets.iter().position(|name| *name == target.name) {
            found[slot] = Some(exe);
        }
    }
    if !child.wait()?.success() {
        bail!("cargo build failed");
    }
    targets
        .iter()
        .zip(found)
        .map(|(name, exe)| exe.with_context(|| format!("cargo build reported no {name} binary")))
        .collect()
}
