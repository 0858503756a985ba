//! A source file cut into items (a function, a struct, an impl, the `use` lines...), each with
//! the comments and attributes above it, and the items of two files paired by key: their name,
//! or the part they play in the lesson (`roles`).

/// One line of a file: its number (from 1) and its text, tabs as four spaces.
#[derive(Clone, Debug)]
pub struct Line {
    pub no: usize,
    pub text: String,
}

impl Line {
    /// `//`, `///` and `//!` lines: hidden by `--no-comments`.
    pub fn is_comment(&self) -> bool {
        self.text.trim_start().starts_with("//")
    }
}

/// An item and the lines above it that belong to it.
#[derive(Debug)]
pub struct Item {
    /// What pairs it with its counterpart: `fn get_flag` for `fn get_flag` and
    /// `async fn get_flag`, `use` for all the imports, `preamble` for the module's doc; or the
    /// part the item plays in the lesson (see `roles`).
    pub key: String,
    /// What the item is called in its file: its key before `roles` gives it a part.
    pub name: String,
    pub lines: Vec<Line>,
}

/// The key of the module's doc comment (and anything else above the first item).
pub const PREAMBLE: &str = "preamble";
/// The key of all the `use` lines, in one item.
pub const IMPORTS: &str = "use";

/// Cuts a file into items. Relies on rustfmt's layout: an item starts at column 0, its body is
/// indented, and its closing brace is at column 0.
pub fn split(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut current = Item {
        key: PREAMBLE.into(),
        name: PREAMBLE.into(),
        lines: Vec::new(),
    };
    // Comments, attributes and blank lines waiting for the item they introduce.
    let mut pending: Vec<Line> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = Line {
            no: i + 1,
            text: raw.trim_end().replace('\t', "    "),
        };
        let top = !line.text.starts_with([' ', '\t']);
        let t = line.text.as_str();
        if t.is_empty() {
            if pending.is_empty() {
                current.lines.push(line);
            } else {
                pending.push(line);
            }
        } else if top && (t.starts_with("//!") || t.starts_with("#!")) {
            current.lines.append(&mut pending);
            current.lines.push(line);
        } else if top && (t.starts_with("//") || t.starts_with("#[") || t.starts_with("/*")) {
            pending.push(line);
        } else if let Some(key) = top.then(|| item_key(t)).flatten() {
            if key == IMPORTS && current.key == IMPORTS {
                // Imports in several groups are one item.
                current.lines.append(&mut pending);
                current.lines.push(line);
            } else {
                let mut lines = std::mem::take(&mut pending);
                lines.push(line);
                let name = key.clone();
                items.push(std::mem::replace(&mut current, Item { key, name, lines }));
            }
        } else {
            current.lines.append(&mut pending);
            current.lines.push(line);
        }
    }
    current.lines.append(&mut pending);
    items.push(current);
    items.retain(|item| !item.lines.is_empty());
    items
}

/// The key of the item a top-level line starts, if it starts one.
fn item_key(line: &str) -> Option<String> {
    let mut rest = line.trim();
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix('(') {
            Some(scope) => scope.split_once(')')?.1,
            None if after.starts_with(' ') => after,
            None => return None,
        }
        .trim_start();
    }
    // Qualifiers that do not change what the item is: `fn get_flag` pairs with `async fn get_flag`.
    loop {
        let before = rest;
        for q in ["async ", "unsafe ", "extern \"C\" ", "default "] {
            rest = rest.strip_prefix(q).unwrap_or(rest);
        }
        if rest.starts_with("const fn ") || rest.starts_with("const unsafe ") {
            rest = &rest["const ".len()..];
        }
        if rest == before {
            break;
        }
    }
    let (keyword, after) = rest.split_once([' ', '!', '<']).unwrap_or((rest, ""));
    let name = || -> String {
        after
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let kind = match keyword {
        "fn" => "fn",
        "struct" | "enum" | "union" | "type" | "trait" => "type",
        "const" | "static" => "const",
        "mod" => "mod",
        "macro_rules" => "macro",
        "use" | "extern" => return Some(IMPORTS.into()),
        "impl" => {
            // `impl Drop for StatusLine {` pairs with the same impl on the other side.
            let header = rest.split(['{', ';']).next().unwrap_or(rest);
            let header = header.split(" where").next().unwrap_or(header);
            return Some(header.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        _ => return None,
    };
    Some(format!("{kind} {}", name()))
}

/// One step of the walk through both files: an item and its counterpart, or an item found on one
/// side only.
pub type Pair<'a> = (Option<&'a Item>, Option<&'a Item>);

/// Pairs items with the same key (name or part), in the order of the new file. An old item with no counterpart
/// comes just before the pair that follows it in the old file, or at the end.
pub fn pair<'a>(old: &'a [Item], new: &'a [Item]) -> Vec<Pair<'a>> {
    let mut used = vec![false; old.len()];
    let partner: Vec<Option<usize>> = new
        .iter()
        .map(|item| {
            let found = (0..old.len()).find(|&j| !used[j] && old[j].key == item.key);
            if let Some(j) = found {
                used[j] = true;
            }
            found
        })
        .collect();
    let mut emitted = vec![false; old.len()];
    let mut pairs = Vec::new();
    let flush_until = |end: usize, pairs: &mut Vec<Pair<'a>>, emitted: &mut Vec<bool>| {
        for j in 0..end {
            if !used[j] && !emitted[j] {
                emitted[j] = true;
                pairs.push((Some(&old[j]), None));
            }
        }
    };
    for (item, partner) in new.iter().zip(&partner) {
        match partner {
            Some(j) => {
                flush_until(*j, &mut pairs, &mut emitted);
                pairs.push((Some(&old[*j]), Some(item)));
            }
            None => pairs.push((None, Some(item))),
        }
    }
    flush_until(old.len(), &mut pairs, &mut emitted);
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        split(text).into_iter().map(|item| item.key).collect()
    }

    #[test]
    fn items_take_their_comments_and_qualifiers_do_not_matter() {
        let text = "//! doc\n\nuse a::b;\n\nuse c::d;\n\n/// one\n#[inline]\npub async fn get_flag(\n    x: u8,\n) {\n}\n\nimpl Drop for S {\n}\nconst N: usize = 1;\nimpl<T> X<T> {\n}\n";
        assert_eq!(
            keys(text),
            [
                "preamble",
                "use",
                "fn get_flag",
                "impl Drop for S",
                "const N",
                "impl<T> X<T>"
            ]
        );
        let items = split(text);
        assert_eq!(items[2].lines[0].text, "/// one");
        assert_eq!(items[2].lines.last().unwrap().text, "");
    }

    #[test]
    fn pairs_follow_the_new_order_and_keep_the_unpaired() {
        let old = split("fn a() {}\nfn gone() {}\nfn b() {}\n");
        let new = split("fn b() {}\nasync fn a() {}\nfn added() {}\n");
        let shown: Vec<(Option<&str>, Option<&str>)> = pair(&old, &new)
            .iter()
            .map(|(o, n)| (o.map(|i| i.key.as_str()), n.map(|i| i.key.as_str())))
            .collect();
        assert_eq!(
            shown,
            [
                (Some("fn gone"), None),
                (Some("fn b"), Some("fn b")),
                (Some("fn a"), Some("fn a")),
                (None, Some("fn added")),
            ]
        );
    }
}
