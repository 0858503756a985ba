//! The two SVG charts, drawn with plotters' SVG backend (text stays SVG text: no font files).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Row, Scenario, TraceLine};

/// One colour per downloader × concurrency, in the order the rows come.
const SERIES: [RGBColor; 6] = [
    RGBColor(0x4c, 0x72, 0xb0),
    RGBColor(0xdd, 0x84, 0x52),
    RGBColor(0xc4, 0x4e, 0x52),
    RGBColor(0x55, 0xa8, 0x68),
    RGBColor(0x2a, 0x6e, 0x3b),
    RGBColor(0x81, 0x72, 0xb3),
];

fn status_color(status: &str) -> RGBColor {
    match status {
        "OK" => RGBColor(0x2c, 0xa0, 0x2c),
        "NOT_FOUND" => RGBColor(0x9a, 0x9a, 0x9a),
        _ => RGBColor(0xd6, 0x27, 0x28),
    }
}

fn draw_err(err: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing failed: {err}")
}

/// Items/s for each downloader (bars) in each scenario (groups), on a log scale.
pub fn speed_chart(rows: &[Row]) -> anyhow::Result<String> {
    let mut scenarios: Vec<Scenario> = rows.iter().map(|r| r.scenario).collect();
    scenarios.dedup();
    let mut series: Vec<String> = Vec::new();
    for row in rows {
        if !series.contains(&row.label) {
            series.push(row.label.clone());
        }
    }
    let speeds: Vec<f64> = rows
        .iter()
        .filter_map(|r| r.median.items_per_s)
        .filter(|v| *v > 0.0)
        .collect();
    let lowest = speeds.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = speeds.iter().copied().fold(0.0, f64::max);
    let (lo, hi) = if speeds.is_empty() {
        (0.1, 10.0)
    } else {
        // Headroom above the tallest bar for its value and the legend.
        (
            10f64.powf((lowest / 2.0).log10().floor()),
            10f64.powf((highest * 40.0).log10().ceil()),
        )
    };
    let groups = scenarios.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "Speed: items per second (log scale), median of the repeats",
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(35)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..groups as f64, (lo..hi).log_scale())
            .map_err(draw_err)?;
        let names: Vec<&str> = scenarios.iter().map(|s| s.label()).collect();
        // Labels fall on multiples of 0.5: the group centres get the scenario's name.
        let x_label = |x: &f64| {
            let i = x.floor();
            if (x - i - 0.5).abs() < 1e-6 {
                names
                    .get(i as usize)
                    .map_or(String::new(), |n| format!("{n} -e"))
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(2 * groups + 1)
            .x_label_formatter(&x_label)
            .y_desc("items/s")
            .y_label_formatter(&|y| {
                if *y >= 1.0 {
                    format!("{y:.0}")
                } else {
                    format!("{y}")
                }
            })
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(draw_err)?;
        let width = 0.8 / series.len().max(1) as f64;
        for (k, name) in series.iter().enumerate() {
            let color = SERIES[k % SERIES.len()];
            let bars: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| &r.label == name)
                .filter_map(|r| {
                    let g = scenarios.iter().position(|s| *s == r.scenario)? as f64;
                    Some((
                        g + 0.1 + k as f64 * width,
                        r.median.items_per_s.filter(|v| *v > 0.0)?,
                    ))
                })
                .collect();
            chart
                .draw_series(
                    bars.iter().map(|&(x, v)| {
                        Rectangle::new([(x, lo), (x + width * 0.9, v)], color.filled())
                    }),
                )
                .map_err(draw_err)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 12, y + 6)], color.filled())
                });
            chart
                .draw_series(bars.iter().map(|&(x, v)| {
                    let text = if v >= 100.0 {
                        format!("{v:.0}")
                    } else {
                        format!("{v:.2}")
                    };
                    let style = ("sans-serif", 11)
                        .into_font()
                        .into_text_style(&root)
                        .pos(Pos::new(HPos::Center, VPos::Bottom));
                    Text::new(text, (x + width * 0.45, v), style)
                }))
                .map_err(draw_err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// How many requests overlapped at most: the concurrency the trace shows.
fn max_in_flight(lines: &[TraceLine]) -> usize {
    let mut events: Vec<(f64, i32)> = lines
        .iter()
        .flat_map(|t| [(t.start, 1), (t.end, -1)])
        .collect();
    // At equal times, an end comes before a start.
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in events {
        now += step;
        most = most.max(now);
    }
    most as usize
}

/// One panel per downloader run of `scenario`: a thin bar per request from its start to its end,
/// one row per request in the order they started, coloured by status.
pub fn timeline(rows: &[Row], scenario: Scenario) -> anyhow::Result<String> {
    let panels: Vec<&Row> = rows.iter().filter(|r| r.scenario == scenario).collect();
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
        let root = SVGBackend::with_string(&mut svg, (960, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let title = format!(
            "{} -e: each request from start to end (green OK, grey not found, red error), first repeat",
            scenario.label()
        );
        let root = root
            .margin(12, 0, 0, 0)
            .titled(&title, ("sans-serif", 18))
            .map_err(draw_err)?;
        if panels.is_empty() {
            root.draw(&Text::new(
                format!("no runs of {}", scenario.label()),
                (20, 20),
                ("sans-serif", 16).into_font(),
            ))
            .map_err(draw_err)?;
        }
        let areas = root.split_evenly((panels.len().max(1), 1));
        for (row, area) in panels.iter().zip(areas.iter()) {
            let mut lines = row.timeline.clone();
            lines.sort_by(|a, b| a.start.total_cmp(&b.start));
            let caption = format!(
                "{}: {} requests, at most {} at once, {} threads",
                row.label,
                lines.len(),
                max_in_flight(&lines),
                row.repeats.first().map_or(0, |m| m.threads_peak)
            );
            let mut chart = ChartBuilder::on(area)
                .caption(caption, ("sans-serif", 14))
                .margin(6)
                .x_label_area_size(22)
                .y_label_area_size(50)
                .build_cartesian_2d(0f64..t_max, 0f64..lines.len().max(1) as f64)
                .map_err(draw_err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(10)
                .y_labels(3)
                .x_label_formatter(&|x| format!("{x:.1}s"))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .draw()
                .map_err(draw_err)?;
            chart
                .draw_series(lines.iter().enumerate().map(|(i, t)| {
                    let y = i as f64;
                    Rectangle::new(
                        [(t.start, y), (t.end.max(t.start), y + 1.0)],
                        status_color(&t.status).filled(),
                    )
                }))
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}
