//! Long lines wrapped inside their column: cut where code reads well (after a space, a comma or
//! an opening `(`, before a `.` or a `::`), else at another edge of a name (before a `::`, say), never
//! inside a name unless the name alone is wider than the column; nothing is dropped.

use super::words::Span;

/// The spans of one line cut into pieces of at most `width` characters each (at least one
/// piece, empty for an empty line).
pub fn wrap(spans: &[Span], width: usize) -> Vec<Vec<Span>> {
    let width = width.max(1);
    let chars: Vec<(char, bool)> = spans
        .iter()
        .flat_map(|s| s.text.chars().map(move |c| (c, s.changed)))
        .collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    while chars.len() - start > width {
        // Where to cut, best first, each as late as possible in the second half of the piece:
        // after a space, a comma or an opening bracket, or before a `.`; before a `::`; at
        // another edge of a name (not inside `::` or `->`). Then any of those in the first half;
        // mid-name only when a name fills the whole piece.
        let name = |c: char| c.is_alphanumeric() || c == '_';
        let good = |end: usize| {
            matches!(chars[end - 1].0, ' ' | ',')
                || (chars[end - 1].0 == '(' && chars[end].0 != ')')
                || chars[end].0 == '.'
        };
        let path =
            |end: usize| chars[end].0 == ':' && chars.get(end + 1).is_some_and(|c| c.0 == ':');
        let edge = |end: usize| {
            let (a, b) = (chars[end - 1].0, chars[end].0);
            !(name(a) && name(b)) && (name(a) || name(b) || a == ' ' || b == ' ')
        };
        let late = || (start + width / 2 + 1..=start + width).rev();
        let early = || (start + 1..=start + width / 2).rev();
        // A cut that would leave a scrap (`.` alone on a row) goes earlier if it can.
        let end = late()
            .filter(|&e| good(e))
            .find(|&end| chars.len() - end >= 4)
            .or_else(|| late().find(|&e| good(e)))
            .or_else(|| late().find(|&e| path(e)))
            .or_else(|| late().find(|&e| edge(e)))
            .or_else(|| early().find(|&e| good(e) || edge(e)))
            .unwrap_or(start + width);
        pieces.push(spans_of(&chars[start..end]));
        start = end;
    }
    pieces.push(spans_of(&chars[start..]));
    pieces
}

fn spans_of(chars: &[(char, bool)]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for &(c, changed) in chars {
        match out.last_mut() {
            Some(last) if last.changed == changed => last.text.push(c),
            _ => out.push(Span {
                text: c.to_string(),
                changed,
            }),
        }
    }
    out
}

/// Characters of a piece, as the terminal counts them (the sources are ASCII but for comments).
pub fn len(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.text.chars().count()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(pieces: &[Vec<Span>]) -> Vec<String> {
        pieces
            .iter()
            .map(|p| p.iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn nothing_is_lost_and_no_piece_is_too_wide() {
        let line =
            "    let resp = client.get(&url).send().await?.error_for_status()?; // a comment";
        let spans = [Span {
            text: line.into(),
            changed: false,
        }];
        for width in 1..=line.len() + 1 {
            let pieces = text(&wrap(&spans, width));
            assert_eq!(pieces.concat(), line, "width {width}");
            assert!(pieces.iter().all(|p| p.chars().count() <= width));
        }
        assert_eq!(
            text(&wrap(&spans, 40)),
            [
                "    let resp = client.get(&url).send()",
                ".await?.error_for_status()?; // a ",
                "comment"
            ]
        );
        assert_eq!(text(&wrap(&[], 10)), [""]);
        // Never inside a name while there is another place.
        let spans = [Span {
            text: "    let runtime = tokio::runtime::Builder::new_current_thread()".into(),
            changed: false,
        }];
        assert_eq!(
            text(&wrap(&spans, 55)),
            [
                "    let runtime = tokio::runtime::Builder",
                "::new_current_thread()"
            ]
        );
        assert_eq!(
            text(&wrap(&spans, 30)),
            [
                "    let runtime = ",
                "tokio::runtime::Builder",
                "::new_current_thread()"
            ]
        );
    }

    #[test]
    fn marks_survive_the_cut() {
        let spans = [
            Span {
                text: "ab".into(),
                changed: false,
            },
            Span {
                text: "cdef".into(),
                changed: true,
            },
        ];
        let pieces = wrap(&spans, 3);
        assert_eq!(pieces[0][1].text, "c");
        assert!(pieces[0][1].changed && pieces[1][0].changed);
    }
}
