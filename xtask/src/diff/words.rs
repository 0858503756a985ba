//! Lines as words: the tokens a line is cut into, how alike two lines are, and the spans of
//! two facing lines with the words found on one side only marked.

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::items::Line;

/// A piece of a line; `changed` marks the words that differ from the facing line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub changed: bool,
}

/// One side of a row: a line number and the line's text in spans.
#[derive(Clone, Debug)]
pub struct Cell {
    pub no: usize,
    pub spans: Vec<Span>,
}

impl Cell {
    pub fn plain(line: &Line) -> Cell {
        Cell {
            no: line.no,
            spans: vec![Span {
                text: line.text.clone(),
                changed: false,
            }],
        }
    }

    #[cfg(test)]
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Each line's words (punctuation only for a line without any): what makes two lines alike.
pub fn words_of(lines: &[Line]) -> Vec<Vec<&str>> {
    lines
        .iter()
        .map(|l| {
            let all: Vec<&str> = tokens(&l.text)
                .into_iter()
                .filter(|t| !t.trim().is_empty())
                .collect();
            let words: Vec<&str> = all
                .iter()
                .copied()
                .filter(|t| t.chars().any(char::is_alphanumeric))
                .collect();
            if words.is_empty() { all } else { words }
        })
        .collect()
}

/// How alike two lines are, from 0 to 1: the share of their words in common, or, when more,
/// its average with that of their first three words, which say what a statement is
/// (`let result = job.retry(` is more like `let result = job.retry_async(` than like
/// `let attempt = ... download_one`).
pub fn similarity(a: &[&str], b: &[&str]) -> f32 {
    let head = |w: &[&str]| w.len().min(3);
    let all = common(a, b);
    all.max((all + common(&a[..head(a)], &b[..head(b)])) / 2.0)
}

/// Share of tokens two lists have in common, in order, from 0 to 1.
fn common(a: &[&str], b: &[&str]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common: usize = capture_diff_slices(Algorithm::Myers, a, b)
        .iter()
        .filter_map(|op| match op {
            DiffOp::Equal { len, .. } => Some(*len),
            _ => None,
        })
        .sum();
    2.0 * common as f32 / (a.len() + b.len()) as f32
}

/// Words, runs of spaces, and each punctuation mark on its own: `.await?` is `.`, `await`, `?`.
pub fn tokens(text: &str) -> Vec<&str> {
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<u8> = None;
    for (at, c) in text.char_indices() {
        let k = class(c);
        if prev.is_some_and(|p| p != k || k == 2) {
            out.push(&text[start..at]);
            start = at;
        }
        prev = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// For each token of each line of two blocks of lines (a run of old lines replaced by a run of
/// new ones), whether the other block has it too, in order: their longest common subsequence of
/// words and marks, whitespace aside. A word that a re-flowed comment moved to the next line is
/// shared, so it is not marked as changed.
pub fn shared(old: &[Line], new: &[Line]) -> (Vec<Vec<bool>>, Vec<Vec<bool>>) {
    // Per line a flag per token; where each word is (line, token); the words.
    type Flat = (Vec<Vec<bool>>, Vec<(usize, usize)>, Vec<String>);
    let flat = |lines: &[Line]| -> Flat {
        let mut marks = Vec::new();
        let (mut at, mut text) = (Vec::new(), Vec::new());
        for (i, line) in lines.iter().enumerate() {
            let toks = tokens(&line.text);
            for (k, tok) in toks.iter().enumerate() {
                if !tok.trim().is_empty() {
                    at.push((i, k));
                    text.push((*tok).to_string());
                }
            }
            marks.push(vec![false; toks.len()]);
        }
        (marks, at, text)
    };
    let (mut left, at_a, a) = flat(old);
    let (mut right, at_b, b) = flat(new);
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                let ((i, x), (j, y)) = (at_a[old_index + k], at_b[new_index + k]);
                left[i][x] = true;
                right[j][y] = true;
            }
        }
    }
    (left, right)
}

/// Two facing lines cut into spans. A token is marked changed when the facing line lacks it
/// (their own diff) and the rest of its block lacks it too (`shared`, one flag per token);
/// whitespace is marked only between two changed words.
pub fn words(old: &Line, new: &Line, old_shared: &[bool], new_shared: &[bool]) -> (Cell, Cell) {
    let (a, b) = (tokens(&old.text), tokens(&new.text));
    let mut left = Vec::new();
    let mut right = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (o, n) = (op.old_range(), op.new_range());
        let equal = matches!(op, DiffOp::Equal { .. });
        push(&mut left, &a, o, equal, old_shared);
        push(&mut right, &b, n, equal, new_shared);
    }
    (
        Cell {
            no: old.no,
            spans: unmark_comment(tidy(left), &old.text),
        },
        Cell {
            no: new.no,
            spans: unmark_comment(tidy(right), &new.text),
        },
    )
}

/// Where a line's comment starts, in characters: a `//` outside a string literal.
pub fn comment_start(text: &str) -> Option<usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut in_string = false;
    let mut k = 0;
    while k < chars.len() {
        match chars[k] {
            '\\' if in_string => k += 1,
            '"' => in_string = !in_string,
            '/' if !in_string && chars.get(k + 1) == Some(&'/') => return Some(k),
            _ => {}
        }
        k += 1;
    }
    None
}

/// A comment's words are prose, not code: the line is marked as changed, its words are not.
fn unmark_comment(spans: Vec<Span>, text: &str) -> Vec<Span> {
    let Some(from) = comment_start(text) else {
        return spans;
    };
    let mut out: Vec<Span> = Vec::new();
    let mut at = 0;
    for span in spans {
        for c in span.text.chars() {
            let changed = span.changed && at < from;
            match out.last_mut() {
                Some(last) if last.changed == changed => last.text.push(c),
                _ => out.push(Span {
                    text: c.to_string(),
                    changed,
                }),
            }
            at += 1;
        }
    }
    // A blank marked just before the comment belongs to no marked word any more.
    if let Some(k) = out.iter().position(|s| !s.changed && s.text.contains("//"))
        && k > 0
        && out[k - 1].changed
        && out[k - 1].text.trim().is_empty()
    {
        out[k - 1].changed = false;
        let merged = out.remove(k - 1).text + &out[k - 1].text;
        out[k - 1].text = merged;
    }
    out
}

fn push(
    spans: &mut Vec<Span>,
    toks: &[&str],
    range: std::ops::Range<usize>,
    equal: bool,
    shared: &[bool],
) {
    for k in range {
        let tok = toks[k];
        let blank = tok.trim().is_empty();
        let shared = shared.get(k).copied().unwrap_or(false);
        spans.push(Span {
            text: tok.to_string(),
            // A blank's mark is settled by `tidy`, from its neighbours'.
            changed: !equal && (blank || !shared),
        });
    }
}

/// Joins neighbours of the same kind. Whitespace is marked only next to a changed word, and
/// always between two: `async fn` reads as one mark rather than two.
fn tidy(spans: Vec<Span>) -> Vec<Span> {
    let mut spans = spans;
    for k in 0..spans.len() {
        if spans[k].text.trim().is_empty() {
            let before = k > 0 && spans[k - 1].changed;
            let after = spans.get(k + 1).is_some_and(|s| s.changed);
            spans[k].changed = (before && after) || (spans[k].changed && (before || after));
        }
    }
    let mut out: Vec<Span> = Vec::new();
    for span in spans {
        match out.last_mut() {
            Some(last) if last.changed == span.changed => last.text += &span.text,
            _ => out.push(span),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_punctuation() {
        assert_eq!(
            tokens("x.send().await?;"),
            ["x", ".", "send", "(", ")", ".", "await", "?", ";"]
        );
        assert_eq!(tokens("  let a"), ["  ", "let", " ", "a"]);
    }

    #[test]
    fn changed_words_are_marked() {
        let line = |text: &str| Line {
            no: 1,
            text: text.into(),
        };
        let (old, new) = (
            line("fn get(a: &Agent) {"),
            line("async fn get(a: &Client) {"),
        );
        let (left, right) = words(&old, &new, &[], &[]);
        let changed = |c: &Cell| -> Vec<String> {
            c.spans
                .iter()
                .filter(|s| s.changed)
                .map(|s| s.text.clone())
                .collect()
        };
        assert_eq!(changed(&left), ["Agent"]);
        assert_eq!(changed(&right), ["async ", "Client"]);
        assert_eq!(right.text(), "async fn get(a: &Client) {");
    }

    #[test]
    fn comments_are_prose_their_words_unmarked() {
        let line = |text: &str| Line {
            no: 1,
            text: text.into(),
        };
        let (old, new) = (
            line("    break; // Ctrl-C: stop"),
            line("    return None; // Ctrl-C: stop now"),
        );
        let (left, right) = words(&old, &new, &[], &[]);
        let marked = |c: &Cell| -> Vec<String> {
            c.spans
                .iter()
                .filter(|s| s.changed)
                .map(|s| s.text.clone())
                .collect()
        };
        assert_eq!(marked(&left), ["break"]);
        assert_eq!(marked(&right), ["return None"]);
        assert_eq!(right.text(), new.text);
        let (left, right) = words(
            &line("/// one at a time"),
            &line("/// with async"),
            &[],
            &[],
        );
        assert!(marked(&left).is_empty() && marked(&right).is_empty());
        assert_eq!(comment_start(r#"let url = "http://x"; // a"#), Some(22));
        assert_eq!(comment_start("let a = 1;"), None);
    }

    #[test]
    fn words_a_reflow_moved_are_not_marked() {
        let line = |no, text: &str| Line {
            no,
            text: text.into(),
        };
        let old = [line(1, "// one two three four five")];
        let new = [line(1, "// one two three"), line(2, "// four five six")];
        let (sa, sb) = shared(&old, &new);
        let (left, right) = words(&old[0], &new[0], &sa[0], &sb[0]);
        assert!(left.spans.iter().all(|s| !s.changed), "{left:?}");
        assert!(right.spans.iter().all(|s| !s.changed), "{right:?}");
        // Of the second line only `six` and the new line's `//` are new.
        let new_words: Vec<&str> = tokens(&new[1].text)
            .into_iter()
            .zip(&sb[1])
            .filter(|(tok, shared)| !**shared && !tok.trim().is_empty())
            .map(|(tok, _)| tok)
            .collect();
        assert_eq!(new_words, ["/", "/", "six"]);
    }
}
