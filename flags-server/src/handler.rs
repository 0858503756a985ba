//! [`handle`]: one request in, one answer out. hyper calls it for every request of every
//! connection (through `service_fn` in `server.rs`); it routes, applies the drawn delay,
//! 418 and fault, counts, and with `-v` logs a line when the request arrives and one when it
//! is answered. A request under /flags/ is in flight from its arrival here until its answer's
//! body is dropped, or until `handle` returns without an answer (`flight.rs`).

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::body::Body;
use crate::conn::ConnFlags;
use crate::faults::{Draw, Fault, STALL_CAP};
use crate::log::queue_line;
use crate::routes::{self, Lookup};
use crate::state::State;

/// Longer paths get `414 URI Too Long`.
const MAX_PATH_LEN: usize = 1024;
const TEXT: &str = "text/plain; charset=utf-8";

/// A request ended on purpose without an answer (reset or stall): hyper closes the connection.
#[derive(Debug, thiserror::Error)]
#[error("request dropped on purpose: {0}")]
pub(crate) struct Dropped(&'static str);

/// Answers one request. `conn` belongs to its connection: setting `reset` makes its close an RST.
pub(crate) async fn handle(
    state: &State,
    req: Request<Incoming>,
    conn: &ConnFlags,
) -> Result<Response<Body>, Dropped> {
    let path = req.uri().path();
    let method = req.method();
    if path == "/_stats" || path == "/_stats/reset" {
        return Ok(stats_endpoint(state, method, path));
    }
    log_arrival(state, method, path);
    // Dropped on every early return (reset, stall), or handed to the answer's body below.
    let flight = path.starts_with("/flags/").then(|| state.flights.arrive());
    let head = method == Method::HEAD;
    let mut draw = Draw::default();
    let resp = if path.len() > MAX_PATH_LEN {
        plain(StatusCode::URI_TOO_LONG, head)
    } else if method != Method::GET && !head {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, false);
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        r
    } else if let Some(rest) = path.strip_prefix("/flags/") {
        // Faults apply to every GET under /flags/, as with the book's proxy: HEAD is spared.
        if !head && state.dice.is_random() {
            draw = state.dice.draw();
            state.counters.record_delay(draw.delay);
        }
        if draw.fault == Some(Fault::Stall) {
            // Never answered, the delay ignored: logged now, as it starts.
            state.counters.count_fault(Fault::Stall);
            log(state, method, path, None, &draw);
            tokio::time::sleep(STALL_CAP).await;
            return Err(Dropped("stall"));
        }
        match flag(state, rest, head, draw, conn).await {
            Ok(resp) => resp,
            Err(dropped) => {
                log(state, method, path, None, &draw);
                return Err(dropped);
            }
        }
    } else {
        plain(StatusCode::NOT_FOUND, head)
    };
    state.counters.count_status(resp.status().as_u16());
    log(state, method, path, Some(resp.status()), &draw);
    Ok(resp.map(|body| body.holding(flight)))
}

/// A GET or HEAD under /flags/: the delay, then a reset, a 418 or the file, maybe faulty.
async fn flag(
    state: &State,
    rest: &str,
    head: bool,
    draw: Draw,
    conn: &ConnFlags,
) -> Result<Response<Body>, Dropped> {
    if draw.delay > 0.0 {
        tokio::time::sleep(Duration::from_secs_f64(draw.delay)).await;
    }
    if draw.fault == Some(Fault::Reset) {
        state.counters.count_fault(Fault::Reset);
        conn.reset.store(true, Ordering::Relaxed);
        return Err(Dropped("reset"));
    }
    let resp = if draw.fail {
        plain(StatusCode::IM_A_TEAPOT, head)
    } else {
        let found = match &state.root {
            Some(tree) => tree.lookup(rest, head).await,
            None => routes::builtin(rest),
        };
        match found {
            Lookup::Found(body, len, ct) => respond(StatusCode::OK, ct, body, len, head),
            Lookup::Stream(file, len, ct) => {
                let body = match file {
                    Some(file) if !head => Body::file(file, len),
                    _ => Body::empty(),
                };
                with_headers(StatusCode::OK, ct, HeaderValue::from(len), body)
            }
            Lookup::NotFound => plain(StatusCode::NOT_FOUND, head),
            Lookup::BadRequest => plain(StatusCode::BAD_REQUEST, head),
            Lookup::RootFailed => plain(StatusCode::INTERNAL_SERVER_ERROR, head),
        }
    };
    Ok(match draw.fault {
        Some(fault @ (Fault::Truncate | Fault::Slow)) => {
            state.counters.count_fault(fault);
            resp.map(|b| b.with_fault(fault))
        }
        // Reset and stall ended the request above.
        Some(Fault::Reset | Fault::Stall) | None => resp,
    })
}

/// `GET /_stats`, `DELETE /_stats` and `POST /_stats/reset`.
fn stats_endpoint(state: &State, method: &Method, path: &str) -> Response<Body> {
    match (method, path) {
        (&Method::GET | &Method::HEAD, "/_stats") => {
            let body = serde_json::to_vec(&state.stats()).unwrap_or_default();
            let len = HeaderValue::from(body.len());
            let head = method == Method::HEAD;
            respond(
                StatusCode::OK,
                "application/json",
                Bytes::from(body),
                len,
                head,
            )
        }
        (&Method::DELETE, "/_stats") | (&Method::POST, "/_stats/reset") => {
            state.reset();
            respond(
                StatusCode::NO_CONTENT,
                TEXT,
                Bytes::new(),
                HeaderValue::from(0),
                false,
            )
        }
        _ => plain(StatusCode::METHOD_NOT_ALLOWED, false),
    }
}

/// A response with its Content-Length computed beforehand (the hot path clones a prepared one).
fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    len: HeaderValue,
    head: bool,
) -> Response<Body> {
    let body = if head {
        Body::empty()
    } else {
        Body::bytes(body)
    };
    with_headers(status, content_type, len, body)
}

fn with_headers(
    status: StatusCode,
    content_type: &'static str,
    len: HeaderValue,
    body: Body,
) -> Response<Body> {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.reserve(2);
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CONTENT_LENGTH, len);
    resp
}

/// A short text answer: the status line's text.
fn plain(status: StatusCode, head: bool) -> Response<Body> {
    let text = Bytes::from(format!("{status}\n"));
    let len = HeaderValue::from(text.len());
    respond(status, TEXT, text, len, head)
}

/// With `-v`, as a request arrives: `12:03:02.256 DELAY GET /flags/br/br.gif arrived`.
fn log_arrival(state: &State, method: &Method, path: &str) {
    if state.log_requests {
        queue_line(format!(
            "{} {} {method} {path} arrived",
            clock(),
            state.profile
        ));
    }
}

/// With `-v`, as a request is answered: `12:03:04.567 DELAY GET /flags/br/br.gif 200 delay
/// 2.31 s`, or `-` in place of a status that was never sent (`- fault reset`).
fn log(state: &State, method: &Method, path: &str, status: Option<StatusCode>, draw: &Draw) {
    if !state.log_requests {
        return;
    }
    let mut line = format!("{} {} {method} {path}", clock(), state.profile);
    match status {
        Some(s) => line += &format!(" {}", s.as_u16()),
        None => line += " -",
    }
    if draw.delay > 0.0 && draw.fault != Some(Fault::Stall) {
        line += &format!(" delay {:.2} s", draw.delay);
    }
    if draw.fail {
        line += " error";
    }
    if let Some(fault) = draw.fault {
        line += &format!(" fault {}", fault.name());
    }
    queue_line(line);
}

/// The time of day in UTC, `hh:mm:ss.mmm`.
fn clock() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let day_ms = now.as_millis() % 86_400_000;
    let (s, ms) = (day_ms / 1000, day_ms % 1000);
    format!("{:02}:{:02}:{:02}.{ms:03}", s / 3600, s / 60 % 60, s % 60)
}
