//! Small things every task needs: where the workspace is, lines on stdout and stderr that
//! never panic (a closed or full stream drops them; a stdout that fails otherwise than closed
//! is remembered, for the exit status), and lines that fit a projector.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

/// One line on stderr; dropped when stderr is closed or full.
pub fn warn(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Text on stdout; dropped when stdout is closed or full (`stdout_failed` then says why).
pub fn say(text: &str) {
    written(writeln!(std::io::stdout().lock(), "{text}"));
}

/// The first error of a write to stdout, other than a closed pipe (`| head`, which a tool of
/// the shell ends on quietly): a full disk, `>/dev/full`.
static STDOUT_ERROR: OnceLock<String> = OnceLock::new();

/// Note how a write to stdout ended.
pub fn written(result: io::Result<()>) {
    if let Err(err) = result
        && err.kind() != io::ErrorKind::BrokenPipe
    {
        let _ = STDOUT_ERROR.set(err.to_string());
    }
}

/// Why stdout could not be written, if it could not: the task then ends with exit status 1.
pub fn stdout_failed() -> Option<&'static str> {
    STDOUT_ERROR.get().map(String::as_str)
}

/// What a terminal line may hold: a projector with a large font shows 100 columns.
pub const LINE_WIDTH: usize = 100;

/// `text` broken between words into lines of at most `LINE_WIDTH` characters, the later ones
/// indented by two spaces (a single word longer than that stays whole).
pub fn fit(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 2 && len + 1 + word.chars().count() > LINE_WIDTH {
            lines.push(std::mem::replace(&mut line, "  ".to_string()));
        } else if !line.is_empty() && line != "  " {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_breaks_between_words_within_the_width() {
        let text = "DELAY -e: ".to_string() + &"flags-tokio -m 1000 132 items/s, ".repeat(8);
        let fitted = fit(text.trim_end());
        assert!(
            fitted.lines().all(|l| l.chars().count() <= LINE_WIDTH),
            "{fitted}"
        );
        assert_eq!(fitted.replace("\n  ", " "), text.trim_end());
        assert_eq!(fit("short line"), "short line");
    }
}
