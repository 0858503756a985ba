//! The server over real sockets on 127.0.0.1, port 0.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use common::Binary;
use flags_server::{Config, Profile, ServerHandle, Stats, countries, start};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET (or HEAD) returning status, content type and body.
fn fetch(agent: &ureq::Agent, method: &str, url: &str) -> (u16, String, Vec<u8>) {
    let resp = match method {
        "GET" => agent.get(url).call(),
        "HEAD" => agent.head(url).call(),
        "POST" => agent.post(url).send_empty(),
        "DELETE" => agent.delete(url).call(),
        _ => unreachable!(),
    };
    let mut resp = resp.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = if method == "HEAD" {
        Vec::new()
    } else {
        resp.body_mut().read_to_vec().unwrap_or_default()
    };
    (status, ct, body)
}

fn local() -> ServerHandle {
    start(Config::new(Profile::Local)).expect("server starts")
}

/// Sends raw bytes and returns the whole answer as text (the connection is closed by the request).
fn raw(server: &ServerHandle, request: &[u8]) -> String {
    let mut s = TcpStream::connect(server.addr()).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    s.write_all(request).expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn raw_get(server: &ServerHandle, path: &str) -> String {
    raw(
        server,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

fn stats_json(server: &ServerHandle, agent: &ureq::Agent) -> Stats {
    let url = format!("http://{}/_stats", server.addr());
    let (status, ct, body) = fetch(agent, "GET", &url);
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    serde_json::from_slice(&body).expect("stats JSON")
}

#[test]
fn every_flag_decodes_and_every_metadata_has_the_three_keys() {
    let server = local();
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}/flags", server.addr().port())
    );
    let agent = agent();
    for c in countries() {
        let cc = c.iso_cc.to_lowercase();
        let (status, ct, gif) = fetch(
            &agent,
            "GET",
            &format!("{}/{cc}/{cc}.gif", server.base_url()),
        );
        assert_eq!((status, ct.as_str()), (200, "image/gif"), "{cc}");
        assert_eq!(Some(&gif[..]), flags_server::flag_gif(&cc).as_deref());
        let mut decoder = gif::DecodeOptions::new()
            .read_info(&gif[..])
            .expect("GIF header");
        assert_eq!(decoder.width(), 400, "{cc}");
        assert!((150..=500).contains(&decoder.height()), "{cc}");
        assert!(
            decoder.read_next_frame().expect("GIF frame").is_some(),
            "{cc}"
        );

        let (status, ct, json) = fetch(
            &agent,
            "GET",
            &format!("{}/{cc}/metadata.json", server.base_url()),
        );
        assert_eq!((status, ct.as_str()), (200, "application/json"), "{cc}");
        let v: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 3, "{cc}");
        assert_eq!(v["iso_cc"], c.iso_cc);
        assert_eq!(v["country"], c.country);
        assert_eq!(
            v["tld_cc"],
            if cc == "gb" {
                ".uk".to_string()
            } else {
                format!(".{cc}")
            }
        );
    }
    let s = server.stats();
    assert_eq!(
        (s.requests, s.ok, s.not_found, s.errors_injected),
        (2 * 194, 2 * 194, 0, 0)
    );
    assert_eq!(stats_json(&server, &agent), s);
}

#[test]
fn exactly_194_of_the_676_codes_exist() {
    let server = local();
    let agent = agent();
    let mut found = 0;
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            let cc = String::from_utf8(vec![a, b])
                .unwrap_or_default()
                .to_lowercase();
            let (status, _, _) = fetch(
                &agent,
                "GET",
                &format!("{}/{cc}/{cc}.gif", server.base_url()),
            );
            assert!(status == 200 || status == 404, "{cc}: {status}");
            assert_eq!(status == 200, flags_server::country(&cc).is_some(), "{cc}");
            found += usize::from(status == 200);
        }
    }
    assert_eq!(found, 194);
    assert_eq!(server.stats().not_found, 676 - 194);
    // Upper case works too; mismatched or odd names do not.
    assert_eq!(
        fetch(&agent, "GET", &format!("{}/BR/BR.gif", server.base_url())).0,
        200
    );
    assert_eq!(
        fetch(
            &agent,
            "GET",
            &format!("{}/BR/metadata.json", server.base_url())
        )
        .0,
        200
    );
    for path in [
        "br/jp.gif",
        "br/br.png",
        "br",
        "br/",
        "",
        "brazil/brazil.gif",
        "br/br.gif/x",
    ] {
        assert_eq!(
            fetch(&agent, "GET", &format!("{}/{path}", server.base_url())).0,
            404,
            "{path}"
        );
    }
    assert_eq!(
        fetch(&agent, "GET", &format!("http://{}/", server.addr())).0,
        404
    );
}

#[test]
fn head_gives_the_headers_and_other_methods_405() {
    let server = local();
    let url = format!("{}/jp/jp.gif", server.base_url());
    let answer = raw(
        &server,
        b"HEAD /flags/jp/jp.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    let len = flags_server::flag_gif("jp")
        .map(|b| b.len())
        .unwrap_or_default();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.contains(&format!("content-length: {len}\r\n")),
        "{answer}"
    );
    assert!(
        answer.ends_with("\r\n\r\n"),
        "HEAD must have no body: {answer:?}"
    );
    let agent = agent();
    assert_eq!(fetch(&agent, "HEAD", &url).0, 200);
    assert_eq!(fetch(&agent, "POST", &url).0, 405);
    assert_eq!(fetch(&agent, "DELETE", &url).0, 405);
    let answer = raw(&server, b"PUT /flags/jp/jp.gif HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    assert!(answer.contains("allow: GET, HEAD\r\n"), "{answer}");
}

#[test]
fn oversize_headers_and_paths_are_refused() {
    let server = local();
    let big = format!(
        "GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert!(raw(&server, big.as_bytes()).starts_with("HTTP/1.1 431"));
    let long = format!("/flags/{}", "a".repeat(4000));
    assert!(raw_get(&server, &long).starts_with("HTTP/1.1 414"));
}

#[test]
fn error_profile_answers_about_a_quarter_418() {
    let mut config = Config::new(Profile::Error);
    config.delay = Some((Duration::ZERO, Duration::ZERO)); // the 0.5 s default would make this slow
    config.seed = Some(42);
    let server = start(config).expect("server starts");
    let agent = agent();
    let n = 400;
    let mut teapots = 0;
    for i in 0..n {
        let c = &countries()[i % countries().len()];
        let cc = c.iso_cc.to_lowercase();
        let (status, _, _) = fetch(
            &agent,
            "GET",
            &format!("{}/{cc}/{cc}.gif", server.base_url()),
        );
        assert!(status == 200 || status == 418, "{status}");
        teapots += usize::from(status == 418);
    }
    assert!(
        (n * 15 / 100..=n * 35 / 100).contains(&teapots),
        "{teapots} errors in {n}"
    );
    let s = server.stats();
    assert_eq!(s.errors_injected as usize, teapots);
    assert_eq!(s.ok as usize, n - teapots);
    assert_eq!(
        (
            s.profile.as_str(),
            s.faults.error_rate,
            s.faults.error_status
        ),
        ("ERROR", 0.25, 418)
    );
    // HEAD is never faulted.
    for _ in 0..50 {
        assert_eq!(
            fetch(&agent, "HEAD", &format!("{}/br/br.gif", server.base_url())).0,
            200
        );
    }
}

/// Runs `n` GETs and returns the stats, but for the lateness, which is timing.
fn delayed_run(seed: u64, n: usize) -> Stats {
    let repeatable = |s: Stats| Stats {
        lateness: Default::default(),
        ..s
    };
    let mut config = Config::new(Profile::Delay);
    config.delay = Some((Duration::from_millis(10), Duration::from_millis(50)));
    config.seed = Some(seed);
    let server = start(config).expect("server starts");
    let agent = agent();
    for _ in 0..n {
        assert_eq!(
            fetch(
                &agent,
                "GET",
                &format!("{}/br/metadata.json", server.base_url())
            )
            .0,
            200
        );
    }
    let first = repeatable(server.stats());
    // A reset restarts the sequence from the seed.
    assert_eq!(
        fetch(
            &agent,
            "DELETE",
            &format!("http://{}/_stats", server.addr())
        )
        .0,
        204
    );
    assert_eq!(server.stats().requests, 0);
    for _ in 0..n {
        fetch(
            &agent,
            "GET",
            &format!("{}/br/metadata.json", server.base_url()),
        );
    }
    assert_eq!(repeatable(server.stats()), first);
    first
}

#[test]
fn delays_stay_in_bounds_and_repeat_with_the_seed() {
    let a = delayed_run(7, 20);
    assert_eq!(a.delays.count, 20);
    assert!(
        a.delays.min_s >= 0.01 && a.delays.max_s <= 0.05,
        "{:?}",
        a.delays
    );
    assert!(a.delays.min_s < a.delays.max_s);
    assert!(a.delays.sum_s >= 20.0 * 0.01 && a.delays.sum_s <= 20.0 * 0.05);
    assert_eq!(
        (a.faults.delay_min_s, a.faults.delay_max_s, a.faults.seed),
        (0.01, 0.05, Some(7))
    );
    assert_eq!(delayed_run(7, 20), a);
    assert_ne!(delayed_run(8, 20).delays, a.delays);
}

#[test]
fn dropping_the_handle_does_not_wait_for_sleeping_requests() {
    let mut config = Config::new(Profile::Delay);
    config.delay = Some((Duration::from_secs(600), Duration::from_secs(600)));
    let server = start(config).expect("server starts");
    let url = format!("{}/br/br.gif", server.base_url());
    let client = std::thread::spawn(move || agent().get(&url).call().map(|r| r.status().as_u16()));
    while server.stats().delays.count == 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(server); // would hang for 10 minutes if it waited
    assert!(client.join().expect("client thread").is_err());
}

#[test]
fn start_works_inside_a_tokio_runtime_and_reports_a_busy_port() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let server = local();
        let mut config = Config::new(Profile::Local);
        config.port = server.addr().port();
        assert!(start(config).is_err(), "the port is taken");
        let url = format!("{}/br/br.gif", server.base_url());
        let status = tokio::task::spawn_blocking(move || fetch(&agent(), "GET", &url).0)
            .await
            .expect("join");
        assert_eq!(status, 200);
    });
}

/// Unix: the links that lead out are made with `symlink`.
#[cfg(unix)]
#[test]
fn root_mode_serves_files_byte_for_byte_and_nothing_outside() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("flags");
    std::fs::create_dir_all(root.join("br")).expect("mkdir");
    let bytes: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(root.join("br/br.gif"), &bytes).expect("write");
    std::fs::write(root.join("br/metadata.json"), br#"{"tld_cc": ".br"}"#).expect("write");
    std::fs::write(tmp.path().join("secret.txt"), "TOPSECRET").expect("write");
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("br/link.gif"))
        .expect("symlink");
    std::os::unix::fs::symlink(tmp.path(), root.join("up")).expect("symlink");

    let mut config = Config::new(Profile::Local);
    config.root = Some(root.clone());
    let server = start(config).expect("server starts");
    let agent = agent();
    let (status, ct, body) = fetch(&agent, "GET", &format!("{}/br/br.gif", server.base_url()));
    assert_eq!((status, ct.as_str(), body), (200, "image/gif", bytes));
    let (status, ct, body) = fetch(
        &agent,
        "GET",
        &format!("{}/br/metadata.json", server.base_url()),
    );
    assert_eq!(
        (status, ct.as_str(), &body[..]),
        (200, "application/json", &br#"{"tld_cc": ".br"}"#[..])
    );
    assert_eq!(
        fetch(&agent, "GET", &format!("{}/jp/jp.gif", server.base_url())).0,
        404
    );

    for path in [
        "/flags/../secret.txt",
        "/flags/%2e%2e/secret.txt",
        "/flags/%2E%2E/secret.txt",
        "/flags/..%2fsecret.txt",
        "/flags/br/..%2f..%2fsecret.txt",
        "/flags/br/%2e%2e/%2e%2e/secret.txt",
        "/flags/br/..%5c..%5csecret.txt",
        "/flags/%2f",
        &format!("/flags/{}", tmp.path().join("secret.txt").display()),
        &format!("/flags/%2f{}", tmp.path().join("secret.txt").display()),
        "/flags//etc/passwd",
        "/flags/br/link.gif",
        "/flags/up/secret.txt",
        "/flags/br/br.gif%00.txt",
        "/flags/./br/../../secret.txt",
        "/flags/br/%c0%ae%c0%ae/secret.txt",
        "/flags/",
        "/flags/br",
    ] {
        let answer = raw_get(&server, path);
        assert!(
            !answer.contains("TOPSECRET") && !answer.contains("root:"),
            "{path}: {answer}"
        );
        assert!(
            answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"),
            "{path}: {answer}"
        );
    }
    // A raw NUL byte in the request line.
    let answer = raw(
        &server,
        b"GET /flags/br/br.gif\0/../../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(!answer.contains("TOPSECRET"), "{answer}");
}

#[test]
fn the_binary_prints_its_base_url_first() {
    let server = Binary::start(&[
        "--port",
        "0",
        "--profile",
        "delay",
        "--delay",
        "0.001",
        "--seed",
        "1",
    ]);
    let line = server.first_line.clone();
    let (status, ct, body) = fetch(&agent(), "GET", &format!("{line}/br/br.gif"));
    drop(server);
    let port = line
        .strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.strip_suffix("/flags"));
    assert!(
        port.is_some_and(|p| p.parse::<u16>().is_ok_and(|p| p > 0)),
        "{line:?}"
    );
    assert_eq!((status, ct.as_str()), (200, "image/gif"));
    assert_eq!(Some(&body[..]), flags_server::flag_gif("br").as_deref());
}

#[test]
fn the_binary_rejects_bad_arguments_with_status_2() {
    let file = tempfile::NamedTempFile::new().expect("a file");
    let file = file.path().to_str().expect("UTF-8");
    for args in [
        &["--profile", "slow"][..],
        &["--delay", "5..1"],
        &["--error-rate", "2"],
        &["--port", "70000"],
        &["--bind", "localhost:1"],
        &["--root", "/nonexistent/dir"],
        &["--root", file],
        &["--frobnicate"],
        &["--header-timeout", "1e-12"],
        &["--header-timeout", "0"],
        &["--send-timeout", "4000"],
        &["--send-timeout", "-1"],
        &["--faults", "reset=0.5,reset=0.6"],
        &["--faults", "slow=0.1,SLOW=0.1"],
        &["--max-connections", "0"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_flags-server"))
            .args(args)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let errors = err.lines().filter(|l| l.starts_with("error: ")).count();
        assert_eq!(errors, 1, "{args:?}: {err}");
    }
}

#[test]
fn the_help_describes_each_fault_with_its_description() {
    let out = Command::new(env!("CARGO_BIN_EXE_flags-server"))
        .arg("--help")
        .output()
        .expect("run");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for fault in flags_server::Fault::ALL {
        let described = help.lines().any(|line| {
            line.trim_start().starts_with(fault.name()) && line.ends_with(fault.description())
        });
        assert!(described, "{}: {help}", fault.name());
    }
}

#[test]
fn the_binary_logs_each_request_with_v() {
    let server = Binary::start(&[
        "--port",
        "0",
        "--profile",
        "error",
        "--delay",
        "0.001",
        "-v",
    ]);
    let url = format!("{}/br/br.gif", server.first_line);
    let agent = agent();
    let statuses: Vec<u16> = (0..12).map(|_| fetch(&agent, "GET", &url).0).collect();
    the_log_is_complete(&server, &statuses);
}

/// Two lines per request, in order: `hh:mm:ss.mmm ERROR GET /flags/br/br.gif arrived` as it
/// arrives, then `hh:mm:ss.mmm ERROR GET /flags/br/br.gif STATUS delay 0.00 s` as it is answered.
fn the_log_is_complete(server: &Binary, statuses: &[u16]) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let lines = loop {
        let err = server.stderr();
        let lines: Vec<String> = err
            .lines()
            .filter(|l| l.contains(" ERROR GET /flags/br/br.gif "))
            .map(str::to_string)
            .collect();
        if lines.len() >= 2 * statuses.len() || std::time::Instant::now() > deadline {
            break lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(lines.len(), 2 * statuses.len(), "{lines:?}");
    for (pair, status) in lines.chunks(2).zip(statuses) {
        let (arrived, answered) = (&pair[0], &pair[1]);
        for line in pair {
            let (time, _) = line.split_once(' ').expect("a time");
            assert_eq!(time.len(), "12:34:56.789".len(), "{line}");
        }
        assert!(
            arrived.ends_with(" ERROR GET /flags/br/br.gif arrived"),
            "{arrived}"
        );
        let (_, rest) = answered.split_once(' ').expect("a time");
        assert!(
            rest.starts_with(&format!("ERROR GET /flags/br/br.gif {status} delay 0.00 s")),
            "{answered}"
        );
        assert_eq!(answered.ends_with(" error"), *status == 418, "{answered}");
    }
}
