//! Where the runs save their flags: a new directory, removed with the session, in memory where
//! the OS has a place for it (`/dev/shm`), else under the reports, or in `--downloads DIR`.
//!
//! In memory, the disk's own swings stay out of the figures: on our test machine (ext4 without
//! a journal, which passes over the inodes freed in the last minutes when it creates files),
//! the same 194 writes took from 4 to 100 ms from one minute to the next. There, each run's
//! directory is removed as soon as the run is measured, so that a session needs no more memory
//! than one run's flags (a container may give `/dev/shm` only 64 MiB). On a disk, the runs'
//! directories stay until the session ends: files removed just before a run would slow it.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::owned::Owned;
use super::platform;

/// The session's downloads directory.
pub struct Downloads {
    dir: Owned,
    in_memory: bool,
}

impl Downloads {
    /// A new directory in `asked`, else in memory, else (or when memory refuses) in `out`.
    pub fn new(asked: Option<&Path>, out: &Path) -> anyhow::Result<Downloads> {
        if let Some(dir) = asked {
            let dir = new_dir(dir)?;
            return Ok(Downloads {
                dir,
                in_memory: false,
            });
        }
        // Memory that refuses (full, read-only) is no reason to stop: the reports' directory serves.
        if let Some(dir) = platform::memory_dir().and_then(|memory| new_dir(&memory).ok()) {
            return Ok(Downloads {
                dir,
                in_memory: true,
            });
        }
        let dir = new_dir(out)?;
        Ok(Downloads {
            dir,
            in_memory: false,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A new directory for one run, `name`.
    pub fn for_run(&self, name: &str) -> anyhow::Result<RunDir> {
        let path = self.path().join(name);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(RunDir {
            path,
            remove: self.in_memory,
        })
    }
}

/// A new directory of ours in `root`, under a name nobody else has, locked while we run.
fn new_dir(root: &Path) -> anyhow::Result<Owned> {
    Owned::new_in(root, "downloads")
}

/// One run's directory: removed when dropped if the downloads are in memory.
pub struct RunDir {
    path: PathBuf,
    remove: bool,
}

impl RunDir {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if self.remove {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
