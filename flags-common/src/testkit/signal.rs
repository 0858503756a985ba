//! Signalling a downloader under test, without shelling out to `kill`.

use std::process::Child;

/// Send Ctrl-C's signal (SIGINT).
#[cfg(unix)]
pub fn interrupt(child: &Child) {
    send(child.id(), nix::sys::signal::Signal::SIGINT);
}

/// Kill at once (SIGKILL): no handler runs, nothing is cleaned up.
#[cfg(unix)]
pub fn kill_now(pid: u32) {
    send(pid, nix::sys::signal::Signal::SIGKILL);
}

#[cfg(unix)]
fn send(pid: u32, signal: nix::sys::signal::Signal) {
    if let Ok(pid) = i32::try_from(pid) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal);
    }
}

/// Elsewhere there is no Ctrl-C to send to another process: the checks that need it are unix-only.
#[cfg(not(unix))]
pub fn interrupt(_child: &Child) {}

#[cfg(not(unix))]
pub fn kill_now(pid: u32) {
    let _ = std::process::Command::new("taskkill")
        .args(["/F", "/PID", &pid.to_string()])
        .status();
}
