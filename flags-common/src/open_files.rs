//! How many requests at once fit under the open-files limit (`ulimit -n`), and whether one does
//! at all: one rule for every downloader and every server, checked before the run starts.
//!
//! A run needs, besides the descriptors open when it starts (stdio, the `--trace` file, any
//! inherited): its runtime and a host lookup ([`RUNTIME_FILES`]), two per request (its socket,
//! the file it saves), and, when the built-in server runs in this process, the server's own
//! ([`flags_server::RESERVED_FILES`]) and two more per request (its end of the socket, and room
//! for one that lingers: a connection the client has closed stays open on the server's side
//! until it notices), at least [`flags_server::MIN_CONNECTIONS`] of them. Too low for one
//! request is an error that says what to raise the limit to; too low for the `-m` asked lowers
//! it, in a note: fewer requests at once rather than requests that fail for want of a
//! descriptor, or a runtime that cannot start.

/// The runtime's descriptors and a host lookup's: tokio's event loop keeps 6 (its `epoll` and a
/// copy, its waker, its signal driver's socket pair and a copy), a lookup up to 2 (`/etc/hosts`,
/// a socket to the name server). The blocking downloaders need fewer: one rule for all.
pub(crate) const RUNTIME_FILES: u64 = 8;

/// Each request's: its socket, and the file it saves.
const PER_REQUEST: u64 = 2;

/// Each request's on the built-in server's side: its end of the socket, and one that lingers.
const PER_REQUEST_SERVED: u64 = 2;

/// Descriptors taken to be open at start-up where they cannot be counted: stdio and `--trace`.
const ASSUMED_OPEN: u64 = 4;

/// How a run shares the open-files limit between its requests and the built-in server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fit {
    /// Requests at once: the `-m` asked for, or fewer.
    pub max_req: usize,
    /// Connections the built-in server may hold (when it runs in this process).
    pub server_connections: usize,
    /// Set when `max_req` is lower than asked: the line that says why.
    pub note: Option<String>,
}

/// Raise the open-files limit as far as allowed, count the descriptors open now, and share out
/// what is left: `asked` requests at once, or fewer; an error line when even one does not fit.
/// `embedded`: the built-in server will run in this process.
pub(crate) fn fit_requests(asked: usize, embedded: bool) -> Result<Fit, String> {
    let limit = flags_server::raise_open_files(u64::MAX);
    let in_use = limit.map_or(ASSUMED_OPEN, |limit| {
        crate::platform::open_descriptors(limit).unwrap_or(ASSUMED_OPEN)
    });
    share_out(asked, embedded, limit, in_use)
}

/// What [`fit_requests`] shares out, for a `limit` (None: there is none) with `in_use`
/// descriptors already open.
pub(crate) fn share_out(
    asked: usize,
    embedded: bool,
    limit: Option<u64>,
    in_use: u64,
) -> Result<Fit, String> {
    let Some(limit) = limit else {
        return Ok(Fit {
            max_req: asked,
            server_connections: flags_server::DEFAULT_MAX_CONNECTIONS,
            note: None,
        });
    };
    let served = |requests: u64| (PER_REQUEST_SERVED * requests).max(flags_server::MIN_CONNECTIONS);
    let (reserved, per_request) = if embedded {
        (
            RUNTIME_FILES + flags_server::RESERVED_FILES,
            PER_REQUEST + PER_REQUEST_SERVED,
        )
    } else {
        (RUNTIME_FILES, PER_REQUEST)
    };
    let minimum = in_use + reserved + PER_REQUEST + if embedded { served(1) } else { 0 };
    if limit < minimum {
        let what = if embedded {
            "the built-in server and one download"
        } else {
            "one download"
        };
        return Err(format!(
            "the open-files limit is {limit}, too low for {what} (at least {minimum}, with {in_use} open already): raise it with `ulimit -n {minimum}`"
        ));
    }
    let budget = limit - in_use - reserved;
    let fits = usize::try_from(budget / per_request).unwrap_or(usize::MAX);
    let max_req = asked.min(fits).max(1);
    // The server gets what the requests leave of the budget: at least its share of them.
    let least = usize::try_from(served(max_req as u64)).unwrap_or(usize::MAX);
    let server_connections = usize::try_from(budget.saturating_sub(PER_REQUEST * max_req as u64))
        .unwrap_or(usize::MAX)
        .clamp(least, flags_server::DEFAULT_MAX_CONNECTIONS.max(least));
    let note = (max_req < asked).then(|| {
        format!(
            "note: the open-files limit is {limit}: {max_req} {} at once (asked for {asked}); raise it with `ulimit -n` for more",
            if max_req == 1 { "request" } else { "requests" }
        )
    });
    Ok(Fit {
        max_req,
        server_connections,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_low_open_files_limit_means_fewer_requests_at_once() {
        // No limit to speak of: as asked.
        let fit = share_out(1000, true, None, 3).unwrap();
        assert_eq!((fit.max_req, fit.note), (1000, None));
        let fit = fit_ok(1000, true, 1 << 20, 3);
        assert_eq!((fit.max_req, fit.note), (1000, None));
        // 128 with the built-in server and 4 open: 4 + 8 + 32 kept aside, 4 per request.
        let fit = fit_ok(1000, true, 128, 4);
        assert_eq!(fit.max_req, 21);
        assert!(fit.server_connections >= 2 * fit.max_req, "{fit:?}");
        let needed = 4 + 8 + 32 + 2 * 21 + fit.server_connections as u64;
        assert!(needed <= 128, "{fit:?}");
        let note = fit.note.expect("a note");
        assert!(
            note.contains("limit is 128: 21 requests at once (asked for 1000)"),
            "{note}"
        );
        // A server of its own: only the downloader's side.
        assert_eq!(fit_ok(1000, false, 128, 4).max_req, 58);
        // Asked for fewer than fit: no note.
        assert_eq!(fit_ok(5, true, 128, 4).note, None);
        // Hardly anything: one at a time, still said.
        let fit = fit_ok(20, false, 15, 4);
        assert_eq!(fit.max_req, 1);
        assert!(fit.note.expect("a note").contains("1 request at once"));
    }

    #[test]
    fn below_one_request_is_refused_whatever_the_server() {
        // A server of its own: 3 open, 8 for the runtime, 2 for one request.
        let err = share_out(20, false, Some(12), 3).unwrap_err();
        assert!(err.contains("too low for one download"), "{err}");
        assert!(err.contains("`ulimit -n 13`"), "{err}");
        assert_eq!(fit_ok(20, false, 13, 3).max_req, 1);
        // The built-in server: its 32 and at least 4 connections besides.
        let err = share_out(20, true, Some(48), 3).unwrap_err();
        assert!(
            err.contains("the built-in server and one download"),
            "{err}"
        );
        assert!(err.contains("`ulimit -n 49`"), "{err}");
        let fit = fit_ok(20, true, 49, 3);
        assert_eq!(fit.max_req, 1);
        assert!(fit.server_connections >= 4, "{fit:?}");
        // What is open already counts: inherited descriptors leave less.
        assert!(share_out(20, false, Some(13), 10).is_err());
        // Everything in use: refused, never a subtraction that overflows.
        assert!(share_out(20, false, Some(5), 5).is_err());
    }

    fn fit_ok(asked: usize, embedded: bool, limit: u64, in_use: u64) -> Fit {
        share_out(asked, embedded, Some(limit), in_use).unwrap()
    }
}
