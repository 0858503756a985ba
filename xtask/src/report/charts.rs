//! The bar charts, drawn with plotters' SVG backend (text stays SVG text: no font files):
//! speed (report.svg) and memory (memory.svg), each a group of bars per scenario, one bar per
//! downloader at one concurrency, on a log scale.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use flags_server::Profile;

use crate::bench::options::first_seen;
use crate::bench::runs::Row;

/// One colour per downloader × concurrency, in the order the rows come.
pub const SERIES: [RGBColor; 12] = [
    RGBColor(0x4c, 0x72, 0xb0),
    RGBColor(0xdd, 0x84, 0x52),
    RGBColor(0xc4, 0x4e, 0x52),
    RGBColor(0x55, 0xa8, 0x68),
    RGBColor(0x2a, 0x6e, 0x3b),
    RGBColor(0x81, 0x72, 0xb3),
    RGBColor(0x93, 0x78, 0x60),
    RGBColor(0xda, 0x8b, 0xc3),
    RGBColor(0x8c, 0x8c, 0x8c),
    RGBColor(0xcc, 0xb9, 0x74),
    RGBColor(0x64, 0xb5, 0xcd),
    RGBColor(0x1b, 0x3a, 0x6b),
];

pub fn draw_err(err: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing failed: {err}")
}

/// Items/s for each downloader in each scenario.
pub fn speed(rows: &[Row]) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1160, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        bars(
            &root,
            rows,
            &Panel {
                caption: "Speed: items per second (log scale), median of the repeats",
                y_desc: "items/s",
                value: |r| r.median.items_per_s,
                whole: false,
            },
        )?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Peak RSS (MiB) above, peak threads below, for each downloader in each scenario.
pub fn memory(rows: &[Row]) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1160, 900)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, bottom) = root.split_vertically(450);
        bars(
            &top,
            rows,
            &Panel {
                caption: "Memory: peak resident set size, MiB (log scale)",
                y_desc: "peak RSS, MiB",
                value: |r| r.median.usage.peak_rss_kib.map(|k| k as f64 / 1024.0),
                whole: false,
            },
        )?;
        bars(
            &bottom,
            rows,
            &Panel {
                caption: "Threads: peak number of threads of the process (log scale)",
                y_desc: "threads",
                value: |r| r.median.threads_peak.map(f64::from),
                whole: true,
            },
        )?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// What one chart shows: a figure of each row, on a log scale.
pub struct Panel {
    pub caption: &'static str,
    pub y_desc: &'static str,
    pub value: fn(&Row) -> Option<f64>,
    /// Counts (threads) are written without decimals.
    pub whole: bool,
}

impl Panel {
    /// The log axis for this figure of `rows`: whole decades, from below the lowest value
    /// (divided by `below`) to above three times the highest, room for the labels on top.
    pub fn log_range(&self, rows: &[Row], below: f64) -> (f64, f64) {
        let values: Vec<f64> = rows
            .iter()
            .filter_map(self.value)
            .filter(|v| *v > 0.0)
            .collect();
        if values.is_empty() {
            return (0.1, 10.0);
        }
        let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = values.iter().copied().fold(0.0, f64::max);
        (
            10f64.powf((lowest / below).log10().floor()),
            10f64.powf((highest * 3.0).log10().ceil()),
        )
    }
}

/// Figures as a slide says them: 0.36, 1.92, 21.7, 150.
pub fn figure(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Grouped bars on a log scale: a group per scenario, a bar per row label, its value on top.
fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[Row],
    panel: &Panel,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let mut scenarios: Vec<Profile> = rows.iter().map(|r| r.scenario).collect();
    scenarios.dedup();
    let labels: Vec<String> = first_seen(rows.iter().map(Row::label));
    let series: Vec<&str> = labels.iter().map(String::as_str).collect();
    // The key has a column of its own: the axis needs room only for the values on the bars.
    let (lo, hi) = panel.log_range(rows, 2.0);
    let groups = scenarios.len().max(1);
    let (plot, key_area) = area.split_horizontally(area.dim_in_pixel().0 as i32 - KEY_WIDTH);
    key(&key_area, &series)?;
    let mut chart = ChartBuilder::on(&plot)
        .caption(panel.caption, ("sans-serif", 20))
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
        .y_desc(panel.y_desc)
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
            .filter(|r| r.label() == *name)
            .filter_map(|r| {
                let g = scenarios.iter().position(|s| *s == r.scenario)? as f64;
                Some((
                    g + 0.1 + k as f64 * width,
                    (panel.value)(r).filter(|v| *v > 0.0)?,
                ))
            })
            .collect();
        chart
            .draw_series(
                bars.iter()
                    .map(|&(x, v)| Rectangle::new([(x, lo), (x + width * 0.9, v)], color.filled())),
            )
            .map_err(draw_err)?;
        chart
            .draw_series(bars.iter().map(|&(x, v)| {
                let style = ("sans-serif", 11)
                    .into_font()
                    .into_text_style(area)
                    .pos(Pos::new(HPos::Center, VPos::Bottom));
                Text::new(label(v, panel.whole), (x + width * 0.45, v), style)
            }))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Width of the key beside each bar chart, in pixels.
const KEY_WIDTH: i32 = 230;

/// The key: a colour chip and a name per series, top down, in a column of its own so that it
/// never hides a bar.
fn key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, series: &[&str]) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    for (k, name) in series.iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        let y = 50 + 20 * k as i32;
        area.draw(&Rectangle::new([(0, y - 6), (12, y + 6)], color.filled()))
            .map_err(draw_err)?;
        let style = ("sans-serif", 13)
            .into_font()
            .into_text_style(area)
            .pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(*name, (20, y), style))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// A value written on its bar or point.
pub fn label(v: f64, whole: bool) -> String {
    if whole { format!("{v:.0}") } else { figure(v) }
}
