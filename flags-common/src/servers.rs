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
        return check_url(arg).map(|()| ServerArg::Url(arg.trim_end_matches('/').to_string()));
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

/// A base URL the downloaders can append `/<cc>/<cc>.gif` to: a host, maybe a valid port, a
/// path; no query, no fragment, no credentials.
fn check_url(url: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("--server URL {why}: {url}"));
    let rest = url.split_once("://").map_or("", |(_, rest)| rest);
    if url.contains('?') {
        return bad("must not have a query (`?...`)");
    }
    if url.contains('#') {
        return bad("must not have a fragment (`#...`)");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must not contain spaces");
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return bad("must not carry credentials (`user@`)");
    }
    let Some((host, port)) = split_authority(authority) else {
        return bad("has a bad host");
    };
    if host.is_empty() {
        return bad("has no host");
    }
    let port_ok = |port: &str| {
        port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0)
    };
    match port {
        Some(port) if !port_ok(port) => bad("has an invalid port (1 to 65535)"),
        _ => Ok(()),
    }
}

/// Resolve `-s` to a server that answers: for LOCAL, DELAY and ERROR, when nothing listens at the
/// book's port, start the built-in server with that profile inside this process.
pub fn choose_server(arg: ServerArg) -> std::io::Result<Server> {
    let (label, url) = match arg {
        ServerArg::Url(url) => ("Custom", url),
        ServerArg::Label(label, url) => (label, url.to_string()),
    };
    let (host, port) = host_port(&url);
    let reached = reach(&host, port);
    let profile = Profile::from_label(label).filter(|_| host == "localhost");
    let fallback = profile.filter(|_| reached.is_err());
    let Some(profile) = fallback else {
        // Say once, before any request, that the server cannot be reached: not 676 times.
        reached?;
        return Ok(Server {
            label: label.into(),
            base_url: url,
            notice: None,
            _embedded: None,
        });
    };
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

/// The host and port of an http(s) URL.
fn host_port(url: &str) -> (String, u16) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    // `check_url` has refused a bad authority before any of this runs.
    let (host, port) = split_authority(authority).unwrap_or((authority, None));
    let port = port.and_then(|p| p.parse().ok()).unwrap_or(default_port);
    (host.to_string(), port)
}

/// `host[:port]` or `[v6]` / `[v6]:port` as host and port; None for a bracket left open or
/// followed by anything but `:port`.
fn split_authority(authority: &str) -> Option<(&str, Option<&str>)> {
    match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']')? {
            (host, "") => Some((host, None)),
            (host, tail) => Some((host, Some(tail.strip_prefix(':')?))),
        },
        None => Some(match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }),
    }
}

/// Whether something accepts connections at `host`:`port`, and if not, why.
fn reach(host: &str, port: u16) -> std::io::Result<()> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|err| std::io::Error::other(format!("cannot resolve host {host}: {err}")))?
        .collect();
    let mut last = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, Duration::from_secs(3)) {
            Ok(_) => return Ok(()),
            Err(err) => last = Some(err),
        }
    }
    let why = last.map_or("no address".to_string(), |err| err.to_string());
    Err(std::io::Error::other(format!(
        "nothing answers at {host}:{port}: {why}"
    )))
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

    #[test]
    fn urls_the_downloaders_cannot_use_are_refused() {
        for (url, why) in [
            ("http://127.0.0.1:8000/flags?x=1", "query"),
            ("http://127.0.0.1:8000/flags#top", "fragment"),
            ("http://127.0.0.1:99999/flags", "port"),
            ("http://127.0.0.1:0/flags", "port"),
            ("http://127.0.0.1:80x/flags", "port"),
            ("http://:8000/flags", "no host"),
            ("http:///flags", "no host"),
            ("http://user:pw@127.0.0.1/flags", "credentials"),
            ("http://[::1/flags", "bad host"),
        ] {
            let err = parse_server(url).unwrap_err();
            assert!(err.contains(why), "{url}: {err}");
        }
        for url in [
            "http://[::1]:8001/flags",
            "https://example.com",
            "http://h:1/",
        ] {
            assert!(parse_server(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn hosts_and_ports() {
        let hp = |url| host_port(url);
        assert_eq!(
            hp("http://localhost:8000/flags"),
            ("localhost".into(), 8000)
        );
        assert_eq!(
            hp("https://www.fluentpython.com/data/flags"),
            ("www.fluentpython.com".into(), 443)
        );
        assert_eq!(hp("http://[::1]:8001/flags"), ("::1".into(), 8001));
        assert_eq!(hp("http://user@example.com"), ("example.com".into(), 80));
    }
}
