//! Test server for the flags downloaders: serves flag GIFs and `metadata.json` under
//! `/flags/<cc>/`, like the nginx + vaurien setup (and `slow_server.py`) of Fluent Python,
//! with the LOCAL, DELAY and ERROR profiles, and a CHAOS profile with Toxiproxy-like faults
//! (reset, truncated body, stall, slow body).
//!
//! The flags are drawn by the server itself from a small table of simplified designs
//! (`table.rs`, `render.rs`), so nothing is downloaded.
//!
//! ```no_run
//! let server = flags_server::start(flags_server::Config::new(flags_server::Profile::Local))?;
//! println!("{}/br/br.gif", server.base_url()); // http://127.0.0.1:PORT/flags/br/br.gif
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The modules, in the order a request meets them:
//! - `config.rs`: profiles, [`Config`], the parsers and checks of every option;
//! - `server.rs`: the accept loop, [`serve`], [`start`] and [`ServerHandle`];
//! - `limits.rs`: how many connections the open-files limit allows;
//! - `platform.rs`: what differs between operating systems (the open-files limit, opening a
//!   file without blocking, the stderr descriptor, the signals that stop the binary);
//! - `log.rs`: the `-v` request log and other stderr lines, written by one thread of their
//!   own: they never panic, and never make a request or the server's stop wait;
//! - `conn.rs`: a client's socket as hyper sees it (send timeout, close with an RST);
//! - `handler.rs`: one request in, one answer out;
//! - `flight.rs`: the requests under /flags/ in flight, their peak, and how late clients
//!   refill freed slots (counted in `histogram.rs`);
//! - `faults.rs`: the faults ([`Fault`], [`FaultRates`]) and the dice that draw each GET's
//!   delay, 418 and fault;
//! - `routes.rs`: what a path names (a built-in flag, or a file under `--root`);
//! - `flags.rs`: the countries and the one cache of encoded flags (`table.rs`, `render.rs`);
//! - `body.rs`: the body of an answer, from memory or streamed from disk, maybe faulty;
//! - `state.rs` and `stats.rs`: what connections share, and what `/_stats` shows.

#![warn(missing_docs)]

mod body;
mod config;
mod conn;
mod faults;
mod flags;
mod flight;
mod handler;
mod histogram;
mod limits;
mod log;
mod platform;
mod render;
mod routes;
mod server;
mod shapes;
mod state;
mod stats;
mod table;

pub use config::{
    Config, ConfigError, DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_SEND_TIMEOUT,
    Profile, parse_delay, parse_error_rate, parse_faults, parse_timeout,
};
pub use faults::{Fault, FaultRates, PerFault};
pub use flags::{Country, countries, country, flag_gif, metadata_json, warm_up};
pub use limits::{ConnectionLimit, MIN_CONNECTIONS, RESERVED_FILES, connection_limit};
pub use log::{stderr_line, stderr_line_after_ctrl_c};
pub use platform::{open_nonblocking, raise_open_files, stop_signal};
pub use server::{Ready, ServerHandle, listen, ready, serve, start};
pub use stats::{DelayStats, FaultCounts, LatenessStats, Settings, Stats};
