//! The library's floor: the same GETs as a downloader's run, made by the same HTTP client set up
//! the same way, at the same number in flight, and nothing else: no `Job`, no trace, no progress
//! line, no file saved. What a downloader takes beyond this is what this project's own code
//! adds; `cargo xtask compare` runs it beside each LOCAL row of ours ("× library floor").
//!
//! ```text
//! library_floor ureq|reqwest IN_FLIGHT BASE_URL CC...
//! ```
//!
//! - `ureq`: `blocking_agent_for`'s agent, one thread per request in flight (the calling thread
//!   alone for one);
//! - `reqwest`: `http_client_for`'s client on one current-thread runtime, one task per request
//!   in flight.
//!
//! Each worker takes the next code until none is left, GETs `BASE_URL/cc/cc.gif` and reads the
//! whole body. It prints one JSON line: the seconds from before the client is made to the last
//! body read (the span a downloader's `elapsed` covers), and how the GETs ended.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Generous: a LOCAL server answers in milliseconds.
const TIMEOUT: Duration = Duration::from_secs(10);

/// How the GETs ended.
#[derive(Default, serde::Serialize)]
struct Ended {
    ok: usize,
    not_found: usize,
    errors: usize,
}

impl Ended {
    fn add(&mut self, other: Ended) {
        self.ok += other.ok;
        self.not_found += other.not_found;
        self.errors += other.errors;
    }

    /// One GET's status, its body read: 200 or 404 (anything else, or no answer, is an error).
    fn count(&mut self, status: Option<u16>) {
        match status {
            Some(200) => self.ok += 1,
            Some(404) => self.not_found += 1,
            _ => self.errors += 1,
        }
    }
}

/// The codes, shared by the workers: each takes the next one.
struct Codes {
    urls: Vec<String>,
    next: AtomicUsize,
}

impl Codes {
    fn next(&self) -> Option<&str> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        self.urls.get(i).map(String::as_str)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [client, in_flight, base_url, codes @ ..] = args.as_slice() else {
        eprintln!("usage: library_floor ureq|reqwest IN_FLIGHT BASE_URL CC...");
        return ExitCode::from(2);
    };
    let Some(in_flight) = in_flight.parse::<usize>().ok().filter(|&n| n > 0) else {
        eprintln!("error: IN_FLIGHT must be a positive number, not {in_flight:?}");
        return ExitCode::from(2);
    };
    // Never more workers than codes, as the downloaders cap `-m`.
    let in_flight = in_flight.min(codes.len()).max(1);
    let urls = codes
        .iter()
        .map(|cc| format!("{base_url}/{cc}/{cc}.gif", cc = cc.to_lowercase()))
        .collect();
    let codes = Arc::new(Codes {
        urls,
        next: AtomicUsize::new(0),
    });
    let started = Instant::now();
    let ended = match client.as_str() {
        "ureq" => with_ureq(&codes, in_flight),
        "reqwest" => with_reqwest(&codes, in_flight),
        other => {
            eprintln!("error: no client named {other:?}: ureq or reqwest");
            return ExitCode::from(2);
        }
    };
    let ended = match ended {
        Ok(ended) => ended,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    let elapsed_s = started.elapsed().as_secs_f64();
    let line = serde_json::json!({ "elapsed_s": elapsed_s, "ended": ended });
    println!("{line}");
    ExitCode::SUCCESS
}

/// ureq's agent, one thread per request in flight.
fn with_ureq(codes: &Codes, in_flight: usize) -> Result<Ended, String> {
    let agent = flags_common::blocking_agent_for(TIMEOUT, in_flight);
    let worker = || {
        let mut ended = Ended::default();
        while let Some(url) = codes.next() {
            let get = agent.get(url).config().http_status_as_error(false).build();
            let status = get.call().ok().and_then(|mut resp| {
                let body = resp.body_mut().read_to_vec().ok()?;
                std::hint::black_box(body);
                Some(resp.status().as_u16())
            });
            ended.count(status);
        }
        ended
    };
    if in_flight == 1 {
        return Ok(worker());
    }
    std::thread::scope(|scope| {
        let mut workers = Vec::new();
        for _ in 0..in_flight {
            match std::thread::Builder::new().spawn_scoped(scope, worker) {
                Ok(handle) => workers.push(handle),
                // A process limit: fewer threads would not be the same job. The ones started
                // end with the codes they take; the scope waits for them.
                Err(err) => return Err(format!("cannot start {in_flight} threads: {err}")),
            }
        }
        let mut all = Ended::default();
        for w in workers {
            all.add(w.join().unwrap_or_default());
        }
        Ok(all)
    })
}

/// reqwest's client on one current-thread runtime, one task per request in flight.
fn with_reqwest(codes: &Arc<Codes>, in_flight: usize) -> Result<Ended, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the runtime: {err}"))?;
    let client = flags_common::http_client_for(TIMEOUT)
        .map_err(|err| format!("cannot make the HTTP client: {err}"))?;
    Ok(runtime.block_on(async {
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..in_flight {
            let (client, codes) = (client.clone(), codes.clone());
            workers.spawn(async move {
                let mut ended = Ended::default();
                while let Some(url) = codes.next() {
                    let status = match client.get(url).send().await {
                        Ok(resp) => {
                            let status = resp.status().as_u16();
                            resp.bytes().await.ok().map(|body| {
                                std::hint::black_box(body);
                                status
                            })
                        }
                        Err(_) => None,
                    };
                    ended.count(status);
                }
                ended
            });
        }
        let mut all = Ended::default();
        while let Some(done) = workers.join_next().await {
            all.add(done.unwrap_or_default());
        }
        all
    }))
}
