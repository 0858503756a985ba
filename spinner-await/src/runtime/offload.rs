//! `--offload`'s thread. It is started before the class is told that the spinner keeps
//! turning, so that line is printed only when there is a thread to make it true. The task hands
//! it the blocking call and awaits its wake: asyncio's `run_in_executor`, with a thread of its
//! own, on every runtime.
//!
//! Why not the libraries' `tokio::task::spawn_blocking`, `async_std::task::spawn_blocking` or
//! `smol::unblock`? When the OS refuses them a thread, tokio's panics and the others wait forever.

use std::future::poll_fn;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;

use super::explain::Event;
use super::mini;

/// A blocking call, boxed to travel to the thread.
type Call = Box<dyn FnOnce() + Send>;

/// A thread, started, waiting for the one blocking call it will run.
pub struct Worker {
    /// Where the call goes.
    calls: mpsc::Sender<Call>,
    /// Set by the thread when the call has returned.
    done: Arc<Done>,
}

/// Whether the call has returned, and the waker of the task awaiting it.
#[derive(Default)]
struct Done(Mutex<(bool, Option<Waker>)>);

impl Worker {
    /// Starts the thread; Err if the OS will not.
    pub fn start() -> io::Result<Worker> {
        let (calls, call) = mpsc::channel::<Call>();
        let done = Arc::new(Done::default());
        let finished = Arc::clone(&done);
        thread::Builder::new()
            .name("offload".into())
            .spawn(move || {
                // Err if the worker was dropped unused.
                if let Ok(call) = call.recv() {
                    call();
                }
                finished.finish();
            })?;
        Ok(Worker { calls, done })
    }

    /// Hands `call` to the thread, and waits without blocking this one: the runtime polls the
    /// other tasks meanwhile, until the thread's wake makes this task ready again.
    pub async fn run(&self, call: impl FnOnce() + Send + 'static) {
        mini::tell(Event::Offload);
        // Err only if the thread has ended, which it does after its call: then it runs here.
        if let Err(mpsc::SendError(call)) = self.calls.send(Box::new(call)) {
            return call();
        }
        poll_fn(|cx| self.done.poll(cx)).await
    }
}

impl Done {
    fn lock(&self) -> MutexGuard<'_, (bool, Option<Waker>)> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ready once the call has returned; until then, leaves the waker for `finish`.
    fn poll(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut done = self.lock();
        if done.0 {
            return Poll::Ready(());
        }
        done.1 = Some(cx.waker().clone());
        Poll::Pending
    }

    /// On the thread, when the call has returned: marks it done and wakes the task.
    fn finish(&self) {
        let waker = {
            let mut done = self.lock();
            done.0 = true;
            done.1.take()
        };
        waker.into_iter().for_each(Waker::wake);
    }
}
