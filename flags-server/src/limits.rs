//! How many connections the process's open-files limit allows.
//!
//! Each connection is a file descriptor (two under `--root`, where a large file is streamed
//! from its own descriptor). When the limit is too low, `accept` fails and new clients wait
//! in the kernel's queue with no answer. So at start the server raises its limit as far as
//! it may, and if that is still short it serves fewer connections at once: the clients over
//! that are accepted and closed at once, never left hanging. Below what the server needs for
//! itself and a handful of connections it does not start at all.

use crate::config::Config;
use crate::platform;

/// Descriptors kept aside for the listener, stdio, the runtime's own and files being read.
pub const RESERVED_FILES: u64 = 32;
/// Fewer connections than this at once, and the server refuses to start.
pub const MIN_CONNECTIONS: u64 = 4;

/// The most connections a server will serve at once, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimit {
    /// `max_connections` as configured.
    pub asked: usize,
    /// What the open-files limit allows: `asked`, or less; 0 when it is too low to start
    /// (see [`ConnectionLimit::error`]).
    pub effective: usize,
    /// The process's open-files limit after raising it (None where there is no such limit).
    pub open_files: Option<u64>,
    /// The open-files limit the server needs at least.
    pub minimum: u64,
}

impl ConnectionLimit {
    /// The line to print when the limit is lower than asked, e.g. `note: the open-files
    /// limit is 64: serving at most 32 connections at once (asked for 20000)`.
    pub fn note(&self) -> Option<String> {
        let limit = self.open_files?;
        (self.effective > 0 && self.effective < self.asked).then(|| {
            format!(
                "note: the open-files limit is {limit}: serving at most {} at once (asked for {}); more are closed at once",
                connections(self.effective),
                self.asked
            )
        })
    }

    /// The `error:` line when the limit is too low for the server to start, e.g. `error: the
    /// open-files limit is 20, and the server needs at least 36 ...`.
    pub fn error(&self) -> Option<String> {
        let limit = self.open_files?;
        (self.effective == 0).then(|| {
            format!(
                "error: the open-files limit is {limit}, and the server needs at least {} ({RESERVED_FILES} for itself and {}): raise it with `ulimit -n {}`",
                self.minimum,
                connections(self.asked.min(MIN_CONNECTIONS as usize)),
                self.minimum
            )
        })
    }
}

/// "1 connection", "32 connections".
pub(crate) fn connections(n: usize) -> String {
    if n == 1 {
        "1 connection".into()
    } else {
        format!("{n} connections")
    }
}

/// Raises the open-files limit as far as needed and allowed for `config.max_connections`,
/// and gives the number of connections that fits (0 when even a handful does not).
pub fn connection_limit(config: &Config) -> ConnectionLimit {
    let asked = config.max_connections;
    let per_connection: u64 = if config.root.is_some() { 2 } else { 1 };
    let needed = (asked as u64)
        .saturating_mul(per_connection)
        .saturating_add(RESERVED_FILES);
    let minimum = RESERVED_FILES + MIN_CONNECTIONS.min(asked as u64) * per_connection;
    let open_files = platform::raise_open_files(needed);
    let effective = match open_files {
        Some(limit) if limit < minimum => 0,
        Some(limit) if limit < needed => ((limit - RESERVED_FILES) / per_connection) as usize,
        Some(_) | None => asked,
    };
    ConnectionLimit {
        asked,
        effective,
        open_files,
        minimum,
    }
}
