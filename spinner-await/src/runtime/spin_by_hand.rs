//! `async fn spin` (in main.rs) as the compiler sees it: an enum with a state per `.await`,
//! and a `poll` that runs the body from one `.await` to the next. `--by-hand` runs it on mini,
//! so its `rt.sleep(FRAME)` is mini's `sleep(FRAME)`.

use std::future::Future;
use std::io::{self, IsTerminal};
use std::iter::Cycle;
use std::mem;
use std::pin::Pin;
use std::str::Chars;
use std::task::{Context, Poll};

use crossterm::execute;
use crossterm::style::Print;

use super::mini::{Sleep, sleep};
use crate::{FRAME, FRAMES, StatusLine};

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
    _status: StatusLine,
    /// The `for` loop's iterator: where it has got to in `FRAMES.chars().cycle()`.
    frames: Cycle<Chars<'static>>,
}

impl Spin {
    pub fn new(msg: String) -> Spin {
        Spin::Start { msg }
    }
}

impl Future for Spin {
    type Output = ();

    /// Runs from where the last poll stopped to the next `.await` that is not ready.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Each arm takes the state by value, and puts back the next one.
        match mem::replace(&mut *self, Spin::Done) {
            // The body's first lines, up to the first `.await`.
            Spin::Start { msg } => {
                if !io::stdout().is_terminal() {
                    return Poll::Ready(());
                }
                let _status = StatusLine::start();
                let frames = FRAMES.chars().cycle();
                *self = Locals {
                    msg,
                    _status,
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
        self.poll(cx)
    }
}

impl Locals {
    /// One turn of the `for` loop, up to its `.await`: draw the next frame, make the sleep.
    fn draw_then_sleep(mut self) -> Spin {
        let ch = self.frames.next().expect("a cycle never ends");
        let _ = execute!(io::stdout(), Print(format!("\r{ch} {}", self.msg)));
        Spin::Sleeping(self, sleep(FRAME))
    }
}
