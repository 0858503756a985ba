//! Faults (reset, truncate, stall, slow), connection limits and the header timeout, over
//! real sockets on 127.0.0.1. Each fault is forced with rate 1, so every GET gets it.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Binary, wait_stats};
use flags_server::{Config, Fault, Profile, ServerHandle, Stats, parse_faults, start};

const GET_BR: &[u8] = b"GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

fn with_faults(spec: &str) -> ServerHandle {
    let mut config = Config::new(Profile::Local);
    config.faults = Some(parse_faults(spec).expect("fault spec"));
    start(config).expect("server starts")
}

fn connect(server: &ServerHandle) -> TcpStream {
    let s = TcpStream::connect(server.addr()).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    s
}

/// Splits an answer into its head (status line and headers) and the body bytes after it.
fn split_head(answer: &[u8]) -> (String, &[u8]) {
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    (
        String::from_utf8_lossy(&answer[..end]).into_owned(),
        &answer[end + 4..],
    )
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("content-length")
}

#[test]
fn reset_closes_the_connection_with_no_status_line() {
    let server = with_faults("reset=1");
    for _ in 0..3 {
        let mut s = connect(&server);
        s.write_all(GET_BR).expect("write");
        let mut got = Vec::new();
        match s.read_to_end(&mut got) {
            Ok(_) => {}
            Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
        }
        assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
    }
    let stats = wait_stats(&server, |s| s.faults_injected[Fault::Reset] == 3);
    assert_eq!(stats.faults_injected[Fault::Reset], 3);
    assert_eq!(stats.requests, 0, "nothing was answered");
    // HEAD is never faulted.
    let mut s = connect(&server);
    s.write_all(b"HEAD /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut got = String::new();
    s.read_to_string(&mut got).expect("read");
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    // A reset request is over as its connection closes.
    let stats = wait_stats(&server, |s| s.in_flight == 0);
    assert_eq!((stats.arrived, stats.in_flight), (4, 0));
}

#[test]
fn truncate_sends_less_than_content_length_then_eof() {
    let server = with_faults("truncate=1");
    let full = flags_server::flag_gif("br").expect("br").len();
    let mut s = connect(&server);
    s.write_all(GET_BR).expect("write");
    let mut got = Vec::new();
    s.read_to_end(&mut got).expect("EOF after the part");
    let (head, body) = split_head(&got);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(content_length(&head), full);
    assert!(
        !body.is_empty() && body.len() < full,
        "{} of {full}",
        body.len()
    );
    assert_eq!(
        body,
        &flags_server::flag_gif("br").expect("br")[..body.len()]
    );
    let stats = server.stats();
    assert_eq!((stats.faults_injected[Fault::Truncate], stats.ok), (1, 1));
    let stats = wait_stats(&server, |s| s.in_flight == 0);
    assert_eq!((stats.arrived, stats.in_flight), (1, 0));
}

#[test]
fn stall_never_answers() {
    let server = with_faults("stall=1");
    let mut s = connect(&server);
    s.write_all(GET_BR).expect("write");
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    match s.read(&mut buf) {
        Err(e) => assert!(
            matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "{e}"
        ),
        Ok(n) => panic!("{n} bytes from a stalled request"),
    }
    let stats = wait_stats(&server, |s| s.faults_injected[Fault::Stall] == 1);
    assert_eq!(
        (stats.faults_injected[Fault::Stall], stats.requests),
        (1, 0)
    );
    assert_eq!((stats.arrived, stats.in_flight), (1, 1));
    // The stalled request holds no thread: the server answers others meanwhile.
    let mut other = connect(&server);
    other
        .write_all(b"GET /_stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut got = String::new();
    other.read_to_string(&mut got).expect("read");
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    // Dropping the server ends the stalled connection rather than waiting 10 minutes.
    drop(server);
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    assert!(matches!(s.read(&mut buf), Ok(0) | Err(_)));
}

#[test]
fn slow_sends_the_first_piece_but_not_the_whole_body() {
    let server = with_faults("slow=1");
    let full = flags_server::flag_gif("br").expect("br").len();
    let mut s = connect(&server);
    s.write_all(GET_BR).expect("write");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    // Read until the headers and some body bytes have arrived.
    let body_len = loop {
        let n = s.read(&mut buf).expect("read");
        assert!(n > 0, "closed early");
        got.extend_from_slice(&buf[..n]);
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n")
            && got.len() > end + 4
        {
            break got.len() - end - 4;
        }
    };
    // Then read for a short window: more pieces may come, but not the whole body.
    s.set_read_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    let window = Instant::now() + Duration::from_millis(500);
    let mut more = 0;
    while Instant::now() < window {
        match s.read(&mut buf) {
            Ok(0) => panic!("closed early"),
            Ok(n) => more += n,
            Err(_) => {}
        }
    }
    let (head, _) = split_head(&got);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(content_length(&head), full);
    assert!(body_len + more < full, "{} of {full}", body_len + more);
    let stats = server.stats();
    assert_eq!((stats.faults_injected[Fault::Slow], stats.ok), (1, 1));
    assert_eq!(stats.in_flight, 1, "still trickling");
    // A client gone: the next piece fails to go out, and the request is over.
    drop(s);
    let stats = wait_stats(&server, |s| s.in_flight == 0);
    assert_eq!((stats.arrived, stats.in_flight), (1, 0));
}

#[test]
fn faults_follow_the_seed_and_their_rates() {
    let run = || {
        let mut config = Config::new(Profile::Local);
        config.faults = Some(parse_faults("reset=0.3,truncate=0.3").expect("spec"));
        config.seed = Some(5);
        let server = start(config).expect("server starts");
        let gif_len = flags_server::flag_gif("br").expect("br").len();
        let mut outcomes = String::new();
        for _ in 0..60 {
            let mut s = connect(&server);
            s.write_all(GET_BR).expect("write");
            let mut got = Vec::new();
            let _ = s.read_to_end(&mut got);
            outcomes.push(if got.is_empty() {
                'R'
            } else if got.len() < gif_len {
                'T'
            } else {
                '.'
            });
        }
        let f = server.stats().faults_injected;
        assert_eq!(f[Fault::Reset] as usize, outcomes.matches('R').count());
        assert_eq!(f[Fault::Truncate] as usize, outcomes.matches('T').count());
        assert_eq!((f[Fault::Stall], f[Fault::Slow]), (0, 0));
        outcomes
    };
    let a = run();
    assert!(a.contains('R') && a.contains('T') && a.contains('.'), "{a}");
    assert_eq!(run(), a);
}

#[test]
fn connections_beyond_the_limit_are_closed_at_once() {
    let mut config = Config::new(Profile::Local);
    config.max_connections = 5;
    let server = start(config).expect("server starts");
    // Five kept-alive connections, each with an answered request, so the server holds them.
    let keep_alive = b"GET /flags/br/metadata.json HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut held: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut s = connect(&server);
            s.write_all(keep_alive).expect("write");
            let mut buf = [0u8; 512];
            let n = s.read(&mut buf).expect("read");
            assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
            s
        })
        .collect();
    // The sixth is accepted and closed with no answer.
    let mut s = connect(&server);
    let _ = s.write_all(GET_BR);
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
    assert_eq!(server.stats().connections_refused, 1);
    // The held ones still work.
    held[0].write_all(keep_alive).expect("write");
    let mut buf = [0u8; 512];
    let n = held[0].read(&mut buf).expect("read");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // Once one closes, a new connection gets in.
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut s = connect(&server);
        let _ = s.write_all(GET_BR);
        let mut got = Vec::new();
        let _ = s.read_to_end(&mut got);
        if got.starts_with(b"HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "no room after a close");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_client_sending_headers_byte_by_byte_is_cut_off() {
    let mut config = Config::new(Profile::Local);
    config.header_timeout = Duration::from_millis(500);
    let server = start(config).expect("server starts");
    let mut s = connect(&server);
    // Sent whole, this request would be answered 200; a byte every 30 ms takes about 2 s.
    for b in GET_BR {
        if s.write_all(&[*b]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    assert!(
        !got.starts_with(b"HTTP/1.1 200"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    // A prompt client on the same server is answered.
    let mut s = connect(&server);
    s.write_all(GET_BR).expect("write");
    let mut got = Vec::new();
    s.read_to_end(&mut got).expect("read");
    assert!(got.starts_with(b"HTTP/1.1 200"));
}

#[test]
fn built_in_mode_refuses_traversal_and_odd_paths() {
    let server = start(Config::new(Profile::Local)).expect("server starts");
    for path in [
        "/flags/../flags/br/br.gif",
        "/flags/br/../br/br.gif",
        "/flags/%2e%2e/etc/passwd",
        "/flags/br/..%2fbr.gif",
        "/flags/br%2fbr.gif",
        "/flags//etc/passwd",
        "/flags/br/br.gif%00",
        "/flags/br/br.gif%00.txt",
        "/flags/%62r/%62r.gif",
        "/flags/br/br.gif/",
        "/flags/./br/br.gif",
        "/flags/br/./br.gif",
        "/flags/bra/bra.gif",
        "/flags/%00/%00.gif",
    ] {
        let mut s = connect(&server);
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .expect("write");
        let mut got = String::new();
        let _ = s.read_to_string(&mut got);
        assert!(
            got.starts_with("HTTP/1.1 404") || got.starts_with("HTTP/1.1 400"),
            "{path}: {got}"
        );
    }
    // Raw NUL and an absolute URI in the request line.
    for line in [
        &b"GET /flags/br/\0br.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"[..],
        b"GET http://x/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ] {
        let mut s = connect(&server);
        s.write_all(line).expect("write");
        let mut got = String::new();
        let _ = s.read_to_string(&mut got);
        assert!(!got.starts_with("HTTP/1.1 200"), "{got}");
    }
}

#[test]
fn the_binary_runs_the_chaos_profile() {
    let server = Binary::start(&["--profile", "chaos", "--port", "0", "--seed", "3"]);
    let url = server.first_line.replace("/flags", "/_stats");
    let body = ureq::get(&url)
        .call()
        .and_then(|mut r| r.body_mut().read_to_vec())
        .expect("stats");
    drop(server);
    let stats: Stats = serde_json::from_slice(&body).expect("stats JSON");
    assert_eq!(stats.profile, "CHAOS");
    assert_eq!(
        (stats.faults.delay_min_s, stats.faults.delay_max_s),
        (0.5, 5.0)
    );
    assert_eq!(stats.faults.rates, Profile::Chaos.default_faults());
    assert!(
        stats.faults.rates.rate(Fault::Reset) > 0.0 && stats.faults.rates.rate(Fault::Stall) > 0.0
    );

    for args in [
        &["--faults", "reset=2"][..],
        &["--faults", "boom=0.1"],
        &["--faults", "reset=0.6,slow=0.6"],
        &["--max-connections", "0"],
        &["--header-timeout", "0"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_flags-server"))
            .args(args)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
