//! How a download can fail. The downloaders' HTTP clients convert their errors into `FetchError`,
//! so that every implementation counts the same outcome the same way.

use std::io;

/// Why one flag was not saved.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server answered 404: the code is not a country. Counted as NOT_FOUND, not as an error.
    #[error("not found")]
    NotFound,
    /// Any final status but 200 and 404: a flag is a 200 with a body.
    #[error("unexpected status {0}")]
    Status(u16),
    /// A redirect that is not followed: no `Location`, a scheme other than http(s), too many.
    #[error("{0}")]
    Redirect(String),
    /// The body grew past `--max-size` bytes: reading stopped there.
    #[error("body over --max-size ({0} bytes)")]
    TooBig(u64),
    /// The request took longer than `--timeout`, body included.
    #[error("timed out")]
    Timeout,
    /// The connection failed: refused, reset, closed early, a name that does not resolve...
    #[error("{0}")]
    Transport(String),
    /// The server's metadata.json is not what the book's server sends.
    #[error("bad metadata: {0}")]
    Metadata(String),
    /// Writing the file failed.
    #[error("cannot save: {0}")]
    Save(#[from] io::Error),
}

/// The message of an error and of every error behind it, on one line.
#[cfg(any(feature = "ureq", feature = "reqwest"))]
fn chain(err: &dyn std::error::Error) -> String {
    let mut msg = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = cause.source();
    }
    msg
}

#[cfg(feature = "ureq")]
impl From<ureq::Error> for FetchError {
    fn from(err: ureq::Error) -> Self {
        match err {
            ureq::Error::StatusCode(404) => FetchError::NotFound,
            ureq::Error::StatusCode(status) => FetchError::Status(status),
            ureq::Error::Timeout(_) => FetchError::Timeout,
            ureq::Error::TooManyRedirects => FetchError::Redirect("too many redirects".into()),
            ureq::Error::BodyExceedsLimit(limit) => FetchError::TooBig(limit),
            // ureq follows redirects itself: name its refusals as reqwest's are named.
            ureq::Error::BadUri(msg) if msg.contains("scheme") => {
                FetchError::Redirect(format!("redirect refused: {msg}"))
            }
            other => match chain(&other) {
                msg if msg.contains("missing a location header") => {
                    FetchError::Redirect("redirect without Location".into())
                }
                msg => FetchError::Transport(msg),
            },
        }
    }
}

#[cfg(feature = "reqwest")]
impl From<reqwest::Error> for FetchError {
    fn from(err: reqwest::Error) -> Self {
        // `error_for_status()` makes a status an error: a 404 counts as NOT_FOUND, as the book's
        // `raise_for_status()` does, so plain reqwest code counts codes right.
        if let Some(status) = err.status() {
            match status.as_u16() {
                404 => FetchError::NotFound,
                other => FetchError::Status(other),
            }
        } else if err.is_timeout() {
            FetchError::Timeout
        } else if err.is_redirect() {
            // The policy's own words ("too many redirects"), not reqwest's preamble.
            let policy = std::error::Error::source(&err);
            FetchError::Redirect(policy.map_or_else(|| err.to_string(), |s| s.to_string()))
        } else {
            FetchError::Transport(chain(&err))
        }
    }
}

impl From<serde_json::Error> for FetchError {
    fn from(err: serde_json::Error) -> Self {
        FetchError::Metadata(err.to_string())
    }
}
