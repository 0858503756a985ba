//! What a path under `/flags/` names: a built-in flag, or a file under `--root`.
//!
//! Built-in mode never touches the file system: `<cc>/<cc>.gif` and `<cc>/metadata.json`, any
//! case, come from the cache in `flags.rs`; anything else, `..` and `%2e%2e` included, matches
//! no flag.
//!
//! Root mode ([`RootTree`]) serves files byte for byte without letting `..`, `%2e%2e`, encoded
//! slashes, NUL bytes or symlinks lead outside the root: decode, refuse odd segments, then
//! canonicalize and check the prefix. Doing that (three blocking system calls) on every GET
//! would be slow, so the answer is remembered per path: small files keep their bytes, large
//! ones their metadata (they are streamed from disk in chunks). A remembered answer is checked
//! again against the disk when it is more than a second old, so a file changed on disk is
//! served with its new content within a second, and a root that disappears gives 500s.
//! Every file is opened without blocking and checked on its handle to be a regular file, on
//! every open, remembered or not: a FIFO, socket or device put in a file's place never holds
//! a thread.

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use hyper::header::HeaderValue;

use crate::flags::{Prepared, encoded, index_of};
use crate::log::queue_line;
use crate::platform;

/// Files up to this size are kept in memory; larger ones are streamed from disk.
const SMALL_FILE: u64 = 1024 * 1024;
/// At most this many bytes of small files are kept in memory; beyond, files are streamed.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// At most this many paths are remembered.
const CACHE_PATHS: usize = 10_000;
/// A remembered answer older than this is checked against the disk again.
const REVALIDATE_MS: u64 = 1000;

/// The answer to a path under `/flags/`.
pub(crate) enum Lookup {
    /// In memory: the body and its Content-Length.
    Found(Bytes, HeaderValue, &'static str),
    /// A file to stream: open (`None` for HEAD), its length and content type.
    Stream(Option<tokio::fs::File>, u64, &'static str),
    /// Nothing there (or something outside the root): 404.
    NotFound,
    /// A path no file can have (NUL, backslash, empty or dot segments, bad UTF-8): 400.
    BadRequest,
    /// The root itself is gone or cannot be read: 500.
    RootFailed,
}

/// Built-in mode: `<cc>/<cc>.gif` and `<cc>/metadata.json`, any case.
pub(crate) fn builtin(rest: &str) -> Lookup {
    let Some((dir, file)) = rest.split_once('/') else {
        return Lookup::NotFound;
    };
    let Some(i) = index_of(dir) else {
        return Lookup::NotFound;
    };
    let (p, ct) = if file.eq_ignore_ascii_case("metadata.json") {
        (&encoded(i).json, "application/json")
    } else {
        match file.rsplit_once('.') {
            Some((name, ext))
                if name.eq_ignore_ascii_case(dir) && ext.eq_ignore_ascii_case("gif") =>
            {
                (&encoded(i).gif, "image/gif")
            }
            _ => return Lookup::NotFound,
        }
    };
    Lookup::Found(p.body.clone(), p.len.clone(), ct)
}

/// What is remembered about one path under the root.
struct Entry {
    /// The file, symlinks resolved.
    real: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
    content_type: &'static str,
    /// The bytes, for a small file.
    data: Option<Prepared>,
    /// When the entry was last checked against the disk, in ms since the tree was opened.
    checked_ms: AtomicU64,
}

/// Why a path has no entry.
enum Miss {
    NotFound,
    RootFailed(io::Error),
}

/// The directory given with `--root`, and what is remembered about its files.
pub(crate) struct RootTree {
    /// The root, canonicalized at start.
    root: PathBuf,
    opened: Instant,
    entries: RwLock<HashMap<Box<str>, Arc<Entry>>>,
    cached_bytes: AtomicU64,
    /// Whether the last check found the root gone: it is said once on stderr, not per request.
    broken: AtomicBool,
}

impl RootTree {
    /// Opens the tree (the directory must exist now).
    pub(crate) fn open(root: &Path) -> io::Result<RootTree> {
        let root = root.canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a directory", root.display()),
            ));
        }
        Ok(RootTree {
            root,
            opened: Instant::now(),
            entries: RwLock::new(HashMap::new()),
            cached_bytes: AtomicU64::new(0),
            broken: AtomicBool::new(false),
        })
    }

    fn now_ms(&self) -> u64 {
        self.opened.elapsed().as_millis() as u64
    }

    /// The answer for `rest`, the path after `/flags/` as the client sent it.
    pub(crate) async fn lookup(self: &Arc<Self>, rest: &str, head: bool) -> Lookup {
        // The hot path: a remembered path, checked less than a second ago. No system call.
        if !rest.contains('%')
            && let Some(entry) = self.fresh(rest)
        {
            return self.answer(&entry, head).await;
        }
        let Some(relative) = safe_relative(rest) else {
            return Lookup::BadRequest;
        };
        let tree = self.clone();
        let key = relative.clone();
        let resolved = tokio::task::spawn_blocking(move || tree.resolve(&key)).await;
        match resolved {
            Ok(Ok(entry)) => {
                self.remember(relative, entry.clone());
                self.answer(&entry, head).await
            }
            Ok(Err(Miss::NotFound)) | Err(_) => {
                self.forget(&relative);
                Lookup::NotFound
            }
            Ok(Err(Miss::RootFailed(e))) => {
                self.forget(&relative);
                if !self.broken.swap(true, Ordering::Relaxed) {
                    queue_line(format!("error: --root {}: {e}", self.root.display()));
                }
                Lookup::RootFailed
            }
        }
    }

    /// The remembered entry for `key` if it was checked recently. When it was not, the
    /// first request to notice claims the check (and returns None); the others go on
    /// serving the entry meanwhile.
    fn fresh(&self, key: &str) -> Option<Arc<Entry>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key)?;
        let now = self.now_ms();
        let checked = entry.checked_ms.load(Ordering::Relaxed);
        if now.saturating_sub(checked) < REVALIDATE_MS
            || entry
                .checked_ms
                .compare_exchange(checked, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return Some(entry.clone());
        }
        None
    }

    async fn answer(&self, entry: &Entry, head: bool) -> Lookup {
        if let Some(p) = &entry.data {
            return Lookup::Found(p.body.clone(), p.len.clone(), entry.content_type);
        }
        if head {
            return Lookup::Stream(None, entry.len, entry.content_type);
        }
        // Opened again on every request, cached path or not: only a regular file, never
        // waiting on what may have replaced it (a FIFO, a device).
        let real = entry.real.clone();
        match tokio::task::spawn_blocking(move || platform::open_regular(&real)).await {
            Ok(Ok(file)) => Lookup::Stream(
                Some(tokio::fs::File::from_std(file)),
                entry.len,
                entry.content_type,
            ),
            Ok(Err(_)) | Err(_) => Lookup::NotFound,
        }
    }

    /// Checks `relative` on disk: canonicalize, check the prefix, metadata, and the bytes of a
    /// small file (read again only if its length or time changed). Blocking: runs on the
    /// blocking pool.
    fn resolve(&self, relative: &str) -> Result<Arc<Entry>, Miss> {
        let path = self.root.join(relative);
        let real = match path.canonicalize() {
            Ok(real) => real,
            Err(e) => {
                // Is it the file that is missing, or the whole root?
                let root = std::fs::metadata(&self.root).map(|m| m.is_dir());
                return Err(match (root, e.kind()) {
                    (Ok(true), io::ErrorKind::PermissionDenied) => Miss::RootFailed(e),
                    (Ok(true), _) => Miss::NotFound,
                    (Ok(false), _) => Miss::RootFailed(io::Error::new(
                        io::ErrorKind::NotADirectory,
                        "not a directory any more",
                    )),
                    (Err(root_error), _) => Miss::RootFailed(root_error),
                });
            }
        };
        // Symlinks may lead out: the resolved path must still be inside the root.
        if !real.starts_with(&self.root) {
            return Err(Miss::NotFound);
        }
        let meta = std::fs::metadata(&real).map_err(|_| Miss::NotFound)?;
        if !meta.is_file() {
            return Err(Miss::NotFound);
        }
        self.broken.store(false, Ordering::Relaxed);
        let (len, modified) = (meta.len(), meta.modified().ok());
        let old = self.remembered(relative);
        let data = match old {
            Some(old) if old.real == real && old.len == len && old.modified == modified => {
                old.data.as_ref().map(|p| Prepared {
                    body: p.body.clone(),
                    len: p.len.clone(),
                })
            }
            _ if len <= SMALL_FILE
                && self.cached_bytes.load(Ordering::Relaxed) + len <= CACHE_BYTES =>
            {
                let bytes = read_regular(&real).map_err(|_| Miss::NotFound)?;
                self.cached_bytes
                    .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                Some(Prepared {
                    len: HeaderValue::from(bytes.len()),
                    body: Bytes::from(bytes),
                })
            }
            _ => None,
        };
        Ok(Arc::new(Entry {
            content_type: content_type(&real),
            real,
            len,
            modified,
            data,
            checked_ms: AtomicU64::new(self.now_ms()),
        }))
    }

    fn remembered(&self, key: &str) -> Option<Arc<Entry>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries.get(key).cloned()
    }

    fn remember(&self, key: String, entry: Arc<Entry>) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CACHE_PATHS && !entries.contains_key(key.as_str()) {
            self.release(entry.data.as_ref());
            return;
        }
        if let Some(old) = entries.insert(key.into_boxed_str(), entry.clone())
            && !Arc::ptr_eq(&old, &entry)
        {
            let same_bytes = match (&old.data, &entry.data) {
                (Some(a), Some(b)) => a.body.as_ptr() == b.body.as_ptr(),
                _ => false,
            };
            if !same_bytes {
                self.release(old.data.as_ref());
            }
        }
    }

    fn forget(&self, key: &str) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = entries.remove(key) {
            self.release(old.data.as_ref());
        }
    }

    /// Gives back the bytes of a dropped entry to the cache budget.
    fn release(&self, data: Option<&Prepared>) {
        if let Some(p) = data {
            self.cached_bytes
                .fetch_sub(p.body.len() as u64, Ordering::Relaxed);
        }
    }
}

/// The bytes of a regular file; anything else (a FIFO, a device) is refused at once.
fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    platform::open_regular(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Decodes `%xx`, then refuses anything that could climb out or confuse the OS: empty, "."
/// and ".." segments (so "%2e%2e" and "..%2f" are caught), NUL, backslashes, bad UTF-8.
fn safe_relative(rest: &str) -> Option<String> {
    let decoded = String::from_utf8(percent_encoding::percent_decode_str(rest).collect()).ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    for seg in decoded.split('/') {
        let mut parts = Path::new(seg).components();
        if seg.is_empty()
            || seg == "."
            || seg == ".."
            || !matches!(
                (parts.next(), parts.next()),
                (Some(Component::Normal(_)), None)
            )
        {
            return None;
        }
    }
    Some(decoded)
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("gif") => "image/gif",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_segments_are_refused() {
        assert_eq!(safe_relative("br/br.gif").as_deref(), Some("br/br.gif"));
        assert_eq!(safe_relative("b%72/br.gif").as_deref(), Some("br/br.gif"));
        for bad in [
            "",
            "br/",
            "/etc",
            "br//br.gif",
            "..",
            "%2e%2e/x",
            "a/./b",
            "a%00b",
            "a%5cb",
            "%c0%ae",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad:?}");
        }
    }
}
