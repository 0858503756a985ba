//! A directory of one run's own (a session's downloads, a race's traces and flags, a check's
//! runs): made new under a name nobody else has, locked while its run lives, removed when the
//! run ends. So two runs at once never share a path, and a run killed outright (SIGKILL, whose
//! directory stays) leaves nothing the next one trips on: when a run starts, it removes the
//! directories of ours whose lock nobody holds, as the downloaders clean up their own
//! temporary files. Nothing else is touched: only directories of our prefix holding our lock
//! file, never through a link.

use std::fs::File;
use std::path::Path;

use anyhow::Context;
use tempfile::TempDir;

/// The names of ours: `xtask-<what>-<random>`.
const PREFIX: &str = "xtask-";
/// Held by the run that owns the directory, for as long as it runs.
const LOCK: &str = ".owner.lock";

/// A directory owned by this run: removed when dropped.
pub struct Owned {
    dir: TempDir,
    /// Open and locked while the run lives; the OS releases it when the process dies.
    _lock: File,
}

impl Owned {
    /// A new directory `xtask-<what>-...` in `parent`, after removing the leftovers there.
    pub fn new_in(parent: &Path, what: &str) -> anyhow::Result<Owned> {
        remove_leftovers(parent);
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{what}-"))
            .tempdir_in(parent)
            .with_context(|| format!("cannot make a directory in {}", parent.display()))?;
        let lock = File::create(dir.path().join(LOCK))
            .with_context(|| format!("cannot lock {}", dir.path().display()))?;
        lock.try_lock()
            .with_context(|| format!("cannot lock {}", dir.path().display()))?;
        Ok(Owned { dir, _lock: lock })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Remove the directories of ours in `parent` whose owner is gone: their lock is free.
pub fn remove_leftovers(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let ours = entry.file_name().to_string_lossy().starts_with(PREFIX);
        // `file_type` does not follow a link: a link named like ours is left alone.
        let a_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if ours && a_dir && owner_gone(&entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether the lock file in `dir` is there and nobody holds it. A directory without one is
/// being made, or is not ours: left alone.
fn owner_gone(dir: &Path) -> bool {
    let lock = dir.join(LOCK);
    let a_file = std::fs::symlink_metadata(&lock).is_ok_and(|m| m.is_file());
    a_file && File::open(&lock).is_ok_and(|file| file.try_lock().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dir_is_removed_once_its_owner_is_gone_and_others_are_left_alone() {
        let parent = tempfile::tempdir().unwrap();
        let alive = Owned::new_in(parent.path(), "race").unwrap();
        // A run that died: its lock file, unlocked.
        let dead = parent.path().join("xtask-race-dead");
        std::fs::create_dir(&dead).unwrap();
        File::create(dead.join(LOCK)).unwrap();
        // Not ours, or being made: no lock file.
        let other = parent.path().join("xtask-race-nolock");
        std::fs::create_dir(&other).unwrap();
        let theirs = parent.path().join("someone-else");
        std::fs::create_dir(&theirs).unwrap();
        File::create(theirs.join(LOCK)).unwrap();

        let next = Owned::new_in(parent.path(), "race").unwrap();
        assert!(!dead.exists(), "the dead run's directory is removed");
        assert!(alive.path().is_dir() && next.path().is_dir());
        assert!(other.is_dir() && theirs.is_dir(), "what is not ours stays");
        let alive_path = alive.path().to_path_buf();
        drop(alive);
        assert!(!alive_path.exists(), "removed when its run ends");
    }
}
