//! timeline.svg: one panel per run of one scenario, a thin bar per request from its start to
//! its end, coloured by status.

use flags_common::Status;
use plotters::prelude::*;

use flags_server::Profile;

use crate::bench::options::Settings;
use crate::bench::runs::Row;
use crate::bench::trace::max_in_flight;
use crate::report::charts::{CAPTION, TEXT, draw_err};

fn status_color(status: Status) -> RGBColor {
    match status {
        Status::Ok => RGBColor(0x2c, 0xa0, 0x2c),
        Status::NotFound => RGBColor(0x9a, 0x9a, 0x9a),
        Status::Error => RGBColor(0xd6, 0x27, 0x28),
    }
}

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
    let panel_h = 190u32;
    let mut svg = String::new();
    {
        let height = 60 + panel_h * panels.len().max(1) as u32;
        let root = SVGBackend::with_string(&mut svg, (1160, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let title = format!(
            "{} {}: each request from start to end (green OK, grey 404, red error)",
            scenario.label(),
            settings.scope(scenario)
        );
        let root = root
            .margin(12, 0, 0, 0)
            .titled(&title, ("sans-serif", CAPTION - 2))
            .map_err(draw_err)?;
        if panels.is_empty() {
            root.draw(&Text::new(
                format!("no runs of {}", scenario.label()),
                (20, 20),
                ("sans-serif", TEXT).into_font(),
            ))
            .map_err(draw_err)?;
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
                .caption(caption, ("sans-serif", TEXT + 1))
                .margin(6)
                .x_label_area_size(28)
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
                .label_style(("sans-serif", TEXT))
                .draw()
                .map_err(draw_err)?;
            chart
                .draw_series(lines.iter().enumerate().map(|(i, t)| {
                    let y = i as f64;
                    Rectangle::new(
                        [(t.start, y), (t.end.max(t.start), y + 1.0)],
                        status_color(t.status).filled(),
                    )
                }))
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}
