//! The ready line: what the binary prints first on stdout with `--ready json`, for programs
//! that start it (xtask) to read as a value rather than parse text.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// The server is listening: where, and under which base URL the flags are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ready {
    /// The address it listens on (the port chosen, when 0 was asked for).
    pub addr: SocketAddr,
    /// `http://ADDR/flags`: what the downloaders take as `-s`.
    pub base_url: String,
}

impl Ready {
    /// The ready line of a server listening on `addr`.
    pub fn new(addr: SocketAddr) -> Ready {
        Ready {
            addr,
            base_url: format!("http://{addr}/flags"),
        }
    }
}
