//! The pseudo-terminal harness both spinners' tests use: run a spinner on a real terminal and
//! read what it drew.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub const HIDE_CURSOR: &str = "\x1b[?25l";
pub const SHOW_CURSOR: &str = "\x1b[?25h";
pub const CLEAR_LINE: &str = "\r\x1b[2K";
/// Only a guard against a hung child, never a timing check.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// What a run in the pseudo-terminal printed, and how it ended.
pub struct PtyRun {
    pub output: String,
    pub exit_code: u32,
}

/// Runs the spinner `bin` with `args` on a pseudo-terminal. With `ctrl_c`, types
/// Ctrl-C as soon as the first frame shows.
pub fn run_in_pty(bin: &str, args: &[&str], ctrl_c: bool) -> PtyRun {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pseudo-terminal");
    let mut cmd = CommandBuilder::new(bin);
    cmd.args(args);
    let mut child = pty.slave.spawn_command(cmd).expect("start the spinner");
    // Only the child may hold the terminal side, or reading never reaches the end.
    drop(pty.slave);

    // Read on another thread, so the child never blocks on a full buffer.
    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    thread::spawn(move || {
        let mut buf = [0; 4096];
        // Linux answers EIO rather than 0 once the child has closed the terminal.
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            if tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });

    let mut bytes = Vec::new();
    if ctrl_c {
        while !String::from_utf8_lossy(&bytes).contains("\r| ") {
            let chunk = rx.recv_timeout(PATIENCE).expect("a first frame");
            bytes.extend(chunk);
        }
        let mut writer = pty.master.take_writer().expect("pty writer");
        writer.write_all(b"\x03").expect("type Ctrl-C");
        writer.flush().expect("flush Ctrl-C");
    }
    let status = child.wait().expect("wait for the spinner");
    while let Ok(chunk) = rx.recv_timeout(PATIENCE) {
        bytes.extend(chunk);
    }
    PtyRun {
        output: String::from_utf8_lossy(&bytes).into_owned(),
        exit_code: status.exit_code(),
    }
}

pub fn frame(ch: char, msg: &str) -> String {
    format!("\r{ch} {msg}")
}

/// How many frames the run drew.
pub fn count_frames(output: &str, msg: &str) -> usize {
    r"|/-\"
        .chars()
        .map(|ch| output.matches(&frame(ch, msg)).count())
        .sum()
}

/// Where the last frame ends.
pub fn end_of_last_frame(output: &str, msg: &str) -> usize {
    r"|/-\"
        .chars()
        .filter_map(|ch| {
            let f = frame(ch, msg);
            output.rfind(&f).map(|at| at + f.len())
        })
        .max()
        .expect("at least one frame")
}
