//! Elsewhere (Windows): std alone. No signal to interrupt with, no resource usage of a child:
//! those figures are `None`, and a run past its budget is killed.

use std::io;
use std::process::{Child, Command};

use super::{Live, Reaped, Usage};

/// Nothing to do: no process groups to set.
pub fn isolate(_command: &mut Command) {}

/// No Ctrl-C can be sent to one child here: false, and the caller kills it instead.
pub fn interrupt(_child: &Child) -> io::Result<bool> {
    Ok(false)
}

/// Whether the child has exited, and how; no resource usage here.
pub fn try_reap(child: &mut Child) -> io::Result<Option<Reaped>> {
    Ok(child.try_wait()?.map(|status| Reaped {
        exit_code: status.code(),
        usage: Usage::default(),
    }))
}

/// Nothing is measured while it runs.
pub fn live(_child: &Child) -> Option<Live> {
    None
}

/// None here: the downloads go under the reports.
pub fn memory_dir() -> Option<std::path::PathBuf> {
    None
}

/// Not measured here.
pub fn thread_stacks_kib(_pid: u32) -> Option<u64> {
    None
}

/// Not measured here.
pub fn kernel_stacks_kib() -> Option<u64> {
    None
}
