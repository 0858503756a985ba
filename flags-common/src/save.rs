//! Saving a flag so that a file in the destination directory is always whole, never written
//! through a link someone planted there, and never overwritten by another flag of the same run.
//!
//! The bytes go to a new temporary file first, which is then renamed: a rename within one
//! directory is atomic, so a reader (or a crash, or Ctrl-C) never sees half a flag. The
//! temporary file is created exclusively (`create_new`: an existing path, a symlink included,
//! makes it fail rather than be opened) under a name no other process can guess:
//! `.flags-<pid>-<16 random hex digits>.partial`. A run killed between the two steps leaves only
//! such a file; the next run removes it once no process with that pid is alive.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// Temporary files are named `.flags-<pid>-<16 hex digits>.partial`.
const PREFIX: &str = ".flags-";
const PARTIAL: &str = ".partial";

/// The longest stem kept from a country's name, in bytes: `<stem>_<CC>_<n>.gif` still fits the
/// 255-byte name limit of common file systems.
const MAX_STEM: usize = 230;

/// A leftover whose owner cannot be checked (no pid check on this system) is removed once it is
/// this old.
const STALE: Duration = Duration::from_secs(24 * 3600);

/// The file names this run has saved, lower-cased (some file systems ignore case), by directory.
static TAKEN: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// For `-v`: the codes whose flag was saved under another name, and what was said of it.
static NOTES: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// Save `img` in `dest` as `<name>.gif`, the book's `save_flag(img, filename)`, and return the
/// file's path.
///
/// `name` is the code `cc` or a country's name from the server (`United States`): it is made a
/// safe file name (`file_stem`), shortened to fit the file system. When a flag of this run
/// already took that name, the file is `<name>_<CC>.gif`: a run never overwrites its own flags.
pub fn save_flag(img: &[u8], dest: &Path, cc: &str, name: &str) -> io::Result<PathBuf> {
    let path = dest.join(claim_name(dest, cc, name));
    let (tmp, mut file) = create_temporary(dest)?;
    let written = file.write_all(img).and_then(|()| file.flush());
    drop(file);
    match written.and_then(|()| fs::rename(&tmp, &path)) {
        Ok(()) => Ok(path),
        Err(err) => {
            let _ = fs::remove_file(&tmp);
            Err(err)
        }
    }
}

/// The file name for `name`, distinct from every name this run took in `dest`.
fn claim_name(dest: &Path, cc: &str, name: &str) -> String {
    let stem = file_stem(name);
    let stem = shorten(&stem, MAX_STEM);
    let mut taken = TAKEN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let taken = taken.get_or_insert_with(HashSet::new);
    let candidates = std::iter::once(format!("{stem}.gif"))
        .chain(std::iter::once(format!("{stem}_{cc}.gif")))
        .chain((2u32..).map(|n| format!("{stem}_{cc}_{n}.gif")));
    let wanted = format!("{stem}.gif");
    for candidate in candidates {
        if taken.insert(dest.join(candidate.to_lowercase())) {
            if candidate != wanted {
                let note = format!("{wanted} was taken: saved as {candidate}");
                let mut notes = NOTES
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                notes
                    .get_or_insert_with(HashMap::new)
                    .insert(cc.to_string(), note);
            }
            return candidate;
        }
    }
    unreachable!("an endless supply of candidate names")
}

/// What `-v` says of `cc` when its flag was saved under another name than the one it asked for.
pub(crate) fn take_note(cc: &str) -> Option<String> {
    let mut notes = NOTES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    notes.as_mut()?.remove(cc)
}

/// Create a new, empty temporary file in `dest`, under a name nobody can predict.
fn create_temporary(dest: &Path) -> io::Result<(PathBuf, fs::File)> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let keys = RandomState::new(); // keyed from the operating system's randomness
    let mut tries = 0;
    loop {
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let random = keys.hash_one((seq, SystemTime::now()));
        let tmp = dest.join(format!(
            "{PREFIX}{}-{random:016x}{PARTIAL}",
            std::process::id()
        ));
        // create_new: O_CREAT | O_EXCL, which never opens an existing file nor follows a link.
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && tries < 10 => tries += 1,
            Err(err) => return Err(err),
        }
    }
}

/// A file name made from a code or a country's name.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| match c {
            ' ' => '_',
            '/' | '\\' | '\0' | ':' => '-',
            c if c.is_control() => '-',
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
    let (probe, file) = create_temporary(dest)?;
    drop(file);
    fs::remove_file(&probe)
}

/// Remove the temporary files of saves cut short by a run that is over: only names of the form
/// `.flags-<pid>-<16 hex digits>.partial` whose pid is not a live process. Other files, and the
/// temporary files of a run still going on in the same directory, are left alone.
pub fn clean_partials(dest: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dest)? {
        let entry = entry?;
        let Some(pid) = leftover_pid(&entry.file_name().to_string_lossy()) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if !meta.is_dir() && is_over(pid, &meta) {
            let _ = fs::remove_file(entry.path());
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

/// Whether the run that made a temporary file is over.
fn is_over(pid: u32, meta: &fs::Metadata) -> bool {
    if pid == std::process::id() {
        return false;
    }
    match crate::platform::pid_alive(pid) {
        Some(alive) => !alive,
        None => meta
            .modified()
            .ok()
            .and_then(|at| at.elapsed().ok())
            .is_some_and(|age| age > STALE),
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
        let path = save_flag(b"GIF89a...", dir.path(), "BR", "BR").unwrap();
        assert_eq!(path, dir.path().join("BR.gif"));
        assert_eq!(fs::read(&path).unwrap(), b"GIF89a...");
        assert_eq!(names(dir.path()), ["BR.gif"]);
    }

    #[test]
    fn country_names_become_safe_file_names() {
        assert_eq!(file_stem("United States"), "United_States");
        assert_eq!(file_stem("../../etc/passwd"), "-..-etc-passwd");
        assert_eq!(file_stem(".hidden"), "hidden");
        assert_eq!(file_stem(""), "_");
        assert_eq!(file_stem(".."), "_");
    }

    #[test]
    fn a_run_never_overwrites_its_own_flags() {
        let dir = tempfile::tempdir().unwrap();
        for (cc, name) in [
            ("AA", "Same"),
            ("BB", "Same"),
            ("CC", "same"),
            ("DD", "."),
            ("EE", ".."),
        ] {
            save_flag(cc.as_bytes(), dir.path(), cc, name).unwrap();
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
        assert_eq!(take_note("AA"), None);
        assert_eq!(
            take_note("BB").unwrap(),
            "Same.gif was taken: saved as Same_BB.gif"
        );
        assert!(take_note("CC").is_some());
        assert_eq!(take_note("DD"), None);
        assert!(take_note("EE").is_some());
    }

    #[test]
    fn long_names_are_shortened_to_fit() {
        let dir = tempfile::tempdir().unwrap();
        let long = "é".repeat(200); // 400 bytes
        let a = save_flag(b"A", dir.path(), "LA", &long).unwrap();
        let b = save_flag(b"B", dir.path(), "LB", &long).unwrap();
        for path in [a, b] {
            let name = path.file_name().unwrap().to_str().unwrap();
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
        save_flag(b"GIF89a", dir.path(), "BR", "BR").unwrap();
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
        assert!(save_flag(b"GIF89a", dir.path(), "JP", "JP").is_err());
        assert_eq!(
            names(dir.path()),
            ["JP.gif"],
            "no temporary file is left behind"
        );
    }

    #[test]
    fn only_leftovers_of_runs_that_are_over_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // A process that has ended: its pid is free (until reused).
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let live = std::process::id();
        let ours_dead = format!(".flags-{dead}-0123456789abcdef.partial");
        let ours_live = format!(".flags-{live}-0123456789abcdef.partial");
        let keep = [
            ours_live.as_str(),
            ".ubuntu.iso.partial",
            ".BR.gif.123-0.partial",
            ".flags-12-xyz.partial",
            "JP.gif",
        ];
        for name in keep.iter().chain([&ours_dead.as_str()]) {
            fs::write(dir.path().join(name), b"GIF8").unwrap();
        }
        prepare_dest(dir.path()).unwrap();
        let mut expected: Vec<String> = keep.iter().map(|s| s.to_string()).collect();
        expected.sort();
        #[cfg(unix)]
        assert_eq!(names(dir.path()), expected);
    }

    #[test]
    fn prepare_dest_fails_when_dest_is_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("flags");
        fs::write(&file, b"").unwrap();
        assert!(prepare_dest(&file).is_err());
    }
}
