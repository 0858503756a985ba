//! Choosing the server: the book's `SERVERS` labels, any http(s) URL, and the built-in server
//! started in this process when nothing answers at a label's port.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use flags_server::{Config, Profile, ServerHandle};

/// The book's servers, by label.
pub const SERVERS: [(&str, &str); 4] = [
    ("REMOTE", "https://www.fluentpython.com/data/flags"),
    ("LOCAL", "http://localhost:8000/flags"),
    ("DELAY", "http://localhost:8001/flags"),
    ("ERROR", "http://localhost:8002/flags"),
];

pub const DEFAULT_SERVER: &str = "LOCAL";

/// The server a run talks to. Holds the built-in server, when one was started, until dropped.
pub struct Server {
    pub label: String,
    pub base_url: String,
    /// Set when the built-in server was started: the line that says so.
    pub notice: Option<String>,
    _embedded: Option<ServerHandle>,
}

/// What `-s` names: a label, or a base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerArg {
    Label(&'static str, &'static str),
    Url(String),
}

/// Check `-s LABEL|URL` without touching the network.
pub fn parse_server(arg: &str) -> Result<ServerArg, String> {
    let upper = arg.to_ascii_uppercase();
    if let Some((label, url)) = SERVERS.iter().find(|(label, _)| *label == upper) {
        return Ok(ServerArg::Label(label, url));
    }
    let lower = arg.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        if arg.split("://").nth(1).is_some_and(|rest| !rest.is_empty()) {
            return Ok(ServerArg::Url(arg.trim_end_matches('/').to_string()));
        }
        return Err(format!("--server URL has no host: {arg}"));
    }
    let labels: Vec<&str> = SERVERS.iter().map(|(label, _)| *label).collect();
    if arg.contains("://") {
        return Err(format!(
            "--server URL must start with http:// or https://: {arg}"
        ));
    }
    Err(format!(
        "--server must be one of {} or an http(s) URL, not {arg:?}",
        labels.join(", ")
    ))
}

/// Resolve `-s` to a server that answers: for LOCAL, DELAY and ERROR, when nothing listens at the
/// book's port, start the built-in server with that profile inside this process.
pub fn choose_server(arg: ServerArg) -> std::io::Result<Server> {
    let (label, url) = match arg {
        ServerArg::Url(url) => {
            return Ok(Server {
                label: "Custom".into(),
                base_url: url,
                notice: None,
                _embedded: None,
            });
        }
        ServerArg::Label(label, url) => (label, url),
    };
    let profile = Profile::from_label(label);
    let port = url
        .rsplit(':')
        .next()
        .and_then(|p| p.split('/').next()?.parse::<u16>().ok());
    let (Some(profile), Some(port)) = (profile, port) else {
        return Ok(Server {
            label: label.into(),
            base_url: url.into(),
            notice: None,
            _embedded: None,
        });
    };
    if listening(port) {
        return Ok(Server {
            label: label.into(),
            base_url: url.into(),
            notice: None,
            _embedded: None,
        });
    }
    let handle = flags_server::start(Config::new(profile))?;
    let base_url = handle.base_url().to_string();
    let notice = format!("Nothing answers at {url}: serving built-in {label} flags at {base_url}");
    Ok(Server {
        label: label.into(),
        base_url,
        notice: Some(notice),
        _embedded: Some(handle),
    })
}

/// Whether something accepts connections on localhost:`port`.
fn listening(port: u16) -> bool {
    let addrs: Vec<SocketAddr> = match ("localhost", port).to_socket_addrs() {
        Ok(addrs) => addrs.collect(),
        Err(_) => return false,
    };
    addrs
        .iter()
        .any(|addr| TcpStream::connect_timeout(addr, Duration::from_millis(500)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_urls() {
        assert_eq!(
            parse_server("delay"),
            Ok(ServerArg::Label("DELAY", "http://localhost:8001/flags"))
        );
        assert_eq!(
            parse_server("http://127.0.0.1:9/flags/"),
            Ok(ServerArg::Url("http://127.0.0.1:9/flags".into()))
        );
        assert!(
            parse_server("ftp://example.com/flags")
                .unwrap_err()
                .contains("http://")
        );
        assert!(parse_server("NOWHERE").unwrap_err().contains("LOCAL"));
        assert!(parse_server("http://").is_err());
    }
}
