//! Choosing the server: REMOTE, a profile's label (LOCAL, DELAY, ERROR, CHAOS, each at its
//! book port), any http(s) URL, the built-in server started in this process when nothing
//! answers at a label's port, and how many requests at once fit under the open-files limit.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use flags_server::{Config, Profile, ServerHandle};

/// The book's site, over the internet.
pub const REMOTE_URL: &str = "https://www.fluentpython.com/data/flags";

pub const DEFAULT_SERVER: &str = "LOCAL";

/// Descriptors a downloader keeps aside for itself: stdio, the runtime's, the trace file.
const OWN_FILES: u64 = 32;

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
/// the `-m` in force; [`Server::max_req`] is what fits under the open-files limit.
pub fn choose_server(arg: ServerArg, max_req: usize) -> std::io::Result<Server> {
    let (label, url) = (arg.label(), arg.url());
    let (host, port) = host_port(&url);
    let reached = reach(&host, port);
    let fallback = match arg {
        ServerArg::Profile(profile) if reached.is_err() => Some(profile),
        ServerArg::Profile(_) | ServerArg::Remote | ServerArg::Url(_) => None,
    };
    let open_files = flags_server::raise_open_files(u64::MAX);
    let Some(profile) = fallback else {
        // Say once, before any request, that the server cannot be reached: not 676 times.
        reached?;
        let fit = fit_to_open_files(max_req, false, open_files);
        return Ok(Server {
            label: label.into(),
            base_url: url,
            notice: None,
            max_req: fit.max_req,
            note: fit.note,
            _embedded: None,
        });
    };
    let fit = fit_to_open_files(max_req, true, open_files);
    if let Some(error) = fit.error {
        return Err(std::io::Error::other(error));
    }
    let mut config = Config::new(profile);
    config.max_connections = fit.server_connections;
    let handle = flags_server::start(config)?;
    let base_url = handle.base_url().to_string();
    let notice = format!("Nothing answers at {url}: serving built-in {label} flags at {base_url}");
    Ok(Server {
        label: label.into(),
        base_url,
        notice: Some(notice),
        max_req: fit.max_req,
        note: fit.note,
        _embedded: Some(handle),
    })
}

/// How a run shares the open-files limit between its requests and the built-in server.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fit {
    /// Requests at once.
    max_req: usize,
    /// Connections the built-in server may hold (when it runs in this process).
    server_connections: usize,
    /// Set when `max_req` is lower than asked.
    note: Option<String>,
    /// Set when the limit is too low to start the built-in server and download.
    error: Option<String>,
}

/// Each request holds a socket and, while it saves, a file; the built-in server adds its end
/// of the socket, room for as many again (a connection the client has closed stays open on
/// the server's side until it notices), and its own reserve. What is left after the reserves
/// is shared out, so a low limit means fewer requests at once, said in a note, rather than
/// requests that time out or are refused. Too low for a few requests and the built-in
/// server: an error that says what to raise it to.
fn fit_to_open_files(asked: usize, embedded: bool, open_files: Option<u64>) -> Fit {
    let (reserved, per_request) = if embedded {
        (OWN_FILES + flags_server::RESERVED_FILES, 4)
    } else {
        (OWN_FILES, 2)
    };
    let Some(limit) = open_files else {
        return Fit {
            max_req: asked,
            server_connections: flags_server::DEFAULT_MAX_CONNECTIONS,
            note: None,
            error: None,
        };
    };
    let minimum = reserved + per_request * flags_server::MIN_CONNECTIONS;
    let error = (embedded && limit < minimum).then(|| {
        format!(
            "the open-files limit is {limit}, too low for the built-in server and the downloads (at least {minimum}): raise it with `ulimit -n {minimum}`"
        )
    });
    let budget = limit.saturating_sub(reserved);
    let fits = usize::try_from(budget / per_request)
        .unwrap_or(usize::MAX)
        .max(1);
    let max_req = asked.min(fits);
    // The server gets what the requests leave of the budget: at least one per request.
    let server_connections = usize::try_from(budget.saturating_sub(2 * max_req as u64))
        .unwrap_or(usize::MAX)
        .clamp(max_req, flags_server::DEFAULT_MAX_CONNECTIONS.max(max_req));
    let note = (max_req < asked).then(|| {
        format!(
            "note: the open-files limit is {limit}: {max_req} {} at once (asked for {asked}); raise it with `ulimit -n` for more",
            if max_req == 1 { "request" } else { "requests" }
        )
    });
    Fit {
        max_req,
        server_connections,
        note,
        error,
    }
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
    fn a_low_open_files_limit_means_fewer_requests_at_once() {
        // No limit to speak of: as asked.
        let fit = fit_to_open_files(1000, true, None);
        assert_eq!((fit.max_req, fit.note), (1000, None));
        let fit = fit_to_open_files(1000, true, Some(1 << 20));
        assert_eq!((fit.max_req, fit.note), (1000, None));
        // 128 with the built-in server: 64 kept aside, 4 descriptors per request.
        let fit = fit_to_open_files(1000, true, Some(128));
        assert_eq!(fit.max_req, 16);
        assert!(fit.server_connections >= 2 * fit.max_req, "{fit:?}");
        assert!(
            2 * 16 + fit.server_connections as u64 + 64 <= 128,
            "{fit:?}"
        );
        let note = fit.note.expect("a note");
        assert!(
            note.contains("limit is 128: 16 requests at once (asked for 1000)"),
            "{note}"
        );
        // A remote server: only the downloader's own side.
        assert_eq!(fit_to_open_files(1000, false, Some(128)).max_req, 48);
        // Asked for fewer than fit: no note.
        assert_eq!(fit_to_open_files(5, true, Some(128)).note, None);
        // Hardly anything: one at a time, still said.
        let fit = fit_to_open_files(20, false, Some(20));
        assert_eq!(fit.max_req, 1);
        assert!(fit.note.expect("a note").contains("1 request at once"));
        // Too little for the built-in server and the downloads: an error that says how much.
        let fit = fit_to_open_files(20, true, Some(70));
        assert!(fit.error.expect("an error").contains("`ulimit -n 80`"));
        assert_eq!(fit_to_open_files(20, true, Some(80)).error, None);
    }
}
