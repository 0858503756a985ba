//! [`Body`]: the body of every answer, as hyper pulls it.
//!
//! hyper asks a body for its next frame (`poll_frame`) whenever it has room to send one, so a
//! body decides both *what* goes out and *when*. Ours comes from memory (a built-in flag, a
//! small cached file) or from a file read in chunks (a large file under `--root`: memory stays
//! at a few chunks per client, however large the file). It is sent normally, cut in half
//! (the truncate fault) or trickled (the slow fault). A body also carries its request's
//! flight (`flight.rs`), which ends when hyper drops the body: once it has taken the last
//! piece, or with the connection.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::time::Sleep;

use crate::faults::{Fault, SLOW_CHUNK, SLOW_INTERVAL, TRUNCATE_PAUSE};
use crate::flight::InFlight;

/// Bytes read from a file at a time: the memory a streamed answer holds, give or take the
/// copy hyper is sending.
const FILE_CHUNK: usize = 128 * 1024;

/// Where the bytes come from.
enum Source {
    /// All of it, already in memory (`None` once sent).
    Memory(Option<Bytes>),
    /// A file read chunk by chunk; `left` bytes still to send, `buf` reused for each read.
    File {
        file: tokio::fs::File,
        left: u64,
        buf: Vec<u8>,
    },
}

impl Source {
    fn len(&self) -> u64 {
        match self {
            Source::Memory(b) => b.as_ref().map_or(0, |b| b.len() as u64),
            Source::File { left, .. } => *left,
        }
    }

    /// The next piece of at most `max` bytes, or `None` at the end.
    fn poll_chunk(&mut self, cx: &mut Context<'_>, max: u64) -> Poll<Option<io::Result<Bytes>>> {
        match self {
            Source::Memory(slot) => {
                let Some(mut bytes) = slot.take().filter(|b| !b.is_empty()) else {
                    return Poll::Ready(None);
                };
                if bytes.len() as u64 > max {
                    let piece = bytes.split_to(max as usize);
                    *slot = Some(bytes);
                    return Poll::Ready(Some(Ok(piece)));
                }
                Poll::Ready(Some(Ok(bytes)))
            }
            Source::File { file, left, buf } => {
                if *left == 0 {
                    return Poll::Ready(None);
                }
                let n = (*left).min(max).min(FILE_CHUNK as u64) as usize;
                buf.resize(n, 0);
                let mut read = ReadBuf::new(&mut buf[..n]);
                ready!(Pin::new(file).poll_read(cx, &mut read))?;
                let got = read.filled().len();
                if got == 0 {
                    // The file shrank after its length was sent: end the connection.
                    return Poll::Ready(Some(Err(io::ErrorKind::UnexpectedEof.into())));
                }
                *left -= got as u64;
                Poll::Ready(Some(Ok(Bytes::copy_from_slice(&buf[..got]))))
            }
        }
    }
}

/// How the bytes are sent.
enum Pace {
    /// As fast as the client takes them.
    Normal,
    /// `allowed` more bytes, a short pause (so hyper flushes them), then an error: hyper
    /// closes the connection although Content-Length promised more.
    Truncate {
        allowed: u64,
        pause: Option<Pin<Box<Sleep>>>,
    },
    /// Small pieces with a pause before each one after the first.
    Slow { pause: Option<Pin<Box<Sleep>>> },
}

/// The body of an answer: implements [`hyper::body::Body`], which hyper polls for frames.
pub(crate) struct Body {
    source: Source,
    pace: Pace,
    /// The request's flight (a request under /flags/): held, never read, so that it ends
    /// when the body is dropped.
    _flight: Option<InFlight>,
}

impl Body {
    /// Bytes already in memory.
    pub(crate) fn bytes(bytes: Bytes) -> Body {
        Body {
            source: Source::Memory(Some(bytes)),
            pace: Pace::Normal,
            _flight: None,
        }
    }

    /// No body (HEAD, 204).
    pub(crate) fn empty() -> Body {
        Body::bytes(Bytes::new())
    }

    /// The first `len` bytes of an open file, read as the client takes them.
    pub(crate) fn file(file: tokio::fs::File, len: u64) -> Body {
        Body {
            source: Source::File {
                file,
                left: len,
                buf: Vec::new(),
            },
            pace: Pace::Normal,
            _flight: None,
        }
    }

    /// The same bytes, sent the faulty way (truncate or slow; other faults change nothing).
    pub(crate) fn with_fault(self, fault: Fault) -> Body {
        let pace = match fault {
            Fault::Truncate => Pace::Truncate {
                allowed: self.source.len() / 2,
                pause: None,
            },
            Fault::Slow => Pace::Slow { pause: None },
            Fault::Reset | Fault::Stall => return self,
        };
        Body { pace, ..self }
    }

    /// The same body, holding the request's flight until it is dropped.
    pub(crate) fn holding(self, flight: Option<InFlight>) -> Body {
        Body {
            _flight: flight,
            ..self
        }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let Body { source, pace, .. } = self.get_mut();
        let frame = |piece: Option<io::Result<Bytes>>| piece.map(|r| r.map(Frame::data));
        match pace {
            Pace::Normal => source.poll_chunk(cx, u64::MAX).map(frame),
            Pace::Slow { pause } => {
                if let Some(sleep) = pause {
                    ready!(sleep.as_mut().poll(cx));
                    *pause = None;
                }
                let piece = ready!(source.poll_chunk(cx, SLOW_CHUNK as u64));
                if source.len() > 0 {
                    *pause = Some(Box::pin(tokio::time::sleep(SLOW_INTERVAL)));
                }
                Poll::Ready(frame(piece))
            }
            Pace::Truncate { allowed, pause } => {
                if *allowed > 0 {
                    let piece = ready!(source.poll_chunk(cx, *allowed));
                    if let Some(Ok(bytes)) = &piece {
                        *allowed -= bytes.len() as u64;
                    }
                    return Poll::Ready(frame(piece));
                }
                let sleep =
                    pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)));
                ready!(sleep.as_mut().poll(cx));
                Poll::Ready(Some(Err(io::Error::other("body truncated on purpose"))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.pace {
            Pace::Normal => self.source.len() == 0,
            Pace::Slow { pause } => self.source.len() == 0 && pause.is_none(),
            Pace::Truncate { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.pace {
            Pace::Normal => SizeHint::with_exact(self.source.len()),
            Pace::Truncate { .. } | Pace::Slow { .. } => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::flight::Flights;
    use crate::stats::Stats;

    fn in_flight(flights: &Flights) -> u64 {
        let mut s = Stats::default();
        flights.fill(&mut s);
        s.in_flight
    }

    #[test]
    fn a_body_never_polled_ends_its_flight_when_dropped() {
        let flights = Arc::new(Flights::default());
        let body = Body::bytes(Bytes::from_static(b"GIF89a"))
            .with_fault(Fault::Slow)
            .holding(Some(flights.arrive()));
        assert_eq!(in_flight(&flights), 1);
        drop(body);
        assert_eq!(in_flight(&flights), 0);
    }
}
