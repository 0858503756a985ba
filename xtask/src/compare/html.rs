//! report.html: one page that opens offline, put together from what is in the output
//! directory: compare's report (headlines, settings, table, notes, speed, memory, timeline)
//! and, when `cargo xtask sweep` has run, the sweep's. Each task rewrites it when it ends.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use super::report::{COLUMN_NOTES, HEADER, Report, cells, is_text_column, settings_line};

pub fn write(out: &Path) -> anyhow::Result<()> {
    let read = |name: &str| std::fs::read_to_string(out.join(name)).ok();
    let json = |name: &str| read(name).and_then(|t| serde_json::from_str::<Report>(&t).ok());
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Flags downloaders compared</title>\n\
         <style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:2px 8px}td.n{text-align:right}svg{max-width:100%;height:auto}\
         li{margin:.2em 0}.notes{font-size:90%;color:#333}</style>\n\
         </head>\n<body>\n<h1>Flags downloaders compared</h1>\n",
    );
    if let Some(report) = json("report.json") {
        section(&mut page, &report);
        for (title, file) in [
            ("Speed", "report.svg"),
            ("Memory", "memory.svg"),
            ("Timeline", "timeline.svg"),
        ] {
            if let Some(svg) = read(file) {
                let _ = writeln!(page, "<h2>{title}</h2>\n{svg}");
            }
        }
    }
    if let Some(sweep) = json("sweep.json") {
        page.push_str("<h1>Sweep: the cost of concurrency</h1>\n");
        section(&mut page, &sweep);
        if let Some(svg) = read("sweep.svg") {
            let _ = writeln!(page, "{svg}");
        }
    }
    page.push_str("</body>\n</html>\n");
    let path = out.join("report.html");
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))
}

/// Headlines, the settings line, the table and the notes on its columns.
fn section(page: &mut String, report: &Report) {
    page.push_str("<ul>\n");
    for line in &report.headlines {
        let _ = writeln!(page, "<li>{}</li>", escape(line));
    }
    let _ = writeln!(
        page,
        "</ul>\n<p>{}</p>\n<table>\n<tr>{}</tr>",
        escape(&settings_line(&report.settings)),
        HEADER
            .iter()
            .map(|h| format!("<th>{}</th>", escape(h)))
            .collect::<String>()
    );
    for row in &report.rows {
        let tds: String = cells(row)
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if is_text_column(i) {
                    format!("<td>{}</td>", escape(c))
                } else {
                    format!("<td class=\"n\">{}</td>", escape(c))
                }
            })
            .collect();
        let _ = writeln!(page, "<tr>{tds}</tr>");
    }
    page.push_str("</table>\n<ul class=\"notes\">\n");
    for note in COLUMN_NOTES {
        let _ = writeln!(page, "<li>{}</li>", escape(note));
    }
    page.push_str("</ul>\n");
}

/// HTML-escaped; markdown's backticks dropped.
fn escape(s: &str) -> String {
    s.replace('`', "")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
