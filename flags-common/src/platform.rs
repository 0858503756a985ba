//! What differs between operating systems, in one place, with a plain fallback.

/// Whether a process with this id is running. Unix asks the kernel (signal 0); elsewhere the
/// answer is "maybe", so a leftover is kept until it is a day old (see `save::is_over`).
#[cfg(unix)]
pub(crate) fn pid_alive(pid: u32) -> Option<bool> {
    use nix::errno::Errno;
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    let pid = i32::try_from(pid).ok().filter(|pid| *pid > 0)?;
    match kill(Pid::from_raw(pid), None) {
        Ok(()) | Err(Errno::EPERM) => Some(true),
        Err(Errno::ESRCH) => Some(false),
        Err(_) => None,
    }
}

#[cfg(not(unix))]
pub(crate) fn pid_alive(_pid: u32) -> Option<bool> {
    None
}
