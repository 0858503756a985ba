//! Your flags downloader: the book's `flags2_asyncio.py`, with the concurrency left to you.
//!
//! It builds and runs as shipped, and stops at the first part not written yet, saying which.
//! Write the parts in the order of the steps, and after each one run
//! `cargo xtask check` (it watches your program from the server's side):
//!
//! 1. concurrent: `-m N` downloads in flight at once (`supervisor`);
//! 2. bounded: never more than `-m` (`supervisor`);
//! 3. the loop never blocks: the file is saved off the event loop's thread (`download_one`);
//! 4. Ctrl-C: no new download starts, and the report says what was done (`supervisor`).
//!
//! The answers are the other downloaders: `flags-tokio` (a `FuturesUnordered`), and the
//! lesson (TEACHING.md) shows a `JoinSet` too. Read them after trying.

use std::process::ExitCode;

use flags_common::{ConcurReq, Counter, FetchError, Job, Saved, save_flag, unwritten};
use reqwest::Client;

/// The book's asyncio sizes: its default `-m` and its most requests in flight.
const CONCUR_REQ: ConcurReq = ConcurReq::ASYNCIO;

/// GET one flag: plain reqwest, written for you.
async fn get_flag(client: &Client, base_url: &str, cc: &str) -> Result<Vec<u8>, FetchError> {
    let cc = cc.to_lowercase();
    let url = format!("{base_url}/{cc}/{cc}.gif");
    // `?` turns reqwest's errors into `FetchError`. `error_for_status` makes a 404 an error,
    // which counts as "not found" (the book's `raise_for_status`); any other status, an error.
    let resp = client.get(url).send().await?.error_for_status()?;
    Ok(resp.bytes().await?.to_vec())
}

/// Fetch one flag and save it. It owns what it is given, so a spawned task can run it.
async fn download_one(client: Client, job: Job, cc: String) -> Result<Saved, FetchError> {
    let image = get_flag(&client, &job.base_url, &cc).await?;
    // Step 3: `save_flag` writes a file, and waits for the disk: a blocking call, made here on
    // the event loop's thread, so no other download moves meanwhile. Hand it to tokio's
    // blocking thread instead (the book's `asyncio.to_thread`).
    let saved = save_flag(&image, &job.dest, &cc, &cc)?;
    Ok(saved)
}

/// Start a download for every code of `job.cc_list`, and count how each ends.
async fn supervisor(job: Job) -> Counter {
    // One client for the run: it keeps a pool of open connections (cloning it is cheap).
    let client = Client::builder()
        .timeout(job.timeout)
        .build()
        .unwrap_or_else(|err| job.abort(&format!("cannot make the HTTP client: {err}")));
    // One download, with its bookkeeping (the progress bar, -v, the report):
    //
    //     let started = job.start(&cc);           // just before its request
    //     let result = download_one(client.clone(), job.clone(), cc.clone()).await;
    //     counter.add(job.record(&cc, started, result));
    //
    // Step 1: run the downloads concurrently: `tokio::spawn` or a `JoinSet`, or a
    // `FuturesUnordered` (what `asyncio.as_completed` does).
    // Step 2: at most `job.concur_req` in flight: a `tokio::sync::Semaphore`.
    // Step 4: after Ctrl-C, `flags_common::interrupted()` is true: start no new download.
    let _ = (client, download_one);
    unwritten("supervisor (step 1: start the downloads, concurrently)")
}

fn download_many(job: &Job) -> Counter {
    // The book's `asyncio.run(supervisor(...))`: one thread runs the event loop.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|err| job.abort(&format!("cannot start the runtime: {err}")));
    runtime.block_on(supervisor(job.clone()))
}

fn main() -> ExitCode {
    flags_common::main(download_many, CONCUR_REQ)
}
