//! spinner-thread: a port of Fluent Python's `spinner_thread.py`.
//!
//! A second thread animates `|/-\` while the main thread blocks on a slow call.

use std::io::{self, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use anyhow::anyhow;
use clap::Parser;
// What both spinners share (frames, status line, Ctrl-C, --seconds): spinner-thread's lib.rs.
use spinner_thread::StatusLine;
use spinner_thread::{FRAME, FRAMES, parse_seconds, restore_terminal_on_signals};

/// Spin a text cursor while a slow function runs.
#[derive(Parser)]
struct Args {
    /// How long the slow function takes, in seconds (at most a day).
    #[arg(long, default_value = "3", value_parser = parse_seconds)]
    seconds: Duration,
    /// Text shown next to the spinner.
    #[arg(long, default_value = "thinking!")]
    message: String,
}

/// Runs on its own thread: draws frames until `done` says stop.
fn spin(msg: String, done: mpsc::Receiver<()>) {
    // Hides the cursor; clears the line and shows the cursor again when `spin` returns.
    let status = StatusLine::start();
    for ch in FRAMES.chars().cycle() {
        // `\r{ch} {msg}`, over the last frame; drawn on a terminal only, not into a pipe.
        status.draw(ch, &msg);
        // Python's `done.wait(.1)`: sleep one frame, or wake at once when told to stop.
        if done.recv_timeout(FRAME) != Err(RecvTimeoutError::Timeout) {
            break;
        }
    }
}

/// Blocks the calling thread, as a slow computation or I/O call would.
fn slow_function(seconds: Duration) -> u64 {
    // The spinner keeps turning: the OS runs the other thread meanwhile.
    thread::sleep(seconds);
    42
}

fn supervisor(args: Args) -> anyhow::Result<u64> {
    // The book's `Event`, as a channel: `recv_timeout` sleeps one frame but wakes as soon
    // as we send (an AtomicBool could only be checked after each sleep).
    let (done, done_rx) = mpsc::channel();
    // Hold stdout while starting the thread, so our line comes before its first frame.
    let mut out = io::stdout().lock();
    // A Rust thread starts when created; naming it makes its Debug form readable.
    let spinner = thread::Builder::new()
        .name("spinner".into())
        .spawn(move || spin(args.message, done_rx))
        .map_err(|e| anyhow!("no thread for the spinner: {e}"))?;
    writeln!(out, "spinner object: {:?}", spinner.thread())?;
    drop(out);
    let result = slow_function(args.seconds);
    let _ = done.send(()); // Err only if the spinner has ended, which only a panic does
    spinner.join().map_err(|_| anyhow!("spinner panicked"))?;
    Ok(result)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // Ctrl-C, SIGTERM, SIGHUP: restore the terminal, then exit with 130, 143, 129.
    restore_terminal_on_signals();
    let result = supervisor(args)?;
    // writeln! rather than println!, which panics if stdout is closed (`| head -1`).
    writeln!(io::stdout(), "Answer: {result}")?;
    Ok(())
}
