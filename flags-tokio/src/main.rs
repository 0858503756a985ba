//! Download flags with async/await: the book's `flags2_asyncio.py` (and `flags3` with
//! `--metadata`).
//!
//! Read it next to flags-seq and flags-threadpool: `cargo xtask diff flags-seq flags-tokio`.
//! Everything that is not about concurrency (command line, reports, saving) is in flags-common.

use std::io;
use std::process::ExitCode;

use flags_common::{
    Counter, FetchAsync, FetchError, Job, ReadBodyAsync, Saved, interrupted, parse_country,
    save_flag, tls_config,
};
use futures::stream::{FuturesUnordered, StreamExt};
use reqwest::Client;
use reqwest::redirect::Policy;
use tokio::sync::Semaphore;
use tokio::task;

/// The book's asyncio sizes: 5 requests in flight unless `-m` says otherwise, 1000 at most.
const DEFAULT_CONCUR_REQ: usize = 5;
const MAX_CONCUR_REQ: usize = 1000;

/// GET one flag. Each `.await` hands the thread back to the runtime while the bytes are on the
/// way, so other downloads run in the meantime.
async fn get_flag(client: &Client, job: &Job, cc: &str) -> Result<Vec<u8>, FetchError> {
    let cc = cc.to_lowercase();
    let url = format!("{}/{cc}/{cc}.gif", job.base_url);
    // GET, following redirects by the project's one rule: at most 5, to http(s) only.
    let resp = client.fetch(&url).await?;
    // Only a 200 with at most --max-size bytes is Ok: the book's `raise_for_status()`, and more.
    resp.read_body(job.max_size).await
}

/// GET one country's metadata.json and return the country's name (the book's flags3).
async fn get_country(client: &Client, job: &Job, cc: &str) -> Result<String, FetchError> {
    let cc = cc.to_lowercase();
    let url = format!("{}/{cc}/metadata.json", job.base_url);
    let resp = client.fetch(&url).await?;
    parse_country(&resp.read_body(job.max_size).await?)
}

/// Fetch one flag and save it. `?` hands a failure to the caller, which counts it:
/// a 404 as NOT_FOUND, anything else as ERROR. With `--metadata` these are two awaits in a row
/// in one plain function: the talk's "escape from callback hell".
async fn download_one(client: &Client, cc: &str, job: &Job) -> Result<Saved, FetchError> {
    let name = match job.metadata {
        true => get_country(client, job, cc).await?,
        false => cc.to_string(),
    };
    let image = get_flag(client, job, cc).await?;
    // Writing a file blocks: run it on tokio's blocking thread (the book's `asyncio.to_thread`)
    // so this thread stays free to drive the other downloads.
    let (dest, cc) = (job.dest.clone(), cc.to_string());
    let saved = task::spawn_blocking(move || save_flag(&image, &dest, &cc, &name))
        .await
        .map_err(io::Error::other)??;
    // Where the flag went, and a note for -v when its name was taken.
    Ok(saved)
}

async fn supervisor(job: &Job) -> Counter {
    // One client for the whole run: it keeps a pool of open connections. Its timeout covers one
    // request, body included, and starts when the request is sent.
    let client = Client::builder()
        .timeout(job.timeout)
        .redirect(Policy::none()) // fetch follows them, by the same rule as flags-seq's
        .tls_backend_preconfigured(tls_config()) // REMOTE is https: certificates read on first use
        .build()
        .unwrap_or_else(|err| job.abort(&format!("cannot make the HTTP client: {err}")));
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        // Files are saved on one blocking thread (tokio's default: up to 512). Every file goes
        // to one directory, which lets one thread at a time add a name: more threads only wait
        // their turn, and on a small machine they burn its cores waiting.
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|err| job.abort(&format!("cannot start the runtime: {err}")));
    runtime.block_on(supervisor(job))
}

fn main() -> ExitCode {
    flags_common::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
