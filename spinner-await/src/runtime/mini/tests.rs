//! The mini loop's promise: many concurrent sleeps, one thread.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use super::{block_on, sleep, spawn, with_loop};

/// 1,000 tasks asleep at once, each with its timer in the heap, and the process has as many
/// threads as before; then 1,000 short sleeps all wake. (The only test in this binary, so no
/// other test starts threads meanwhile.)
#[test]
fn a_thousand_concurrent_sleeps_use_one_thread() {
    let before = pty_harness::platform::thread_count();
    let woke = Rc::new(Cell::new(0));
    let all = Rc::clone(&woke);
    let (timers, during) = block_on(
        async move {
            // An hour each: none can be due before we look, however slow the machine.
            let handles: Vec<_> = (0..1000)
                .map(|_| spawn(sleep(Duration::from_secs(3600))))
                .collect();
            // Due at once, yet fired only after every task has run to its `.await`.
            sleep(Duration::ZERO).await;
            let timers = with_loop(|running| running.timers.borrow().len());
            let during = pty_harness::platform::thread_count();
            handles.into_iter().for_each(|handle| handle.cancel());
            for i in 0..1000 {
                let woke = Rc::clone(&all);
                spawn(async move {
                    sleep(Duration::from_millis(i % 50)).await;
                    woke.set(woke.get() + 1);
                });
            }
            while all.get() < 1000 {
                sleep(Duration::from_millis(10)).await;
            }
            (timers, during)
        },
        false,
    );
    assert_eq!(timers, 1000, "all asleep at once");
    assert_eq!(woke.get(), 1000, "all woke");
    assert_eq!(during, before, "threads while 1,000 sleep");
    if cfg!(target_os = "linux") {
        assert!(before.is_some(), "Linux counts threads");
    }
}
