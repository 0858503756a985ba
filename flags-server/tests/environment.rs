//! What the environment may do to the binary: close its stderr, fill it or stop reading it,
//! give it few file descriptors, put a FIFO where a file was. It answers, refuses at once, or
//! exits 2 with one line; it never panics and never hangs. Real processes, real sockets, port 0.

#![cfg(unix)] // ulimit, kill -INT, kill -TERM, mkfifo

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{get, status};
use flags_server::{Ready, countries};

const BIN: &str = env!("CARGO_BIN_EXE_flags-server");
/// Nothing here should take a tenth of this; it only keeps a broken build from hanging.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// The binary with `args` and this stderr; its first line of stdout.
fn spawn(args: &[&str], stderr: Stdio) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn the server binary");
    // A piped stderr is closed here, before the server writes anything to it.
    drop(child.stderr.take());
    first_line(child)
}

/// The child, and the first line of its stdout.
fn first_line(mut child: Child) -> (Child, String) {
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read its first line");
    (child, line.trim_end().to_string())
}

/// Waits for the process to end, within the hang guard.
fn wait(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Ctrl-C, as the terminal sends it.
fn interrupt(child: &Child) {
    signal(child, "INT");
}

/// `kill -NAME`: `INT` (Ctrl-C) or `TERM`.
fn signal(child: &Child, name: &str) {
    let done = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(done.success());
}

/// Serves every flag with `-v` on this stderr, then stops on Ctrl-C: its exit status.
fn serve_every_flag(stderr: Stdio) -> ExitStatus {
    let args = ["--port", "0", "-v", "--ready", "json"];
    let (mut child, first_line) = spawn(&args, stderr);
    let ready: Ready = serde_json::from_str(&first_line).expect("a JSON ready line");
    assert!(ready.base_url.ends_with("/flags"), "{ready:?}");
    let host_port = ready.addr.to_string();
    for country in countries() {
        let cc = country.iso_cc.to_ascii_lowercase();
        let answer = get(&host_port, &format!("/flags/{cc}/{cc}.gif")).expect("GET");
        assert_eq!(status(&answer), Some(200), "{cc}");
    }
    interrupt(&child);
    wait(&mut child)
}

#[test]
fn a_closed_stderr_changes_nothing_but_the_log() {
    let working = serve_every_flag(Stdio::null());
    assert!(working.success(), "{working:?}");
    let closed = serve_every_flag(Stdio::piped());
    assert_eq!(closed.code(), working.code());
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stderr_changes_nothing_but_the_log() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let status = serve_every_flag(Stdio::from(full));
    assert!(status.success(), "{status:?}");
}

/// A pipe nobody reads, kept full: the read end, to keep open until the test ends. A thread
/// writes to it until its write blocks, and ends when the read end is dropped.
fn stalled_pipe() -> (std::io::PipeReader, std::io::PipeWriter) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    let mut filler = writer.try_clone().expect("a second write end");
    std::thread::spawn(move || {
        let chunk = [b'.'; 4096];
        while filler.write_all(&chunk).is_ok() {}
    });
    (reader, writer)
}

/// A child process, killed when the test ends if it is still running, passed or failed.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `n` GETs of `path` on one connection, sent in a row (the last asks for the close) while
/// the answers are read: how many were answered 200.
fn pipelined_gets(host_port: &str, path: &str, n: usize) -> usize {
    let mut stream = std::net::TcpStream::connect(host_port).expect("connect");
    stream
        .set_read_timeout(Some(HANG_GUARD))
        .expect("a read timeout");
    let mut requests = stream.try_clone().expect("a second handle");
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
    let last = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let sender = std::thread::spawn(move || {
        let all = request.repeat(n - 1) + &last;
        requests
            .write_all(all.as_bytes())
            .expect("send the requests");
    });
    let mut answers = Vec::new();
    stream.read_to_end(&mut answers).expect("read the answers");
    sender.join().expect("join the sender");
    let ok = b"HTTP/1.1 200 ";
    answers.windows(ok.len()).filter(|w| w == ok).count()
}

/// With stderr a pipe nobody reads (the writer of stderr lines blocked from the first one, a
/// `less` left open), with `-v` and without: 1,500 requests (with `-v`, 160 KB of lines) are
/// all answered, and SIGINT or SIGTERM ends the server within a second, with status 0.
#[test]
fn a_stalled_stderr_never_keeps_the_server_from_stopping() {
    for verbose in [true, false] {
        for sig in ["INT", "TERM"] {
            let case = format!("-v {verbose}, SIG{sig}");
            let (unread, stderr) = stalled_pipe();
            // Few enough connections for any open-files limit: no note before the first line.
            let mut args = vec!["--port", "0", "--ready", "json", "--max-connections", "100"];
            if verbose {
                args.push("-v");
            }
            let mut child = Reaped(
                Command::new(BIN)
                    .args(&args)
                    .stdout(Stdio::piped())
                    .stderr(stderr)
                    .spawn()
                    .expect("spawn the server binary"),
            );
            // Read on a thread of its own: a server stuck on stderr before its first line of
            // stdout fails the test instead of hanging it.
            let stdout = child.0.stdout.take().expect("stdout");
            let (line_tx, line_rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = line_tx.send(line);
            });
            let first_line = line_rx.recv_timeout(HANG_GUARD);
            let first_line = first_line.unwrap_or_else(|_| panic!("{case}: no first line"));
            let ready: Ready = serde_json::from_str(&first_line).expect("a JSON ready line");
            let host_port = ready.addr.to_string();
            let answered = pipelined_gets(&host_port, "/flags/br/metadata.json", 1500);
            assert_eq!(answered, 1500, "{case}");
            let asked = Instant::now();
            signal(&child.0, sig);
            let status = loop {
                if let Some(status) = child.0.try_wait().expect("try_wait") {
                    break status;
                }
                let waited = asked.elapsed();
                assert!(
                    waited < Duration::from_secs(1),
                    "{case}: running after {waited:?}"
                );
                std::thread::sleep(Duration::from_millis(10));
            };
            assert!(status.success(), "{case}: {status:?}");
            drop(unread);
        }
    }
}

/// Under `ulimit -n limit`: the binary and its first line of stdout.
fn spawn_with_open_files(limit: u32, args: &[&str]) -> (Child, String) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    first_line(cmd.spawn().expect("spawn sh"))
}

#[test]
fn few_descriptors_are_refused_at_start_or_served_never_hung() {
    let minimum = flags_server::RESERVED_FILES + flags_server::MIN_CONNECTIONS;
    for limit in [5, 8, 9, 10, 16, 35, 36, 40, 48] {
        let (mut child, first_line) = spawn_with_open_files(limit, &["--port", "0"]);
        if first_line.is_empty() {
            // Refused at start: exit 2 and one line that says what to do.
            let status = wait(&mut child);
            let mut err = String::new();
            let _ = child
                .stderr
                .take()
                .expect("stderr")
                .read_to_string(&mut err);
            assert_eq!(status.code(), Some(2), "limit {limit}: {err}");
            assert!(u64::from(limit) < minimum, "limit {limit}: {err}");
            assert_eq!(err.lines().count(), 1, "limit {limit}: {err}");
            assert!(err.contains(&format!("limit is {limit}")), "{err}");
            assert!(err.contains("ulimit -n"), "{err}");
            continue;
        }
        assert!(u64::from(limit) >= minimum, "limit {limit} started");
        let host_port = first_line
            .strip_prefix("http://")
            .and_then(|r| r.strip_suffix("/flags"))
            .expect("a base URL")
            .to_string();
        // Twice as many clients at once as descriptors: each is answered or refused, at once.
        let clients: Vec<_> = (0..2 * limit)
            .map(|_| {
                let host_port = host_port.clone();
                std::thread::spawn(move || get(&host_port, "/flags/br/metadata.json"))
            })
            .collect();
        let mut answered = 0;
        for client in clients {
            match client.join().expect("join") {
                Ok(answer) if status(&answer) == Some(200) => answered += 1,
                Ok(answer) => assert!(answer.is_empty(), "limit {limit}: {answer:?}"),
                Err(e) => assert!(
                    !matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ),
                    "limit {limit}: a client was left hanging"
                ),
            }
        }
        assert!(answered > 0, "limit {limit}: none answered");
        // And it still serves once they are gone.
        let answer = get(&host_port, "/flags/br/metadata.json").expect("GET");
        assert_eq!(status(&answer), Some(200), "limit {limit}");
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The number of threads of a process, from /proc (Linux only).
fn threads(pid: u32) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("Threads:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_fifo_in_place_of_a_served_file_is_refused_at_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let big = tmp.path().join("big.bin");
    // Over 1 MB: remembered by its metadata and opened again on each request.
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(2 << 20))
        .expect("a large file");
    let root = tmp.path().to_str().expect("UTF-8");
    let (mut child, first_line) = spawn(&["--port", "0", "--root", root], Stdio::null());
    let host_port = first_line
        .strip_prefix("http://")
        .and_then(|r| r.strip_suffix("/flags"))
        .expect("a base URL")
        .to_string();
    let answer = get(&host_port, "/flags/big.bin").expect("GET");
    assert_eq!(status(&answer), Some(200));
    std::fs::remove_file(&big).expect("remove");
    let made = Command::new("mkfifo").arg(&big).status().expect("mkfifo");
    assert!(made.success());
    let before = threads(child.id());
    // Within the second the path stays remembered, and after: every request gets an answer.
    for _ in 0..30 {
        let answer = get(&host_port, "/flags/big.bin").expect("an answer, not a hang");
        assert_eq!(status(&answer), Some(404));
        std::thread::sleep(Duration::from_millis(50));
    }
    if let (Some(before), Some(after)) = (before, threads(child.id())) {
        // A thread stuck in open() per request would add 30.
        assert!(after < before + 10, "{before} threads, then {after}");
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn open_nonblocking_never_waits_for_a_fifo_writer() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fifo = tmp.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let (done, opened) = std::sync::mpsc::channel();
    // A blocking open would wait for a writer forever: on a thread of its own, and given up.
    std::thread::spawn(move || {
        let _ = done.send(flags_server::open_nonblocking(&fifo).map(|f| f.metadata()));
    });
    let opened = opened.recv_timeout(Duration::from_secs(5));
    let meta = opened.expect("open returns at once").expect("opened");
    assert!(!meta.expect("metadata").is_file());
}
