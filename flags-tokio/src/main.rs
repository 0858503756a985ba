//! Download flags with async/await: the book's `flags2_asyncio.py` (and `flags3` with
//! `--metadata`).
//!
//! Read it next to flags-seq and flags-threadpool: `cargo xtask diff flags-seq flags-tokio`.
//! Everything that is not about concurrency (command line, reports, saving) is in flags-common.

use std::io;
use std::process::ExitCode;

use flags_common::{
    ConcurReq, Counter, FetchError, Job, ReadBodyAsync, Saved, event_loop, http_client,
    interrupted, parse_country, save_flag,
};
use futures::stream::{FuturesUnordered, StreamExt};
use reqwest::Client;
use tokio::sync::Semaphore;
use tokio::task;

/// The book's asyncio sizes: its default `-m` and its most requests in flight.
const CONCUR_REQ: ConcurReq = ConcurReq::ASYNCIO;

/// GET one flag. Each `.await` hands the thread back to the runtime while the bytes are on the
/// way, so other downloads run in the meantime.
async fn get_flag(client: &Client, job: &Job, cc: &str) -> Result<Vec<u8>, FetchError> {
    let cc = cc.to_lowercase();
    let url = format!("{}/{cc}/{cc}.gif", job.base_url);
    let resp = client.get(url).send().await?.error_for_status()?;
    // Only a 200 is a flag (`error_for_status` made a 404 FetchError::NotFound), read up to
    // --max-size bytes.
    resp.read_body(job.max_size).await
}

/// GET one country's metadata.json and return the country's name (the book's flags3).
async fn get_country(client: &Client, job: &Job, cc: &str) -> Result<String, FetchError> {
    let cc = cc.to_lowercase();
    let url = format!("{}/{cc}/metadata.json", job.base_url);
    let resp = client.get(url).send().await?.error_for_status()?;
    parse_country(&resp.read_body(job.max_size).await?)
}

/// Fetch one flag and save it. `?` hands a failure to the caller, which counts it:
/// a 404 as NOT_FOUND, anything else as ERROR. With `--metadata` these are two awaits in a row
/// in one plain function: the talk's "escape from callback hell".
async fn download_one(client: &Client, cc: &str, job: &Job) -> Result<Saved, FetchError> {
    let name = if job.metadata {
        get_country(client, job, cc).await?
    } else {
        cc.to_string()
    };
    let image = get_flag(client, job, cc).await?;
    // Writing a file blocks: run it on tokio's blocking thread (the book's `asyncio.to_thread`)
    // so this thread stays free to drive the other downloads.
    let (dest, cc) = (job.dest.clone(), cc.to_string());
    let saving = task::spawn_blocking(move || save_flag(&image, &dest, &cc, &name));
    // Two `?`: the first for the blocking task itself (it may panic), the second for the save.
    // Where the flag went, and a note for -v when its name was taken.
    Ok(saving.await.map_err(io::Error::other)??)
}

async fn supervisor(job: &Job) -> Counter {
    // One client for the whole run: it keeps a pool of open connections.
    let client = http_client(job);
    // At most `concur_req` downloads hold a permit at once; the others wait for one.
    let semaphore = Semaphore::new(job.concur_req);
    // One future per code. Creating them starts nothing: a future runs only when polled.
    let mut to_do: FuturesUnordered<_> = job
        .cc_list
        .iter()
        .map(|cc| async {
            let _permit = semaphore.acquire().await.ok()?;
            if interrupted() {
                return None; // Ctrl-C: start no new request.
            }
            // The clock (and the timeout) start once a permit is held, not while queued.
            let started = job.start(cc);
            // --retries: the pause between tries is an async sleep, so other downloads go on.
            let attempt = async || download_one(&client, cc, job).await;
            let result = job.retry_async(attempt, tokio::time::sleep).await;
            Some(job.record(cc, started, result))
        })
        .collect();
    let mut counter = Counter::default();
    // The book's `asyncio.as_completed`: polls all the futures, yields each as it ends.
    while let Some(done) = to_do.next().await {
        if let Some(status) = done {
            counter.add(status);
        }
    }
    counter
}

fn download_many(job: &Job) -> Counter {
    // The book's `asyncio.run(supervisor(...))`: one thread runs the event loop.
    event_loop(job).block_on(supervisor(job))
}

fn main() -> ExitCode {
    flags_common::main(download_many, CONCUR_REQ)
}
