//! The server proper: accept connections, hand each to hyper, stop on request.
//!
//! - [`serve`] runs inside your tokio runtime until a future you give completes (the binary
//!   uses it with Ctrl-C).
//! - [`start`] runs a server on a thread of its own with its own runtime and returns a
//!   [`ServerHandle`]; dropping the handle stops it (the downloaders and tests use it).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use serde::{Deserialize, Serialize};

use crate::config::{Config, Profile};
use crate::conn::Conn;
use crate::handler::handle;
use crate::limits::{ConnectionLimit, connection_limit};
use crate::state::State;
use crate::stats::{Stats, bump};

/// What a server says when it is ready: the first line of the binary's stdout, as JSON with
/// `--ready json` (`{"base_url":"http://127.0.0.1:PORT/flags","addr":"127.0.0.1:PORT",...}`),
/// and [`ServerHandle::ready`]. A launcher reads it instead of parsing the URL back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ready {
    /// `http://127.0.0.1:PORT/flags`, without a trailing slash, like the book's BASE_URL.
    pub base_url: String,
    /// The address bound (its port is the real one when port 0 was asked).
    pub addr: SocketAddr,
    /// The profile served.
    pub profile: Profile,
    /// The most connections served at once, after the open-files limit.
    pub max_connections: usize,
}

impl Ready {
    fn new(addr: SocketAddr, profile: Profile, max_connections: usize) -> Ready {
        Ready {
            base_url: format!("http://{addr}/flags"),
            addr,
            profile,
            max_connections,
        }
    }
}

/// Request line plus headers larger than this get `431 Request Header Fields Too Large`.
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Keeps the count of open connections right, however the connection task ends.
struct OpenGuard(Arc<State>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Accepts connections until `shutdown` completes, then drops the open ones.
async fn run(listener: TcpListener, state: Arc<State>, shutdown: impl Future<Output = ()>) {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut conns = JoinSet::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.header_timeout)
        .max_buf_size(MAX_HEADER_BYTES);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Over the limit: close at once, before reading anything.
                    if state.open.fetch_add(1, Ordering::Relaxed) >= state.max_connections {
                        state.open.fetch_sub(1, Ordering::Relaxed);
                        bump(&state.counters.connections_refused);
                        drop(stream);
                        continue;
                    }
                    let guard = OpenGuard(state.clone());
                    let _ = stream.set_nodelay(true);
                    let (io, flags) = Conn::new(stream, state.send_timeout);
                    let (state, conn_flags) = (state.clone(), flags.clone());
                    let conn = builder.serve_connection(
                        TokioIo::new(io),
                        service_fn(move |req| {
                            let (state, flags) = (state.clone(), flags.clone());
                            async move { handle(&state, req, &flags).await }
                        }),
                    );
                    // Errors of one connection (reset, timeout, bad request) concern only that client.
                    conns.spawn(async move {
                        let _ = conn.await;
                        if conn_flags.timed_out.load(Ordering::Relaxed) {
                            bump(&guard.0.counters.send_timeouts);
                        }
                        drop(guard);
                    });
                }
                // Out of file descriptors (EMFILE, ENFILE) and the like: the client stays in
                // the queue; wait a little for descriptors to be freed rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
}

/// What the binary prints when it is ready to serve on `addr`.
pub fn ready(addr: SocketAddr, config: &Config) -> Ready {
    Ready::new(addr, config.profile, config.max_connections)
}

/// Binds `addr` with a long accept queue, so a burst of thousands of connections waits in the
/// kernel rather than having its SYNs dropped and retried a second later. Call it from inside a
/// tokio runtime.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// The connection limit in force, or the error when the open-files limit is too low to start.
fn checked_limit(config: &Config) -> io::Result<ConnectionLimit> {
    let limit = connection_limit(config);
    match limit.error() {
        Some(line) => Err(io::Error::other(
            line.strip_prefix("error: ").unwrap_or(&line).to_string(),
        )),
        None => Ok(limit),
    }
}

/// Serves on `listener` until `shutdown` completes; requests still in progress are dropped.
/// Checks the configuration first, and lowers `max_connections` to what the open-files
/// limit allows (see [`crate::connection_limit`]); an error if it is too low to start.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let limit = checked_limit(&config)?;
    let state = Arc::new(State::new(&config, limit.effective)?);
    run(listener, state, shutdown).await;
    Ok(())
}

/// A server running on its own thread; dropping it stops the server.
pub struct ServerHandle {
    ready: Ready,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerHandle {
    /// `http://127.0.0.1:PORT/flags`, without a trailing slash, like the book's BASE_URL.
    pub fn base_url(&self) -> &str {
        &self.ready.base_url
    }

    /// The address the server listens on (its port is the real one when port 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.ready.addr
    }

    /// Where it listens and what it serves, as the binary says it with `--ready json`.
    pub fn ready(&self) -> &Ready {
        &self.ready
    }

    /// A snapshot of the statistics, the same as `GET /_stats`.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Zeroes the statistics and restarts the random sequence from the seed.
    pub fn reset_stats(&self) {
        self.state.reset();
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Binds now (so a busy port or a bad value is an error here), then serves on a thread of
/// its own with its own tokio runtime (current-thread): callable from plain code and from
/// inside another tokio runtime alike. The built-in flags are drawn on first request, so it returns at once.
pub fn start(config: Config) -> io::Result<ServerHandle> {
    let limit = checked_limit(&config)?;
    let state = Arc::new(State::new(&config, limit.effective)?);
    let wanted = SocketAddr::new(config.bind, config.port);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // The thread binds inside its runtime and says where, or why not.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<SocketAddr>>();
    let thread_state = state.clone();
    let thread = std::thread::Builder::new()
        .name("flags-server".into())
        .spawn(move || {
            // One thread, this one: the server inside a downloader waits far more than it
            // computes, and a runtime of one thread starts where threads are scarce (tokio's
            // multi-thread runtime panics when the OS refuses it a worker).
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                match listen(wanted).and_then(|l| Ok((l.local_addr()?, l))) {
                    Ok((addr, listener)) => {
                        let _ = ready_tx.send(Ok(addr));
                        run(listener, thread_state, async {
                            let _ = stopped.await;
                        })
                        .await;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
            // Dropping the runtime cancels requests still sleeping in a delay.
            rt.shutdown_timeout(Duration::from_millis(500));
        })?;
    let addr = match ready_rx.recv() {
        Ok(ready) => ready?,
        Err(_) => return Err(io::Error::other("server thread ended before it was ready")),
    };
    Ok(ServerHandle {
        ready: Ready::new(addr, config.profile, limit.effective),
        state,
        stop: Some(stop),
        thread: Some(thread),
    })
}
