//! What differs by OS, behind `cfg`: how many threads this process has. Linux reads
//! `/proc/self/status`; elsewhere the figure is not available (`None`), and nothing is faked.

/// The number of threads in this process, where the OS tells it.
#[cfg(target_os = "linux")]
pub fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("Threads:"))?;
    line["Threads:".len()..].trim().parse().ok()
}

/// The number of threads in this process, where the OS tells it: not here.
#[cfg(not(target_os = "linux"))]
pub fn thread_count() -> Option<usize> {
    None
}
