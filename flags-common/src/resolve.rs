//! ureq's agent, with one change: each host is looked up once per run.
//!
//! ureq looks the host up before every request, even when a connection to it is already open
//! in its pool, and when a timeout is set (`--timeout` always is) it does so on a thread of its
//! own, so that the lookup can be abandoned: `flags-seq -e` started 677 threads for one host.
//! `OnceResolver` keeps each host's addresses for the rest of the run, as a browser keeps them
//! for a while: the first request to a host pays for the lookup, the others for nothing, and
//! those that come while it goes on wait for it rather than start their own.
//!
//! The lookup itself is ureq's (`DefaultResolver`), without its panic when no thread can be had
//! (`ulimit -u`): `TimedResolver` runs it on a thread of its own when it can, on the caller's
//! thread otherwise, and an IP address (`-s http://127.0.0.1:8001/flags`) needs no thread at all.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

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
pub(crate) fn agent(config: Config) -> Agent {
    let resolver = OnceResolver::<TimedResolver>::default();
    Agent::with_parts(config, DefaultConnector::default(), resolver)
}

/// ureq's `DefaultResolver`, which looks a host up on a new thread when a timeout is set, and
/// panics when it cannot have one. This one makes the thread itself: when none can be had, the
/// lookup runs on the caller's thread, bounded by the system's own lookup timeouts rather than
/// `--timeout`. An IP address is no lookup, and takes no thread.
#[derive(Debug, Default)]
struct TimedResolver;

impl Resolver for TimedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // Without a timeout, ureq's resolver looks up on the calling thread.
        let here = NextTimeout::default();
        let host = uri.host().unwrap_or("");
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if timeout.after.is_not_happening() || literal.parse::<IpAddr>().is_ok() {
            return DefaultResolver::default().resolve(uri, config, here);
        }
        let (tx, rx) = mpsc::sync_channel(1);
        let (there, its_config) = (uri.clone(), config.clone());
        let thread = std::thread::Builder::new().spawn(move || {
            let _ = tx.send(DefaultResolver::default().resolve(&there, &its_config, here));
        });
        if thread.is_err() {
            // No thread to be had (`ulimit -u`): look it up here.
            return DefaultResolver::default().resolve(uri, config, here);
        }
        match rx.recv_timeout(*timeout.after) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(ureq::Error::Timeout(timeout.reason)),
            // The lookup's thread ended without an answer (a panic): none.
            Err(RecvTimeoutError::Disconnected) => Err(ureq::Error::HostNotFound),
        }
    }
}

/// ureq's resolver, asked once per scheme, host and port; its answers kept for the run.
///
/// The requests that need a host while it is being looked up wait for that one lookup (at most
/// their own timeout) instead of starting one each: a thousand workers starting at once make
/// one lookup thread, not a thousand. A failed lookup is not kept: the next request asks again.
#[derive(Debug, Default)]
struct OnceResolver<R = TimedResolver> {
    resolver: R,
    hosts: Mutex<HashMap<String, Host>>,
    /// Wakes the requests waiting for a lookup when it ends.
    answered: Condvar,
}

#[derive(Debug)]
enum Host {
    /// A request is looking it up.
    Looking,
    /// Its addresses (boxed: up to 16, while `Looking` holds nothing).
    Known(Box<ResolvedSocketAddrs>),
}

impl<R: Resolver> Resolver for OnceResolver<R> {
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
        let deadline = (!timeout.after.is_not_happening())
            .then(|| Instant::now().checked_add(*timeout.after))
            .flatten();
        let mut hosts = self.lock();
        loop {
            match hosts.get(&key) {
                Some(Host::Known(addrs)) => return Ok(ResolvedSocketAddrs::clone(addrs)),
                Some(Host::Looking) => hosts = self.wait(hosts, deadline, &timeout)?,
                None => break,
            }
        }
        let remember = hosts.len() < MAX_HOSTS;
        if remember {
            hosts.insert(key.clone(), Host::Looking);
        }
        // Not under the lock: the other hosts' requests need not wait for this lookup.
        drop(hosts);
        let mut lookup = Lookup {
            resolver: self,
            key: remember.then_some(key),
        };
        let result = self.resolver.resolve(uri, config, timeout);
        lookup.settle(result.as_ref().ok());
        result
    }
}

/// A lookup under way, settled once: its answer kept, or its entry removed so that the next
/// request asks again. A lookup that panics is settled as failed on the way out, so that the
/// requests waiting for it need not wait out their timeout.
struct Lookup<'a, R> {
    resolver: &'a OnceResolver<R>,
    /// The host's key, until settled; None for a host not remembered.
    key: Option<String>,
}

impl<R> Lookup<'_, R> {
    fn settle(&mut self, addrs: Option<&ResolvedSocketAddrs>) {
        let Some(key) = self.key.take() else {
            return;
        };
        let mut hosts = self.resolver.lock();
        match addrs {
            Some(addrs) => hosts.insert(key, Host::Known(Box::new(addrs.clone()))),
            None => hosts.remove(&key),
        };
        self.resolver.answered.notify_all();
    }
}

impl<R> Drop for Lookup<'_, R> {
    fn drop(&mut self) {
        self.settle(None);
    }
}

impl<R> OnceResolver<R> {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Host>> {
        self.hosts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wait for a lookup to end, until `deadline` at most: then the request times out, as it
    /// would have waiting for its own lookup.
    fn wait<'a>(
        &self,
        hosts: MutexGuard<'a, HashMap<String, Host>>,
        deadline: Option<Instant>,
        timeout: &NextTimeout,
    ) -> Result<MutexGuard<'a, HashMap<String, Host>>, ureq::Error> {
        let Some(deadline) = deadline else {
            return Ok(self
                .answered
                .wait(hosts)
                .unwrap_or_else(PoisonError::into_inner));
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        let (hosts, _) = self
            .answered
            .wait_timeout(hosts, left)
            .unwrap_or_else(PoisonError::into_inner);
        Ok(hosts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::net::SocketAddr;

    /// The ureq this file was written against: its `unversioned` resolver API may change in any
    /// release, so the workspace pins it.
    const CHECKED_AGAINST: &str = "3.5.2";

    #[test]
    fn ureq_is_the_version_this_resolver_was_checked_against() {
        let lock = include_str!("../../Cargo.lock");
        let version = lock
            .split("[[package]]")
            .find(|package| package.contains("\nname = \"ureq\"\n"))
            .and_then(|package| package.lines().find_map(|l| l.strip_prefix("version = ")))
            .map(|v| v.trim_matches('"'));
        assert_eq!(
            version,
            Some(CHECKED_AGAINST),
            "ureq moved: resolve.rs stands on ureq::unversioned (Resolver, ResolvedSocketAddrs, \
             NextTimeout, Agent::with_parts); check them against the new version, then move \
             the pin in the workspace's Cargo.toml and CHECKED_AGAINST here"
        );
    }
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn lookup<R: Resolver>(
        resolver: &OnceResolver<R>,
        uri: &str,
        timeout: Duration,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = uri.parse().unwrap();
        let timeout = NextTimeout {
            after: timeout.into(),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        resolver
            .resolve(&uri, &Config::default(), timeout)
            .map(|addrs| addrs.iter().copied().collect())
    }

    const SECS: Duration = Duration::from_secs(5);

    #[test]
    fn a_host_is_looked_up_once_and_remembered() {
        let resolver = OnceResolver::<TimedResolver>::default();
        let first = lookup(&resolver, "http://127.0.0.1:8000/flags/br/br.gif", SECS).unwrap();
        assert_eq!(first, ["127.0.0.1:8000".parse().unwrap()]);
        assert_eq!(resolver.lock().len(), 1);
        // Another path on the same host and port: answered from what is known.
        let again = lookup(&resolver, "http://127.0.0.1:8000/flags/cn/cn.gif", SECS).unwrap();
        assert_eq!(again, first);
        assert_eq!(resolver.lock().len(), 1);
        // Another port is another key.
        lookup(&resolver, "http://127.0.0.1:8001/flags", SECS).unwrap();
        assert_eq!(resolver.lock().len(), 2);
    }

    #[test]
    fn failures_are_not_remembered_and_hosts_are_bounded() {
        let resolver = OnceResolver::<TimedResolver>::default();
        assert!(lookup(&resolver, "http://no-such-host.invalid/flags", SECS).is_err());
        assert!(resolver.lock().is_empty());
        for port in 1..=(MAX_HOSTS as u16 + 10) {
            lookup(&resolver, &format!("http://127.0.0.1:{port}/"), SECS).unwrap();
        }
        assert_eq!(resolver.lock().len(), MAX_HOSTS);
    }

    /// A resolver that answers only when the test lets it, and counts its lookups.
    #[derive(Debug, Default)]
    struct Gate {
        lookups: AtomicUsize,
        open: Mutex<bool>,
        opened: Condvar,
    }

    impl Gate {
        fn open(&self) {
            *self.open.lock().unwrap() = true;
            self.opened.notify_all();
        }
    }

    impl Resolver for Gate {
        fn resolve(
            &self,
            _uri: &Uri,
            _config: &Config,
            _timeout: NextTimeout,
        ) -> Result<ResolvedSocketAddrs, ureq::Error> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            let mut open = self.open.lock().unwrap();
            while !*open {
                open = self.opened.wait(open).unwrap();
            }
            let mut addrs = self.empty();
            addrs.push("127.0.0.1:8000".parse().unwrap());
            Ok(addrs)
        }
    }

    /// Wait until the first request is looking its host up.
    fn until_looking(resolver: &OnceResolver<Gate>) {
        while !matches!(resolver.lock().values().next(), Some(Host::Looking)) {
            std::thread::yield_now();
        }
    }

    #[test]
    fn requests_that_need_a_host_being_looked_up_wait_for_that_lookup() {
        let resolver = OnceResolver::<Gate>::default();
        let uri = "http://localhost:8000/flags/br/br.gif";
        std::thread::scope(|scope| {
            let first = scope.spawn(|| lookup(&resolver, uri, SECS));
            until_looking(&resolver);
            let others: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| lookup(&resolver, uri, SECS)))
                .collect();
            resolver.resolver.open();
            let expected: Vec<SocketAddr> = vec!["127.0.0.1:8000".parse().unwrap()];
            assert_eq!(first.join().unwrap().unwrap(), expected);
            for other in others {
                assert_eq!(other.join().unwrap().unwrap(), expected);
            }
        });
        assert_eq!(resolver.resolver.lookups.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_request_waits_for_another_lookup_no_longer_than_its_timeout() {
        let resolver = OnceResolver::<Gate>::default();
        let uri = "http://localhost:8000/flags/br/br.gif";
        std::thread::scope(|scope| {
            let first = scope.spawn(|| lookup(&resolver, uri, SECS));
            until_looking(&resolver);
            // The lookup never ends while this one waits: it gives up at its own timeout.
            let waited = lookup(&resolver, uri, Duration::from_millis(1));
            assert!(
                matches!(waited, Err(ureq::Error::Timeout(ureq::Timeout::Resolve))),
                "{waited:?}"
            );
            resolver.resolver.open();
            assert!(first.join().unwrap().is_ok());
        });
    }

    /// A resolver that panics.
    #[derive(Debug, Default)]
    struct Panics;

    impl Resolver for Panics {
        fn resolve(
            &self,
            _uri: &Uri,
            _config: &Config,
            _timeout: NextTimeout,
        ) -> Result<ResolvedSocketAddrs, ureq::Error> {
            panic!("failed to spawn thread")
        }
    }

    #[test]
    fn a_lookup_that_panics_leaves_no_one_waiting_for_it() {
        let resolver = OnceResolver::<Panics>::default();
        let uri = "http://localhost:8000/flags/br/br.gif";
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lookup(&resolver, uri, SECS)
        }));
        assert!(panicked.is_err());
        assert!(resolver.lock().is_empty(), "{:?}", resolver.lock());
    }
}
