//! The event loop by hand, std only: what asyncio's loop does, in one file. A queue of ready
//! tasks, wakers made with `std::task::Wake`, a heap of timers, and `block_on`, `spawn` and
//! `sleep`. It starts no thread. (`--offload`'s thread, in `offload.rs`, serves every runtime.)

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use super::explain::{Event, Narrator, name_of};

/// A task's number: 0 is the future given to `block_on`, spawned tasks count from 1.
type TaskId = usize;

/// What the loop shares with its wakers, which another thread may call (`--offload`'s):
/// the tasks to poll, in the order they were woken (asyncio's `_ready`), and the loop's thread.
struct Shared {
    ready: Mutex<VecDeque<TaskId>>,
    thread: Thread,
}

impl Shared {
    fn ready(&self) -> MutexGuard<'_, VecDeque<TaskId>> {
        self.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One task's waker. `Wake` is all std needs to turn it into a `Waker`.
struct TaskWaker(TaskId, Arc<Shared>);

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.1.ready().push_back(self.0);
        // From the loop's own thread (a timer, a yield) the loop is awake, and will see it.
        if thread::current().id() != self.1.thread.id() {
            self.1.thread.unpark();
        }
    }
}

/// A spawned task: its name (for `--explain`) and its future, boxed so all fit in one map.
struct Task {
    name: &'static str,
    future: Pin<Box<dyn Future<Output = ()>>>,
}

/// The loop's own state, touched only on its thread.
struct Loop {
    shared: Arc<Shared>,
    tasks: RefCell<HashMap<TaskId, Task>>,
    /// Deadlines, earliest on top, and the task each wakes: what asyncio's `call_later` keeps.
    timers: RefCell<BinaryHeap<Reverse<(Instant, TaskId)>>>,
    /// The waker each sleeping task gave its timers (any of a task's wakers wakes the task).
    wakers: RefCell<HashMap<TaskId, Waker>>,
    /// The task being polled: whose timer a `sleep` sets.
    current: Cell<TaskId>,
    next_id: Cell<TaskId>,
    narrator: Narrator,
}

thread_local! {
    /// The loop running on this thread: how `spawn` and `sleep` find it (tokio does the same).
    static CURRENT: RefCell<Option<Rc<Loop>>> = const { RefCell::new(None) };
}

fn with_loop<T>(f: impl FnOnce(&Loop) -> T) -> T {
    let running = CURRENT.with_borrow(Option::clone);
    f(&running.expect("the mini loop's futures run only inside its block_on"))
}

/// Tells `event` of the task being polled, when a mini loop runs on this thread (with
/// `--explain`, it prints it): how the code that is not the loop's joins its narration.
pub fn tell(event: impl FnOnce(TaskId) -> Event) {
    if let Some(running) = CURRENT.with_borrow(Option::clone) {
        running.narrator.say(event(running.current.get()));
    }
}

/// asyncio's `loop.run_until_complete`: runs `future` as task 0, and every task it spawns, on
/// this thread, until `future` is done. Tasks still pending then are dropped with the loop.
pub fn block_on<F: Future + 'static>(future: F, explain: bool) -> F::Output {
    let (ready, thread) = (Mutex::new(VecDeque::new()), thread::current());
    let running = Rc::new(Loop {
        shared: Arc::new(Shared { ready, thread }),
        tasks: RefCell::default(),
        timers: RefCell::default(),
        wakers: RefCell::default(),
        current: Cell::new(0),
        next_id: Cell::new(0),
        narrator: Narrator::new(explain),
    });
    CURRENT.set(Some(Rc::clone(&running)));
    running.narrator.say(Event::BlockOn(name_of::<F>()));
    let output = Rc::new(Cell::new(None));
    let slot = Rc::clone(&output);
    running.add(name_of::<F>(), async move { slot.set(Some(future.await)) });
    while !running.turn() {}
    CURRENT.set(None);
    output.take().expect("task 0 is done")
}

impl Loop {
    /// A new task, queued to be polled.
    fn add(&self, name: &'static str, future: impl Future<Output = ()> + 'static) -> TaskId {
        let id = self.next_id.replace(self.next_id.get() + 1);
        let future = Box::pin(future);
        self.tasks.borrow_mut().insert(id, Task { name, future });
        self.shared.ready().push_back(id);
        id
    }

    /// One turn: poll each ready task, then fire the timers that are due, or park. True once
    /// task 0 is done.
    fn turn(&self) -> bool {
        loop {
            // Its own statement, so the lock is let go before the task runs (and may spawn).
            let Some(id) = self.shared.ready().pop_front() else {
                break;
            };
            if self.poll_task(id) && id == 0 {
                return true;
            }
        }
        self.fire_timers_or_park();
        false
    }

    /// Polls a task; true if it is done.
    fn poll_task(&self, id: TaskId) -> bool {
        // Out of the map while it runs, so it may spawn. Gone if it ended or was cancelled.
        let Some(mut task) = self.tasks.borrow_mut().remove(&id) else {
            return false;
        };
        self.current.set(id);
        self.narrator.say(Event::Poll(id, task.name));
        let waker = Waker::from(Arc::new(TaskWaker(id, Arc::clone(&self.shared))));
        let poll = task.future.as_mut().poll(&mut Context::from_waker(&waker));
        self.narrator.say(match poll {
            Poll::Ready(()) => Event::Ready(id),
            Poll::Pending => Event::Pending(id),
        });
        if poll.is_pending() {
            self.tasks.borrow_mut().insert(id, task);
        } else {
            self.wakers.borrow_mut().remove(&id);
        }
        poll.is_ready()
    }

    /// Wakes the owner of every timer that is due. If that makes no task ready, parks the
    /// thread until the earliest deadline, or until a wake from another thread unparks it.
    fn fire_timers_or_park(&self) {
        let now = Instant::now();
        let mut timers = self.timers.borrow_mut();
        while let Some(&Reverse((at, task))) = timers.peek().filter(|Reverse((at, _))| *at <= now) {
            timers.pop();
            // None if the task has ended, or was cancelled, since it set the timer.
            if let Some(waker) = self.wakers.borrow().get(&task) {
                self.narrator.say(Event::Fire(task, at));
                waker.wake_by_ref();
            }
        }
        let next = timers.peek().map(|Reverse((at, _))| *at);
        drop(timers);
        if self.shared.ready().is_empty() {
            self.narrator.say(Event::Park(next));
            match next {
                Some(at) => thread::park_timeout(at.saturating_duration_since(now)),
                None => thread::park(),
            }
            // Timers fire only above: whatever is ready now, another thread woke.
            let woken: Vec<TaskId> = self.shared.ready().iter().copied().collect();
            woken
                .into_iter()
                .for_each(|id| self.narrator.say(Event::Wake(id)));
        }
    }
}

/// Makes `future` a task, queued to be polled; returns at once, as asyncio's `create_task`.
pub fn spawn<F: Future<Output = ()> + 'static>(future: F) -> JoinHandle {
    with_loop(|running| {
        let task = running.add(name_of::<F>(), future);
        running.narrator.say(Event::Spawn(task, name_of::<F>()));
        JoinHandle { task }
    })
}

/// A spawned task, to cancel.
#[derive(Debug)]
pub struct JoinHandle {
    task: TaskId,
}

impl JoinHandle {
    /// Drops the task's future. Whoever calls this is running, so the task is not: it sits
    /// parked at an `.await` (or was never polled). That is the only place where a future can
    /// stop, so it is the only place where a task can be cancelled. Dropping it runs the Drop of
    /// each local alive at that `.await`. Its timers go with it.
    pub fn cancel(self) {
        let id = self.task;
        with_loop(|running| {
            let task = running.tasks.borrow_mut().remove(&id);
            running.wakers.borrow_mut().remove(&id);
            if let Some(task) = task {
                running.narrator.say(Event::Cancel(id, task.name));
            }
        });
    }
}

/// `asyncio.sleep` by hand: a deadline, and whether its timer is set.
pub struct Sleep {
    until: Instant,
    period: Duration,
    timer_set: bool,
}

pub fn sleep(period: Duration) -> Sleep {
    let now = Instant::now();
    // A period too long for the clock is as good as forever: a year.
    let until = now.checked_add(period).unwrap_or(now + YEAR);
    let timer_set = false;
    Sleep {
        until,
        period,
        timer_set,
    }
}

const YEAR: Duration = Duration::from_secs(365 * 86_400);

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.timer_set {
            // Polled again: by the loop once the timer fired, or early by someone else.
            return if Instant::now() >= self.until {
                Poll::Ready(())
            } else {
                Poll::Pending
            };
        }
        // asyncio's `loop.call_later`: the loop keeps the deadline and our waker. Pending even
        // when `period` is 0: as `asyncio.sleep(0)`, it lets the other ready tasks run first.
        self.timer_set = true;
        let (at, waker, period) = (self.until, cx.waker().clone(), self.period);
        with_loop(|running| {
            let task = running.current.get();
            running.narrator.say(Event::Timer(task, period, at));
            running.timers.borrow_mut().push(Reverse((at, task)));
            running.wakers.borrow_mut().insert(task, waker);
        });
        Poll::Pending
    }
}

#[cfg(test)]
mod tests;
