//! Choosing the server: REMOTE, a profile's label (LOCAL, DELAY, ERROR, CHAOS, each at its
//! book port), any http(s) URL, the built-in server started in this process when nothing
//! answers at a label's port, with as many requests at once as fit under the open-files limit.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use flags_server::{Config, Profile, ServerHandle};

use crate::open_files::fit_requests;

/// The book's site, over the internet.
pub const REMOTE_URL: &str = "https://www.fluentpython.com/data/flags";

pub const DEFAULT_SERVER: &str = "LOCAL";

/// The server a run talks to. Holds the built-in server, when one was started, until dropped.
pub struct Server {
    pub label: String,
    pub base_url: String,
    /// Set when the built-in server was started: the line that says so.
    pub notice: Option<String>,
    /// Requests at once: the `-m` asked for, or fewer when the open-files limit is short.
    pub max_req: usize,
    /// Set when `max_req` is lower than asked: the line that says why.
    pub note: Option<String>,
    _embedded: Option<ServerHandle>,
}

/// What `-s` names: the book's site, one of the test servers by its profile, or a base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerArg {
    Remote,
    Profile(Profile),
    Url(String),
}

impl ServerArg {
    /// "REMOTE", the profile's label, or "Custom" for a URL.
    pub fn label(&self) -> &'static str {
        match self {
            ServerArg::Remote => "REMOTE",
            ServerArg::Profile(profile) => profile.label(),
            ServerArg::Url(_) => "Custom",
        }
    }

    /// The base URL: the book's site, `http://localhost:PORT/flags` at the profile's book
    /// port, or the URL given.
    pub fn url(&self) -> String {
        match self {
            ServerArg::Remote => REMOTE_URL.into(),
            ServerArg::Profile(profile) => {
                format!("http://localhost:{}/flags", profile.default_port())
            }
            ServerArg::Url(url) => url.clone(),
        }
    }
}

/// Every label `-s` takes, REMOTE last, as the help lists them.
fn labelled() -> impl Iterator<Item = ServerArg> {
    Profile::all()
        .iter()
        .map(|p| ServerArg::Profile(*p))
        .chain([ServerArg::Remote])
}

/// The help's table of servers, from [`Profile::all`].
pub fn servers_help() -> String {
    let mut help = String::from("Servers (-s LABEL):\n");
    for server in labelled() {
        let what = match &server {
            ServerArg::Profile(profile) => profile.description(),
            ServerArg::Remote => "the book's site, over the internet",
            ServerArg::Url(_) => "",
        };
        help += &format!("  {:<8}{:<27}   {what}\n", server.label(), server.url());
    }
    let ports: Vec<String> = Profile::all()
        .iter()
        .map(|p| p.default_port().to_string())
        .collect();
    let (last, first) = ports.split_last().expect("at least one profile");
    help += &format!(
        "When nothing listens on port {} or {last}, the downloader serves the built-in flags with
that profile from inside its own process, and says so: nothing needs to be started by hand.
`cargo xtask serve` runs servers on those ports.",
        first.join(", ")
    );
    help
}

/// Check `-s LABEL|URL` without touching the network.
pub fn parse_server(arg: &str) -> Result<ServerArg, String> {
    if let Some(server) = labelled().find(|s| s.label().eq_ignore_ascii_case(arg)) {
        return Ok(server);
    }
    let lower = arg.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return check_url(arg).map(|()| ServerArg::Url(arg.trim_end_matches('/').to_string()));
    }
    if arg.contains("://") {
        return Err(format!(
            "--server URL must start with http:// or https://: {arg}"
        ));
    }
    let labels: Vec<&str> = labelled().map(|s| s.label()).collect();
    Err(format!(
        "--server must be one of {} or an http(s) URL, not {arg:?}",
        labels.join(", ")
    ))
}

/// A base URL the downloaders can append `/<cc>/<cc>.gif` to: a host, maybe a valid port, a
/// path; no query, no fragment, no credentials; and one that both HTTP clients take as it
/// is (reqwest reads it with the `url` crate, ureq with the `http` crate's stricter rules).
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
    if let Some(port) = port
        && !port_ok(port)
    {
        return bad("has an invalid port (1 to 65535)");
    }
    // reqwest would percent-encode what ureq refuses (`<`, `"`, `{`, non-ASCII...): neither
    // gets the chance, so both see the same URL.
    if let Some(c) = url.chars().find(|c| !is_uri_char(*c)) {
        return bad(&format!(
            "must not contain {c:?} (percent-encode it, e.g. {})",
            percent(c)
        ));
    }
    match url::Url::parse(url) {
        Ok(parsed) if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        Ok(_) => bad("has no host"),
        Err(url::ParseError::InvalidPort) => bad("has an invalid port (1 to 65535)"),
        Err(url::ParseError::EmptyHost) => bad("has no host"),
        Err(e) => bad(&format!("has a bad host ({e})")),
    }
}

/// The characters a URI may hold as they are (RFC 3986): letters, digits, `-._~`, the
/// delimiters `:/?#[]@!$&'()*+,;=`, and `%` for escapes.
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// `%3C` for `<`; every byte of a wider character.
fn percent(c: char) -> String {
    let mut buf = [0; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// Resolve `-s` to a server that answers: for a profile's label, when nothing listens at its
/// book port, start the built-in server with that profile inside this process. `max_req` is
/// the `-m` in force; [`Server::max_req`] is what fits under the open-files limit (`open_files`),
/// and a limit too low for one request is an error, before the built-in server starts.
pub fn choose_server(arg: ServerArg, max_req: usize) -> std::io::Result<Server> {
    let (label, url) = (arg.label(), arg.url());
    let (host, port) = host_port(&url);
    let reached = reach(&host, port);
    let fallback = match arg {
        ServerArg::Profile(profile) if reached.is_err() => Some(profile),
        ServerArg::Profile(_) | ServerArg::Remote | ServerArg::Url(_) => None,
    };
    // Say once, before any request, that the server cannot be reached: not 676 times.
    if fallback.is_none() {
        reached?;
    }
    let fit = fit_requests(max_req, fallback.is_some()).map_err(std::io::Error::other)?;
    let Some(profile) = fallback else {
        return Ok(Server {
            label: label.into(),
            base_url: url,
            notice: None,
            max_req: fit.max_req,
            note: fit.note,
            _embedded: None,
        });
    };
    let mut config = Config::new(profile);
    config.max_connections = fit.server_connections;
    let handle = flags_server::start(config).map_err(|err| {
        std::io::Error::new(
            err.kind(),
            format!("cannot start the built-in server: {err}"),
        )
    })?;
    let base_url = handle.base_url().to_string();
    Ok(Server {
        label: label.into(),
        notice: Some(fallback_notice(&host, port, label, &base_url)),
        base_url,
        max_req: fit.max_req,
        note: fit.note,
        _embedded: Some(handle),
    })
}

/// The line that says the built-in server was started: `Nothing answers at localhost:8001:
/// serving built-in DELAY flags at http://127.0.0.1:43413/flags`, within 100 columns.
fn fallback_notice(host: &str, port: u16, label: &str, base_url: &str) -> String {
    format!("Nothing answers at {host}:{port}: serving built-in {label} flags at {base_url}")
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
            Ok(ServerArg::Profile(Profile::Delay))
        );
        assert_eq!(
            parse_server("DELAY").map(|s| s.url()),
            Ok("http://localhost:8001/flags".into())
        );
        assert_eq!(parse_server("Remote"), Ok(ServerArg::Remote));
        assert_eq!(parse_server("chaos").map(|s| s.label()), Ok("CHAOS"));
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
            ("http://127.0.0.1:8000/a<b>", "'<'"),
            ("http://127.0.0.1:8000/a\"b", "%22"),
            ("http://127.0.0.1:8000/{x}", "'{'"),
            ("http://bücher.example/flags", "%C3%BC"),
            ("http://[::x]:8000/flags", "bad host"),
            ("http://a b/flags", "spaces"),
        ] {
            let err = parse_server(url).unwrap_err();
            assert!(err.contains(why), "{url}: {err}");
        }
        for url in [
            "http://[::1]:8001/flags",
            "https://example.com",
            "http://h:1/",
            "http://127.0.0.1:8000/a%3Cb%3E",
            "http://localhost:8000/flags-v2/~me/(x)",
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

    #[test]
    fn the_help_lists_every_profile_then_remote() {
        let help = servers_help();
        let want = "Servers (-s LABEL):
  LOCAL   http://localhost:8000/flags   answers at once
  DELAY   http://localhost:8001/flags   waits 0.5 to 5 s (at random) before each answer
  ERROR   http://localhost:8002/flags   waits 0.5 s, answers 25% of requests with 418
";
        assert!(help.starts_with(want), "{help}");
        assert!(help.contains("\n  CHAOS   http://localhost:8003/flags   waits"));
        assert!(help.contains("\n  REMOTE  https://www.fluentpython.com/data/flags   the book's site, over the internet\n"));
        assert!(help.contains("port 8000, 8001, 8002 or 8003,"), "{help}");
    }

    #[test]
    fn the_built_in_server_is_said_within_100_columns() {
        for profile in Profile::all() {
            let url = ServerArg::Profile(*profile).url();
            let (host, port) = host_port(&url);
            let base_url = "http://127.0.0.1:65535/flags";
            let line = fallback_notice(&host, port, profile.label(), base_url);
            assert!(
                line.chars().count() <= 100,
                "{} columns: {line}",
                line.len()
            );
            let book = format!("localhost:{}", profile.default_port());
            assert!(line.contains(&book) && line.ends_with(base_url), "{line}");
        }
    }
}
