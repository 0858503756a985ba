//! The rows as one self-contained HTML page: inline CSS, no script, nothing fetched, so it opens
//! offline in any browser on the projector. Two columns always; the browser wraps long lines
//! between words, each wrapped line indented under its own code.

use super::rows::{Mark, Row};
use super::words::Cell;

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
td { vertical-align: top; padding: 1px .5em; white-space: pre-wrap; overflow-wrap: break-word; }
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
    let krate = |name: &str| escape(name.split('/').next().unwrap_or(name));
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
    for span in &cell.spans {
        let text = escape(&span.text);
        if span.changed {
            *out += &format!("<span class=\"w\">{text}</span>");
        } else {
            *out += &text;
        }
    }
    *out += "</td>";
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
