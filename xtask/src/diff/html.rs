//! The rows as one self-contained HTML page: inline CSS, no script, nothing fetched, so it opens
//! offline in any browser on the projector. Two columns always; the browser wraps long lines
//! where the terminal would (never inside a name or `.await`), each wrapped line indented under
//! its own code.

use super::rows::{Mark, Row};
use super::words::{Cell, Span, comment_start};

const CSS: &str = r#"
body { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 17px;
       margin: 1em; color: #1f2328; background: #fff; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
p.legend { margin: 0 0 .8em; color: #57606a; }
p.legend span { padding: 0 .3em; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
col.no { width: 3.5em; }
col.mark { width: 1.6em; }
th { text-align: left; padding: .3em .5em; border-bottom: 2px solid #d0d7de; }
td { vertical-align: top; padding: 1px .5em; white-space: pre-wrap; overflow-wrap: normal; }
.n { white-space: nowrap; }
td.no { text-align: right; color: #8c959f; user-select: none; padding-right: .3em; }
td.mark { text-align: center; color: #8c959f; }
td.old { background: #ffebe9; }
td.new { background: #e6ffec; }
td.old .w { background: #ff8182; font-weight: bold; border-radius: 2px; }
td.new .w { background: #4ac26b; font-weight: bold; border-radius: 2px; }
tr.folded td { color: #57606a; background: #f6f8fa; text-align: center; font-style: italic; }
"#;

/// The whole page.
pub fn render(rows: &[Row], names: (&str, &str)) -> String {
    let (a, b) = (escape(names.0), escape(names.1));
    // A crate's name is one word: never broken at its hyphen.
    let krate = |name: &str| {
        let name = escape(name.split('/').next().unwrap_or(name));
        format!("<span class=\"n\">{name}</span>")
    };
    let (ka, kb) = (krate(names.0), krate(names.1));
    let mut out = String::new();
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += &format!("<title>{a} | {b}</title>\n<style>{CSS}</style>\n</head>\n<body>\n");
    out += &format!("<h1>{a} &nbsp;|&nbsp; {b}</h1>\n");
    out += &format!(
        "<p class=\"legend\">| changed, the changed words highlighted \
         (<span style=\"background:#ff8182\">in {ka}</span>, \
         <span style=\"background:#4ac26b\">in {kb}</span>) &nbsp; &lt; only in {ka} \
         &nbsp; &gt; only in {kb} &nbsp; ~ unchanged lines folded</p>\n"
    );
    out += "<table>\n<colgroup><col class=\"no\"><col><col class=\"mark\"><col class=\"no\"><col></colgroup>\n";
    out += &format!(
        "<thead><tr><th></th><th>{a}</th><th></th><th></th><th>{b}</th></tr></thead>\n<tbody>\n"
    );
    for row in rows {
        match row {
            Row::Folded(n) => {
                out += &format!(
                    "<tr class=\"folded\"><td colspan=\"5\">⋯ {n} unchanged lines</td></tr>\n"
                );
            }
            Row::Skipped { what, old, new } => {
                out += &format!(
                    "<tr class=\"folded\"><td colspan=\"5\">⋯ {what}: {old} | {new} lines</td></tr>\n"
                );
            }
            Row::Line { mark, left, right } => {
                let (sign, ls, rs) = match mark {
                    Mark::Same => ("", "", ""),
                    Mark::Changed => ("|", "old", "new"),
                    Mark::Old => ("&lt;", "old", ""),
                    Mark::New => ("&gt;", "", "new"),
                };
                out += "<tr>";
                cell(&mut out, left.as_ref(), ls);
                out += &format!("<td class=\"mark\">{sign}</td>");
                cell(&mut out, right.as_ref(), rs);
                out += "</tr>\n";
            }
        }
    }
    out += "</tbody>\n</table>\n</body>\n</html>\n";
    out
}

fn cell(out: &mut String, cell: Option<&Cell>, class: &str) {
    let Some(cell) = cell else {
        *out += "<td class=\"no\"></td><td></td>";
        return;
    };
    // A wrapped line goes on two characters deeper than its own indentation: a hanging indent.
    let text: String = cell.spans.iter().map(|s| s.text.as_str()).collect();
    let hang = text.chars().take_while(|&c| c == ' ').count() + 2;
    *out += &format!(
        "<td class=\"no\">{}</td><td class=\"{class}\" style=\"padding-left:calc(.5em + {hang}ch);text-indent:-{hang}ch\">",
        cell.no
    );
    *out += &line(&cell.spans);
    *out += "</td>";
}

/// A line's text, wrapped only where the terminal would wrap it: at a space, after a `(` or a
/// `,`, before a `.` or a `::`. Between two such places the characters are one `nowrap` span,
/// so that a name, `.await` or `flags-common` never breaks across lines; a `<wbr>` marks each
/// place that has no space. Changed words are a `w` span inside.
fn line(spans: &[Span]) -> String {
    let chars: Vec<(char, bool)> = spans
        .iter()
        .flat_map(|s| s.text.chars().map(move |c| (c, s.changed)))
        .collect();
    // A comment is prose: it wraps at its spaces only.
    let text: String = chars.iter().map(|x| x.0).collect();
    let code_end = comment_start(&text).unwrap_or(chars.len());
    let cut_before = |i: usize| {
        if i >= code_end {
            return false;
        }
        let (prev, c) = (chars[i - 1].0, chars[i].0);
        let next = chars.get(i + 1).map(|x| x.0);
        (prev == '(' && c != ')')
            || prev == ','
            || (c == '.' && prev != '.')
            || (c == ':' && next == Some(':') && prev != ':')
    };
    let mut out = String::new();
    let (mut in_atom, mut in_mark) = (false, false);
    let close_mark = |out: &mut String, in_mark: &mut bool| {
        if *in_mark {
            *out += "</span>";
            *in_mark = false;
        }
    };
    for (i, &(c, changed)) in chars.iter().enumerate() {
        let blank = c == ' ';
        if in_atom && (blank || cut_before(i)) {
            close_mark(&mut out, &mut in_mark);
            out += "</span>";
            in_atom = false;
            if !blank {
                out += "<wbr>";
            }
        }
        if !blank && !in_atom {
            // A mark held over a blank ends with it: the atom opens outside any mark.
            close_mark(&mut out, &mut in_mark);
            out += "<span class=\"n\">";
            in_atom = true;
        }
        if changed != in_mark {
            if in_mark {
                close_mark(&mut out, &mut in_mark);
            } else {
                out += "<span class=\"w\">";
                in_mark = true;
            }
        }
        out += &escape(&c.to_string());
    }
    close_mark(&mut out, &mut in_mark);
    if in_atom {
        out += "</span>";
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
