//! spinner-await: a port of Fluent Python's `spinner_await.py`.
//!
//! An async task animates `|/-\` until the supervisor cancels it: tokio, async-std, smol, mini.

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use clap::Parser;
// What both spinners share (frames, status line, Ctrl-C, --seconds): spinner-thread's lib.rs.
use spinner_thread::{FRAME, FRAMES, parse_seconds, restore_terminal_on_signals};
mod runtime; // the plumbing: tokio, async-std, smol or mini (by hand), and how slow_function waits
use runtime::{Mode, Runtime, Spin, StatusLine};

/// Spin a text cursor while a slow function runs.
#[derive(Parser)]
struct Args {
    /// How long the slow function takes, in seconds (at most a day).
    #[arg(long, default_value = "3", value_parser = parse_seconds)]
    seconds: Duration,
    /// Text shown next to the spinner.
    #[arg(long, default_value = "thinking!")]
    message: String,
    /// --runtime, --blocking, --offload, --explain, --by-hand: see src/runtime/choice.rs.
    #[command(flatten)]
    how: runtime::Choice,
}

/// Runs as a task: draws frames until the supervisor cancels it.
async fn spin(rt: Runtime, msg: String) {
    // Cancelling drops this future at its `.await`, and this guard's Drop clears the line.
    let status = StatusLine::start();
    for ch in FRAMES.chars().cycle() {
        // `\r{ch} {msg}`, over the last frame; drawn on a terminal only, not into a pipe.
        status.draw(ch, &msg);
        // Hands the thread back to the runtime for one frame.
        rt.sleep(FRAME).await;
    }
}

/// Pretends to do slow work; `mode` shows the right way to wait, the wrong one, and the fix.
async fn slow_function(rt: Runtime, seconds: Duration, mode: &Mode) -> u64 {
    match mode {
        Mode::Await => rt.sleep(seconds).await, // meanwhile the runtime polls the spinner
        Mode::Blocking => thread::sleep(seconds), // no `.await`: the only thread is stuck here
        Mode::Offload(worker) => worker.run(move || thread::sleep(seconds)).await, // another thread
    }
    42
}

async fn supervisor(rt: Runtime, args: Args) -> anyhow::Result<u64> {
    let mode = args.how.mode(); // --offload starts its thread here, or says there is none
    // Calling an async fn runs none of its body: it only builds a future.
    let slow = slow_function(rt, args.seconds, &mode);
    // Spawning makes a future a task, which the runtime polls on its own.
    let spinner = if args.how.by_hand {
        rt.spawn(Spin::new(args.message)) // `spin` as the compiler sees it: runtime/spin_by_hand.rs
    } else {
        rt.spawn(spin(rt, args.message))
    };
    // Printed before the spinner's first frame: the task waits for our next `.await`.
    writeln!(io::stdout(), "spinner object: {spinner:?}")?;
    mode.announce(rt, args.seconds).await; // --blocking, --offload: what the class will see
    let result = slow.await;
    spinner.cancel().await;
    Ok(result)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rt = args.how.runtime();
    // Ctrl-C, SIGTERM, SIGHUP: restore the terminal, then exit with 130, 143, 129.
    restore_terminal_on_signals();
    let result = rt.block_on(supervisor(rt, args))?; // polls the future supervisor(...) built
    // writeln! rather than println!, which panics if stdout is closed (`| head -1`).
    writeln!(io::stdout(), "Answer: {result}")?;
    Ok(())
}
