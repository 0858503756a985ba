//! Download flags one at a time: the book's `flags2_sequential.py` (and `flags3` with `--metadata`).
//!
//! Read it next to flags-threadpool and flags-tokio: `cargo xtask diff flags-seq flags-tokio`.
//! Everything that is not about concurrency (command line, reports, saving) is in flags-common.

use std::process::ExitCode;

use flags_common::{
    ConcurReq, Counter, Fetch, FetchError, Job, ReadBody, Saved, blocking_agent, interrupted,
    parse_country, save_flag,
};
use ureq::Agent;

/// The book's sequential sizes: one request at a time, which is what sequential means.
const CONCUR_REQ: ConcurReq = ConcurReq::SEQUENTIAL;

/// GET one flag. The call blocks this thread until the last byte of the body has arrived.
fn get_flag(agent: &Agent, job: &Job, cc: &str) -> Result<Vec<u8>, FetchError> {
    let cc = cc.to_lowercase();
    let url = format!("{}/{cc}/{cc}.gif", job.base_url);
    // GET, following redirects by the project's rule (ureq's own cannot hold it): at most 5,
    // to http(s) only.
    let resp = agent.fetch(&url)?;
    // Only a 200 is a flag (a 404 is FetchError::NotFound), read up to --max-size bytes.
    resp.read_body(job.max_size)
}

/// GET one country's metadata.json and return the country's name (the book's flags3).
fn get_country(agent: &Agent, job: &Job, cc: &str) -> Result<String, FetchError> {
    let cc = cc.to_lowercase();
    let url = format!("{}/{cc}/metadata.json", job.base_url);
    let resp = agent.fetch(&url)?;
    parse_country(&resp.read_body(job.max_size)?)
}

/// Fetch one flag and save it. `?` hands a failure to the caller, which counts it:
/// a 404 as NOT_FOUND, anything else as ERROR.
fn download_one(agent: &Agent, cc: &str, job: &Job) -> Result<Saved, FetchError> {
    let name = if job.metadata {
        get_country(agent, job, cc)?
    } else {
        cc.to_string()
    };
    let image = get_flag(agent, job, cc)?;
    // Where the flag went, and a note for -v when its name was taken.
    Ok(save_flag(&image, &job.dest, cc, &name)?)
}

fn download_many(job: &Job) -> Counter {
    // One agent for the whole run: it keeps the connection open from one request to the next.
    let agent = blocking_agent(job);
    let mut counter = Counter::default();
    // A plain loop: each download must end before the next one starts.
    for cc in &job.cc_list {
        if interrupted() {
            break; // Ctrl-C: start no new request.
        }
        let started = job.start(cc);
        let result = job.retry(|| download_one(&agent, cc, job)); // --retries
        counter.add(job.record(cc, started, result));
    }
    counter
}

fn main() -> ExitCode {
    flags_common::main(download_many, CONCUR_REQ)
}
