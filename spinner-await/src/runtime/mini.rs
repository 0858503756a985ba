//! The event loop by hand, std only: what asyncio's loop does, in one file. A queue of ready
//! tasks, wakers made with `std::task::Wake`, a heap of timers, and `block_on`, `spawn`,
//! `sleep`, `yield_now` and `spawn_blocking`. It starts no thread, except for `spawn_blocking`.

use std::any::type_name;
use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::atomic::{self, AtomicBool};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use super::explain::{Event, Narrator};

/// A task's number: 0 is the future given to `block_on`, spawned tasks count from 1.
type TaskId = usize;
const MAIN: TaskId = 0;

/// What the loop shares with its wakers, which another thread may call (`spawn_blocking`).
struct Shared {
    /// Tasks to poll, in the order they were woken: asyncio's `_ready` deque.
    ready: Mutex<VecDeque<TaskId>>,
    /// The loop's thread: every wake unparks it.
    thread: Thread,
    narrator: Narrator,
}

/// One task's waker. `Wake` is all std needs to turn it into a `Waker`.
struct TaskWaker {
    task: TaskId,
    shared: Arc<Shared>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.shared.narrator.say(Event::Wake(self.task));
        let mut ready = self.shared.ready.lock().unwrap_or_else(PoisonError::into_inner);
        ready.push_back(self.task);
        // From the loop's own thread (a timer, a yield), the loop is awake and will see it.
        if thread::current().id() != self.shared.thread.id() {
            self.shared.thread.unpark();
        }
    }
}

/// A deadline, and whom to wake then: what asyncio's `loop.call_later` stores.
struct Timer {
    at: Instant,
    task: TaskId,
    waker: Waker,
}

/// Ordered by deadline, reversed: the heap's top is the earliest.
impl Ord for Timer {
    fn cmp(&self, other: &Self) -> Ordering {
        other.at.cmp(&self.at)
    }
}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Timer {}

/// A spawned task: its name (for `--explain`) and its future, boxed so all fit in one map.
struct Task {
    name: &'static str,
    future: Pin<Box<dyn Future<Output = ()>>>,
}

/// The loop's own state, touched only on its thread.
struct Loop {
    shared: Arc<Shared>,
    tasks: RefCell<HashMap<TaskId, Task>>,
    timers: RefCell<BinaryHeap<Timer>>,
    next_id: Cell<TaskId>,
    /// The task being polled: whose timer a `sleep` sets.
    current: Cell<TaskId>,
}

thread_local! {
    /// The loop running on this thread: how `spawn` and `sleep` find it (tokio does the same).
    static CURRENT: RefCell<Option<Rc<Loop>>> = const { RefCell::new(None) };
}

fn with_loop<T>(f: impl FnOnce(&Loop) -> T) -> T {
    let running = CURRENT.with_borrow(Option::clone);
    f(&running.expect("the mini loop's futures run only inside its block_on"))
}

/// `spinner_await::spin::{{closure}}` becomes `spin`: the async fn that built the future.
fn name_of<F>() -> &'static str {
    let full = type_name::<F>().trim_end_matches("::{{closure}}");
    full.rsplit("::").next().unwrap_or(full)
}

/// asyncio's `loop.run_until_complete`: polls `future` and every task it spawns, on this thread,
/// until `future` is done. Tasks still pending then are dropped with the loop.
pub fn block_on<F: Future>(future: F, explain: bool) -> F::Output {
    let shared = Arc::new(Shared {
        ready: Mutex::new(VecDeque::from([MAIN])),
        thread: thread::current(),
        narrator: Narrator::new(explain),
    });
    let running = Rc::new(Loop {
        shared,
        tasks: RefCell::default(),
        timers: RefCell::default(),
        next_id: Cell::new(MAIN + 1),
        current: Cell::new(MAIN),
    });
    CURRENT.set(Some(Rc::clone(&running)));
    running.shared.narrator.say(Event::BlockOn(name_of::<F>()));
    let output = running.run(pin!(future), name_of::<F>());
    CURRENT.set(None);
    output
}

impl Loop {
    fn run<T>(&self, mut main: Pin<&mut impl Future<Output = T>>, name: &'static str) -> T {
        let main_waker = self.waker(MAIN);
        loop {
            while let Some(id) = self.pop_ready() {
                if id != MAIN {
                    self.poll_task(id);
                    continue;
                }
                self.before_poll(MAIN, name);
                if let Poll::Ready(output) = main.as_mut().poll(&mut Context::from_waker(&main_waker)) {
                    self.shared.narrator.say(Event::Ready(MAIN));
                    return output;
                }
                self.shared.narrator.say(Event::Pending(MAIN));
            }
            self.fire_timers_or_park();
        }
    }

    fn pop_ready(&self) -> Option<TaskId> {
        let mut ready = self.shared.ready.lock().unwrap_or_else(PoisonError::into_inner);
        ready.pop_front()
    }

    fn waker(&self, task: TaskId) -> Waker {
        let shared = Arc::clone(&self.shared);
        Waker::from(Arc::new(TaskWaker { task, shared }))
    }

    fn before_poll(&self, id: TaskId, name: &'static str) {
        self.current.set(id);
        self.shared.narrator.say(Event::Poll(id, name));
    }

    fn poll_task(&self, id: TaskId) {
        // Out of the map while it runs, so it may spawn. Gone if it ended or was cancelled.
        let Some(mut task) = self.tasks.borrow_mut().remove(&id) else {
            return;
        };
        self.before_poll(id, task.name);
        match task.future.as_mut().poll(&mut Context::from_waker(&self.waker(id))) {
            Poll::Ready(()) => self.shared.narrator.say(Event::Ready(id)),
            Poll::Pending => {
                self.shared.narrator.say(Event::Pending(id));
                self.tasks.borrow_mut().insert(id, task);
            }
        }
    }

    /// Wakes the owners of every timer that is due; if none, parks the thread until the earliest
    /// deadline, or until a wake (from another thread) unparks it.
    fn fire_timers_or_park(&self) {
        let now = Instant::now();
        let mut timers = self.timers.borrow_mut();
        while timers.peek().is_some_and(|timer| timer.at <= now) {
            let timer = timers.pop().expect("peeked");
            self.shared.narrator.say(Event::Fire(timer.task, timer.at));
            timer.waker.wake();
        }
        let next = timers.peek().map(|timer| timer.at);
        drop(timers);
        if !self.shared.ready.lock().unwrap_or_else(PoisonError::into_inner).is_empty() {
            return;
        }
        self.shared.narrator.say(Event::Park(next));
        match next {
            Some(at) => thread::park_timeout(at.saturating_duration_since(now)),
            None => thread::park(),
        }
    }
}

/// Makes `future` a task, queued to be polled; returns at once, as asyncio's `create_task`.
pub fn spawn<F: Future<Output = ()> + 'static>(future: F) -> JoinHandle {
    with_loop(|running| {
        let id = running.next_id.replace(running.next_id.get() + 1);
        let (name, future) = (name_of::<F>(), Box::pin(future));
        running.tasks.borrow_mut().insert(id, Task { name, future });
        let mut ready = running.shared.ready.lock().unwrap_or_else(PoisonError::into_inner);
        ready.push_back(id);
        running.shared.narrator.say(Event::Spawn(id, name));
        JoinHandle { task: id }
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
        with_loop(|running| {
            let task = running.tasks.borrow_mut().remove(&self.task);
            running.timers.borrow_mut().retain(|timer| timer.task != self.task);
            if let Some(task) = task {
                running.shared.narrator.say(Event::Cancel(self.task, task.name));
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
    let until = now.checked_add(period).unwrap_or(now + Duration::from_secs(365 * 86_400));
    let timer_set = false;
    Sleep { until, period, timer_set }
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.until {
            return Poll::Ready(());
        }
        if !self.timer_set {
            // asyncio's `loop.call_later`: the loop keeps the deadline and our waker.
            self.timer_set = true;
            let (at, waker) = (self.until, cx.waker().clone());
            with_loop(|running| {
                let task = running.current.get();
                running.shared.narrator.say(Event::Timer(task, self.period, at));
                running.timers.borrow_mut().push(Timer { at, task, waker });
            });
        }
        Poll::Pending
    }
}

/// `asyncio.sleep(0)`: go to the back of the ready queue once, so other tasks get a turn.
pub async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

/// asyncio's `run_in_executor`: runs `call` on a new thread (the one place this loop starts a
/// thread), which wakes the awaiting task when the call returns.
pub async fn spawn_blocking(call: impl FnOnce() + Send + 'static) {
    let done = Arc::new(AtomicBool::new(false));
    let mut call = Some(call);
    std::future::poll_fn(|cx| {
        if done.load(atomic::Ordering::Acquire) {
            return Poll::Ready(());
        }
        if let Some(call) = call.take() {
            let (done, waker) = (Arc::clone(&done), cx.waker().clone());
            with_loop(|running| running.shared.narrator.say(Event::Offload(running.current.get())));
            thread::spawn(move || {
                call();
                done.store(true, atomic::Ordering::Release);
                waker.wake();
            });
        }
        Poll::Pending
    })
    .await;
}

#[cfg(test)]
mod tests;
