//! The diff through a pager when stdout is a terminal, as git does it: `$PAGER`, else
//! `less -R`, with `LESS=FRX` unless `LESS` is set (quit at once when it fits one screen, the
//! colours as they are, the screen left as it was). `PAGER=cat` or an empty `PAGER` writes
//! straight to stdout, as does a pager that cannot start.

use std::io::{IsTerminal, Write};
use std::process::{Child, Command, Stdio};

/// `text` through the pager on a terminal, else on stdout.
pub fn show(text: &str) {
    let child = if std::io::stdout().is_terminal() {
        spawn()
    } else {
        None
    };
    let Some(mut child) = child else {
        write_out(text);
        return;
    };
    // A Ctrl-C in the pager is the pager's: this process waits for it to end, so that the
    // shell's prompt never comes back under a pager still drawing.
    let _ = ctrlc::set_handler(|| {});
    if let Some(mut stdin) = child.stdin.take() {
        // The reader quitting early (`q`) closes the pipe: not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    let _ = child.wait();
}

/// `text` on stdout; a closed pipe (`| head`) is no error, a full disk is (`util::written`).
pub fn write_out(text: &str) {
    let mut out = std::io::stdout().lock();
    crate::util::written(out.write_all(text.as_bytes()).and_then(|()| out.flush()));
}

/// The pager, started with a pipe for its input; None for no pager.
fn spawn() -> Option<Child> {
    let pager = std::env::var("PAGER").unwrap_or_else(|_| "less -R".into());
    let pager = pager.trim();
    if pager.is_empty() || pager == "cat" {
        return None;
    }
    let mut command = shell(pager);
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    if std::env::var_os("LV").is_none() {
        command.env("LV", "-c");
    }
    command.stdin(Stdio::piped()).spawn().ok()
}

/// `$PAGER` may carry options (`less -R`): the shell reads it, as git has it do.
#[cfg(unix)]
fn shell(pager: &str) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg(pager);
    command
}

#[cfg(not(unix))]
fn shell(pager: &str) -> Command {
    let mut words = pager.split_whitespace();
    let mut command = Command::new(words.next().unwrap_or("more"));
    command.args(words);
    command
}
