//! timeline.svg: one panel per run of one scenario, a thin bar per request from its start to
//! its end, coloured by status as the race's board colours it (OK green, not found blue, error
//! red).

use flags_common::Status;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use flags_server::Profile;

use crate::bench::options::Settings;
use crate::bench::runs::Row;
use crate::bench::trace::max_in_flight;
use crate::report::charts::{WIDTH, status_colour};
use crate::report::draw::{self, INK, TEXT, draw_err, font};

/// The statuses in the key, in the board's order.
const KEY: [(Status, &str); 3] = [
    (Status::Ok, "OK"),
    (Status::NotFound, "not found"),
    (Status::Error, "error"),
];

/// One panel per downloader run of `scenario`: a thin bar per request from its start to its end,
/// one row per request in the order they started, coloured by status.
pub fn draw(rows: &[Row], scenario: Profile, settings: &Settings) -> anyhow::Result<String> {
    // The book's scripts write no trace: only our downloaders have a panel.
    let panels: Vec<&Row> = rows
        .iter()
        .filter(|r| r.scenario == scenario && r.median.trace_file.is_some())
        .collect();
    let t_max = panels
        .iter()
        .flat_map(|r| r.timeline.iter().map(|t| t.end))
        .fold(0.0, f64::max)
        .max(0.01)
        * 1.02;
    let panel_h = 200u32;
    let mut svg = String::new();
    {
        let height = 84 + panel_h * panels.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let title = format!(
            "{} {}: each request from its start to its end",
            scenario.label(),
            settings.scope(scenario)
        );
        draw::caption(&root, &title)?;
        let mut x = 12;
        for (status, name) in KEY {
            draw::fill(&root, (x, 48), (x + 16, 64), status_colour(status))?;
            draw::write(
                &root,
                name,
                (x + 22, 56),
                (TEXT, false),
                (HPos::Left, VPos::Center),
                INK,
            )?;
            x += 22 + draw::width_of(name, TEXT) + 24;
        }
        let (_, root) = root.split_vertically(76);
        if panels.is_empty() {
            draw::write(
                &root,
                &format!("no runs of {}", scenario.label()),
                (20, 20),
                (TEXT, false),
                (HPos::Left, VPos::Top),
                INK,
            )?;
        }
        let areas = root.split_evenly((panels.len().max(1), 1));
        for (row, area) in panels.iter().zip(areas.iter()) {
            let mut lines = row.timeline.clone();
            lines.sort_by(|a, b| a.start.total_cmp(&b.start));
            let caption = format!(
                "{}: {} requests, at most {} at once, {} threads",
                row.label(),
                lines.len(),
                max_in_flight(&lines),
                row.repeats
                    .first()
                    .and_then(|m| m.threads_peak)
                    .map_or("n/a".to_string(), |t| t.to_string())
            );
            let mut chart = ChartBuilder::on(area)
                .caption(caption, font(TEXT))
                .margin(6)
                .x_label_area_size(30)
                .y_label_area_size(56)
                .build_cartesian_2d(0f64..t_max, 0f64..lines.len().max(1) as f64)
                .map_err(draw_err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(10)
                .y_labels(3)
                .x_label_formatter(&|x| format!("{x:.1}s"))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .label_style(font(TEXT).color(&INK))
                .draw()
                .map_err(draw_err)?;
            chart
                .draw_series(lines.iter().enumerate().map(|(i, t)| {
                    let y = i as f64;
                    Rectangle::new(
                        [(t.start, y), (t.end.max(t.start), y + 1.0)],
                        status_colour(t.status).filled(),
                    )
                }))
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}
