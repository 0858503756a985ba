//! Ctrl-C, and the signals that end a program from outside (SIGTERM, SIGHUP), would stop the
//! process before any `Drop` runs, leaving the cursor hidden and a frame on the line. A thread
//! waits for them, restores the terminal, and exits with 128 + the signal's number, the code a
//! shell gives a program the signal killed: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP.
//! With no thread to be had, the program says so in one line and goes on without it.
//!
//! How the thread waits differs by OS, in `platform`: `sigwait` on Unix; elsewhere (Windows)
//! the `ctrlc` crate, for Ctrl-C alone.

use std::io::{self, Write};
use std::process;

use crate::status_line::restore_terminal;

/// Starts the thread that restores the terminal on Ctrl-C, SIGTERM or SIGHUP, then exits. Call
/// it before starting any other thread: on Unix, threads inherit the blocked signals.
pub fn restore_terminal_on_signals() {
    if let Err(e) = platform::on_signal(restore_and_exit) {
        let _ = writeln!(
            io::stderr(),
            "Ctrl-C is not handled ({e}): it will stop the program without restoring the terminal."
        );
    }
}

/// Restores the terminal, then ends the process with `code`.
fn restore_and_exit(code: i32) {
    // Held until the process ends, so the spinner cannot draw a frame after the clear.
    let _stdout = io::stdout().lock();
    restore_terminal();
    process::exit(code);
}

#[cfg(unix)]
mod platform {
    use std::io;
    use std::thread;

    use nix::sys::signal::{SigSet, Signal};

    /// Blocks the three signals on this thread, and so on each thread started after it, and
    /// starts a thread that waits for them (`sigwait`) and calls `then` with 128 + the number.
    /// Without a thread, unblocks them: each then ends the program as it would by default.
    pub fn on_signal(then: fn(i32)) -> io::Result<()> {
        let signals = SigSet::from_iter([Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP]);
        let _ = signals.thread_block();
        let waiter = thread::Builder::new()
            .name("signals".into())
            // `wait` fails only for a set it cannot wait on, and this one it can.
            .spawn(move || signals.wait().map(|signal| then(128 + signal as i32)));
        waiter.map(drop).map_err(|e| {
            let _ = signals.thread_unblock();
            io::Error::new(e.kind(), format!("no thread for its handler: {e}"))
        })
    }
}

#[cfg(not(unix))]
mod platform {
    use std::io;

    /// The `ctrlc` crate calls `then(130)` on its own thread at Ctrl-C; Err if it cannot.
    pub fn on_signal(then: fn(i32)) -> io::Result<()> {
        ctrlc::try_set_handler(move || then(130)).map_err(io::Error::other)
    }
}
