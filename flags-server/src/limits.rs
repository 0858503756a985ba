//! How many connections the process's open-files limit allows.
//!
//! Each connection is a file descriptor (two under `--root`, where a large file is streamed
//! from its own descriptor). When the limit is too low, `accept` fails and new clients wait
//! in the kernel's queue with no answer. So at start the server raises its limit as far as
//! it may, and if that is still short it serves fewer connections at once: the clients over
//! that are accepted and closed at once, never left hanging.

use crate::config::Config;

/// Descriptors kept aside for the listener, stdio, the runtime's own and files being read.
const RESERVED: u64 = 32;

/// The most connections a server will serve at once, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimit {
    /// `max_connections` as configured.
    pub asked: usize,
    /// What the open-files limit allows: `asked`, or less.
    pub effective: usize,
    /// The process's open-files limit after raising it (None where there is no such limit).
    pub open_files: Option<u64>,
}

impl ConnectionLimit {
    /// The line to print when the limit is lower than asked, e.g. `note: the open-files
    /// limit is 64: serving at most 32 connections at once (asked for 20000)`.
    pub fn note(&self) -> Option<String> {
        let limit = self.open_files?;
        (self.effective < self.asked).then(|| {
            format!(
                "note: the open-files limit is {limit}: serving at most {} connections at once (asked for {}); more are closed at once",
                self.effective, self.asked
            )
        })
    }
}

/// Raises the open-files limit as far as needed and allowed for `config.max_connections`,
/// and gives the number of connections that fits.
pub fn connection_limit(config: &Config) -> ConnectionLimit {
    let asked = config.max_connections;
    let per_connection: u64 = if config.root.is_some() { 2 } else { 1 };
    let needed = (asked as u64)
        .saturating_mul(per_connection)
        .saturating_add(RESERVED);
    match sys::raise_open_files(needed) {
        Some(limit) if limit < needed => ConnectionLimit {
            asked,
            effective: (limit.saturating_sub(RESERVED) / per_connection).max(1) as usize,
            open_files: Some(limit),
        },
        open_files => ConnectionLimit {
            asked,
            effective: asked,
            open_files,
        },
    }
}

#[cfg(unix)]
mod sys {
    /// Raises the soft limit toward `needed` (at most to the hard limit); returns the limit
    /// now in force, or None if it cannot be read.
    pub(super) fn raise_open_files(needed: u64) -> Option<u64> {
        rlimit::increase_nofile_limit(needed).ok()
    }
}

#[cfg(not(unix))]
mod sys {
    /// No `RLIMIT_NOFILE` here: nothing to raise, nothing to lower.
    pub(super) fn raise_open_files(_needed: u64) -> Option<u64> {
        None
    }
}
