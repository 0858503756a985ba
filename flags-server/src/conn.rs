//! [`Conn`]: a client's TCP stream as hyper reads and writes it, with two additions:
//!
//! - a send timeout: when the client has read nothing for `send_timeout` (its socket buffer is
//!   full, so every write waits), the next write fails and hyper ends the connection, which
//!   frees its slot (nginx's `send_timeout`);
//! - a close with an RST instead of a FIN, for the reset fault and for timed-out clients:
//!   `SO_LINGER` 0 on drop tells the kernel to drop unsent bytes at once.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

/// What happened to a connection, shared between its [`Conn`] and the request handler.
#[derive(Debug, Default)]
pub(crate) struct ConnFlags {
    /// Set by the handler before it fails a request on purpose: the close becomes an RST.
    pub(crate) reset: AtomicBool,
    /// Set when the send timeout ended the connection.
    pub(crate) timed_out: AtomicBool,
}

/// A client connection, handed to hyper in place of the bare `TcpStream`.
pub(crate) struct Conn {
    stream: TcpStream,
    flags: Arc<ConnFlags>,
    send_timeout: Duration,
    /// Armed when a write first has to wait; cleared as soon as one goes through.
    stuck: Option<Pin<Box<Sleep>>>,
}

impl Conn {
    /// Wraps a stream; the flags are for the handler of its requests.
    pub(crate) fn new(stream: TcpStream, send_timeout: Duration) -> (Conn, Arc<ConnFlags>) {
        let flags = Arc::new(ConnFlags::default());
        let conn = Conn {
            stream,
            flags: flags.clone(),
            send_timeout,
            stuck: None,
        };
        (conn, flags)
    }

    /// Passes on a write's result; a write that waits arms the timer, and a timer that fires
    /// turns the wait into an error.
    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stuck = None;
            return poll;
        }
        let timeout = self.send_timeout;
        let timer = self
            .stuck
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        ready!(timer.as_mut().poll(cx));
        self.flags.timed_out.store(true, Ordering::Relaxed);
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client read nothing for the send timeout",
        )))
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if self.flags.reset.load(Ordering::Relaxed) || self.flags.timed_out.load(Ordering::Relaxed)
        {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
