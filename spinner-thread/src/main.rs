//! spinner-thread: a port of Fluent Python's `spinner_thread.py`.
//!
//! A second thread animates `|/-\` while the main thread blocks on a slow call.

use std::io::{self, IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use anyhow::anyhow;
use clap::Parser;
use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::style::Print;
use crossterm::terminal::{Clear, ClearType};

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
}

/// Runs on its own thread: draws frames until `done` says stop.
fn spin(msg: String, done: mpsc::Receiver<()>) {
    // Piped into a file or another program: frames would be noise, draw none.
    if !io::stdout().is_terminal() {
        return;
    }
    // Clears the line and shows the cursor again when `spin` returns.
    let _status = StatusLine::start();
    for ch in FRAMES.chars().cycle() {
        // `\r` moves back to the start of the line, so each frame overwrites the last.
        // Errors are ignored here and below: a spinner has nobody to report them to.
        let _ = execute!(io::stdout(), Print(format!("\r{ch} {msg}")));
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
        .spawn(move || spin(args.message, done_rx))?;
    writeln!(out, "spinner object: {:?}", spinner.thread())?;
    drop(out);
    let result = slow_function(args.seconds);
    // Err only if the spinner already stopped (e.g. stdout is not a terminal).
    let _ = done.send(());
    spinner
        .join()
        .map_err(|_| anyhow!("the spinner thread panicked"))?;
    Ok(result)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    restore_terminal_on_ctrl_c()?;
    let result = supervisor(args)?;
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
