//! The core every downloader must show, a student's from its first working version: every code
//! counted (194 flags, 482 not found), and `-m` requests in flight at once, never more, as the
//! server sees them. `core_tests!` (in `mod.rs`) makes one `#[test]` of each.

use flags_server::Profile;

use super::tools::*;

pub fn every_code_gives_194_flags_equal_to_the_servers(bin: &str) {
    let server = server(Profile::Local, 0.0, 0.0, 1);
    let run = download(bin, server.base_url(), &["-e", "-m", "100"]);
    assert_eq!(run.code(), Some(0), "{}", run.text());
    assert_eq!(run.accounted(676), [194, 482, 0, 0], "{}", run.text());
    assert!(
        run.stdout()
            .contains("Searching for 676 flags: from AA to ZZ")
    );
}

pub fn requests_in_flight_reach_m_and_never_pass_it(bin: &str) {
    let server = server(Profile::Delay, 0.1, 0.0, 5);
    let run = download(bin, server.base_url(), &["-e", "-l", "16", "-m", "8"]);
    assert_eq!(run.code(), Some(0), "{}", run.text());
    run.accounted(16);
    // 8, or what the downloader allows (the sequential one: 1).
    let allowed = run.summary().concur_req;
    let peak = server.stats().peak_in_flight;
    assert_eq!(
        peak,
        allowed as u64,
        "the server saw {peak} requests in flight at once, at -m 8 ({allowed} allowed):\n{}",
        run.text()
    );
    assert_eq!(run.summary().peak_in_flight, allowed, "{}", run.text());
    let line = format!("Peak in flight: {allowed} of {allowed} allowed.");
    assert!(run.stdout().contains(&line), "{line}:\n{}", run.text());
}
