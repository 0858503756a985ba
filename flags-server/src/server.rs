//! The HTTP side: profiles, configuration, fault injection, statistics and the hyper server.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::faults::{Body, Conn, Fault, FaultCounts, FaultRates, STALL_CAP};

/// A client that has not sent its full request headers by then is disconnected (default).
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections beyond this are accepted and closed at once (default).
pub const DEFAULT_MAX_CONNECTIONS: usize = 20_000;
/// Request line plus headers larger than this get `431 Request Header Fields Too Large`.
const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Longer paths get `414 URI Too Long`.
const MAX_PATH_LEN: usize = 1024;
/// Longest delay accepted by `--delay`.
const MAX_DELAY_S: f64 = 3600.0;

/// The book's three test servers, and CHAOS with every fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// nginx alone: no delay, no errors (port 8000).
    Local,
    /// vaurien/slow_server.py: every GET delayed 0.5..5 s (port 8001).
    Delay,
    /// vaurien: every GET delayed 0.5 s, 25% answered 418 (port 8002).
    Error,
    /// Toxiproxy-like: DELAY's 0.5..5 s plus resets, truncated bodies, stalls and slow bodies (port 8003).
    Chaos,
}

impl Profile {
    /// "LOCAL", "DELAY" or "ERROR", as the book's clients name their servers.
    pub fn label(&self) -> &'static str {
        match self {
            Profile::Local => "LOCAL",
            Profile::Delay => "DELAY",
            Profile::Error => "ERROR",
            Profile::Chaos => "CHAOS",
        }
    }

    /// 8000, 8001 or 8002, as in the book; 8003 for CHAOS.
    pub fn default_port(&self) -> u16 {
        match self {
            Profile::Local => 8000,
            Profile::Delay => 8001,
            Profile::Error => 8002,
            Profile::Chaos => 8003,
        }
    }

    /// Parses a label, ignoring case.
    pub fn from_label(s: &str) -> Option<Profile> {
        [
            Profile::Local,
            Profile::Delay,
            Profile::Error,
            Profile::Chaos,
        ]
        .into_iter()
        .find(|p| p.label().eq_ignore_ascii_case(s))
    }

    /// The (min, max) delay of each GET when the configuration does not set one.
    pub fn default_delay(&self) -> (Duration, Duration) {
        match self {
            Profile::Local => (Duration::ZERO, Duration::ZERO),
            Profile::Delay | Profile::Chaos => (Duration::from_millis(500), Duration::from_secs(5)),
            Profile::Error => (Duration::from_millis(500), Duration::from_millis(500)),
        }
    }

    /// The reset, truncate, stall and slow rates when the configuration does not set them:
    /// 0.05, 0.05, 0.02 and 0.05 for CHAOS, none for the others.
    pub fn default_faults(&self) -> FaultRates {
        match self {
            Profile::Chaos => FaultRates {
                reset: 0.05,
                truncate: 0.05,
                stall: 0.02,
                slow: 0.05,
            },
            _ => FaultRates::default(),
        }
    }

    /// The share of GETs answered 418 when the configuration does not set one.
    pub fn default_error_rate(&self) -> f64 {
        match self {
            Profile::Error => 0.25,
            _ => 0.0,
        }
    }
}

/// Errors in configuration values.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error(
        "invalid delay {0:?}: expected seconds as MIN or MIN..MAX with 0 <= MIN <= MAX <= 3600, e.g. 0.5..5"
    )]
    Delay(String),
    #[error("invalid error rate {0:?}: expected a number from 0 to 1")]
    ErrorRate(String),
    #[error(
        "invalid faults {0:?}: expected NAME=P,... with NAME one of reset, truncate, stall, slow, each P from 0 to 1, adding up to at most 1"
    )]
    Faults(String),
    #[error("invalid {0}: {1}")]
    Limit(&'static str, String),
}

/// Parses `MIN` or `MIN..MAX` seconds, e.g. `0.1` or `0.5..5`.
pub fn parse_delay(s: &str) -> Result<(Duration, Duration), ConfigError> {
    let bad = || ConfigError::Delay(s.to_string());
    let secs = |t: &str| -> Result<f64, ConfigError> {
        let v: f64 = t.trim().parse().map_err(|_| bad())?;
        if (0.0..=MAX_DELAY_S).contains(&v) {
            Ok(v)
        } else {
            Err(bad())
        }
    };
    let (min, max) = match s.split_once("..") {
        Some((a, b)) => (secs(a)?, secs(b)?),
        None => (secs(s)?, secs(s)?),
    };
    if min > max {
        return Err(bad());
    }
    Ok((Duration::from_secs_f64(min), Duration::from_secs_f64(max)))
}

/// Parses a probability from 0 to 1.
pub fn parse_error_rate(s: &str) -> Result<f64, ConfigError> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(ConfigError::ErrorRate(s.to_string())),
    }
}

/// What to serve and how badly.
#[derive(Clone, Debug)]
pub struct Config {
    pub profile: Profile,
    /// Each GET under /flags/ waits a uniformly random time in [min, max]; None = profile default.
    pub delay: Option<(Duration, Duration)>,
    /// Share of GETs under /flags/ answered 418; None = profile default.
    pub error_rate: Option<f64>,
    /// Seed for the delays and errors; None = seeded from the clock.
    pub seed: Option<u64>,
    /// Serve this directory (the book's flags.zip unpacked) instead of the built-in flags.
    pub root: Option<PathBuf>,
    pub bind: IpAddr,
    /// 0 = any free port.
    pub port: u16,
    /// Rates of reset, truncate, stall and slow for GETs under /flags/; None = profile default.
    pub faults: Option<FaultRates>,
    /// A client that has not sent its request headers by then is disconnected (default 10 s).
    pub header_timeout: Duration,
    /// Open connections beyond this are accepted and closed at once (default 20,000).
    pub max_connections: usize,
}

impl Config {
    /// The profile's delay, error rate and faults, 127.0.0.1, any free port, built-in flags.
    pub fn new(profile: Profile) -> Self {
        Config {
            profile,
            delay: None,
            error_rate: None,
            seed: None,
            root: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            faults: None,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }

    fn effective_faults(&self) -> FaultRates {
        self.faults.unwrap_or_else(|| self.profile.default_faults())
    }

    fn effective_delay(&self) -> (Duration, Duration) {
        self.delay.unwrap_or_else(|| self.profile.default_delay())
    }

    fn effective_error_rate(&self) -> f64 {
        self.error_rate
            .unwrap_or_else(|| self.profile.default_error_rate())
    }

    fn check(&self) -> io::Result<()> {
        let (min, max) = self.effective_delay();
        let rate = self.effective_error_rate();
        let invalid = |m: String| Err(io::Error::new(io::ErrorKind::InvalidInput, m));
        if min > max || max.as_secs_f64() > MAX_DELAY_S {
            return invalid(ConfigError::Delay(format!("{min:?}..{max:?}")).to_string());
        }
        if !(0.0..=1.0).contains(&rate) {
            return invalid(ConfigError::ErrorRate(rate.to_string()).to_string());
        }
        let faults = self.effective_faults();
        if !faults.is_valid() {
            return invalid(ConfigError::Faults(format!("{faults:?}")).to_string());
        }
        if self.header_timeout.is_zero() {
            return invalid(
                ConfigError::Limit("header timeout", "must be more than 0".into()).to_string(),
            );
        }
        if self.max_connections == 0 {
            return invalid(
                ConfigError::Limit("max connections", "must be at least 1".into()).to_string(),
            );
        }
        Ok(())
    }
}

/// Delays injected since start or the last reset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DelayStats {
    /// Requests that were delayed (delay > 0).
    pub count: u64,
    /// Sum of the delays: the ideal time of a run over one connection.
    pub sum_s: f64,
    /// Longest delay: the ideal time of a run with unbounded concurrency.
    pub max_s: f64,
    /// Shortest delay (0 when none).
    pub min_s: f64,
}

/// The fault settings in force.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    pub delay_min_s: f64,
    pub delay_max_s: f64,
    pub error_rate: f64,
    /// Status of injected errors: 418.
    pub error_status: u16,
    pub seed: Option<u64>,
    /// Rates of reset, truncate, stall and slow.
    #[serde(default)]
    pub rates: FaultRates,
}

/// What the server did since start or the last reset; the body of `GET /_stats`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// "LOCAL", "DELAY", "ERROR" or "CHAOS".
    pub profile: String,
    /// Requests outside /_stats that got a status line.
    pub requests: u64,
    /// Answered 200.
    pub ok: u64,
    /// Answered 404.
    pub not_found: u64,
    /// Answered 418 on purpose.
    pub errors_injected: u64,
    /// Answered 400, 405 or 414.
    pub rejected: u64,
    pub delays: DelayStats,
    pub faults: Faults,
    /// Resets, truncated bodies, stalls and slow bodies injected.
    #[serde(default)]
    pub faults_injected: FaultCounts,
    /// Connections closed at once because `max_connections` were already open.
    #[serde(default)]
    pub connections_refused: u64,
}

/// Counters updated on every request: atomics, so requests never wait for each other.
#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    ok: AtomicU64,
    not_found: AtomicU64,
    errors_injected: AtomicU64,
    rejected: AtomicU64,
    reset: AtomicU64,
    truncate: AtomicU64,
    stall: AtomicU64,
    slow: AtomicU64,
    connections_refused: AtomicU64,
}

impl Counters {
    fn all(&self) -> [&AtomicU64; 10] {
        [
            &self.requests,
            &self.ok,
            &self.not_found,
            &self.errors_injected,
            &self.rejected,
            &self.reset,
            &self.truncate,
            &self.stall,
            &self.slow,
            &self.connections_refused,
        ]
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// What one GET under /flags/ gets: its delay, whether it is answered 418, and its fault.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Draw {
    delay: f64,
    fail: bool,
    fault: Option<Fault>,
}

/// Shared by every connection of one server.
struct State {
    root: Option<PathBuf>,
    delay: (f64, f64),
    error_rate: f64,
    rates: FaultRates,
    /// Whether anything is random at all; if not, requests skip the RNG and its lock.
    random: bool,
    seed: Option<u64>,
    header_timeout: Duration,
    max_connections: usize,
    /// Connections open now.
    open: AtomicUsize,
    rng: Mutex<StdRng>,
    counters: Counters,
    delays: Mutex<DelayStats>,
    profile: &'static str,
    settings: Faults,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere never leaves these values half-updated, so a poisoned lock is still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn new_rng(seed: Option<u64>) -> StdRng {
    let seed = seed.unwrap_or_else(|| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        t.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)
    });
    StdRng::seed_from_u64(seed)
}

impl State {
    fn new(config: &Config) -> io::Result<State> {
        config.check()?;
        let root = match &config.root {
            Some(dir) => {
                let dir = dir.canonicalize()?;
                if !dir.is_dir() {
                    return Err(io::Error::new(
                        io::ErrorKind::NotADirectory,
                        format!("{} is not a directory", dir.display()),
                    ));
                }
                Some(dir)
            }
            None => None,
        };
        let (min, max) = config.effective_delay();
        let delay = (min.as_secs_f64(), max.as_secs_f64());
        let error_rate = config.effective_error_rate();
        let rates = config.effective_faults();
        Ok(State {
            root,
            delay,
            error_rate,
            rates,
            random: delay.1 > 0.0 || error_rate > 0.0 || !rates.is_zero(),
            seed: config.seed,
            header_timeout: config.header_timeout,
            max_connections: config.max_connections,
            open: AtomicUsize::new(0),
            rng: Mutex::new(new_rng(config.seed)),
            counters: Counters::default(),
            delays: Mutex::new(DelayStats::default()),
            profile: config.profile.label(),
            settings: Faults {
                delay_min_s: delay.0,
                delay_max_s: delay.1,
                error_rate,
                error_status: 418,
                seed: config.seed,
                rates,
            },
        })
    }

    /// Draws the delay, the 418 coin and the fault for one GET, in request order.
    /// All three are always drawn, so a seed gives the same sequence whatever the settings.
    fn draw(&self) -> Draw {
        let (delay, p, u) = {
            let mut rng = lock(&self.rng);
            let d = rng.random_range(self.delay.0..=self.delay.1);
            let p: f64 = rng.random();
            let u: f64 = rng.random();
            (d, p, u)
        };
        if delay > 0.0 {
            let mut d = lock(&self.delays);
            d.min_s = if d.count == 0 {
                delay
            } else {
                d.min_s.min(delay)
            };
            d.count += 1;
            d.sum_s += delay;
            d.max_s = d.max_s.max(delay);
        }
        Draw {
            delay,
            fail: p < self.error_rate,
            fault: self.rates.pick(u),
        }
    }

    fn count(&self, status: StatusCode) {
        let c = &self.counters;
        bump(&c.requests);
        bump(match status {
            StatusCode::OK => &c.ok,
            StatusCode::NOT_FOUND => &c.not_found,
            StatusCode::IM_A_TEAPOT => &c.errors_injected,
            _ => &c.rejected,
        });
    }

    fn count_fault(&self, fault: Fault) {
        let c = &self.counters;
        bump(match fault {
            Fault::Reset => &c.reset,
            Fault::Truncate => &c.truncate,
            Fault::Stall => &c.stall,
            Fault::Slow => &c.slow,
        });
    }

    fn stats(&self) -> Stats {
        let c = &self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            profile: self.profile.to_string(),
            requests: get(&c.requests),
            ok: get(&c.ok),
            not_found: get(&c.not_found),
            errors_injected: get(&c.errors_injected),
            rejected: get(&c.rejected),
            delays: lock(&self.delays).clone(),
            faults: self.settings.clone(),
            faults_injected: FaultCounts {
                reset: get(&c.reset),
                truncate: get(&c.truncate),
                stall: get(&c.stall),
                slow: get(&c.slow),
            },
            connections_refused: get(&c.connections_refused),
        }
    }

    /// Zeroes the counters and restarts the random sequence from the seed.
    fn reset(&self) {
        let mut rng = lock(&self.rng);
        *lock(&self.delays) = DelayStats::default();
        for c in self.counters.all() {
            c.store(0, Ordering::Relaxed);
        }
        *rng = new_rng(self.seed);
    }
}

const TEXT: &str = "text/plain; charset=utf-8";

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    head: bool,
) -> Response<Body> {
    let len = HeaderValue::from(body.len());
    respond_with_len(status, content_type, body, len, head)
}

/// A response with a Content-Length computed beforehand (the hot path clones a prepared one).
fn respond_with_len(
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    len: HeaderValue,
    head: bool,
) -> Response<Body> {
    let mut resp = Response::new(if head {
        Body::empty()
    } else {
        Body::full(body)
    });
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.reserve(2);
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CONTENT_LENGTH, len);
    resp
}

fn plain(status: StatusCode, head: bool) -> Response<Body> {
    let text = format!("{status}\n");
    respond(status, TEXT, Bytes::from(text), head)
}

/// The built-in bodies with their Content-Length values, prepared once.
struct Prepared {
    gif: (Bytes, HeaderValue),
    json: (Bytes, HeaderValue),
}

static PREPARED: LazyLock<Vec<Prepared>> = LazyLock::new(|| {
    let with_len = |b: Bytes| {
        let len = HeaderValue::from(b.len());
        (b, len)
    };
    crate::countries()
        .iter()
        .map(|c| Prepared {
            gif: with_len(crate::flag_gif(c.iso_cc).unwrap_or_default()),
            json: with_len(crate::metadata_json(c.iso_cc).unwrap_or_default()),
        })
        .collect()
});

/// Prepares the built-in bodies now, so the first request does not pay for it.
pub(crate) fn warm_up() {
    LazyLock::force(&PREPARED);
}

/// What a path under /flags/ names.
enum Lookup {
    Found(Bytes, &'static str, Option<HeaderValue>),
    NotFound,
    BadRequest,
}

/// Built-in mode: `<cc>/<cc>.gif` and `<cc>/metadata.json`, any case. Nothing here touches
/// the file system, so `..`, `%2e%2e`, NUL or absolute paths simply match no flag: 404.
fn lookup_builtin(rest: &str) -> Lookup {
    let Some((dir, file)) = rest.split_once('/') else {
        return Lookup::NotFound;
    };
    let Some(i) = crate::index_of(dir) else {
        return Lookup::NotFound;
    };
    let p = &PREPARED[i];
    let (body, ct) = if file.eq_ignore_ascii_case("metadata.json") {
        (&p.json, "application/json")
    } else {
        match file.rsplit_once('.') {
            Some((name, ext))
                if name.eq_ignore_ascii_case(dir) && ext.eq_ignore_ascii_case("gif") =>
            {
                (&p.gif, "image/gif")
            }
            _ => return Lookup::NotFound,
        }
    };
    Lookup::Found(body.0.clone(), ct, Some(body.1.clone()))
}

/// Directory mode: the file under `root`, never anything outside it.
async fn lookup_root(root: &Path, rest: &str) -> Lookup {
    // Decode %xx first, then refuse anything that could climb out or confuse the OS:
    // empty, "." and ".." segments (so "%2e%2e" and "..%2f" are caught), NUL, backslashes.
    let Ok(decoded) = String::from_utf8(percent_encoding::percent_decode_str(rest).collect())
    else {
        return Lookup::BadRequest;
    };
    if decoded.contains(['\0', '\\']) {
        return Lookup::BadRequest;
    }
    let mut path = root.to_path_buf();
    for seg in decoded.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." || Path::new(seg).components().count() != 1 {
            return Lookup::BadRequest;
        }
        if !matches!(
            Path::new(seg).components().next(),
            Some(Component::Normal(_))
        ) {
            return Lookup::BadRequest;
        }
        path.push(seg);
    }
    // Symlinks may still lead out: resolve them and check the result is inside the root.
    let Ok(real) = tokio::fs::canonicalize(&path).await else {
        return Lookup::NotFound;
    };
    if !real.starts_with(root) {
        return Lookup::NotFound;
    }
    match tokio::fs::metadata(&real).await {
        Ok(m) if m.is_file() => {}
        _ => return Lookup::NotFound,
    }
    let content_type = match real
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("gif") => "image/gif",
        Some("json") => "application/json",
        Some("txt") => TEXT,
        _ => "application/octet-stream",
    };
    match tokio::fs::read(&real).await {
        Ok(data) => Lookup::Found(Bytes::from(data), content_type, None),
        Err(_) => Lookup::NotFound,
    }
}

/// A request ended on purpose without an answer (reset or stall): hyper closes the connection.
#[derive(Debug, thiserror::Error)]
#[error("request dropped on purpose: {0}")]
struct Dropped(&'static str);

/// Routes one request. `reset` belongs to the connection: setting it makes its close an RST.
async fn handle(
    state: &State,
    req: Request<Incoming>,
    reset: &AtomicBool,
) -> Result<Response<Body>, Dropped> {
    let path = req.uri().path();
    let method = req.method();

    if path == "/_stats" || path == "/_stats/reset" {
        return Ok(match (method, path) {
            (&Method::GET | &Method::HEAD, "/_stats") => {
                let body = serde_json::to_vec(&state.stats()).unwrap_or_default();
                respond(
                    StatusCode::OK,
                    "application/json",
                    Bytes::from(body),
                    method == Method::HEAD,
                )
            }
            (&Method::DELETE, "/_stats") | (&Method::POST, "/_stats/reset") => {
                state.reset();
                respond(StatusCode::NO_CONTENT, TEXT, Bytes::new(), false)
            }
            _ => plain(StatusCode::METHOD_NOT_ALLOWED, false),
        });
    }

    let head = method == Method::HEAD;
    let resp = if path.len() > MAX_PATH_LEN {
        plain(StatusCode::URI_TOO_LONG, head)
    } else if method != Method::GET && !head {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, false);
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        r
    } else if let Some(rest) = path.strip_prefix("/flags/") {
        // Faults apply to every GET under /flags/, as with the book's proxy: HEAD is spared.
        let draw = if head || !state.random {
            Draw::default()
        } else {
            state.draw()
        };
        // A stall ignores the delay: the request is never answered.
        if draw.fault == Some(Fault::Stall) {
            state.count_fault(Fault::Stall);
            tokio::time::sleep(STALL_CAP).await;
            return Err(Dropped("stall"));
        }
        if draw.delay > 0.0 {
            tokio::time::sleep(Duration::from_secs_f64(draw.delay)).await;
        }
        if draw.fault == Some(Fault::Reset) {
            state.count_fault(Fault::Reset);
            reset.store(true, Ordering::Relaxed);
            return Err(Dropped("reset"));
        }
        let resp = if draw.fail {
            plain(StatusCode::IM_A_TEAPOT, head)
        } else {
            let found = match &state.root {
                Some(root) => lookup_root(root, rest).await,
                None => lookup_builtin(rest),
            };
            match found {
                Lookup::Found(body, ct, Some(len)) => {
                    respond_with_len(StatusCode::OK, ct, body, len, head)
                }
                Lookup::Found(body, ct, None) => respond(StatusCode::OK, ct, body, head),
                Lookup::NotFound => plain(StatusCode::NOT_FOUND, head),
                Lookup::BadRequest => plain(StatusCode::BAD_REQUEST, head),
            }
        };
        match draw.fault {
            Some(fault @ (Fault::Truncate | Fault::Slow)) => {
                state.count_fault(fault);
                resp.map(|b| b.with_fault(fault))
            }
            _ => resp,
        }
    } else {
        plain(StatusCode::NOT_FOUND, head)
    };
    state.count(resp.status());
    Ok(resp)
}

/// Keeps the count of open connections right, however the connection task ends.
struct OpenGuard(Arc<State>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Accepts connections until `shutdown` completes, then drops the open ones.
async fn run(
    listener: TcpListener,
    state: Arc<State>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut conns = JoinSet::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.header_timeout)
        .max_buf_size(MAX_HEADER_BYTES);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Over the limit: close at once, before reading anything.
                    if state.open.fetch_add(1, Ordering::Relaxed) >= state.max_connections {
                        state.open.fetch_sub(1, Ordering::Relaxed);
                        bump(&state.counters.connections_refused);
                        drop(stream);
                        continue;
                    }
                    let guard = OpenGuard(state.clone());
                    let _ = stream.set_nodelay(true);
                    let (io, reset) = Conn::new(stream);
                    let state = state.clone();
                    let conn = builder.serve_connection(
                        TokioIo::new(io),
                        service_fn(move |req| {
                            let state = state.clone();
                            let reset = reset.clone();
                            async move { handle(&state, req, &reset).await }
                        }),
                    );
                    // Errors of one connection (reset, timeout, bad request) concern only that client.
                    conns.spawn(async move {
                        let _ = conn.await;
                        drop(guard);
                    });
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
    Ok(())
}

/// Serves on `listener` until `shutdown` completes; requests still in progress are dropped.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let state = Arc::new(State::new(&config)?);
    if state.root.is_none() {
        crate::warm_up();
    }
    run(listener, state, shutdown).await
}

/// A server running on its own thread; dropping it stops the server.
pub struct ServerHandle {
    base_url: String,
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerHandle {
    /// `http://127.0.0.1:PORT/flags`, without a trailing slash, like the book's BASE_URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A snapshot of the statistics, the same as `GET /_stats`.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Zeroes the statistics and restarts the random sequence from the seed.
    pub fn reset_stats(&self) {
        self.state.reset();
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The base URL for a socket address, e.g. `http://127.0.0.1:8000/flags`.
pub(crate) fn base_url(addr: SocketAddr) -> String {
    format!("http://{addr}/flags")
}

/// Binds now (so a busy port is an error here), then serves on a thread of its own with its
/// own tokio runtime: callable from plain code and from inside another tokio runtime alike.
pub fn start(config: Config) -> io::Result<ServerHandle> {
    let state = Arc::new(State::new(&config)?);
    let listener = std::net::TcpListener::bind((config.bind, config.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<()>>();
    let thread_state = state.clone();
    let thread = std::thread::Builder::new()
        .name(format!("flags-server-{}", addr.port()))
        .spawn(move || {
            // One worker per core, as `#[tokio::main]` does for the binary.
            let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            if thread_state.root.is_none() {
                crate::warm_up();
            }
            rt.block_on(async move {
                match TcpListener::from_std(listener) {
                    Ok(listener) => {
                        let _ = ready_tx.send(Ok(()));
                        let _ = run(listener, thread_state, async {
                            let _ = stopped.await;
                        })
                        .await;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
            // Dropping the runtime cancels requests still sleeping in a delay.
            rt.shutdown_timeout(Duration::from_millis(500));
        })?;
    match ready_rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(io::Error::other("server thread ended before it was ready")),
    }
    Ok(ServerHandle {
        base_url: base_url(addr),
        addr,
        state,
        stop: Some(stop),
        thread: Some(thread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_ports() {
        assert_eq!(Profile::from_label("delay"), Some(Profile::Delay));
        assert_eq!(
            Profile::from_label("ERROR").map(|p| p.default_port()),
            Some(8002)
        );
        assert_eq!(Profile::Local.label(), "LOCAL");
        assert_eq!(Profile::from_label("slow"), None);
    }

    #[test]
    fn delays_parse() {
        let ms = Duration::from_millis;
        assert_eq!(parse_delay("0.5..5"), Ok((ms(500), ms(5000))));
        assert_eq!(parse_delay("0.1"), Ok((ms(100), ms(100))));
        for bad in ["", "x", "5..1", "-1", "1..", "..1", "NaN", "1e9"] {
            assert!(parse_delay(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_error_rate("0.25"), Ok(0.25));
        assert!(parse_error_rate("1.5").is_err());
    }

    #[test]
    fn same_seed_same_draws() {
        let mut c = Config::new(Profile::Delay);
        c.seed = Some(7);
        let (a, b) = (State::new(&c).unwrap(), State::new(&c).unwrap());
        let xs: Vec<_> = (0..50).map(|_| a.draw()).collect();
        let ys: Vec<_> = (0..50).map(|_| b.draw()).collect();
        assert_eq!(xs, ys);
        assert!(
            xs.iter()
                .all(|d| (0.5..=5.0).contains(&d.delay) && !d.fail && d.fault.is_none())
        );
        // The faults do not change the delays drawn with the same seed.
        c.faults = Some(crate::parse_faults("reset=0.5,slow=0.5").unwrap());
        let z = State::new(&c).unwrap();
        let zs: Vec<_> = (0..50).map(|_| z.draw()).collect();
        assert!(xs.iter().zip(&zs).all(|(x, z)| x.delay == z.delay));
        assert!(zs.iter().all(|d| d.fault.is_some()));
    }

    #[test]
    fn chaos_profile() {
        assert_eq!(Profile::from_label("chaos"), Some(Profile::Chaos));
        assert_eq!(Profile::Chaos.label(), "CHAOS");
        assert_eq!(Profile::Chaos.default_port(), 8003);
        assert_eq!(
            Profile::Chaos.default_delay(),
            Profile::Delay.default_delay()
        );
        assert_eq!(Profile::Chaos.default_faults().stall, 0.02);
        assert!(Profile::Delay.default_faults().is_zero());
        let mut c = Config::new(Profile::Local);
        c.max_connections = 0;
        assert!(State::new(&c).is_err());
    }
}
