//! ureq's agent, with one change: each host is looked up once per run.
//!
//! ureq looks the host up before every request, even when a connection to it is already open
//! in its pool, and when a timeout is set (`--timeout` always is) it does so on a thread of its
//! own, so that the lookup can be abandoned: `flags-seq -e` started 677 threads for one host.
//! `OnceResolver` keeps each host's addresses for the rest of the run, as a browser keeps them
//! for a while: the first request to a host pays for the lookup, the others for nothing.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use ureq::Agent;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Hosts remembered, at most: a server that redirects to ever new hosts gets the others looked
/// up each time, and memory stays bounded.
const MAX_HOSTS: usize = 64;

/// An agent as `Agent::new_with_config(config)` makes it (ureq's own connector: TCP, TLS), but
/// with a resolver that looks each host up once per run.
pub fn agent(config: Config) -> Agent {
    Agent::with_parts(config, DefaultConnector::default(), OnceResolver::default())
}

/// ureq's resolver, asked once per scheme, host and port; its answers kept for the run. A
/// failed lookup is not kept: the next request asks again.
#[derive(Debug, Default)]
struct OnceResolver {
    resolver: DefaultResolver,
    known: Mutex<HashMap<String, ResolvedSocketAddrs>>,
}

impl Resolver for OnceResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // `http://host` and `http://host:80` are two keys for one host: a lookup too many, no harm.
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map_or("", |a| a.as_str())
        );
        let known = || self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(addrs) = known().get(&key) {
            return Ok(addrs.clone());
        }
        // Not under the lock: other threads' hosts need not wait for this lookup.
        let addrs = self.resolver.resolve(uri, config, timeout)?;
        let mut known = known();
        if known.len() < MAX_HOSTS {
            known.insert(key, addrs.clone());
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    fn lookup(
        resolver: &OnceResolver,
        uri: &str,
    ) -> Result<Vec<std::net::SocketAddr>, ureq::Error> {
        let uri: Uri = uri.parse().unwrap();
        let config = Config::default();
        let timeout = NextTimeout {
            after: Duration::from_secs(5).into(),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        resolver
            .resolve(&uri, &config, timeout)
            .map(|addrs| addrs.iter().copied().collect())
    }

    #[test]
    fn a_host_is_looked_up_once_and_remembered() {
        let resolver = OnceResolver::default();
        let first = lookup(&resolver, "http://127.0.0.1:8000/flags/br/br.gif").unwrap();
        assert_eq!(first, ["127.0.0.1:8000".parse().unwrap()]);
        assert_eq!(resolver.known.lock().unwrap().len(), 1);
        // Another path on the same host and port: answered from what is known.
        let again = lookup(&resolver, "http://127.0.0.1:8000/flags/cn/cn.gif").unwrap();
        assert_eq!(again, first);
        assert_eq!(resolver.known.lock().unwrap().len(), 1);
        // Another port is another key.
        lookup(&resolver, "http://127.0.0.1:8001/flags").unwrap();
        assert_eq!(resolver.known.lock().unwrap().len(), 2);
    }

    #[test]
    fn failures_are_not_remembered_and_hosts_are_bounded() {
        let resolver = OnceResolver::default();
        assert!(lookup(&resolver, "http://no-such-host.invalid/flags").is_err());
        assert!(resolver.known.lock().unwrap().is_empty());
        for port in 1..=(MAX_HOSTS as u16 + 10) {
            lookup(&resolver, &format!("http://127.0.0.1:{port}/")).unwrap();
        }
        assert_eq!(resolver.known.lock().unwrap().len(), MAX_HOSTS);
    }
}
