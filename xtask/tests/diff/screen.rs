//! Reading `cargo xtask diff`'s output back: the pieces each side shows of each source line
//! (wrapped lines in several pieces), the highlighted words, and where a line was cut.

use std::collections::BTreeMap;

/// The pieces of each line each side shows, by line number.
pub type Sides = [BTreeMap<usize, Vec<String>>; 2];

/// Digits of the line numbers: those of the longer file, at least 2.
pub fn digits(old: &str, new: &str) -> usize {
    let lines = old.lines().count().max(new.lines().count());
    lines.to_string().len().max(2)
}

fn add(side: &mut BTreeMap<usize, Vec<String>>, last: &mut usize, gutter: &str, text: &str) {
    match gutter.trim() {
        "" => {}
        "↳" => side.get_mut(last).unwrap().push(text.to_string()),
        no => {
            *last = no.parse().unwrap();
            side.insert(*last, vec![text.to_string()]);
        }
    }
}

/// Side by side: rows after the title line (`title` starts it), two cells of `(width - 3) / 2`.
pub fn side_by_side(text: &str, title: &str, width: usize, digits: usize) -> Sides {
    let col = (width - 3) / 2;
    let mut sides: Sides = Default::default();
    let mut last = [0, 0];
    for row in text.lines().skip_while(|l| !l.starts_with(title)).skip(1) {
        let chars: Vec<char> = row.chars().collect();
        assert!("|<>~ ".contains(chars[col + 1]), "{row}");
        if chars[col + 1] == '~' {
            continue;
        }
        for (k, from) in [0, col + 3].into_iter().enumerate() {
            let cell: String = chars.iter().skip(from).take(col).collect();
            let gutter: String = cell.chars().take(digits).collect();
            let text: String = cell.chars().skip(digits + 1).collect();
            add(&mut sides[k], &mut last[k], &gutter, &text);
        }
    }
    sides
}

/// Stacked: `-`, `+` or ` `, the number, the text. An unchanged line carries A's number.
pub fn stacked(text: &str, digits: usize) -> Sides {
    let mut sides: Sides = Default::default();
    let mut last = [0, 0];
    for row in text.lines().skip_while(|l| !l.starts_with("+++ ")).skip(1) {
        let chars: Vec<char> = row.chars().collect();
        assert!("+- ~".contains(chars[0]), "{row}");
        if chars[0] == '~' {
            continue;
        }
        let gutter: String = chars.iter().skip(2).take(digits).collect();
        let text: String = chars.iter().skip(digits + 3).collect();
        let k = usize::from(chars[0] == '+');
        add(&mut sides[k], &mut last[k], &gutter, &text);
    }
    sides
}

fn name(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Checks that the pieces put back together make `line` (spaces at a cut may fall on either
/// side, or be trimmed as padding) and that no cut falls inside a name.
pub fn check_cuts(line: &str, pieces: &[String]) -> Result<(), String> {
    let src: Vec<char> = line.trim_end().chars().collect();
    let mut at = 0;
    for (k, piece) in pieces.iter().enumerate() {
        let piece: Vec<char> = piece.trim_end().chars().collect();
        if piece.is_empty() {
            continue;
        }
        let spaces = src[at..].iter().take_while(|&&c| c == ' ').count();
        let skip = (0..=spaces)
            .find(|&s| src[at + s..].starts_with(&piece))
            .ok_or_else(|| format!("piece {k} {piece:?} is not in {line:?} at {at}"))?;
        if k > 0 && skip == 0 && at > 0 && name(src[at - 1]) && name(src[at]) {
            return Err(format!("cut inside a name at {at}: {line:?}"));
        }
        at += skip + piece.len();
    }
    if at == src.len() {
        Ok(())
    } else {
        Err(format!("{line:?} shown only up to {at}: {pieces:?}"))
    }
}

/// The highlighted words of one terminal row, each with its side (0 = A, 1 = B).
pub fn marked(row: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (side, start) in [(0, "\x1b[1;97;41m"), (1, "\x1b[1;30;42m")] {
        for part in row.split(start).skip(1) {
            out.push((side, part.split("\x1b[0m").next().unwrap().to_string()));
        }
    }
    out
}

/// A side-by-side row, cut into its two cells.
pub fn cells(row: &str, width: usize) -> (String, String) {
    let col = (width - 3) / 2;
    let chars: Vec<char> = row.chars().collect();
    let left = chars.iter().take(col).collect();
    (left, chars.iter().skip(col + 3).collect())
}
