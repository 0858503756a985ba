//! Saving a flag so that a file in the destination directory is always whole.
//!
//! The bytes go to a hidden temporary file first, which is then renamed: a rename within one
//! directory is atomic, so a reader (or a crash, or Ctrl-C) never sees half a flag. A run killed
//! between the two steps leaves only a temporary file, which the next run removes.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Temporary files end with this; `clean_partials` removes them.
const PARTIAL: &str = ".partial";

/// Save `img` as `<name>.gif` in `dest`, the book's `save_flag(img, filename)`.
///
/// `name` is a code (`BR`) or a country's name from the server (`United States`): spaces become
/// underscores, and characters that could leave `dest` (`/`, `\`, a leading dot) are replaced.
pub fn save_flag(img: &[u8], dest: &Path, name: &str) -> io::Result<PathBuf> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let file_name = format!("{}.gif", file_stem(name));
    let path = dest.join(&file_name);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dest.join(format!(
        ".{file_name}.{}-{seq}{PARTIAL}",
        std::process::id()
    ));
    let written = fs::File::create(&tmp).and_then(|mut file| file.write_all(img));
    match written.and_then(|()| fs::rename(&tmp, &path)) {
        Ok(()) => Ok(path),
        Err(err) => {
            let _ = fs::remove_file(&tmp);
            Err(err)
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

/// Make `dest` and prove it can be written to, before any request is sent.
/// Also removes temporary files an earlier run left behind when it was killed.
pub fn prepare_dest(dest: &Path) -> io::Result<()> {
    fs::create_dir_all(dest)?;
    clean_partials(dest)?;
    let probe = dest.join(format!(".write-test.{}{PARTIAL}", std::process::id()));
    fs::write(&probe, b"")?;
    fs::remove_file(&probe)
}

/// Remove the temporary files of interrupted saves.
pub fn clean_partials(dest: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dest)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(PARTIAL) {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_whole_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = save_flag(b"GIF89a...", dir.path(), "BR").unwrap();
        assert_eq!(path, dir.path().join("BR.gif"));
        assert_eq!(fs::read(&path).unwrap(), b"GIF89a...");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["BR.gif"]);
    }

    #[test]
    fn country_names_become_safe_file_names() {
        assert_eq!(file_stem("United States"), "United_States");
        assert_eq!(file_stem("../../etc/passwd"), "-..-etc-passwd");
        assert_eq!(file_stem(".hidden"), "hidden");
        assert_eq!(file_stem(""), "_");
    }

    #[test]
    fn an_interrupted_save_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        // The rename fails because a directory stands where the flag would go: the save stops
        // between its two steps, as a crash would.
        fs::create_dir(dir.path().join("JP.gif")).unwrap();
        fs::write(dir.path().join("JP.gif").join("x"), b"").unwrap();
        assert!(save_flag(b"GIF89a", dir.path(), "JP").is_err());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["JP.gif"], "no temporary file is left behind");
    }

    #[test]
    fn prepare_dest_removes_leftovers_and_keeps_flags() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".BR.gif.123-0.partial"), b"GIF8").unwrap();
        fs::write(dir.path().join("JP.gif"), b"GIF89a").unwrap();
        prepare_dest(dir.path()).unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["JP.gif"]);
    }

    #[test]
    fn prepare_dest_fails_when_dest_is_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("flags");
        fs::write(&file, b"").unwrap();
        assert!(prepare_dest(&file).is_err());
    }
}
