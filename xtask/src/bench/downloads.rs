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
use tempfile::TempDir;

use super::platform;

/// The session's downloads directory.
pub struct Downloads {
    dir: TempDir,
    in_memory: bool,
}

impl Downloads {
    /// A new directory in `asked`, else in memory, else in `out`.
    pub fn new(asked: Option<&Path>, out: &Path) -> anyhow::Result<Downloads> {
        let memory = asked.is_none().then(platform::memory_dir).flatten();
        let in_memory = memory.is_some();
        let root = asked
            .map(Path::to_path_buf)
            .or(memory)
            .unwrap_or_else(|| out.to_path_buf());
        let dir = tempfile::Builder::new()
            .prefix("xtask-downloads-")
            .tempdir_in(&root)
            .with_context(|| format!("cannot make a directory in {}", root.display()))?;
        Ok(Downloads { dir, in_memory })
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
