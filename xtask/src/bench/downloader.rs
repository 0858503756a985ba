//! The downloaders, listed once: this project's binaries (what `--impl` takes) and the book's
//! scripts (with `--python`), each with its concurrency model. Every other file names them
//! through these types.

use clap::ValueEnum;
use flags_common::ConcurReq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::floor::Client;

/// The three ways of the talk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// One request at a time.
    Sequential,
    /// One thread per request in flight.
    Threads,
    /// One task per request in flight, on one event-loop thread.
    Async,
}

impl Model {
    /// The book's `-m` for this model: its default and its maximum.
    pub fn concur_req(self) -> ConcurReq {
        match self {
            Model::Sequential => ConcurReq::SEQUENTIAL,
            Model::Threads => ConcurReq::THREAD_POOL,
            Model::Async => ConcurReq::ASYNCIO,
        }
    }

    /// The book's default `-m`, then its maximum, each once.
    pub fn concurrencies(self) -> Vec<usize> {
        let ConcurReq { default, max } = self.concur_req();
        if default == max {
            vec![default]
        } else {
            vec![default, max]
        }
    }

    /// The most `-m` a downloader of this model takes (the book's `MAX_CONCUR_REQ`).
    pub fn max_concurrency(self) -> usize {
        self.concur_req().max
    }
}

/// This project's downloaders, in the talk's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum Impl {
    Seq,
    Threadpool,
    Tokio,
    /// Futures chained with combinators: Rust before async/await.
    Combinators,
}

impl Impl {
    /// Every one, in the order of the enum (clap's derive lists them: a new variant is in).
    pub fn all() -> impl Iterator<Item = Impl> {
        Impl::value_variants().iter().copied()
    }

    /// The package, which is also the binary's name.
    pub fn package(self) -> &'static str {
        match self {
            Impl::Seq => "flags-seq",
            Impl::Threadpool => "flags-threadpool",
            Impl::Tokio => "flags-tokio",
            Impl::Combinators => "flags-combinators",
        }
    }

    /// The HTTP client it is built on.
    pub fn client(self) -> Client {
        match self {
            Impl::Seq | Impl::Threadpool => Client::Ureq,
            Impl::Tokio | Impl::Combinators => Client::Reqwest,
        }
    }

    pub fn model(self) -> Model {
        match self {
            Impl::Seq => Model::Sequential,
            Impl::Threadpool => Model::Threads,
            Impl::Tokio | Impl::Combinators => Model::Async,
        }
    }
}

/// The book's Python clients, run from the user's checkout with `--python DIR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Script {
    Sequential,
    Threadpool,
    Asyncio,
}

impl Script {
    pub const ALL: [Script; 3] = [Script::Sequential, Script::Threadpool, Script::Asyncio];

    pub fn file(self) -> &'static str {
        match self {
            Script::Sequential => "flags2_sequential.py",
            Script::Threadpool => "flags2_threadpool.py",
            Script::Asyncio => "flags2_asyncio.py",
        }
    }

    pub fn model(self) -> Model {
        match self {
            Script::Sequential => Model::Sequential,
            Script::Threadpool => Model::Threads,
            Script::Asyncio => Model::Async,
        }
    }
}

/// What runs: one of this project's downloaders, or one of the book's scripts. In reports it
/// is written as its name (the package, or the script's file name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Downloader {
    Rust(Impl),
    Python(Script),
}

impl Downloader {
    /// Ours, then the book's.
    pub fn all() -> impl Iterator<Item = Downloader> {
        let ours = Impl::all().map(Downloader::Rust);
        ours.chain(Script::ALL.into_iter().map(Downloader::Python))
    }

    /// The package, or the script's file name.
    pub fn name(self) -> &'static str {
        match self {
            Downloader::Rust(i) => i.package(),
            Downloader::Python(script) => script.file(),
        }
    }

    pub fn model(self) -> Model {
        match self {
            Downloader::Rust(i) => i.model(),
            Downloader::Python(script) => script.model(),
        }
    }

    pub fn is_ours(self) -> bool {
        matches!(self, Downloader::Rust(_))
    }

    /// The book's default `-m`, then its maximum.
    pub fn concurrencies(self) -> Vec<usize> {
        self.model().concurrencies()
    }

    pub fn max_concurrency(self) -> usize {
        self.model().max_concurrency()
    }
}

impl std::fmt::Display for Downloader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Downloader {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Downloader {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Downloader, D::Error> {
        let name = String::deserialize(d)?;
        Downloader::all()
            .find(|known| known.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("no downloader named {name}")))
    }
}
