//! `arrived`, `in_flight`, `peak_in_flight` and `lateness` in `/_stats`, as real clients on
//! 127.0.0.1 make them. The delays are fixed (min = max), and the timing checks leave wide
//! margins: a loaded machine is slow, never fast.

mod common;

use common::wait_stats;

use std::sync::{Arc, Barrier};
use std::time::Duration;

use flags_server::{Config, LatenessStats, Profile, ServerHandle, start};

/// A DELAY server whose every GET under /flags/ waits `delay_ms`.
fn delayed(delay_ms: u64) -> ServerHandle {
    let mut config = Config::new(Profile::Delay);
    let delay = Duration::from_millis(delay_ms);
    config.delay = Some((delay, delay));
    config.seed = Some(1);
    start(config).expect("server starts")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GETs `path` under the base URL with a keep-alive agent, as a downloader would.
fn get(agent: &ureq::Agent, server: &ServerHandle, path: &str) {
    let url = format!("{}/{path}", server.base_url());
    let mut resp = agent.get(&url).call().expect(&url);
    resp.body_mut().read_to_vec().expect("body");
}

#[test]
fn concurrent_clients_are_all_in_flight_at_once_then_none() {
    const N: usize = 5;
    let server = delayed(300);
    let host_port = server.addr().to_string();
    let start = Arc::new(Barrier::new(N));
    // Four flags and a 404 under /flags/: every GET waits its delay, whatever its answer.
    let clients: Vec<_> = (0..N)
        .map(|i| {
            let (host_port, start) = (host_port.clone(), start.clone());
            let path = if i == 0 {
                "/flags/zz/zz.gif"
            } else {
                "/flags/br/br.gif"
            };
            std::thread::spawn(move || {
                start.wait();
                common::status(&common::get(&host_port, path).expect("GET"))
            })
        })
        .collect();
    let during = wait_stats(&server, |s| s.in_flight == N as u64);
    assert_eq!((during.arrived, during.in_flight), (N as u64, N as u64));
    let mut statuses: Vec<_> = clients
        .into_iter()
        .map(|c| c.join().expect("client thread"))
        .collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [Some(200), Some(200), Some(200), Some(200), Some(404)]
    );
    // A HEAD is counted too, and ends with its empty body.
    let head = ureq::head(format!("{}/br/br.gif", server.base_url()))
        .call()
        .expect("HEAD");
    assert_eq!(head.status(), 200);
    let after = wait_stats(&server, |s| s.in_flight == 0);
    assert_eq!(
        (after.arrived, after.in_flight, after.peak_in_flight),
        (N as u64 + 1, 0, N as u64)
    );
}

#[test]
fn one_request_at_a_time_peaks_at_1_and_pauses_show_as_lateness() {
    let server = delayed(50);
    let agent = agent();
    // At once: each request refills the slot its predecessor freed a moment before.
    for _ in 0..6 {
        get(&agent, &server, "br/br.gif");
    }
    let eager = wait_stats(&server, |s| s.in_flight == 0);
    assert_eq!(
        (eager.arrived, eager.in_flight, eager.peak_in_flight),
        (6, 0, 1)
    );
    let l = &eager.lateness;
    assert_eq!(l.count, 5, "{l:?}");
    assert!(l.median_s < 0.05, "{l:?}");
    assert!(l.median_s <= l.p90_s && l.p90_s <= l.max_s, "{l:?}");

    // The reset is over HTTP, as `cargo xtask check` does it.
    let reset = agent
        .delete(format!("http://{}/_stats", server.addr()))
        .call()
        .expect("DELETE /_stats");
    assert_eq!(reset.status(), 204);

    // 100 ms after each answer: each freed slot waits that long.
    for _ in 0..6 {
        get(&agent, &server, "br/metadata.json");
        std::thread::sleep(Duration::from_millis(100));
    }
    let late = wait_stats(&server, |s| s.in_flight == 0);
    assert_eq!((late.arrived, late.peak_in_flight), (6, 1));
    let l = &late.lateness;
    assert_eq!(l.count, 5, "{l:?}");
    assert!(l.median_s > 0.08, "{l:?}");
    assert!(l.median_s <= l.p90_s && l.p90_s <= l.max_s, "{l:?}");
}

#[test]
fn a_reset_keeps_what_is_in_flight_and_zeroes_the_rest() {
    let server = delayed(300);
    let agent = agent();
    get(&agent, &server, "br/br.gif");
    let url = format!("{}/br/br.gif", server.base_url());
    let client = std::thread::spawn(move || agent.get(&url).call().map(|r| r.status()));
    let before = wait_stats(&server, |s| s.in_flight == 1);
    assert_eq!(
        (before.arrived, before.in_flight, before.lateness.count),
        (2, 1, 1)
    );
    server.reset_stats();
    let after = server.stats();
    assert_eq!(
        (after.arrived, after.in_flight, after.peak_in_flight),
        (0, 1, 1)
    );
    assert_eq!(after.lateness, LatenessStats::default());
    assert_eq!(client.join().expect("client thread").expect("GET"), 200);
    let ended = wait_stats(&server, |s| s.in_flight == 0);
    assert_eq!((ended.arrived, ended.in_flight), (0, 0));
}
