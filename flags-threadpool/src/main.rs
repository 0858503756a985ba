//! Download flags on a pool of threads: the book's `flags2_threadpool.py` (and `flags3` with
//! `--metadata`).
//!
//! Read it next to flags-seq and flags-tokio: `cargo xtask diff flags-seq flags-threadpool`.
//! Everything that is not about concurrency (command line, reports, saving) is in flags-common.

use std::process::ExitCode;
use std::sync::mpsc;

use flags_common::{
    ConcurReq, Counter, Fetch, FetchError, Job, ReadBody, Saved, blocking_agent, interrupted,
    parse_country, save_flag,
};
use rayon::ThreadPoolBuilder;
use ureq::Agent;

/// The book's thread pool sizes: its default `-m` and its most workers.
const CONCUR_REQ: ConcurReq = ConcurReq::THREAD_POOL;

/// GET one flag. The call blocks this worker thread, and only it, until the body has arrived.
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
    // One agent shared by all threads (it is Sync); its pool keeps a connection per worker open.
    let agent = blocking_agent(job);
    // The book's `ThreadPoolExecutor(max_workers=concur_req)`.
    let pool = ThreadPoolBuilder::new()
        .num_threads(job.concur_req)
        .thread_name(|i| format!("worker-{i}"))
        .build()
        // The system may refuse threads (a process limit): one error line, exit status 1.
        .unwrap_or_else(|err| {
            job.abort(&format!("cannot start {} threads: {err}", job.concur_req))
        });
    // Each task sends its status here when it ends, so we see them in the order they finish.
    let (done_tx, done_rx) = mpsc::channel();
    let mut counter = Counter::default();
    // This thread submits the tasks and then collects; the scope ends when every task has.
    pool.in_place_scope(|scope| {
        for cc in &job.cc_list {
            let (agent, done_tx) = (&agent, done_tx.clone());
            // The book's `executor.submit(download_one, cc, ...)`: runs when a worker is free.
            scope.spawn(move |_| {
                if interrupted() {
                    return; // Ctrl-C: start no new request.
                }
                let started = job.start(cc);
                let result = job.retry(|| download_one(agent, cc, job)); // --retries
                let _ = done_tx.send(job.record(cc, started, result));
            });
        }
        drop(done_tx); // Only the tasks hold senders now: the loop below ends with the last task.
        // The book's `futures.as_completed`: statuses in the order the downloads end.
        for status in done_rx {
            counter.add(status);
        }
    });
    counter
}

fn main() -> ExitCode {
    flags_common::main(download_many, CONCUR_REQ)
}
