//! spinner-await: a port of Fluent Python's `spinner_await.py`.
//!
//! An async task animates `|/-\` until the supervisor cancels it, on tokio, async-std or mini.

use std::io::{self, IsTerminal, Write};
use std::thread;
use std::time::Duration;

use clap::Parser;
use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::style::Print;
use crossterm::terminal::{Clear, ClearType};

mod runtime; // the plumbing: tokio, async-std or mini (by hand), and how slow_function waits
use runtime::{Mode, Runtime};

/// The spinner's frames, drawn in turn forever.
const FRAMES: &str = r"|/-\";
/// Time between two frames, as in the book.
const FRAME: Duration = Duration::from_millis(100);

/// Spin a text cursor while a slow function runs.
#[derive(Parser)]
struct Args {
    /// How long the slow function takes, in seconds.
    #[arg(long, default_value = "3", value_parser = parse_seconds)]
    seconds: Duration,
    /// Text shown next to the spinner.
    #[arg(long, default_value = "thinking!")]
    message: String,
    /// --runtime, --blocking, --offload: which library polls, how slow_function waits.
    #[command(flatten)]
    how: runtime::Choice,
}

/// Runs as a task: draws frames until the supervisor cancels it.
async fn spin(rt: Runtime, msg: String) {
    // Piped into a file or another program: frames would be noise, draw none.
    if !io::stdout().is_terminal() {
        return;
    }
    // Cancelling drops this future where it awaits (no CancelledError, no code after
    // the loop): this guard's Drop clears the line and shows the cursor again.
    let _status = StatusLine::start();
    for ch in FRAMES.chars().cycle() {
        // `\r` moves back to the start of the line, so each frame overwrites the last.
        // Errors are ignored here and below: a spinner has nobody to report them to.
        let _ = execute!(io::stdout(), Print(format!("\r{ch} {msg}")));
        // Hands the thread back to the runtime for one frame.
        rt.sleep(FRAME).await;
    }
}

/// Pretends to do slow work; `mode` shows the right way to wait, the wrong one, and the fix.
async fn slow_function(rt: Runtime, seconds: Duration, mode: Mode) -> u64 {
    match mode {
        Mode::Await => rt.sleep(seconds).await, // meanwhile the runtime polls the spinner
        Mode::Blocking => thread::sleep(seconds), // no `.await`: the only thread is stuck here
        Mode::Offload => rt.spawn_blocking(move || thread::sleep(seconds)).await, // on another thread
    }
    42
}

async fn supervisor(rt: Runtime, args: Args) -> anyhow::Result<u64> {
    let mode = args.how.mode();
    // Calling an async fn runs none of its body: it only builds a future.
    let slow = slow_function(rt, args.seconds, mode);
    // Spawning makes a future a task, which the runtime polls on its own.
    let spinner = rt.spawn(spin(rt, args.message));
    // Printed before the spinner's first frame: the task waits for our next `.await`.
    writeln!(io::stdout(), "spinner object: {spinner:?}")?;
    mode.announce(rt, args.seconds).await; // --blocking, --offload: what the class will see, why
    let result = slow.await;
    spinner.cancel().await;
    Ok(result)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    restore_terminal_on_ctrl_c()?;
    let rt = args.how.runtime(&args.message); // the message is for --by-hand's spin
    // `supervisor(...)` only builds a future; the runtime we chose polls it to the end.
    let result = rt.block_on(supervisor(rt, args))?;
    // writeln! rather than println!, which panics if stdout is closed (`| head -1`).
    writeln!(io::stdout(), "Answer: {result}")?;
    Ok(())
}

/// Hides the cursor while it lives; clears the status line and shows the
/// cursor again when dropped, however the spinner ends.
struct StatusLine;

impl StatusLine {
    fn start() -> StatusLine {
        let _ = execute!(io::stdout(), Hide);
        StatusLine
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Back to the start of the line, erase it, show the cursor again.
fn restore_terminal() {
    let mut out = io::stdout();
    let _ = execute!(out, Print('\r'), Clear(ClearType::CurrentLine), Show);
}

/// Ctrl-C kills the process before any Drop runs, leaving the cursor hidden.
/// `ctrlc` turns SIGINT (and SIGTERM, SIGHUP) into a call on its own thread,
/// where we restore the terminal and exit with 130, the shell's code for Ctrl-C.
/// (crossterm could read Ctrl-C as a key, but only in raw mode, which we avoid.)
fn restore_terminal_on_ctrl_c() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        // Held until the process ends, so the spinner cannot draw a frame after the clear.
        let _stdout = io::stdout().lock();
        if io::stdout().is_terminal() {
            restore_terminal();
        }
        std::process::exit(130);
    })?;
    Ok(())
}

/// Reads `--seconds`: a float, at least 0.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|e| format!("{e}"))?;
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{e}"))
}
