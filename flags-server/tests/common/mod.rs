//! The server binary, as the tests start it.

#![allow(dead_code)] // each test file uses a part of it

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_flags-server");

/// `flags-server` started with `args`; killed when dropped.
pub struct Binary {
    child: Child,
    /// The first line it printed, without its newline: the base URL.
    pub first_line: String,
    stderr: Arc<Mutex<String>>,
}

impl Binary {
    pub fn start(args: &[&str]) -> Binary {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        Binary::spawn(cmd)
    }

    /// Started by `sh` after `ulimit -n limit`, so it cannot raise its open-files limit.
    #[cfg(unix)]
    pub fn start_with_open_files(limit: u32, args: &[&str]) -> Binary {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
            .arg(BIN)
            .args(args);
        Binary::spawn(cmd)
    }

    fn spawn(mut cmd: Command) -> Binary {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the server binary");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read its first line");
        let first_line = line.trim_end().to_string();
        Binary {
            child,
            first_line,
            stderr,
        }
    }

    /// The process id, to read its memory use.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `host:port` of the server.
    pub fn host_port(&self) -> String {
        let rest = self.first_line.strip_prefix("http://").expect("a URL");
        rest.split('/').next().expect("host:port").to_string()
    }

    /// What it printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (up to 20 s) until stderr contains `text`; the whole stderr then.
    pub fn wait_stderr(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let err = self.stderr();
            if err.contains(text) || Instant::now() > deadline {
                return err;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends one GET and reads the whole answer (the request asks for the close); a guard of 30 s
/// against a server that never answers, never a timing check.
pub fn get(host_port: &str, path: &str) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect(host_port)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(out)
}

/// The status code of an HTTP/1.1 answer.
pub fn status(answer: &[u8]) -> Option<u16> {
    let head = answer.strip_prefix(b"HTTP/1.1 ")?;
    std::str::from_utf8(head.get(..3)?).ok()?.parse().ok()
}

/// Polls `server`'s stats until `done` holds (requests end, and are counted, on the server's
/// own threads); gives up after 20 s and returns the last ones.
pub fn wait_stats(
    server: &flags_server::ServerHandle,
    done: impl Fn(&flags_server::Stats) -> bool,
) -> flags_server::Stats {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = server.stats();
        if done(&s) || Instant::now() > deadline {
            return s;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
