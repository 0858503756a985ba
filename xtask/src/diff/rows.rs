//! The rows both renderings draw: each paired item diffed line by line, similar lines facing
//! each other with their changed words marked, long runs of unchanged lines folded, and the
//! module's doc and imports folded unless asked for.

use super::items::{IMPORTS, Item, Line, PREAMBLE, Pair};
use super::words::{Cell, shared, similarity, words, words_of};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// The same on both sides.
    Same,
    /// Similar lines facing each other, the differing words marked.
    Changed,
    /// Only in the old file.
    Old,
    /// Only in the new file.
    New,
}

#[derive(Debug)]
pub enum Row {
    Line {
        mark: Mark,
        left: Option<Cell>,
        right: Option<Cell>,
    },
    /// This many unchanged lines not shown.
    Folded(usize),
    /// An item not shown (the module's doc, the imports): what it is, its lines on each side.
    Skipped {
        what: &'static str,
        old: usize,
        new: usize,
    },
}

/// What the rows show.
pub struct Show {
    /// Comment lines (`--no-comments` hides them).
    pub comments: bool,
    /// Unchanged lines kept around each change (`--context`).
    pub context: usize,
    /// The module's doc and the imports (`--all`); else each is one `Skipped` row, so that the
    /// first screen shows the functions.
    pub top: bool,
}

/// How alike two lines must be (share of their tokens) to face each other.
const MIN_SIMILARITY: f32 = 0.4;

/// Every row, in the order of the pairs; unchanged runs longer than twice `context` folded.
pub fn build(pairs: &[Pair<'_>], show: &Show) -> Vec<Row> {
    let lines = |item: Option<&Item>| -> Vec<Line> {
        item.map(|item| {
            item.lines
                .iter()
                .filter(|l| show.comments || !l.is_comment())
                .cloned()
                .collect()
        })
        .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for (old, new) in pairs {
        let (a, b) = (lines(*old), lines(*new));
        let key = old.or(*new).map(|item| item.key.as_str());
        let what = match key {
            Some(PREAMBLE) => "the module's doc",
            Some(IMPORTS) => "the imports",
            _ => "",
        };
        if !show.top && !what.is_empty() {
            let count = |lines: &[Line]| lines.iter().filter(|l| !l.text.is_empty()).count();
            let (old, new) = (count(&a), count(&b));
            if old + new > 0 {
                rows.push(Row::Skipped { what, old, new });
            }
            continue;
        }
        // The imports are a list, not an item with a head: their lines pair by the line diff.
        match key {
            Some(IMPORTS) => diff_lines(&a, &b, &mut rows),
            _ => diff_item(&a, &b, &mut rows),
        }
    }
    fold(rows, show.context)
}

/// Rows for one pair of items. Their heads (`fn get_flag(...`) face each other, whatever the
/// lines around them: the comments above are diffed with the comments above, the body with the
/// body. A signature on several lines thus starts level with a signature on one.
fn diff_item(old: &[Line], new: &[Line], rows: &mut Vec<Row>) {
    match (head(old), head(new)) {
        (Some(i), Some(j)) => {
            diff_lines(&old[..i], &new[..j], rows);
            let (a, b) = (&old[i..=i], &new[j..=j]);
            if a[0].text == b[0].text {
                diff_lines(a, b, rows);
            } else {
                let (sa, sb) = shared(a, b);
                let (left, right) = words(&a[0], &b[0], &sa[0], &sb[0]);
                rows.push(Row::Line {
                    mark: Mark::Changed,
                    left: Some(left),
                    right: Some(right),
                });
            }
            diff_lines(&old[i + 1..], &new[j + 1..], rows);
        }
        _ => diff_lines(old, new, rows),
    }
}

/// Where an item's own first line is: the first at column 0 that is no comment or attribute.
fn head(lines: &[Line]) -> Option<usize> {
    lines
        .iter()
        .position(|l| !l.text.is_empty() && !l.text.starts_with([' ', '\t', '/', '#', '}', ')']))
}

/// Rows for two runs of lines, aligned as a whole: the lines that face each other are the
/// pairs, in both orders, of the greatest total likeness (`matches`). A line diff would anchor
/// on the first equal line (`let mut counter = Counter::default();`) and leave what each loop
/// does on opposite sides of it; aligned as a whole, seq's `job.start`, `job.retry` and
/// `job.record` face tokio's inside its `.map(|cc| async { ... })`.
fn diff_lines(old: &[Line], new: &[Line], rows: &mut Vec<Row>) {
    let pairs = matches(old, new);
    let same = |&(i, j): &(usize, usize)| old[i].text == new[j].text;
    // Between two equal lines, a block of changed lines: the words it only moved (a re-flowed
    // comment) are no change (`shared`).
    let (mut i, mut j) = (0, 0);
    let mut block: Vec<(usize, usize)> = Vec::new();
    for pair in pairs.iter().copied().chain([(old.len(), new.len())]) {
        let end = pair == (old.len(), new.len());
        if !end && !same(&pair) {
            block.push(pair);
            continue;
        }
        let (a, b) = (&old[i..pair.0], &new[j..pair.1]);
        let local: Vec<(usize, usize)> = block.iter().map(|&(x, y)| (x - i, y - j)).collect();
        changed_block(a, b, &local, rows);
        block.clear();
        if !end {
            rows.push(Row::Line {
                mark: Mark::Same,
                left: Some(Cell::plain(&old[pair.0])),
                right: Some(Cell::plain(&new[pair.1])),
            });
        }
        (i, j) = (pair.0 + 1, pair.1 + 1);
    }
}

/// A line's weight in the alignment: lines with a word count; a brace or a blank line counts
/// little, so that it never pulls code away from its counterpart.
fn weight(words: &[&str]) -> f32 {
    if words.iter().any(|w| w.chars().any(char::is_alphanumeric)) {
        1.0
    } else {
        0.1
    }
}

/// The pairs of lines that face each other, in both orders, of the greatest total score: an
/// equal line scores its weight, a similar one (`MIN_SIMILARITY`) a little less than its
/// likeness, so that equal lines are preferred where both are possible.
fn matches(old: &[Line], new: &[Line]) -> Vec<(usize, usize)> {
    let (n, m) = (old.len(), new.len());
    let (ta, tb) = (words_of(old), words_of(new));
    let score = |i: usize, j: usize| -> f32 {
        let w = weight(&ta[i]).min(weight(&tb[j]));
        if old[i].text == new[j].text {
            w
        } else {
            let sim = similarity(&ta[i], &tb[j]);
            if sim >= MIN_SIMILARITY {
                0.9 * sim * w
            } else {
                0.0
            }
        }
    };
    let sim: Vec<Vec<f32>> = (0..n)
        .map(|i| (0..m).map(|j| score(i, j)).collect())
        .collect();
    let mut best = vec![vec![0f32; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let mut total = best[i - 1][j].max(best[i][j - 1]);
            if sim[i - 1][j - 1] > 0.0 {
                total = total.max(best[i - 1][j - 1] + sim[i - 1][j - 1]);
            }
            best[i][j] = total;
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if sim[i - 1][j - 1] > 0.0 && best[i][j] == best[i - 1][j - 1] + sim[i - 1][j - 1] {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs
}

/// Lines replaced by others, `pairs` facing each other (indices within the block), the rest
/// alone, in order: A's before B's.
fn changed_block(old: &[Line], new: &[Line], pairs: &[(usize, usize)], rows: &mut Vec<Row>) {
    let (n, m) = (old.len(), new.len());
    let (sa, sb) = shared(old, new);
    let (mut i, mut j) = (0, 0);
    for &(mi, mj) in pairs.iter().chain(&[(n, m)]) {
        for line in &old[i..mi] {
            rows.push(Row::Line {
                mark: Mark::Old,
                left: Some(Cell::plain(line)),
                right: None,
            });
        }
        for line in &new[j..mj] {
            rows.push(Row::Line {
                mark: Mark::New,
                left: None,
                right: Some(Cell::plain(line)),
            });
        }
        if mi < n && mj < m {
            let (left, right) = words(&old[mi], &new[mj], &sa[mi], &sb[mj]);
            rows.push(Row::Line {
                mark: Mark::Changed,
                left: Some(left),
                right: Some(right),
            });
        }
        (i, j) = (mi + 1, mj + 1);
    }
}

/// Folds runs of unchanged rows, keeping `context` rows next to each change.
fn fold(rows: Vec<Row>, context: usize) -> Vec<Row> {
    let same = |row: &Row| {
        matches!(
            row,
            Row::Line {
                mark: Mark::Same,
                ..
            }
        )
    };
    let n = rows.len();
    let mut keep = vec![false; n];
    for (i, row) in rows.iter().enumerate() {
        if let Row::Skipped { .. } = row {
            keep[i] = true;
        } else if !same(row) {
            let from = i.saturating_sub(context);
            let to = i.saturating_add(context).saturating_add(1).min(n);
            keep[from..to].iter_mut().for_each(|k| *k = true);
        }
    }
    let mut out = Vec::new();
    let mut hidden = 0;
    for (row, keep) in rows.into_iter().zip(keep) {
        if keep {
            if hidden > 0 {
                out.push(Row::Folded(hidden));
                hidden = 0;
            }
            out.push(row);
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        out.push(Row::Folded(hidden));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::items::{pair, split};
    use super::*;

    fn rows(old: &str, new: &str, top: bool) -> Vec<Row> {
        let (old, new) = (split(old), split(new));
        let show = Show {
            comments: true,
            context: 100,
            top,
        };
        build(&pair(&old, &new), &show)
    }

    #[test]
    fn heads_face_each_other_whatever_the_lines_around() {
        let old = "fn get(a: &Agent, b: &str) -> Result<Vec<u8>, Error> {\n    x\n}\n";
        let new = "async fn get(\n    c: &Client,\n) -> impl Future<Output = Result<Vec<u8>, Error>> {\n    x\n}\n";
        let first = rows(old, new, true).into_iter().next().unwrap();
        let Row::Line {
            mark: Mark::Changed,
            left: Some(left),
            right: Some(right),
        } = first
        else {
            panic!("{first:?}");
        };
        assert_eq!((left.no, right.no), (1, 1));
    }

    #[test]
    fn doc_and_imports_fold_to_a_row_each_unless_asked() {
        let old = "//! doc\n\nuse a;\n\nfn f() {}\n";
        let new = "//! doc\n//! more\n\nuse a;\nuse b;\n\nfn f() {}\n";
        let folded: Vec<(&str, usize, usize)> = rows(old, new, false)
            .iter()
            .filter_map(|row| match row {
                Row::Skipped { what, old, new } => Some((*what, *old, *new)),
                _ => None,
            })
            .collect();
        assert_eq!(folded, [("the module's doc", 1, 2), ("the imports", 1, 2)]);
        let all = rows(old, new, true);
        assert!(all.iter().all(|row| !matches!(row, Row::Skipped { .. })));
        // The imports pair by the line diff: a `use` added on top leaves the next one level.
        let new = "use b;\nuse a;\n";
        let same = |row: &Row| matches!(row, Row::Line { mark: Mark::Same, left: Some(c), .. } if c.no == 1);
        assert!(rows("use a;\n", new, true).iter().any(same));
    }
}
