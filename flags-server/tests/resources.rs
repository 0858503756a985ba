//! What a server holds and for how long: the send timeout, the open-files limit, memory while
//! streaming a large file, and a `--root` that changes or vanishes. Real sockets, port 0.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Binary, get, status};
use flags_server::{Config, Profile, ServerHandle, Stats, start};

/// A root with two small flags and, if `big` > 0, a sparse file of `big` bytes.
fn root_with(dir: &Path, big: u64) {
    for cc in ["br", "jp"] {
        std::fs::create_dir_all(dir.join(cc)).expect("mkdir");
        std::fs::write(dir.join(format!("{cc}/{cc}.gif")), format!("GIF89a {cc}")).expect("write");
    }
    if big > 0 {
        let f = std::fs::File::create(dir.join("big.bin")).expect("create");
        f.set_len(big).expect("set_len");
    }
}

/// The status of `GET path`, retried until it is `want` (20 s at most); the last status seen.
fn wait_status(host_port: &str, path: &str, want: u16) -> Option<u16> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = get(host_port, path).ok().and_then(|a| status(&a));
        if got == Some(want) || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stats(server: &ServerHandle) -> Stats {
    server.stats()
}

#[test]
fn a_client_that_reads_nothing_is_dropped_and_its_slot_reused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    root_with(tmp.path(), 64 << 20);
    let mut config = Config::new(Profile::Local);
    config.root = Some(tmp.path().to_path_buf());
    config.max_connections = 1;
    config.send_timeout = Duration::from_millis(300);
    let server = start(config).expect("server starts");
    let host_port = server.addr().to_string();

    // Asks for 64 MB and reads none of it: the socket buffers fill, then every write waits.
    let mut idle = TcpStream::connect(&host_port).expect("connect");
    idle.write_all(b"GET /flags/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("write");

    // The one slot is taken until the send timeout frees it; then a new client is served.
    assert_eq!(wait_status(&host_port, "/flags/br/br.gif", 200), Some(200));
    assert_eq!(stats(&server).send_timeouts, 1);
    // The idle client finds its connection ended, short of the 64 MB.
    idle.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut got = Vec::new();
    let read = idle.read_to_end(&mut got);
    assert!(read.is_err() || got.len() < 64 << 20, "{read:?}");
}

#[test]
fn a_client_that_pipelines_and_never_reads_is_dropped() {
    let mut config = Config::new(Profile::Local);
    config.max_connections = 1;
    config.send_timeout = Duration::from_millis(300);
    let server = start(config).expect("server starts");
    let host_port = server.addr().to_string();
    // Thousands of requests in a row, none of the answers read: once the socket buffers are
    // full, the server's writes wait. The writer stops when the server closes the connection.
    let mut greedy = TcpStream::connect(&host_port).expect("connect");
    let writer = std::thread::spawn(move || {
        let request = b"GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\n\r\n";
        greedy
            .set_write_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        for _ in 0..200_000 {
            if let Err(e) = greedy.write_all(request) {
                // Closed by the server, not merely blocked until our own timeout.
                return !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut);
            }
        }
        false
    });
    assert_eq!(wait_status(&host_port, "/flags/jp/jp.gif", 200), Some(200));
    assert_eq!(stats(&server).send_timeouts, 1);
    assert!(
        writer.join().expect("join"),
        "the connection was never closed"
    );
}

#[cfg(unix)]
#[test]
fn clients_over_the_open_files_limit_are_refused_not_left_hanging() {
    let server = Binary::start_with_open_files(64, &["--port", "0", "--max-connections", "1000"]);
    let err = server.wait_stderr("server,");
    assert!(err.contains("note: the open-files limit is 64"), "{err}");
    let host_port = server.host_port();
    // Far more connections than descriptors; each asks for a flag and keeps its connection.
    let clients: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = TcpStream::connect(&host_port).expect("connect");
            s.set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            let _ = s.write_all(b"GET /flags/br/metadata.json HTTP/1.1\r\nHost: x\r\n\r\n");
            s
        })
        .collect();
    let (mut answered, mut refused) = (0u64, 0u64);
    for mut s in clients.iter() {
        let mut buf = [0u8; 256];
        match s.read(&mut buf) {
            Ok(n) if n > 0 && buf.starts_with(b"HTTP/1.1 200") => answered += 1,
            Ok(_) => refused += 1,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("a client was left hanging ({answered} answered, {refused} refused)")
            }
            Err(_) => refused += 1,
        }
    }
    assert!(
        answered > 0 && refused > 0,
        "{answered} answered, {refused} refused"
    );
    assert!(answered < 64, "{answered} answered");
    drop(clients);
    // Once the server has seen the closes, there is room again.
    assert_eq!(wait_status(&host_port, "/_stats", 200), Some(200));
    let answer = String::from_utf8(get(&host_port, "/_stats").expect("stats")).expect("text");
    let body = answer.split("\r\n\r\n").nth(1).expect("a body");
    let stats: Stats = serde_json::from_str(body).expect("stats JSON");
    assert_eq!(stats.max_connections, answered);
    assert!(stats.connections_refused >= refused, "{stats:?}");
}

/// Peak resident memory of a process, from /proc (Linux only).
fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[test]
fn a_large_file_streams_in_bounded_memory() {
    const SIZE: u64 = 64 << 20;
    let tmp = tempfile::tempdir().expect("tempdir");
    root_with(tmp.path(), SIZE);
    let root = tmp.path().to_str().expect("a UTF-8 path");
    let server = Binary::start(&["--port", "0", "--root", root]);
    if peak_rss_mb(server.pid()).is_none() {
        eprintln!("no /proc here: memory not checked");
        return;
    }
    let host_port = server.host_port();
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let host_port = host_port.clone();
            std::thread::spawn(move || get(&host_port, "/flags/big.bin").expect("GET").len())
        })
        .collect();
    for r in readers {
        let len = r.join().expect("join") as u64;
        assert!(len > SIZE, "{len}: the whole file and its headers");
    }
    // Four clients read 64 MB each; reading the file whole would take 64 MB or more.
    let peak = peak_rss_mb(server.pid()).expect("VmHWM");
    assert!(peak < 48.0, "peak RSS {peak:.1} MB");
}

#[test]
fn a_file_changed_on_disk_is_served_new() {
    let tmp = tempfile::tempdir().expect("tempdir");
    root_with(tmp.path(), 0);
    let mut config = Config::new(Profile::Local);
    config.root = Some(tmp.path().to_path_buf());
    let server = start(config).expect("server starts");
    let host_port = server.addr().to_string();
    let body = |a: Vec<u8>| String::from_utf8_lossy(&a).into_owned();
    assert!(body(get(&host_port, "/flags/br/br.gif").expect("GET")).ends_with("GIF89a br"));
    std::fs::write(tmp.path().join("br/br.gif"), "GIF89a changed, longer").expect("write");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !body(get(&host_port, "/flags/br/br.gif").expect("GET")).ends_with("changed, longer") {
        assert!(Instant::now() < deadline, "still the old content");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_vanished_root_gives_500_and_one_line_on_stderr() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("flags");
    root_with(&root, 0);
    let server = Binary::start(&["--port", "0", "--root", root.to_str().expect("UTF-8")]);
    let host_port = server.host_port();
    assert_eq!(wait_status(&host_port, "/flags/br/br.gif", 200), Some(200));
    std::fs::remove_dir_all(&root).expect("remove the root");
    // Never asked before: checked on disk at once.
    assert_eq!(wait_status(&host_port, "/flags/jp/jp.gif", 500), Some(500));
    // Asked before: served from memory for a second at most, then checked again.
    assert_eq!(wait_status(&host_port, "/flags/br/br.gif", 500), Some(500));
    assert_eq!(wait_status(&host_port, "/flags/xx/xx.gif", 500), Some(500));
    let err = server.wait_stderr("error: --root");
    assert_eq!(err.matches("error: --root").count(), 1, "{err}");
}
