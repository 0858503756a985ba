//! Long lines wrapped inside their column: cut where code reads well (after a space or a comma,
//! before a `.`), else mid-word; nothing is dropped.

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
        // Cut after a space, a comma or a bracket, or before a `.`, as late as possible but not
        // in the first half of the piece; mid-word when there is no such place.
        let fits = |end: usize| {
            matches!(chars[end - 1].0, ' ' | ',')
                || (chars[end - 1].0 == '(' && chars[end].0 != ')')
                || chars[end].0 == '.'
        };
        let places = || {
            (start + width / 2 + 1..=start + width)
                .rev()
                .filter(|&e| fits(e))
        };
        // A cut that would leave a scrap (`.` alone on a row) goes earlier if it can.
        let end = places()
            .find(|&end| chars.len() - end >= 4)
            .or_else(|| places().next())
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
