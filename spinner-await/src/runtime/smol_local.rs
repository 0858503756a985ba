//! smol's tasks on this thread: a `LocalExecutor` that `smol::block_on` runs, and that `spawn`
//! finds through a thread-local, as tokio and async-std find theirs.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use smol::{LocalExecutor, Task};

thread_local! {
    /// The executor running on this thread, if any.
    static CURRENT: RefCell<Option<Rc<LocalExecutor<'static>>>> = const { RefCell::new(None) };
}

/// Runs `future` on this thread, and the tasks it spawns, until `future` is done.
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    let executor = Rc::new(LocalExecutor::new());
    CURRENT.set(Some(Rc::clone(&executor)));
    let output = smol::block_on(executor.run(future));
    CURRENT.set(None);
    output
}

/// Makes `future` a task of this thread's executor, polled when `block_on` runs it.
pub fn spawn(future: impl Future<Output = ()> + 'static) -> Task<()> {
    let running = CURRENT.with_borrow(Option::clone);
    let executor = running.expect("smol's tasks are spawned only inside its block_on");
    executor.spawn(future)
}
