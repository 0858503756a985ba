//! The core the measuring tasks (compare, sweep, race, check) stand on as equals: what runs, how it is
//! built and started, and what it measured.
//!
//! - `downloader`: the downloaders, listed once (ours and the book's scripts), with their models.
//! - `options`: the options the tasks share, their checks, the settings of a report.
//! - `build`: the binaries, built or found.
//! - `server`: a flag server process, known by its typed ready line.
//! - `invocation`: a downloader's command line, built in one place.
//! - `process`: one run as a child process, its budget, Ctrl-C, and what it cost.
//! - `follow`: a `--trace` file read while the run writes it.
//! - `platform`: what only the OS can do or tell (signals, `wait4`, `/proc`), behind `cfg`.
//! - `plan`: which runs, in which order.
//! - `runs`: the measuring loop and the rows it gives.
//! - `measure`, `trace`: what one run measured, from its trace and the process.
//! - `parts`: the threads' stacks and the kernel's stacks for them, read while a run goes on
//!   (the sweep's breakdown of a request in flight).
//! - `downloads`: where the runs save their flags (in memory where the OS allows).
//! - `owned`: a directory of one run's own, locked while it lives; leftovers of killed runs
//!   removed.
//! - `floor`: the least time this machine takes for a LOCAL run's job, for "× floor".
//! - `python`: the book's scripts with `--python DIR`.
//! - `session`, `progress`: setting up, and the line that says which run is going on.

pub mod build;
pub mod downloader;
pub mod downloads;
pub mod floor;
pub mod follow;
pub mod invocation;
pub mod measure;
pub mod options;
pub mod owned;
pub mod parts;
pub mod plan;
pub mod platform;
pub mod process;
mod progress;
pub mod python;
pub mod runs;
pub mod server;
pub mod session;
pub mod trace;
