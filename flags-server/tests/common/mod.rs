//! The server binary, as the tests of both files start it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// `flags-server` started with `args`; killed when dropped.
pub struct Binary {
    child: Child,
    /// The first line it printed, without its newline: the base URL.
    pub first_line: String,
}

impl Binary {
    pub fn start(args: &[&str]) -> Binary {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flags-server"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the server binary");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read its first line");
        let first_line = line.trim_end().to_string();
        Binary { child, first_line }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
