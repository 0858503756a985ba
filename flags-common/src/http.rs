//! What counts as a flag, for every downloader alike: a `200` with a body of at most
//! `--max-size` bytes, reached through at most `MAX_REDIRECTS` http(s) redirects.
//!
//! The rule for redirects: at most `MAX_REDIRECTS`, each `Location` of any form resolved against
//! the URL that answered it (absolute, scheme-relative `//host/p`, relative `p` or `/p`), and only
//! an `http` or `https` result followed, whatever the case of its scheme (`FILE:`, `data:`,
//! `javascript:` are errors). A redirect's body is never read. reqwest's client holds the rule
//! itself (`clients.rs`: a `Policy::custom`); ureq's own redirects cannot (they take
//! `FILE:///etc/passwd` for a path), so the blocking downloaders call `agent.fetch(&url)`, which
//! follows them here, instead of `agent.get(url).call()`.
//!
//! Then they call `resp.read_body(job.max_size)` (ureq) or `.await` it (reqwest) instead of
//! reading the body themselves (neither library caps a body): it checks the status and stops reading at once when the body
//! grows past the ceiling, so memory stays bounded whatever the server sends.

#[cfg(feature = "ureq")]
use std::time::Instant;

#[cfg(any(test, feature = "ureq"))]
use url::Url;

use crate::error::FetchError;

/// Redirects followed for one request, at most; one more is an ERROR.
pub const MAX_REDIRECTS: u32 = 5;

/// `--max-size` by default: 1 MiB, generous for a flag (the book's largest is 36 KB).
pub const DEFAULT_MAX_SIZE: u64 = 1024 * 1024;

#[cfg(any(test, feature = "ureq"))]
/// Where a response leads: `None` when it is not a redirect (the caller reads it), else the
/// next URL, resolved against `from`, the URL that answered. `hops` counts the redirects
/// followed so far for this request; one more than `MAX_REDIRECTS` is an error.
pub(crate) fn next_hop(
    from: &Url,
    status: u16,
    location: Option<&str>,
    hops: &mut u32,
) -> Result<Option<Url>, FetchError> {
    if !matches!(status, 301..=303 | 307 | 308) {
        return Ok(None);
    }
    let Some(location) = location else {
        return Err(FetchError::Redirect(format!(
            "redirect {status} without Location"
        )));
    };
    if *hops >= MAX_REDIRECTS {
        return Err(FetchError::Redirect("too many redirects".into()));
    }
    *hops += 1;
    let refused = || FetchError::Redirect(format!("redirect refused: {location}"));
    let next = from.join(location).map_err(|_| refused())?;
    // The parser lower-cases the scheme: `HTTP:` is http, `FILE:` is file.
    match next.scheme() {
        "http" | "https" => Ok(Some(next)),
        _ => Err(refused()),
    }
}

/// The URL a downloader asked for, parsed (it is made from `-s`, which was checked).
#[cfg(feature = "ureq")]
fn parse(url: &str) -> Result<Url, FetchError> {
    Url::parse(url).map_err(|err| FetchError::Transport(format!("bad URL {url}: {err}")))
}

/// GET a URL the way every downloader does: through `next_hop`'s redirects, for a blocking
/// client.
pub trait Fetch {
    /// The response to GET `url`, after at most `MAX_REDIRECTS` http(s) redirects.
    type Response;
    /// GET `url`, following redirects by the project's rule; the final response's body is
    /// left for `read_body`.
    fn fetch(&self, url: &str) -> Result<Self::Response, FetchError>;
}

#[cfg(feature = "ureq")]
impl Fetch for ureq::Agent {
    type Response = ureq::http::Response<ureq::Body>;

    fn fetch(&self, url: &str) -> Result<Self::Response, FetchError> {
        let mut url = parse(url)?;
        let mut hops = 0;
        // One deadline for the whole chain: each hop gets what the ones before it left of the
        // agent's timeout (`--timeout`), the last one's body included.
        let started = Instant::now();
        let budget = self.config().timeouts().global;
        loop {
            let left = budget.map(|total| total.saturating_sub(started.elapsed()));
            if left.is_some_and(|left| left.is_zero()) {
                return Err(FetchError::Timeout);
            }
            // ureq follows nothing itself, whatever the agent says: the rule is ours alone. A 404
            // comes back as a response, not an error, so that `read_body` can read its short
            // page and ureq keeps the connection for the next request.
            let get = self.get(url.as_str()).config().max_redirects(0);
            let get = get.http_status_as_error(false).timeout_global(left).build();
            let resp = get.call()?;
            let location = header_text(
                resp.headers()
                    .get(ureq::http::header::LOCATION)
                    .map(|v| v.as_bytes()),
            );
            match next_hop(&url, resp.status().as_u16(), location.as_deref(), &mut hops)? {
                Some(next) => url = next, // the redirect is dropped, its body unread
                None => return Ok(resp),
            }
        }
    }
}

/// A header's value as text (bytes that are not UTF-8 become U+FFFD).
#[cfg(any(feature = "ureq", feature = "reqwest"))]
fn header_text(value: Option<&[u8]>) -> Option<String> {
    value.map(|bytes| String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(any(test, feature = "ureq", feature = "reqwest"))]
/// Only a 200 is a flag: 404 is NOT_FOUND, every other final status an ERROR that names it.
/// A redirect that reaches here was not followed (a response not got through `fetch`).
pub(crate) fn check_status(status: u16, location: Option<&str>) -> Result<(), FetchError> {
    match (status, location) {
        (200, _) => Ok(()),
        (404, _) => Err(FetchError::NotFound),
        (301..=303 | 307 | 308, None) => Err(FetchError::Redirect(format!(
            "redirect {status} without Location"
        ))),
        (301..=303 | 307 | 308, Some(location)) => Err(FetchError::Redirect(format!(
            "redirect refused: {location}"
        ))),
        _ => Err(FetchError::Status(status)),
    }
}

#[cfg(any(test, feature = "ureq", feature = "reqwest"))]
/// Fail early when the server announces a body over the ceiling, `max_size` bytes.
pub(crate) fn check_length(content_length: Option<u64>, max_size: u64) -> Result<(), FetchError> {
    match content_length {
        Some(len) if len > max_size => Err(FetchError::TooBig(max_size)),
        _ => Ok(()),
    }
}

#[cfg(any(test, feature = "ureq", feature = "reqwest"))]
/// Add `chunk` to `body`, or fail once the body is over the ceiling, `max_size` bytes.
pub(crate) fn push_chunk(
    body: &mut Vec<u8>,
    chunk: &[u8],
    max_size: u64,
) -> Result<(), FetchError> {
    if (body.len() + chunk.len()) as u64 > max_size {
        return Err(FetchError::TooBig(max_size));
    }
    body.extend_from_slice(chunk);
    Ok(())
}

/// Reading a body under the rules above, for a blocking client's response.
pub trait ReadBody {
    /// The body of a 200, at most `max_size` bytes (`--max-size`, `Job::max_size`); any other
    /// status is an error.
    fn read_body(self, max_size: u64) -> Result<Vec<u8>, FetchError>;
}

/// Reading a body under the rules above, for an async client's response.
pub trait ReadBodyAsync {
    /// The body of a 200, at most `max_size` bytes (`--max-size`, `Job::max_size`); any other
    /// status is an error.
    fn read_body(self, max_size: u64) -> impl Future<Output = Result<Vec<u8>, FetchError>> + Send;
}

#[cfg(feature = "ureq")]
impl ReadBody for ureq::http::Response<ureq::Body> {
    fn read_body(mut self, max_size: u64) -> Result<Vec<u8>, FetchError> {
        use std::io::Read;
        let location = header_text(
            self.headers()
                .get(ureq::http::header::LOCATION)
                .map(|v| v.as_bytes()),
        );
        if let Err(err) = check_status(self.status().as_u16(), location.as_deref()) {
            drain_short(self.body_mut());
            return Err(err);
        }
        let body = self.body_mut();
        check_length(body.content_length(), max_size)?;
        // Not ureq's `limit(..).read_to_vec()`: its `read_to_end` doubles the buffer past the
        // limit before it fails (2 × --max-size per request); `push_chunk` never grows it past.
        let mut reader = body.with_config().limit(u64::MAX).reader();
        let mut bytes = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(bytes),
                Ok(n) => push_chunk(&mut bytes, &buf[..n], max_size)?,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(io_to_fetch(err)),
            }
        }
    }
}

/// What is left of a short answer that is not a flag (a 404 page), read and dropped: ureq puts
/// a connection back in its pool only once its body is read, and closes it otherwise, so every
/// 404 would cost a new connection.
#[cfg(feature = "ureq")]
fn drain_short(body: &mut ureq::Body) {
    const SHORT: u64 = 64 * 1024;
    if body.content_length().is_some_and(|n| n <= SHORT) {
        let mut reader = body.with_config().limit(SHORT).reader();
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    }
}

/// A ureq body read error, which wraps ureq's own error (a timeout, a reset) in an io::Error.
#[cfg(feature = "ureq")]
fn io_to_fetch(err: std::io::Error) -> FetchError {
    if err.kind() == std::io::ErrorKind::TimedOut {
        return FetchError::Timeout;
    }
    match err.into_inner() {
        Some(inner) => match inner.downcast::<ureq::Error>() {
            Ok(ureq_err) => FetchError::from(*ureq_err),
            Err(other) => FetchError::Transport(other.to_string()),
        },
        None => FetchError::Transport("read failed".into()),
    }
}

#[cfg(feature = "reqwest")]
impl ReadBodyAsync for reqwest::Response {
    async fn read_body(mut self, max_size: u64) -> Result<Vec<u8>, FetchError> {
        let location = header_text(
            self.headers()
                .get(reqwest::header::LOCATION)
                .map(|v| v.as_bytes()),
        );
        check_status(self.status().as_u16(), location.as_deref())?;
        check_length(self.content_length(), max_size)?;
        let mut bytes = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            push_chunk(&mut bytes, &chunk, max_size)?;
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_200_is_a_flag() {
        assert!(check_status(200, None).is_ok());
        assert!(matches!(check_status(404, None), Err(FetchError::NotFound)));
        for status in [201, 204, 206, 304, 418, 500] {
            let err = check_status(status, None).unwrap_err();
            assert_eq!(err.to_string(), format!("unexpected status {status}"));
        }
        let err = check_status(302, None).unwrap_err();
        assert_eq!(err.to_string(), "redirect 302 without Location");
        let err = check_status(302, Some("file:///etc/passwd")).unwrap_err();
        assert_eq!(err.to_string(), "redirect refused: file:///etc/passwd");
    }

    #[test]
    fn redirects_of_every_form_are_resolved_then_checked() {
        let from = Url::parse("http://127.0.0.1:8000/flags/br/br.gif").unwrap();
        let hop = |status, location: Option<&str>| next_hop(&from, status, location, &mut 0);
        let followed = [
            ("/moved/br.gif", "http://127.0.0.1:8000/moved/br.gif"),
            ("moved.gif", "http://127.0.0.1:8000/flags/br/moved.gif"),
            ("../jp/jp.gif", "http://127.0.0.1:8000/flags/jp/jp.gif"),
            ("//example.com/br.gif", "http://example.com/br.gif"),
            ("HTTPS://Example.com/br.gif", "https://example.com/br.gif"),
            ("http://[::1]:9/x", "http://[::1]:9/x"),
        ];
        for (location, next) in followed {
            let followed = hop(302, Some(location)).unwrap().map(String::from);
            assert_eq!(followed.as_deref(), Some(next), "{location}");
        }
        for location in [
            "file:///etc/passwd",
            "FILE:///etc/passwd",
            "file://localhost/etc/passwd",
            "data:image/gif;base64,R0lGODlh",
            "javascript:alert(1)",
            "ftp://127.0.0.1/br.gif",
            "http://",
            "http://[::1",
        ] {
            let err = hop(301, Some(location)).unwrap_err().to_string();
            assert_eq!(err, format!("redirect refused: {location}"));
        }
        assert_eq!(
            hop(307, None).unwrap_err().to_string(),
            "redirect 307 without Location"
        );
        for status in [200, 204, 304, 404, 418] {
            assert_eq!(hop(status, Some("/x")).unwrap(), None, "{status}");
        }
        let mut hops = 0;
        for _ in 0..MAX_REDIRECTS {
            assert!(
                next_hop(&from, 302, Some("/x"), &mut hops)
                    .unwrap()
                    .is_some()
            );
        }
        let err = next_hop(&from, 302, Some("/x"), &mut hops).unwrap_err();
        assert_eq!(err.to_string(), "too many redirects");
    }

    #[test]
    fn a_body_stops_at_the_ceiling() {
        let mut body = Vec::new();
        let chunk = vec![0u8; 1000];
        let mut pushed = 0;
        while push_chunk(&mut body, &chunk, DEFAULT_MAX_SIZE).is_ok() {
            pushed += 1;
        }
        assert_eq!(pushed as u64, DEFAULT_MAX_SIZE / 1000);
        assert!(body.len() as u64 <= DEFAULT_MAX_SIZE);
        assert!(check_length(Some(DEFAULT_MAX_SIZE + 1), DEFAULT_MAX_SIZE).is_err());
        assert!(check_length(Some(DEFAULT_MAX_SIZE), DEFAULT_MAX_SIZE).is_ok());
        assert!(check_length(None, DEFAULT_MAX_SIZE).is_ok());
    }
}
