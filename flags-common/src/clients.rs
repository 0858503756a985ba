//! The HTTP clients and the runtime the downloaders build, one call each, as the book's scripts
//! write `requests.get(...)` or `httpx.AsyncClient()` and go on: everything that is not about
//! concurrency is set here, once for all the downloaders.
//!
//! - the timeout: `--timeout` from the first byte sent to the last byte read, redirects
//!   included (one deadline for the chain);
//! - the redirects, by the project's rule: at most `MAX_REDIRECTS`, to http or https only,
//!   whatever the case of the scheme. reqwest follows them itself, under a `Policy::custom`
//!   that holds the rule; ureq's agent follows none (`max_redirects(0)`), and `agent.fetch(url)`
//!   (`http.rs`) follows them instead: ureq's own redirects take `FILE:///etc/passwd` for a
//!   path on the same server;
//! - TLS (reqwest): the system's certificates, read at the first https request (`tls.rs`);
//! - lookups (ureq): each host looked up once per run (`resolve.rs`);
//! - the runtime (tokio): one thread runs the event loop, one more saves the files, started
//!   before the first download (a runtime that cannot start is an `error:` line, not a panic);
//!   the loop writes the `--trace` lines of each turn in one call, as it goes idle.

#[cfg(feature = "reqwest")]
use crate::job::Job as AsyncJob;
#[cfg(feature = "ureq")]
use crate::job::Job as BlockingJob;

/// The client every async downloader uses: `Client::builder().timeout(..).build()`, with the
/// project's redirect rule and TLS. Cloning it is cheap: the clones share one connection pool.
#[cfg(feature = "reqwest")]
pub fn http_client(job: &AsyncJob) -> reqwest::Client {
    http_client_for(job.timeout)
        .unwrap_or_else(|err| job.abort(&format!("cannot make the HTTP client: {err}")))
}

/// [`http_client`] for a timeout, without a run: what the library floor
/// (`examples/library_floor.rs`) measures reqwest with, set up as the downloaders set it up.
#[cfg(feature = "reqwest")]
pub fn http_client_for(timeout: std::time::Duration) -> reqwest::Result<reqwest::Client> {
    use reqwest::redirect::Policy;

    let redirects = Policy::custom(|attempt| {
        let scheme = attempt.url().scheme();
        if attempt.previous().len() > crate::MAX_REDIRECTS as usize {
            attempt.error("too many redirects")
        } else if scheme == "http" || scheme == "https" {
            attempt.follow()
        } else {
            let refused = format!("redirect refused: {}", attempt.url());
            attempt.error(refused)
        }
    });
    reqwest::Client::builder()
        .timeout(timeout) // the whole request: sending, redirects, the body
        .redirect(redirects)
        .tls_backend_preconfigured(crate::tls::tls_config())
        .build()
}

/// The runtime every async downloader runs on: the book's event loop, one thread. Saving a file
/// blocks, so it goes to tokio's blocking threads; one is enough, since the files all go to one
/// directory, which adds one name at a time (tokio's default, 512, would only wait their turn).
/// A runtime that cannot start stops the run in one `error:` line (`Job::abort`).
#[cfg(feature = "reqwest")]
pub fn event_loop(job: &AsyncJob) -> tokio::runtime::Runtime {
    start_event_loop().unwrap_or_else(|err| job.abort(&format!("cannot start the runtime: {err}")))
}

/// tokio panics, rather than return an error, where a scarce system can stop it: its signal
/// driver when it gets no socket pair (`ulimit -n`; `open_files` keeps room for it), and
/// `spawn_blocking` when no thread can be made and none is running (`ulimit -u`). Both are met
/// here, once, where the panic is turned into the error it is: the saving thread is started now
/// and kept for the whole run, so that no save later needs a new one.
#[cfg(feature = "reqwest")]
fn start_event_loop() -> Result<tokio::runtime::Runtime, String> {
    let runtime = without_panic(|| {
        tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(1)
            .thread_keep_alive(std::time::Duration::MAX)
            // The `--trace` lines of a turn of the loop, written in one call as it goes idle.
            .on_thread_park(crate::trace::flush_pending)
            .enable_all()
            .build()
    })?
    .map_err(|err| err.to_string())?;
    without_panic(|| drop(runtime.spawn_blocking(|| ())))
        .map_err(|err| format!("no thread to save files: {err}"))?;
    crate::trace::batch_until_idle();
    Ok(runtime)
}

/// Run `f`, a panic in it turned into an error with its message, printed nowhere: the panic
/// hook is set aside meanwhile, for the whole process (at start-up, before any download).
#[cfg(feature = "reqwest")]
fn without_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied());
        message.unwrap_or("a panic").to_string()
    })
}

/// The agent every blocking downloader shares (it is `Sync`): ureq's `Agent`, with the project's
/// timeout, a pooled connection per request in flight, and each host looked up once. It follows
/// no redirect: `agent.fetch(url)` does, by the project's rule.
#[cfg(feature = "ureq")]
pub fn blocking_agent(job: &BlockingJob) -> ureq::Agent {
    blocking_agent_for(job.timeout, job.concur_req)
}

/// [`blocking_agent`] for a timeout and a number of requests in flight, without a run: what the
/// library floor (`examples/library_floor.rs`) measures ureq with.
#[cfg(feature = "ureq")]
pub fn blocking_agent_for(timeout: std::time::Duration, in_flight: usize) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout)) // the whole call: redirects and body included
        .max_redirects(0)
        .input_buffer_size(crate::bounds::CONNECTION_BUFFER)
        .output_buffer_size(crate::bounds::CONNECTION_BUFFER)
        .max_idle_connections(in_flight)
        .max_idle_connections_per_host(in_flight)
        .build();
    crate::resolve::agent(config)
}
