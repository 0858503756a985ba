//! Test-only: run a program on a real pseudo-terminal, type into it, and read what it drew.
//! The spinners' and the downloaders' terminal tests use it (a dev-dependency only).
//!
//! ```no_run
//! let mut term = pty_harness::Pty::spawn("spinner-thread", &["--seconds", "1"], 24, 80);
//! term.wait_for("thinking!");
//! term.ctrl_c();
//! let run = term.finish();
//! assert_eq!(run.exit_code, 130);
//! ```

use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub mod platform;
pub mod spinner;

pub const HIDE_CURSOR: &str = "\x1b[?25l";
pub const SHOW_CURSOR: &str = "\x1b[?25h";
pub const CLEAR_LINE: &str = "\r\x1b[2K";
/// Only a guard against a hung child, never a timing check.
const PATIENCE: Duration = Duration::from_secs(60);

/// What a run in the pseudo-terminal printed, and how it ended.
pub struct PtyRun {
    pub output: String,
    pub exit_code: u32,
}

/// A program running on a pseudo-terminal of a given size.
pub struct Pty {
    /// The keyboard. Taken once: the terminal allows one writer, and dropping it sends EOF.
    keyboard: Box<dyn Write + Send>,
    /// Held for the terminal to stay open while the program runs; resizes it.
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    chunks: Receiver<Vec<u8>>,
    bytes: Vec<u8>,
}

impl Pty {
    /// Start `bin` with `args` on a new `rows` × `cols` terminal.
    pub fn spawn(bin: &str, args: &[&str], rows: u16, cols: u16) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        if let Ok(dir) = std::env::current_dir() {
            cmd.cwd(dir);
        }
        let child = pty.slave.spawn_command(cmd).expect("start the program");
        // Only the child may hold the terminal side, or reading never reaches the end.
        drop(pty.slave);

        // Read on another thread, so the child never blocks on a full buffer.
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let (tx, chunks) = mpsc::channel::<Vec<u8>>();
        thread::spawn(move || {
            let mut buf = [0; 4096];
            // Linux answers EIO rather than 0 once the child has closed the terminal.
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                if tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Pty {
            keyboard: pty.master.take_writer().expect("pty writer"),
            master: pty.master,
            child,
            chunks,
            bytes: Vec::new(),
        }
    }

    /// Everything drawn so far.
    fn output(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// Read until the output contains `text`. Panics after `PATIENCE` without it.
    pub fn wait_for(&mut self, text: &str) {
        self.wait_until(|out| out.contains(text), text);
    }

    /// Read until `done` holds for the output so far. Panics after `PATIENCE` without it.
    pub fn wait_until(&mut self, done: impl Fn(&str) -> bool, what: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !done(&self.output()) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.bytes.extend(chunk),
                Err(_) => panic!("never saw {what:?} in {:?}", self.output()),
            }
        }
    }

    /// Type `bytes` as if at the keyboard.
    fn type_bytes(&mut self, bytes: &[u8]) {
        self.keyboard
            .write_all(bytes)
            .expect("type into the terminal");
        self.keyboard.flush().expect("flush the terminal");
    }

    /// Resize the terminal to `rows` × `cols`, as a window dragged to that size: the program
    /// gets SIGWINCH and reads the new size.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pseudo-terminal");
    }

    /// Press Ctrl-C.
    pub fn ctrl_c(&mut self) {
        self.type_bytes(b"\x03");
    }

    /// Wait for the program to end and read the rest of what it drew.
    pub fn finish(mut self) -> PtyRun {
        let status = self.child.wait().expect("wait for the program");
        while let Ok(chunk) = self.chunks.recv_timeout(PATIENCE) {
            self.bytes.extend(chunk);
        }
        PtyRun {
            output: self.output(),
            exit_code: status.exit_code(),
        }
    }
}

/// Runs `bin` with `args` on a 24 × 80 pseudo-terminal to its end. With `ctrl_c`, types
/// Ctrl-C as soon as `ctrl_c_after` shows.
pub fn run_in_pty(bin: &str, args: &[&str], ctrl_c_after: Option<&str>) -> PtyRun {
    let mut term = Pty::spawn(bin, args, 24, 80);
    if let Some(text) = ctrl_c_after {
        term.wait_for(text);
        term.ctrl_c();
    }
    term.finish()
}
