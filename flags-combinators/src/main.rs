//! Download flags with futures combinators, as Rust did before async/await: the talk's
//! `yield from` version (the book's first-edition `flags2_asyncio.py`, and `flags3` with
//! `--metadata`).
//!
//! Read it next to flags-tokio: `cargo xtask diff flags-combinators flags-tokio`.
//! Everything that is not about concurrency (command line, reports, saving) is in flags-common.
//!
//! No async function, no await: each function builds a future from smaller ones with `and_then`,
//! `map`, `buffer_unordered`... and closures that say what to do next. Python's `yield from`
//! already read like await; Rust's road to await went through these, nearer the talk's callbacks.

use std::io;
use std::process::ExitCode;

use flags_common::{
    ConcurReq, Counter, FetchError, Job, ReadBodyAsync, Saved, event_loop, http_client,
    interrupted, parse_country, save_flag,
};
use futures::future::{self, FutureExt, TryFutureExt};
use futures::stream::{self, StreamExt};
use reqwest::{Client, Response};
use tokio::task;

/// The book's asyncio sizes: its default `-m` and its most requests in flight.
const CONCUR_REQ: ConcurReq = ConcurReq::ASYNCIO;

/// GET one flag. Nothing is sent yet: this returns a recipe, the future, which the runtime
/// follows when it polls it. Where the book writes `resp = yield from aiohttp.request(...)` and
/// goes on, the rest goes to `and_then` as a closure, called when the response is Ok.
/// `use<>`: the future borrows none of the arguments (it owns its URL and a handle to the
/// client), so it can outlive this call, as every future had to in those days.
fn get_flag(
    client: &Client,
    job: &Job,
    cc: &str,
) -> impl Future<Output = Result<Vec<u8>, FetchError>> + use<> {
    let cc = cc.to_lowercase();
    let url = format!("{}/{cc}/{cc}.gif", job.base_url);
    let max_size = job.max_size;
    let resp = client.get(url).send().err_into().and_then(error_for_status);
    // Only a 200 is a flag (`error_for_status` made a 404 FetchError::NotFound), read up to
    // --max-size bytes.
    resp.and_then(move |resp| resp.read_body(max_size))
}

/// reqwest's `error_for_status`, as a future for `and_then`: a 404 becomes
/// FetchError::NotFound, any other error status an error.
fn error_for_status(resp: Response) -> future::Ready<Result<Response, FetchError>> {
    future::ready(resp.error_for_status().map_err(FetchError::from))
}

/// GET one country's metadata.json and return the country's name (the book's flags3).
fn get_country(
    client: &Client,
    job: &Job,
    cc: &str,
) -> impl Future<Output = Result<String, FetchError>> + use<> {
    let cc = cc.to_lowercase();
    let url = format!("{}/{cc}/metadata.json", job.base_url);
    let max_size = job.max_size;
    let resp = client.get(url).send().err_into().and_then(error_for_status);
    // `future::ready` wraps a plain value (parsing does not wait) as a future, for `and_then`.
    resp.and_then(move |resp| resp.read_body(max_size))
        .and_then(|json| future::ready(parse_country(&json)))
}

/// Fetch one flag and save it, in three stages: the name (metadata, with `--metadata`), then the
/// flag, then the file. A failure at any stage skips the rest (`and_then` runs only on Ok) and
/// reaches the caller, which counts it: a 404 as NOT_FOUND, anything else as ERROR.
fn download_one<'j>(
    client: &Client,
    cc: &str,
    job: &'j Job,
) -> impl Future<Output = Result<Saved, FetchError>> + use<'j> {
    // Stage 1. Two different futures need one type: `Either`, left or right.
    let name = if job.metadata {
        get_country(client, job, cc).left_future()
    } else {
        future::ok(cc.to_string()).right_future()
    };
    // The callbacks below run after this function has returned, so they cannot borrow its
    // arguments: each must own what it will use (`move`), cloned here (`job` outlives the run:
    // that borrow may stay, and `use<'j>` says so). This is the talk's "callback hell": with
    // await, one scope keeps every local to the end.
    let (client, cc, dest) = (client.clone(), cc.to_string(), job.dest.clone());
    name
        // Stage 2: the flag. Stage 1 hands on only its result, the name; so stage 3 can have
        // the name, stage 2 must carry it along with its own result, in a tuple.
        .and_then(move |name| get_flag(&client, job, &cc).map_ok(move |image| (cc, name, image)))
        // Stage 3: the file. Writing blocks: run it on tokio's blocking threads (the book's
        // `loop.run_in_executor`) so this thread stays free to drive the other downloads.
        // Where the flag went, and a note for -v when its name was taken, is the end result.
        .and_then(move |(cc, name, image)| {
            task::spawn_blocking(move || save_flag(&image, &dest, &cc, &name))
                .map(|joined| Ok(joined.map_err(io::Error::other)??))
        })
}

fn supervisor(job: &Job) -> impl Future<Output = Counter> {
    // One client for the whole run: it keeps a pool of open connections.
    let client = http_client(job);
    // A stream of codes, turned into a stream of downloads, at most `concur_req` running at once
    // (no semaphore: `buffer_unordered` takes the next code only when a slot is free).
    stream::iter(&job.cc_list)
        .take_while(|_| future::ready(!interrupted())) // Ctrl-C: start no new request.
        .map(move |cc| {
            // A slot is free: the clock (and the timeout) start now, not while queued.
            let started = job.start(cc);
            // --retries: the pause between tries is an async sleep, so other downloads go on.
            // (`retry_async` is flags-common's, as flags-tokio uses it: a plain closure that
            // returns a future will do as the attempt.) The closure owns its handle to the
            // client: a cheap clone, as the connection pool behind it is shared.
            let client = client.clone();
            let attempt = move || download_one(&client, cc, job);
            let result = job.retry_async(attempt, tokio::time::sleep);
            result.map(move |result| job.record(cc, started, result))
        })
        // The book's `asyncio.as_completed`: statuses in the order the downloads end.
        .buffer_unordered(job.concur_req)
        .fold(Counter::default(), |mut counter, status| {
            counter.add(status);
            future::ready(counter)
        })
}

fn download_many(job: &Job) -> Counter {
    // The book's `loop.run_until_complete(coro)`: one thread runs the event loop. Up to here
    // no request was sent: `supervisor` only built one big future; `block_on` polls it to the end.
    event_loop(job).block_on(supervisor(job))
}

fn main() -> ExitCode {
    flags_common::main(download_many, CONCUR_REQ)
}
