//! Faults beyond delays and 418s, like Toxiproxy's: reset, truncate, stall and slow.
//!
//! - reset: the connection is closed with no answer, with an RST (`SO_LINGER` 0).
//! - truncate: headers and half the body are sent, then the connection is closed.
//! - stall: the request is never answered; the connection stays open (capped at 10 minutes).
//! - slow: the body trickles at 50 bytes/s, in 10-byte pieces every 200 ms: even the smallest
//!   flag (about 600 bytes) then takes over 10 s, the downloaders' default timeout.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

use crate::server::ConfigError;

/// How long a stalled request holds its connection before it is closed.
pub(crate) const STALL_CAP: Duration = Duration::from_secs(600);
/// Size of each piece of a slow body.
const SLOW_CHUNK: usize = 10;
/// Pause between the pieces of a slow body.
const SLOW_INTERVAL: Duration = Duration::from_millis(200);
/// Pause between the part of a truncated body and the close, so the part is flushed first.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// Probability of each fault for a GET under /flags/, each from 0 to 1, adding up to at most 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultRates {
    /// Close the connection with no answer (an RST).
    pub reset: f64,
    /// Send the headers and half the body, then close.
    pub truncate: f64,
    /// Never answer; hold the connection open.
    pub stall: f64,
    /// Trickle the body at 50 bytes per second.
    pub slow: f64,
}

impl FaultRates {
    /// No faults at all.
    pub fn is_zero(&self) -> bool {
        self.total() == 0.0
    }

    fn total(&self) -> f64 {
        self.reset + self.truncate + self.stall + self.slow
    }

    /// Checks each rate is in [0, 1] and their sum at most 1.
    pub(crate) fn is_valid(&self) -> bool {
        let each = [self.reset, self.truncate, self.stall, self.slow];
        each.iter().all(|p| (0.0..=1.0).contains(p)) && self.total() <= 1.0 + 1e-9
    }

    /// The fault for a uniform draw `u` in [0, 1): the rates take consecutive slices of
    /// [0, 1) in the order reset, truncate, stall, slow, so each has exactly its probability.
    pub(crate) fn pick(&self, u: f64) -> Option<Fault> {
        let mut edge = 0.0;
        for (rate, fault) in [
            (self.reset, Fault::Reset),
            (self.truncate, Fault::Truncate),
            (self.stall, Fault::Stall),
            (self.slow, Fault::Slow),
        ] {
            edge += rate;
            if rate > 0.0 && u < edge {
                return Some(fault);
            }
        }
        None
    }
}

/// Parses `reset=0.05,truncate=0.05,stall=0.02,slow=0.1`; faults not named are 0.
pub fn parse_faults(s: &str) -> Result<FaultRates, ConfigError> {
    let bad = || ConfigError::Faults(s.to_string());
    let mut rates = FaultRates::default();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (name, value) = item.split_once('=').ok_or_else(bad)?;
        let p: f64 = value.trim().parse().map_err(|_| bad())?;
        if !(0.0..=1.0).contains(&p) {
            return Err(bad());
        }
        let slot = match name.trim().to_ascii_lowercase().as_str() {
            "reset" => &mut rates.reset,
            "truncate" => &mut rates.truncate,
            "stall" => &mut rates.stall,
            "slow" => &mut rates.slow,
            _ => return Err(bad()),
        };
        *slot = p;
    }
    if rates.is_valid() {
        Ok(rates)
    } else {
        Err(bad())
    }
}

/// Faults injected since start or the last reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultCounts {
    pub reset: u64,
    pub truncate: u64,
    pub stall: u64,
    pub slow: u64,
}

/// One fault drawn for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    Reset,
    Truncate,
    Stall,
    Slow,
}

/// A response body: the whole thing at once, or one of the faulty ways of sending it.
pub(crate) enum Body {
    /// The normal case: one frame, then the end.
    Full(Option<Bytes>),
    /// Half the bytes, a short pause (so hyper flushes them), then an error: hyper closes
    /// the connection although Content-Length promised more.
    Truncated {
        part: Option<Bytes>,
        pause: Option<Pin<Box<Sleep>>>,
    },
    /// The bytes in small pieces with a pause before each one after the first.
    Slow {
        rest: Bytes,
        pause: Option<Pin<Box<Sleep>>>,
    },
}

impl Body {
    pub(crate) fn full(bytes: Bytes) -> Body {
        Body::Full(Some(bytes))
    }

    pub(crate) fn empty() -> Body {
        Body::Full(None)
    }

    /// The same bytes, sent the faulty way.
    pub(crate) fn with_fault(self, fault: Fault) -> Body {
        let bytes = match self {
            Body::Full(b) => b.unwrap_or_default(),
            other => return other,
        };
        match fault {
            Fault::Truncate => Body::Truncated {
                part: Some(bytes.slice(..bytes.len() / 2)),
                pause: None,
            },
            Fault::Slow => Body::Slow {
                rest: bytes,
                pause: None,
            },
            Fault::Reset | Fault::Stall => Body::full(bytes),
        }
    }
}

/// Waits for the pause in `slot`, if any, then clears it.
fn wait(slot: &mut Option<Pin<Box<Sleep>>>, cx: &mut Context<'_>) -> Poll<()> {
    if let Some(sleep) = slot {
        ready!(sleep.as_mut().poll(cx));
        *slot = None;
    }
    Poll::Ready(())
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Truncated { part, pause } => {
                if let Some(part) = part.take() {
                    *pause = Some(Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)));
                    return Poll::Ready(Some(Ok(Frame::data(part))));
                }
                ready!(wait(pause, cx));
                Poll::Ready(Some(Err(io::Error::other("body truncated on purpose"))))
            }
            Body::Slow { rest, pause } => {
                ready!(wait(pause, cx));
                if rest.is_empty() {
                    return Poll::Ready(None);
                }
                let piece = rest.split_to(rest.len().min(SLOW_CHUNK));
                if !rest.is_empty() {
                    *pause = Some(Box::pin(tokio::time::sleep(SLOW_INTERVAL)));
                }
                Poll::Ready(Some(Ok(Frame::data(piece))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Full(bytes) => bytes.is_none(),
            Body::Truncated { .. } => false,
            Body::Slow { rest, pause } => rest.is_empty() && pause.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            _ => SizeHint::default(),
        }
    }
}

/// A client connection that can be ended with an RST: when `reset` is set (by the request
/// handler, just before it fails the request), dropping the socket sets `SO_LINGER` to 0 so
/// the kernel sends an RST instead of a FIN.
pub(crate) struct Conn {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Conn {
    pub(crate) fn new(stream: TcpStream) -> (Conn, Arc<AtomicBool>) {
        let reset = Arc::new(AtomicBool::new(false));
        (
            Conn {
                stream,
                reset: reset.clone(),
            },
            reset,
        )
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if self.reset.load(Ordering::Relaxed) {
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
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse() {
        let r = parse_faults("reset=0.05,truncate=0.05, stall=0.02,slow=0.1").unwrap();
        assert_eq!(
            r,
            FaultRates {
                reset: 0.05,
                truncate: 0.05,
                stall: 0.02,
                slow: 0.1
            }
        );
        assert_eq!(
            parse_faults("truncate=1").unwrap(),
            FaultRates {
                truncate: 1.0,
                ..FaultRates::default()
            }
        );
        assert!(parse_faults("").unwrap().is_zero());
        for bad in [
            "reset",
            "reset=2",
            "reset=-0.1",
            "boom=0.1",
            "reset=x",
            "reset=0.6,slow=0.6",
        ] {
            assert!(parse_faults(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn each_fault_takes_its_slice() {
        let r = parse_faults("reset=0.1,truncate=0.2,stall=0.3,slow=0.4").unwrap();
        assert_eq!(r.pick(0.05), Some(Fault::Reset));
        assert_eq!(r.pick(0.15), Some(Fault::Truncate));
        assert_eq!(r.pick(0.35), Some(Fault::Stall));
        assert_eq!(r.pick(0.99), Some(Fault::Slow));
        let one = parse_faults("slow=1").unwrap();
        assert_eq!(one.pick(0.0), Some(Fault::Slow));
        assert_eq!(one.pick(0.999_999), Some(Fault::Slow));
        assert_eq!(FaultRates::default().pick(0.0), None);
    }
}
