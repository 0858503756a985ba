//! Small things every task needs: where the workspace is, lines on stdout and stderr that
//! never panic (a closed or full stream drops them), and lines that fit a projector.

use std::io::Write;
use std::path::PathBuf;

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

/// Text on stdout; dropped when stdout is closed or full.
pub fn say(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
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
