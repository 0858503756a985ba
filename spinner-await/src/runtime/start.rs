//! async-std and smol start what they need on first use, and panic when the OS refuses it: a
//! thread (`ulimit -u`, a container's limit on processes), a file for the reactor (`ulimit -n`).
//! Their first use happens here, a step at a time, and such a panic becomes one line: which
//! runtime, and why. (tokio's builder returns an error of its own.)
//!
//! The order matters. Both wait on async-io, whose `block_on` starts async-io's thread as it
//! returns, or as a panic unwinds through it. Failing there during another step's panic would
//! be a panic within a panic, which aborts the process, so async-io's thread is started first,
//! alone.

use std::any::Any;
use std::panic;
use std::time::Duration;

use anyhow::anyhow;

/// Starts async-io's thread, then its reactor, then each of `then` (async-std's executor).
/// Err, in one line, at the first that panics.
pub fn check(library: &str, then: &[fn()]) -> anyhow::Result<()> {
    let async_io: [fn(); 2] = [
        || smol::block_on(async {}),
        || {
            smol::block_on(smol::Timer::after(Duration::from_millis(1)));
        },
    ];
    let hook = panic::take_hook();
    // Silent while we look: a panic is told once, below, as an error.
    panic::set_hook(Box::new(|_| {}));
    let started = async_io
        .iter()
        .chain(then)
        .try_for_each(|&step| panic::catch_unwind(step));
    panic::set_hook(hook);
    started.map_err(|payload| anyhow!("{library} cannot start: {}", text(&*payload)))
}

/// What a panic said.
fn text(payload: &(dyn Any + Send)) -> &str {
    let owned = payload.downcast_ref::<String>().map(String::as_str);
    owned
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("it panicked")
}
