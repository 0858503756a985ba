//! What counts as a flag, for every downloader alike: a `200` with a body of at most
//! `--max-size` bytes, reached through at most `MAX_REDIRECTS` http(s) redirects.
//!
//! The downloaders call `resp.read_body()` (blocking, on a ureq response) or
//! `resp.read_body().await` (on a reqwest response) instead of reading the body themselves: it
//! checks the status and stops reading at once when the body grows past the ceiling, so memory
//! stays bounded whatever the server sends.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::FetchError;

/// Redirects followed for one request, at most; one more is an ERROR.
pub const MAX_REDIRECTS: u32 = 5;

/// `--max-size` by default: 1 MiB, generous for a flag (the book's largest is 36 KB).
pub const DEFAULT_MAX_SIZE: u64 = 1024 * 1024;

static MAX_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_SIZE);

/// The ceiling for one body, set once by `flags_common::main` from `--max-size`.
pub fn max_size() -> u64 {
    MAX_SIZE.load(Ordering::Relaxed)
}

pub(crate) fn set_max_size(bytes: u64) {
    MAX_SIZE.store(bytes, Ordering::Relaxed);
}

#[cfg(any(test, feature = "ureq", feature = "reqwest"))]
/// Only a 200 is a flag: 404 is NOT_FOUND, every other final status an ERROR that names it.
/// A redirect that reaches here was not followed: it has no `Location`, or one the client
/// refused (another scheme).
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
/// Fail early when the server announces a body over the ceiling.
pub(crate) fn check_length(content_length: Option<u64>) -> Result<(), FetchError> {
    match content_length {
        Some(len) if len > max_size() => Err(FetchError::TooBig(max_size())),
        _ => Ok(()),
    }
}

#[cfg(any(test, feature = "ureq", feature = "reqwest"))]
/// Add `chunk` to `body`, or fail once the body is over the ceiling.
pub(crate) fn push_chunk(body: &mut Vec<u8>, chunk: &[u8]) -> Result<(), FetchError> {
    if (body.len() + chunk.len()) as u64 > max_size() {
        return Err(FetchError::TooBig(max_size()));
    }
    body.extend_from_slice(chunk);
    Ok(())
}

/// Reading a body under the rules above, for a blocking client's response.
pub trait ReadBody {
    /// The body of a 200, at most `--max-size` bytes; any other status is an error.
    fn read_body(self) -> Result<Vec<u8>, FetchError>;
}

/// Reading a body under the rules above, for an async client's response.
pub trait ReadBodyAsync {
    /// The body of a 200, at most `--max-size` bytes; any other status is an error.
    fn read_body(self) -> impl Future<Output = Result<Vec<u8>, FetchError>> + Send;
}

#[cfg(feature = "ureq")]
impl ReadBody for ureq::http::Response<ureq::Body> {
    fn read_body(mut self) -> Result<Vec<u8>, FetchError> {
        use std::io::Read;
        let location = self.headers().get(ureq::http::header::LOCATION);
        let location = location.map(|value| String::from_utf8_lossy(value.as_bytes()));
        check_status(self.status().as_u16(), location.as_deref())?;
        let body = self.body_mut();
        check_length(body.content_length())?;
        // Not ureq's `limit(..).read_to_vec()`: its `read_to_end` doubles the buffer past the
        // limit before it fails (2 × --max-size per request); `push_chunk` never grows it past.
        let mut reader = body.with_config().limit(u64::MAX).reader();
        let mut bytes = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(bytes),
                Ok(n) => push_chunk(&mut bytes, &buf[..n])?,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(io_to_fetch(err)),
            }
        }
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
    async fn read_body(mut self) -> Result<Vec<u8>, FetchError> {
        let location = self.headers().get(reqwest::header::LOCATION);
        let location = location.map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        check_status(self.status().as_u16(), location.as_deref())?;
        check_length(self.content_length())?;
        let mut bytes = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            push_chunk(&mut bytes, &chunk)?;
        }
        Ok(bytes)
    }
}

/// The redirect rule for reqwest: at most `MAX_REDIRECTS`, http and https only.
/// (ureq follows only http(s) by itself; its agent gets `max_redirects(MAX_REDIRECTS)`.)
#[cfg(feature = "reqwest")]
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let scheme = attempt.url().scheme().to_string();
        if attempt.previous().len() > MAX_REDIRECTS as usize {
            attempt.error("too many redirects")
        } else if scheme != "http" && scheme != "https" {
            attempt.error(format!("redirect refused: scheme {scheme}"))
        } else {
            attempt.follow()
        }
    })
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
    fn a_body_stops_at_the_ceiling() {
        let mut body = Vec::new();
        let chunk = vec![0u8; 1000];
        let mut pushed = 0;
        while push_chunk(&mut body, &chunk).is_ok() {
            pushed += 1;
        }
        assert_eq!(pushed as u64, DEFAULT_MAX_SIZE / 1000);
        assert!(body.len() as u64 <= DEFAULT_MAX_SIZE);
        assert!(check_length(Some(DEFAULT_MAX_SIZE + 1)).is_err());
        assert!(check_length(Some(DEFAULT_MAX_SIZE)).is_ok());
        assert!(check_length(None).is_ok());
    }
}
