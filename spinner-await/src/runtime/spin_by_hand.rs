//! `async fn spin` (in main.rs) as the compiler sees it: an enum with a state per `.await`,
//! and a `poll` that runs the body from one `.await` to the next. `--by-hand` runs it on mini.

use std::future::Future;
use std::io::{self, IsTerminal};
use std::iter::Cycle;
use std::mem;
use std::pin::Pin;
use std::str::Chars;
use std::task::{Context, Poll};

use crossterm::execute;
use crossterm::style::Print;

use super::Runtime;
use crate::{FRAME, FRAMES, StatusLine};

/// `spin(rt, msg)`: each variant holds the locals alive at one point of the body.
pub enum Spin {
    /// Built, never polled: the arguments, and none of the body has run (futures are lazy).
    Start { rt: Runtime, msg: String },
    /// Parked at `rt.sleep(FRAME).await`, inside the `for` loop: the locals still needed after
    /// it, and the future it awaits. The compiler stores that future inline; we box it, to
    /// keep the `unsafe` of pinning out of this file.
    Sleeping {
        rt: Runtime,
        msg: String,
        status: StatusLine,
        frames: Cycle<Chars<'static>>,
        sleep: Pin<Box<dyn Future<Output = ()> + Send>>,
    },
    /// Returned. The compiler's version panics if polled again, and so does ours.
    Done,
}

impl Spin {
    pub fn new(rt: Runtime, msg: String) -> Spin {
        Spin::Start { rt, msg }
    }
}

impl Future for Spin {
    type Output = ();

    /// Runs from where the last poll stopped to the next `.await` that is not ready.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Each arm takes the state by value, and puts back the next one.
        match mem::replace(&mut *self, Spin::Done) {
            // The body's first lines, up to the first `.await`.
            Spin::Start { rt, msg } => {
                if !io::stdout().is_terminal() {
                    return Poll::Ready(());
                }
                let status = StatusLine::start();
                let frames = FRAMES.chars().cycle();
                *self = draw_then_sleep(rt, msg, status, frames);
            }
            Spin::Sleeping {
                rt,
                msg,
                status,
                frames,
                mut sleep,
            } => {
                if sleep.as_mut().poll(cx).is_pending() {
                    *self = Spin::Sleeping {
                        rt,
                        msg,
                        status,
                        frames,
                        sleep,
                    };
                    return Poll::Pending;
                }
                // The sleep is over: the `for` loop goes round again.
                *self = draw_then_sleep(rt, msg, status, frames);
            }
            Spin::Done => panic!("`async fn` resumed after completion"),
        }
        // A new sleep was made: poll it once, as `.await` does, which sets its timer.
        self.poll(cx)
    }
}

/// One turn of the `for` loop, up to the `.await`: draw the next frame, make the sleep.
fn draw_then_sleep(
    rt: Runtime,
    msg: String,
    status: StatusLine,
    mut frames: Cycle<Chars<'static>>,
) -> Spin {
    let ch = frames.next().expect("a cycle never ends");
    let _ = execute!(io::stdout(), Print(format!("\r{ch} {msg}")));
    let sleep = Box::pin(rt.sleep(FRAME));
    Spin::Sleeping {
        rt,
        msg,
        status,
        frames,
        sleep,
    }
}
