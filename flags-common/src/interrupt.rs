//! Stopping a run early: Ctrl-C, SIGTERM or SIGHUP, or a stdout nobody reads any more
//! (`flags-seq -e -v | head -3`). Either way no new request starts, those in flight end, and a
//! retry pause is cut short.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::platform::{self, Stop};

/// The exit status of the first signal that asked the run to stop (`Stop::status`), 0 before.
static STOPPED: AtomicU8 = AtomicU8::new(0);
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// True once the run was asked to stop (Ctrl-C, SIGTERM, SIGHUP), or stdout was closed:
/// downloaders check it before starting each request.
pub fn interrupted() -> bool {
    STOPPED.load(Ordering::SeqCst) != 0 || STDOUT_CLOSED.load(Ordering::SeqCst)
}

/// The exit status a signal asked for: 130 after Ctrl-C, 143 after SIGTERM, 129 after SIGHUP.
pub(crate) fn stop_status() -> Option<u8> {
    match STOPPED.load(Ordering::SeqCst) {
        0 => None,
        status => Some(status),
    }
}

/// True once a write to stdout failed: the reader went away.
pub(crate) fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::SeqCst)
}

/// The reader of stdout went away: stop like Ctrl-C, without a word.
pub(crate) fn close_stdout() {
    if !STDOUT_CLOSED.swap(true, Ordering::SeqCst) {
        wake_sleepers();
    }
}

/// Take Ctrl-C, SIGTERM and SIGHUP from now on. The first: stop starting requests, cut retry
/// pauses short, let those in flight end, report; `say` tells the user so (through the live
/// view, so the bar or the board stays whole around it). A second: `restore_terminal`, and quit
/// now. A flag is saved by renaming a whole temporary file, so quitting at any moment leaves no
/// half flag. The run then ends with the first signal's status (`Stop::status`).
///
/// An error when they cannot be taken (no thread left for it): each then ends the process at
/// once, as it does for any program that does not take it.
pub(crate) fn handle_stop_signals(say: fn(&str), restore_terminal: fn()) -> std::io::Result<()> {
    platform::catch_stop_signals(move |stop| {
        let first = STOPPED
            .compare_exchange(0, stop.status(), Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if !first {
            restore_terminal();
            std::process::exit(i32::from(stop.status()));
        }
        say(match stop {
            Stop::Interrupt => {
                "Interrupted: finishing the requests in flight (Ctrl-C again to quit now)."
            }
            Stop::Terminate => {
                "Terminated (SIGTERM): finishing the requests in flight (once more to quit now)."
            }
            Stop::HangUp => {
                "Hung up (SIGHUP): finishing the requests in flight (once more to quit now)."
            }
        });
        wake_sleepers();
    })
}

/// Threads in `pause` wait on this; async pauses leave their wakers here.
static SLEEPERS: Mutex<Vec<(u64, Waker)>> = Mutex::new(Vec::new());
static PAUSED: Condvar = Condvar::new();

fn wake_sleepers() {
    let wakers = match SLEEPERS.lock() {
        Ok(mut sleepers) => std::mem::take(&mut *sleepers),
        Err(_) => return,
    };
    PAUSED.notify_all();
    for (_, waker) in wakers {
        waker.wake();
    }
}

/// Block this thread for `pause`, or less if the run is interrupted meanwhile.
pub(crate) fn pause(pause: Duration) {
    let Ok(guard) = SLEEPERS.lock() else {
        return;
    };
    // The handler takes the same lock before it notifies: no wake-up is lost in between.
    let _ = PAUSED.wait_timeout_while(guard, pause, |_| !interrupted());
}

/// Run `sleep` (an async runtime's sleep) to its end, or less if the run is interrupted.
pub(crate) async fn pause_async(sleep: impl Future<Output = ()>) {
    Interruptible {
        sleep: std::pin::pin!(sleep),
        id: None,
    }
    .await
}

/// A sleep that also ends when the run is interrupted.
struct Interruptible<'a, F> {
    sleep: Pin<&'a mut F>,
    /// Its place among `SLEEPERS`, once polled.
    id: Option<u64>,
}

impl<F: Future<Output = ()>> Future for Interruptible<'_, F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        if let Ok(mut sleepers) = SLEEPERS.lock() {
            let id = *self
                .id
                .get_or_insert_with(|| NEXT_ID.fetch_add(1, Ordering::Relaxed));
            sleepers.retain(|(other, _)| *other != id);
            // Checked under the lock: the handler cannot wake the others and miss this one.
            if interrupted() {
                return Poll::Ready(());
            }
            sleepers.push((id, cx.waker().clone()));
        }
        self.sleep.as_mut().poll(cx)
    }
}

impl<F> Drop for Interruptible<'_, F> {
    fn drop(&mut self) {
        if let (Some(id), Ok(mut sleepers)) = (self.id, SLEEPERS.lock()) {
            sleepers.retain(|(other, _)| *other != id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pause of an hour, blocking and async, ends as soon as the run is interrupted.
    #[test]
    fn interruption_cuts_pauses_short() {
        let blocked = std::thread::spawn(|| pause(Duration::from_secs(3600)));
        let awaited = std::thread::spawn(|| {
            // An async sleep that never ends by itself.
            let never = std::future::pending::<()>();
            block_on(pause_async(never));
        });
        std::thread::sleep(Duration::from_millis(50));
        close_stdout();
        blocked.join().unwrap();
        awaited.join().unwrap();
        // Once interrupted, a pause does not even start.
        pause(Duration::from_secs(3600));
    }

    /// The smallest executor: poll, park until woken.
    fn block_on<F: Future>(fut: F) -> F::Output {
        struct Unpark(std::thread::Thread);
        impl std::task::Wake for Unpark {
            fn wake(self: std::sync::Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut fut = std::pin::pin!(fut);
        loop {
            if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
                return out;
            }
            std::thread::park();
        }
    }
}
