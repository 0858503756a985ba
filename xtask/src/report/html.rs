//! report.html: one page that opens offline, put together from what is in the output
//! directory: compare's report (headlines, settings, table, notes, speed, memory, timeline)
//! and, when `cargo xtask sweep` has run, the sweep's. Each task rewrites it when it ends.

use std::fmt::Write as _;
use std::path::Path;

use super::{COLUMN_NOTES, Report, settings_line, table};

pub fn write(out: &Path) -> anyhow::Result<()> {
    let read = |name: &str| std::fs::read_to_string(out.join(name)).ok();
    let json = |name: &str| read(name).and_then(|t| serde_json::from_str::<Report>(&t).ok());
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Flags downloaders compared</title>\n\
         <style>body{font-family:sans-serif;margin:1em;max-width:1200px}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:2px 8px;white-space:nowrap}td.n{text-align:right}svg{max-width:100%;height:auto}\
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
    super::write_file(out, "report.html", &page)
}

/// Headlines, the settings line, the table and the notes on its columns.
fn section(page: &mut String, report: &Report) {
    page.push_str("<ul>\n");
    for line in &report.headlines {
        let _ = writeln!(page, "<li>{}</li>", escape(line));
    }
    let _ = writeln!(
        page,
        "</ul>\n<p>{}</p>",
        escape(&settings_line(&report.settings))
    );
    page.push_str(&table::html_table(&report.rows, escape));
    page.push_str("<ul class=\"notes\">\n");
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
