//! Saving a flag so that a file in the destination directory is always whole, never written
//! through a link someone planted there, and never overwritten by another flag of the same run.
//!
//! The bytes go to a new temporary file first, which is then renamed: a rename within one
//! directory is atomic, so a reader (or a crash, or Ctrl-C) never sees half a flag. The
//! temporary file is created exclusively (`create_new`: an existing path, a symlink included,
//! makes it fail rather than be opened) under a name no other process can guess:
//! `.flags-<pid>-<16 random hex digits>.partial`, and the run holds an advisory lock on it
//! (`File::try_lock`: `flock` on Unix, `LockFileEx` on Windows) until it is renamed. A run
//! killed between the two steps leaves only such a file, and the kernel drops its lock: the
//! next run removes the files whose lock it can take. That holds across PID namespaces and
//! shared volumes, where a pid says nothing; the pid stays in the name for people to read.

use std::collections::HashSet;
use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

/// Temporary files are named `.flags-<pid>-<16 hex digits>.partial`.
const PREFIX: &str = ".flags-";
const PARTIAL: &str = ".partial";

/// The longest stem kept from a country's name, in bytes: `<stem>_<CC>_<n>.gif` still fits the
/// 255-byte name limit of common file systems.
const MAX_STEM: usize = 230;

/// A leftover on a file system that cannot lock files is removed once it is this old.
const STALE: Duration = Duration::from_secs(24 * 3600);

/// Where a run saves its flags (`--dest`), and the file names the run has taken there. Clones
/// share the names: hand one to each thread or task.
#[derive(Clone, Debug)]
pub struct Dest {
    dir: PathBuf,
    /// The names taken, lower-cased (some file systems ignore case).
    taken: Arc<Mutex<HashSet<String>>>,
}

impl Dest {
    /// Save into `dir`, which `prepare_dest` has made.
    pub fn new(dir: impl Into<PathBuf>) -> Dest {
        Dest {
            dir: dir.into(),
            taken: Arc::default(),
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A file name for `name`, distinct from every name this run took, and the note `-v`
    /// prints when it is not the one asked for.
    fn claim(&self, cc: &str, name: &str) -> (String, Option<String>) {
        let stem = file_stem(name);
        let stem = shorten(&stem, MAX_STEM);
        let wanted = format!("{stem}.gif");
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        let candidates = std::iter::once(wanted.clone())
            .chain(std::iter::once(format!("{stem}_{cc}.gif")))
            .chain((2u32..).map(|n| format!("{stem}_{cc}_{n}.gif")));
        for candidate in candidates {
            if taken.insert(candidate.to_lowercase()) {
                let note = (candidate != wanted)
                    .then(|| format!("{wanted} was taken: saved as {candidate}"));
                return (candidate, note);
            }
        }
        unreachable!("an endless supply of candidate names")
    }
}

impl AsRef<Path> for Dest {
    fn as_ref(&self) -> &Path {
        &self.dir
    }
}

/// A flag on disk: where `save_flag` put it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The file's path.
    pub path: PathBuf,
    /// What `-v` says when the name asked for was taken: `Same.gif was taken: saved as Same_JP.gif`.
    pub note: Option<String>,
    /// The thread that wrote it (see `thread_tag`): `cargo xtask check` reads it in the
    /// `--trace` file, to tell a save on the event loop's thread from one handed off.
    pub(crate) saved_on: u64,
}

impl Saved {
    /// A flag the caller saved itself at `path`, on this thread: for a downloader that writes
    /// its files without `save_flag` (call it where the file was written).
    pub fn new(path: PathBuf) -> Saved {
        Saved {
            path,
            note: None,
            saved_on: crate::thread_tag::thread_tag(),
        }
    }
}

/// Save `img` in `dest` as `<name>.gif`, the book's `save_flag(img, filename)`, and say where.
///
/// `name` is the code `cc` or a country's name from the server (`United States`): it is made a
/// safe file name (`file_stem`), shortened to fit the file system. When a flag of this run
/// already took that name, the file is `<name>_<CC>.gif` and `Saved::note` says so: a run never
/// overwrites its own flags.
pub fn save_flag(img: &[u8], dest: &Dest, cc: &str, name: &str) -> io::Result<Saved> {
    let (file_name, note) = dest.claim(cc, name);
    let path = dest.dir.join(file_name);
    let (tmp, mut file) = create_temporary(&dest.dir)?;
    // Renamed while still locked: no cleanup can take it in between.
    let saved = file
        .write_all(img)
        .and_then(|()| file.flush())
        .and_then(|()| fs::rename(&tmp, &path));
    if saved.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    drop(file); // closing it releases the lock
    saved.map(|()| Saved {
        path,
        note,
        saved_on: crate::thread_tag::thread_tag(),
    })
}

/// Create a new, empty temporary file in `dir`, under a name nobody can predict, and lock it.
fn create_temporary(dir: &Path) -> io::Result<(PathBuf, fs::File)> {
    let mut tries = 0;
    loop {
        // Each `RandomState` has keys of its own: random per thread, then one more each time.
        let random = RandomState::new().hash_one(SystemTime::now());
        let tmp = dir.join(format!("{PREFIX}{}-{random:016x}{PARTIAL}", pid()));
        // create_new: O_CREAT | O_EXCL, which never opens an existing file nor follows a link.
        let created = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp);
        match created {
            Ok(file) if is_ours(&tmp, &file) => return Ok((tmp, file)),
            // Another run's cleanup took it between its creation and its lock: try another name.
            Ok(_) if tries < 10 => tries += 1,
            Ok(_) => return Err(io::Error::other("temporary files removed as they are made")),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && tries < 10 => tries += 1,
            Err(err) => return Err(err),
        }
    }
}

/// This process's id, asked of the system once (each `std::process::id()` is a system call).
fn pid() -> u32 {
    static PID: OnceLock<u32> = OnceLock::new();
    *PID.get_or_init(std::process::id)
}

/// Lock a temporary file just made, and check it is still in place under its name.
fn is_ours(tmp: &Path, file: &fs::File) -> bool {
    let locked = match file.try_lock() {
        Ok(()) => true,
        // A file system without locks: the file is protected by its age only (`remove_if_over`).
        Err(fs::TryLockError::Error(err)) => err.kind() == io::ErrorKind::Unsupported,
        Err(fs::TryLockError::WouldBlock) => false,
    };
    locked && fs::symlink_metadata(tmp).is_ok()
}

/// A file name made from a code or a country's name: no separator, no control or format
/// character (`Brazil\u{202E}fig.exe` gives `Brazil-fig.exe`), no leading dot.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| match c {
            ' ' => '_',
            '/' | '\\' | '\0' | ':' => '-',
            // Control characters, and format characters that hide or reorder what follows.
            c if c.is_control() || crate::text::is_format(c) => '-',
            c => c,
        })
        .collect();
    match stem.trim_start_matches('.') {
        "" => "_".to_string(),
        trimmed => trimmed.to_string(),
    }
}

/// `stem` cut to at most `max` bytes, on a character boundary.
fn shorten(stem: &str, max: usize) -> &str {
    let mut end = stem.len().min(max);
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    &stem[..end]
}

/// Make `dest` and prove it can be written to, before any request is sent.
/// Also removes the temporary files that earlier runs, now over, left behind.
pub fn prepare_dest(dest: &Path) -> io::Result<()> {
    fs::create_dir_all(dest)?;
    clean_partials(dest)?;
    let (probe, _locked) = create_temporary(dest)?;
    fs::remove_file(&probe)
}

/// Remove the temporary files of saves cut short by a run that is over: only regular files
/// named `.flags-<pid>-<16 hex digits>.partial` whose lock this run can take, whatever the pid.
/// Other files, and the temporary files of a run still going on (locked), are left alone.
pub fn clean_partials(dest: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dest)? {
        let entry = entry?;
        if leftover_pid(&entry.file_name().to_string_lossy()).is_none() {
            continue;
        }
        // Not followed: a link or a FIFO with one of our names is not ours.
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if meta.is_file() {
            remove_if_over(&entry.path(), &meta);
        }
    }
    Ok(())
}

/// The pid in a temporary file's name, if `name` is one of ours.
pub(crate) fn leftover_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(PARTIAL)?;
    let (pid, random) = rest.split_once('-')?;
    let hex = random.len() == 16 && random.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    (hex && digits).then(|| pid.parse().ok()).flatten()
}

/// Remove the temporary file at `path` if the run that made it is over: nobody holds its lock.
/// It is removed while this run holds the lock, which goes when the file is closed.
fn remove_if_over(path: &Path, meta: &fs::Metadata) {
    let Ok(file) = crate::platform::open_without_blocking(path) else {
        return;
    };
    let over = match file.try_lock() {
        Ok(()) => true,
        Err(fs::TryLockError::WouldBlock) => false,
        Err(fs::TryLockError::Error(err)) => {
            err.kind() == io::ErrorKind::Unsupported
                && meta
                    .modified()
                    .ok()
                    .and_then(|at| at.elapsed().ok())
                    .is_some_and(|age| age > STALE)
        }
    };
    if over {
        let _ = fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn saves_whole_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let saved = save_flag(b"GIF89a...", &Dest::new(dir.path()), "BR", "BR").unwrap();
        assert_eq!(saved.path, dir.path().join("BR.gif"));
        assert_eq!(saved.note, None);
        assert_eq!(fs::read(&saved.path).unwrap(), b"GIF89a...");
        assert_eq!(names(dir.path()), ["BR.gif"]);
    }

    #[test]
    fn country_names_become_safe_file_names() {
        assert_eq!(file_stem("United States"), "United_States");
        assert_eq!(file_stem("../../etc/passwd"), "-..-etc-passwd");
        assert_eq!(file_stem(".hidden"), "hidden");
        assert_eq!(file_stem(""), "_");
        assert_eq!(file_stem(".."), "_");
        assert_eq!(file_stem("Brazil\u{202E}fig.exe"), "Brazil-fig.exe");
        assert_eq!(file_stem("a\u{200B}b\u{2066}c\u{FEFF}"), "a-b-c-");
        assert_eq!(file_stem("São Tomé"), "São_Tomé");
    }

    #[test]
    fn a_run_never_overwrites_its_own_flags() {
        let dir = tempfile::tempdir().unwrap();
        let dest = Dest::new(dir.path());
        let mut notes = Vec::new();
        for (cc, name) in [
            ("AA", "Same"),
            ("BB", "Same"),
            ("CC", "same"),
            ("DD", "."),
            ("EE", ".."),
        ] {
            notes.push(save_flag(cc.as_bytes(), &dest, cc, name).unwrap().note);
        }
        assert_eq!(
            names(dir.path()),
            [
                "Same.gif",
                "Same_BB.gif",
                "_.gif",
                "__EE.gif",
                "same_CC.gif"
            ]
        );
        let said: Vec<bool> = notes.iter().map(Option::is_some).collect();
        assert_eq!(said, [false, true, true, false, true]);
        assert_eq!(
            notes[1].as_deref(),
            Some("Same.gif was taken: saved as Same_BB.gif")
        );
        // Another run (another Dest) starts with no name taken.
        let again = save_flag(b"A", &Dest::new(dir.path()), "AA", "Same").unwrap();
        assert_eq!(again.note, None);
    }

    #[test]
    fn long_names_are_shortened_to_fit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = Dest::new(dir.path());
        let long = "é".repeat(200); // 400 bytes
        let a = save_flag(b"A", &dest, "LA", &long).unwrap();
        let b = save_flag(b"B", &dest, "LB", &long).unwrap();
        for saved in [a, b] {
            let name = saved.path.file_name().unwrap().to_str().unwrap();
            assert!(name.len() <= 255, "{}", name.len());
        }
        assert_eq!(names(dir.path()).len(), 2);
    }

    #[test]
    fn a_planted_symlink_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("target");
        fs::write(&target, b"precious").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, dir.path().join("BR.gif")).unwrap();
        save_flag(b"GIF89a", &Dest::new(dir.path()), "BR", "BR").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"precious");
        let meta = fs::symlink_metadata(dir.path().join("BR.gif")).unwrap();
        assert!(meta.file_type().is_file());
    }

    #[test]
    fn an_interrupted_save_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        // The rename fails because a directory stands where the flag would go: the save stops
        // between its two steps, as a crash would.
        fs::create_dir(dir.path().join("JP.gif")).unwrap();
        fs::write(dir.path().join("JP.gif").join("x"), b"").unwrap();
        assert!(save_flag(b"GIF89a", &Dest::new(dir.path()), "JP", "JP").is_err());
        assert_eq!(
            names(dir.path()),
            ["JP.gif"],
            "no temporary file is left behind"
        );
    }

    #[test]
    fn only_unlocked_leftovers_are_removed_whatever_their_pid() {
        let dir = tempfile::tempdir().unwrap();
        let live = std::process::id();
        // Locked (by this process, as a live run holds its own): kept, even with a pid that is
        // no process here, as a run in another PID namespace would have.
        let locked_foreign = ".flags-999999999-0123456789abcdef.partial";
        let locked_ours = format!(".flags-{live}-1123456789abcdef.partial");
        // Not locked: removed, even with the pid of a live process (this one, or init).
        let unlocked_live = format!(".flags-{live}-2123456789abcdef.partial");
        let unlocked_init = ".flags-1-3123456789abcdef.partial";
        let keep = [
            locked_foreign,
            locked_ours.as_str(),
            ".ubuntu.iso.partial",
            ".BR.gif.123-0.partial",
            ".flags-12-xyz.partial",
            "JP.gif",
        ];
        for name in keep.iter().chain([&unlocked_live.as_str(), &unlocked_init]) {
            fs::write(dir.path().join(name), b"GIF8").unwrap();
        }
        let locks: Vec<fs::File> = [locked_foreign, locked_ours.as_str()]
            .iter()
            .map(|name| {
                let file = fs::File::open(dir.path().join(name)).unwrap();
                file.lock().unwrap();
                file
            })
            .collect();
        prepare_dest(dir.path()).unwrap();
        let mut expected: Vec<String> = keep.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(names(dir.path()), expected);
        // Once their run is over (its locks gone), they go too.
        drop(locks);
        clean_partials(dir.path()).unwrap();
        assert_eq!(names(dir.path()).len(), expected.len() - 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_link_named_as_ours_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("target");
        fs::write(&target, b"precious").unwrap();
        let link = dir.path().join(".flags-1-4123456789abcdef.partial");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let fifo = dir.path().join(".flags-1-5123456789abcdef.partial");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        clean_partials(dir.path()).unwrap(); // returns: nothing blocks on the FIFO
        assert!(fs::symlink_metadata(&link).is_ok());
        assert_eq!(fs::read(&target).unwrap(), b"precious");
        if made.is_ok_and(|status| status.success()) {
            assert!(fs::symlink_metadata(&fifo).is_ok());
        }
    }

    #[test]
    fn prepare_dest_fails_when_dest_is_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("flags");
        fs::write(&file, b"").unwrap();
        assert!(prepare_dest(&file).is_err());
    }
}
