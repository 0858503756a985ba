//! What a name or a printed line may show: no invisible character that changes how the rest reads.
//!
//! A server chooses the countries' names (`--metadata`) and some words of the error lines (a
//! redirect's `Location`). Unicode's format characters (category Cf: the right-to-left override
//! U+202E, the zero-width space U+200B, the soft hyphen U+00AD...) are invisible, and the bidi
//! ones reorder what follows them: `Brazil<U+202E>fig.exe` displays as `Brazilexe.gif`. They are
//! replaced wherever a run saves or prints a name, so that a name shows what it is.

/// Whether `c` is a Unicode format character (general category Cf, Unicode 16).
pub(crate) fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// `line` as it may be printed: each format character and each control character but the line
/// break and the tab is shown as its code point, `\u{202e}`, instead of acting.
pub(crate) fn visible(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if is_format(c) || (c.is_control() && c != '\n' && c != '\t') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_control_characters_are_shown_not_obeyed() {
        assert_eq!(
            visible("BR OK (Brazil\u{202E}fig.exe)"),
            "BR OK (Brazil\\u{202e}fig.exe)"
        );
        assert_eq!(
            visible("a\u{200B}b\u{FEFF}c\u{00AD}d\u{2066}e"),
            "a\\u{200b}b\\u{feff}c\\u{ad}d\\u{2066}e"
        );
        assert_eq!(visible("esc\u{1b}[2J"), "esc\\u{1b}[2J");
        assert_eq!(
            visible("two\nlines\tand São Tomé"),
            "two\nlines\tand São Tomé"
        );
        for c in ['\u{200E}', '\u{200F}', '\u{202A}', '\u{2069}', '\u{E0041}'] {
            assert!(is_format(c), "{c:?}");
        }
        for c in ['a', 'é', 'ç', '中', ' ', '-', '\u{0301}'] {
            assert!(!is_format(c), "{c:?}");
        }
    }
}
