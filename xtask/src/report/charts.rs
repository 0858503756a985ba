//! The bar charts, drawn with plotters' SVG backend (text stays SVG text: no font files):
//! speed (report.svg) and memory (memory.svg), each a group of bars per scenario, one bar per
//! downloader at one concurrency, on a log scale.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use flags_server::Profile;

use crate::bench::downloader::{Downloader, Impl, Script};
use crate::bench::options::{Settings, first_seen};
use crate::bench::runs::Row;

/// Text sizes, in pixels at the charts' natural size: read from the back of a room.
pub const TEXT: u32 = 15;
pub const CAPTION: u32 = 22;

/// Each downloader's colour: one per downloader, the statuses have others.
fn palette(downloader: Downloader) -> RGBColor {
    match downloader {
        Downloader::Rust(Impl::Seq) => RGBColor(0x4c, 0x72, 0xb0), // blue
        Downloader::Rust(Impl::Threadpool) => RGBColor(0xdd, 0x84, 0x52), // orange
        Downloader::Rust(Impl::Tokio) => RGBColor(0x2a, 0x8a, 0x4a), // green
        Downloader::Rust(Impl::Combinators) => RGBColor(0x81, 0x62, 0xb3), // purple
        Downloader::Python(Script::Sequential) => RGBColor(0x8c, 0x8c, 0x8c), // grey
        Downloader::Python(Script::Threadpool) => RGBColor(0x93, 0x58, 0x40), // brown
        Downloader::Python(Script::Asyncio) => RGBColor(0x2a, 0x9d, 0xb5), // teal
    }
}

/// The downloader's colour, mixed with white by `light` (0: none, 1: white): lighter for its
/// lower `-m` where a chart shows several.
pub fn colour(downloader: Downloader, light: f64) -> RGBColor {
    let RGBColor(r, g, b) = palette(downloader);
    let lighten = |c: u8| c + ((255 - c) as f64 * light.clamp(0.0, 1.0)) as u8;
    RGBColor(lighten(r), lighten(g), lighten(b))
}

/// How light a series is: its downloader's highest `-m` in full colour, each lower one lighter.
fn lightness(series: &[(Downloader, usize)], (downloader, m): (Downloader, usize)) -> f64 {
    let levels: Vec<usize> = series
        .iter()
        .filter(|(d, _)| *d == downloader)
        .map(|&(_, level)| level)
        .collect();
    let above = levels.iter().filter(|&&level| level > m).count();
    above as f64 / levels.len().max(1) as f64
}

/// What marks a run the time budget cut short, on its bar or point label.
pub const CUT: &str = "*";

/// Whether `row`'s run was stopped by the budget (or killed): its figures are what it did
/// until then, not a finished run.
pub fn cut(row: &Row) -> bool {
    row.median.budget_hit || row.median.killed
}

pub fn draw_err(err: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing failed: {err}")
}

/// Items/s for each downloader in each scenario.
pub fn speed(rows: &[Row], settings: &Settings) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1160, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        bars(
            &root,
            rows,
            settings,
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
pub fn memory(rows: &[Row], settings: &Settings) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1160, 1000)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, bottom) = root.split_vertically(500);
        bars(
            &top,
            rows,
            settings,
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
            settings,
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

/// Grouped bars on a log scale: a group per scenario, a bar per downloader and `-m` in the
/// downloader's colour (lighter for its lower `-m`), its value above it; a run the budget cut
/// short is outlined only, its value marked `*`.
fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[Row],
    settings: &Settings,
    panel: &Panel,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let mut scenarios: Vec<Profile> = rows.iter().map(|r| r.scenario).collect();
    scenarios.dedup();
    let series = first_seen(rows.iter().map(|r| (r.downloader, r.concurrency)));
    // Room above the highest bar for its value, written upwards.
    let (lo, hi) = panel.log_range(rows, 2.0);
    let hi = hi * 10.0;
    let groups = scenarios.len().max(1);
    let (plot, key_area) = area.split_horizontally(area.dim_in_pixel().0 as i32 - KEY_WIDTH);
    key(&key_area, &series, rows.iter().any(cut))?;
    let mut chart = ChartBuilder::on(&plot)
        .caption(panel.caption, ("sans-serif", CAPTION))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..groups as f64, (lo..hi).log_scale())
        .map_err(draw_err)?;
    let names: Vec<String> = scenarios
        .iter()
        .map(|s| format!("{} {}", s.label(), settings.scope(*s)))
        .collect();
    // Labels fall on multiples of 0.5: the group centres get the scenario and what ran.
    let x_label = |x: &f64| {
        let i = x.floor();
        if (x - i - 0.5).abs() < 1e-6 {
            names.get(i as usize).cloned().unwrap_or_default()
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
        .y_label_formatter(&axis_number)
        .label_style(("sans-serif", TEXT))
        .axis_desc_style(("sans-serif", TEXT))
        .draw()
        .map_err(draw_err)?;
    let width = 0.8 / series.len().max(1) as f64;
    for (k, &(downloader, m)) in series.iter().enumerate() {
        let color = colour(downloader, lightness(&series, (downloader, m)));
        let bars: Vec<(f64, f64, bool)> = rows
            .iter()
            .filter(|r| r.downloader == downloader && r.concurrency == m)
            .filter_map(|r| {
                let g = scenarios.iter().position(|s| *s == r.scenario)? as f64;
                let value = (panel.value)(r).filter(|v| *v > 0.0)?;
                Some((g + 0.1 + k as f64 * width, value, cut(r)))
            })
            .collect();
        chart
            .draw_series(bars.iter().map(|&(x, v, cut)| {
                let style = if cut {
                    color.stroke_width(2)
                } else {
                    color.filled()
                };
                Rectangle::new([(x, lo), (x + width * 0.9, v)], style)
            }))
            .map_err(draw_err)?;
        chart
            .draw_series(bars.iter().map(|&(x, v, cut)| {
                // Upwards, so that neighbouring values never overlap.
                let style = ("sans-serif", TEXT)
                    .into_font()
                    .transform(FontTransform::Rotate270)
                    .into_text_style(area)
                    .pos(Pos::new(HPos::Left, VPos::Center));
                let text = label(v, panel.whole) + if cut { CUT } else { "" };
                Text::new(text, (x + width * 0.45, v * 1.15), style)
            }))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Width of the key beside each bar chart, in pixels.
const KEY_WIDTH: i32 = 250;

/// The key: a colour chip and a name per series, top down, in a column of its own so that it
/// never hides a bar; under it, what `*` means when a run was cut.
fn key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[(Downloader, usize)],
    any_cut: bool,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let mut y = 50;
    for &(downloader, m) in series {
        let color = colour(downloader, lightness(series, (downloader, m)));
        key_entry(area, (0, y), Some(color), &format!("{downloader} -m {m}"))?;
        y += 22;
    }
    if any_cut {
        key_entry(
            area,
            (0, y + 10),
            None,
            &format!("{CUT} cut by the time budget"),
        )?;
    }
    Ok(())
}

/// One entry of a key at `(x, y)` (its middle, vertically): a colour chip, if any, and words.
pub fn key_entry<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    chip: Option<RGBColor>,
    words: &str,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let style = ("sans-serif", TEXT)
        .into_font()
        .into_text_style(area)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut at = x;
    if let Some(color) = chip {
        area.draw(&Rectangle::new(
            [(x, y - 7), (x + 14, y + 7)],
            color.filled(),
        ))
        .map_err(draw_err)?;
        at += 22;
    }
    area.draw(&Text::new(words, (at, y), style))
        .map_err(draw_err)?;
    Ok(())
}

/// A number on a log axis: whole from 1 up, as it is below (0.1, 0.01).
pub fn axis_number(y: &f64) -> String {
    if *y >= 1.0 {
        format!("{y:.0}")
    } else {
        format!("{y}")
    }
}

/// A value written on its bar or point.
pub fn label(v: f64, whole: bool) -> String {
    if whole { format!("{v:.0}") } else { figure(v) }
}
