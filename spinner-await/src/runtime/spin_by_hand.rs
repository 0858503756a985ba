//! `async fn spin` (in main.rs) as the compiler sees it: an enum with a state per `.await`,
//! and a `poll` that runs the body from one `.await` to the next. `--by-hand` runs it on mini,
//! so its `rt.sleep(FRAME)` is mini's `sleep(FRAME)`.

use std::future::Future;
use std::iter::Cycle;
use std::mem;
use std::pin::Pin;
use std::str::Chars;
use std::task::{Context, Poll};

use spinner_thread::{FRAME, FRAMES};

use super::StatusLine;
use super::explain::Event;
use super::mini::{self, Sleep, sleep};

/// `spin(rt, msg)`: each variant holds what is alive at one point of the body.
pub enum Spin {
    /// Built, never polled: the arguments (`rt` is mini, so none to keep), and none of the
    /// body has run (futures are lazy).
    Start { msg: String },
    /// Parked at `rt.sleep(FRAME).await`, inside the `for` loop: the locals the rest of the
    /// body needs, and the future it awaits, stored inline as the compiler does. (mini's
    /// `Sleep` is `Unpin`, so moving it between polls is allowed; a future that is not would
    /// need `unsafe` pinning code here, which the compiler writes for `async fn`.)
    Sleeping(Locals, Sleep),
    /// Returned. The compiler's version panics if polled again, and so does ours.
    Done,
}

/// The locals of `spin` that live across its `.await`.
pub struct Locals {
    msg: String,
    /// Cancelling drops it with the rest, and its Drop clears the line.
    status: StatusLine,
    /// The `for` loop's iterator: where it has got to in `FRAMES.chars().cycle()`.
    frames: Cycle<Chars<'static>>,
}

impl Spin {
    pub fn new(msg: String) -> Spin {
        Spin::Start { msg }
    }

    /// The state's name, as `--explain` tells it.
    fn state(&self) -> &'static str {
        match self {
            Spin::Start { .. } => "Start",
            Spin::Sleeping(..) => "Sleeping",
            Spin::Done => "Done",
        }
    }

    /// Runs from where the last poll stopped to the next `.await` that is not ready.
    fn resume(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Each arm takes the state by value, and puts back the next one.
        match mem::replace(&mut *self, Spin::Done) {
            // The body's first lines, up to the first `.await`.
            Spin::Start { msg } => {
                let status = StatusLine::start();
                let frames = FRAMES.chars().cycle();
                *self = Locals {
                    msg,
                    status,
                    frames,
                }
                .draw_then_sleep();
            }
            Spin::Sleeping(locals, mut sleep) => {
                if Pin::new(&mut sleep).poll(cx).is_pending() {
                    *self = Spin::Sleeping(locals, sleep);
                    return Poll::Pending;
                }
                // The sleep is over: the `for` loop goes round again.
                *self = locals.draw_then_sleep();
            }
            Spin::Done => panic!("`async fn` resumed after completion"),
        }
        // A new sleep was made: poll it at once, as `.await` does, which sets its timer.
        self.resume(cx)
    }
}

impl Future for Spin {
    type Output = ();

    /// `resume`, and under `--explain` the state it found and the state it left.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let from = self.state();
        let poll = self.as_mut().resume(cx);
        let to = self.state();
        mini::tell(|task| Event::State(task, "Spin", from, to));
        poll
    }
}

impl Locals {
    /// One turn of the `for` loop, up to its `.await`: draw the next frame, make the sleep.
    fn draw_then_sleep(mut self) -> Spin {
        let ch = self.frames.next().expect("a cycle never ends");
        self.status.draw(ch, &self.msg);
        Spin::Sleeping(self, sleep(FRAME))
    }
}
