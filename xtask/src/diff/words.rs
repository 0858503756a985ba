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

/// Share of tokens two lines have in common, from 0 to 1.
pub fn similarity(a: &[&str], b: &[&str]) -> f32 {
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

/// Two facing lines cut into spans, the tokens found on one side only marked changed.
pub fn words(old: &Line, new: &Line) -> (Cell, Cell) {
    let (a, b) = (tokens(&old.text), tokens(&new.text));
    let mut left = Vec::new();
    let mut right = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (o, n) = (op.old_range(), op.new_range());
        let equal = matches!(op, DiffOp::Equal { .. });
        push(&mut left, &a[o], !equal);
        push(&mut right, &b[n], !equal);
    }
    (
        Cell {
            no: old.no,
            spans: tidy(left),
        },
        Cell {
            no: new.no,
            spans: tidy(right),
        },
    )
}

fn push(spans: &mut Vec<Span>, toks: &[&str], changed: bool) {
    for tok in toks {
        spans.push(Span {
            text: (*tok).to_string(),
            changed,
        });
    }
}

/// Joins neighbours of the same kind; a lone space between two changed words counts as changed,
/// so `async fn` reads as one mark rather than two.
fn tidy(spans: Vec<Span>) -> Vec<Span> {
    let mut spans = spans;
    for k in 1..spans.len().saturating_sub(1) {
        if !spans[k].changed
            && spans[k].text.trim().is_empty()
            && spans[k - 1].changed
            && spans[k + 1].changed
        {
            spans[k].changed = true;
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
        let (left, right) = words(
            &line("fn get(a: &Agent) {"),
            &line("async fn get(a: &Client) {"),
        );
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
}
