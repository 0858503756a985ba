//! sweep.svg: what `-m` buys and what it costs, one panel each, a line per downloader against
//! `-m` (log scale: 1, 10, 100, 1000 evenly apart): items per second, then peak RSS and peak
//! threads, on linear scales from 0, so that a thread's cost against a task's shows as the
//! ratio it is. The sequential baseline is a single square at `-m 1`; a run the budget cut
//! short is a hollow mark. The values at the highest `-m` are written where the lines end.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use flags_server::Profile;

use crate::bench::downloader::{Downloader, Model};
use crate::bench::options::{Settings, first_seen};
use crate::bench::runs::Row;
use crate::report::charts::{CUT, WIDTH, colour, cut, delays, label};
use crate::report::draw::{self, Area, GRID, INK, TEXT, draw_err};

/// One panel: a figure of each row against `-m`.
struct Panel {
    caption: &'static str,
    value: fn(&Row) -> Option<f64>,
    /// Counts (threads) are written without decimals.
    whole: bool,
}

const PANELS: [Panel; 3] = [
    Panel {
        caption: "What -m buys: items per second",
        value: |r| r.median.items_per_s,
        whole: false,
    },
    Panel {
        caption: "What it costs: peak resident memory, MiB",
        value: |r| r.median.usage.peak_rss_kib.map(|k| k as f64 / 1024.0),
        whole: false,
    },
    Panel {
        caption: "And threads: most at once",
        value: |r| r.median.threads_peak.map(f64::from),
        whole: true,
    },
];

const PANEL_H: u32 = 340;
/// The title above the panels, then a line per line of the key.
const TITLE_H: u32 = 46;
const KEY_LINE: i32 = 26;

pub fn draw(rows: &[Row], settings: &Settings) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let top_h = TITLE_H + KEY_LINE as u32 * key_lines(rows) + 12;
        let height = top_h + PANEL_H * PANELS.len() as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let limit = settings.limit.map_or(String::new(), |n| format!(" -l {n}"));
        let runs = match settings.repeat {
            1 => "1 run".to_string(),
            n => format!("median of {n} runs"),
        };
        let title = format!(
            "DELAY -e{limit}, {}: against -m, {runs}",
            delays(Profile::Delay, settings)
        );
        draw::caption(&root, &title)?;
        key(&root, rows)?;
        let (_, panels) = root.split_vertically(top_h);
        for (panel, area) in PANELS
            .iter()
            .zip(panels.split_evenly((PANELS.len(), 1)).iter())
        {
            lines(area, rows, panel)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// The plot inside a panel, in pixels: left, top, right, bottom.
const PLOT: (i32, i32, i32, i32) = (96, 44, 150, 66);

fn lines(area: &Area<'_>, rows: &[Row], panel: &Panel) -> anyhow::Result<()> {
    let (w, h) = area.dim_in_pixel();
    let (left, top) = (PLOT.0, PLOT.1);
    let (right, bottom) = (w as i32 - PLOT.2, h as i32 - PLOT.3);
    draw::write(
        area,
        panel.caption,
        (12, 8),
        (TEXT, true),
        (HPos::Left, VPos::Top),
        INK,
    )?;
    let levels: Vec<usize> = {
        let mut levels = first_seen(rows.iter().map(|r| r.concurrency.max(1)));
        levels.sort();
        levels
    };
    let (lo, hi) = match (levels.first(), levels.last()) {
        (Some(&lo), Some(&hi)) => (lo as f64 / 1.5, hi as f64 * 1.5),
        _ => (0.5, 2.0),
    };
    let x_of = |m: usize| {
        let t = ((m.max(1) as f64).ln() - lo.ln()) / (hi.ln() - lo.ln());
        left + (t * f64::from(right - left)).round() as i32
    };
    let max = rows
        .iter()
        .filter_map(panel.value)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let ticks = draw::ticks(max);
    let full = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let y_of = |v: f64| bottom - (v / full * f64::from(bottom - top)).round() as i32;
    for &t in &ticks {
        let y = y_of(t);
        draw::line(area, vec![(left, y), (right, y)], GRID, 1)?;
        draw::write(
            area,
            &draw::tick_label(t),
            (left - 8, y),
            (TEXT, false),
            (HPos::Right, VPos::Center),
            INK,
        )?;
    }
    for &m in &levels {
        let x = x_of(m);
        draw::line(area, vec![(x, top), (x, bottom)], GRID, 1)?;
        draw::write(
            area,
            &m.to_string(),
            (x, bottom + 6),
            (TEXT, false),
            (HPos::Center, VPos::Top),
            INK,
        )?;
    }
    draw::line(
        area,
        vec![(left, top), (left, bottom), (right, bottom)],
        INK,
        1,
    )?;
    draw::write(
        area,
        "-m, requests allowed in flight (log scale)",
        ((left + right) / 2, bottom + 32),
        (TEXT, false),
        (HPos::Center, VPos::Top),
        INK,
    )?;
    // The sequential baseline last, as a square, so that the lines at -m 1 do not hide it.
    let baseline = |d: &Downloader| d.model() == Model::Sequential;
    let mut names = first_seen(rows.iter().map(|r| r.downloader));
    names.sort_by_key(baseline);
    // Every value's label: where its point is, its text, its colour.
    let mut labels: Vec<(i32, i32, String, RGBColor)> = Vec::new();
    for name in names {
        let colour = colour(name);
        let mut points: Vec<(usize, f64, bool)> = rows
            .iter()
            .filter(|r| r.downloader == name)
            .filter_map(|r| {
                let value = (panel.value)(r).filter(|v| v.is_finite() && *v >= 0.0)?;
                Some((r.concurrency, value, cut(r)))
            })
            .collect();
        points.sort_by_key(|p| p.0);
        let at: Vec<(i32, i32)> = points.iter().map(|&(m, v, _)| (x_of(m), y_of(v))).collect();
        if at.len() > 1 {
            draw::line(area, at.clone(), colour, 3)?;
        }
        for (&(x, y), &(_, v, c)) in at.iter().zip(&points) {
            // A run the budget cut short is a hollow mark.
            let style = if c {
                colour.stroke_width(3)
            } else {
                colour.filled()
            };
            if baseline(&name) {
                area.draw(&Rectangle::new([(x - 7, y - 7), (x + 7, y + 7)], style))
                    .map_err(draw_err)?;
            } else {
                area.draw(&Circle::new((x, y), 6, style))
                    .map_err(draw_err)?;
            }
            let text = label(v, panel.whole);
            let text = if c { format!("{text} {CUT}") } else { text };
            labels.push((x, y, text, colour));
        }
    }
    // The values at the highest -m, where the lines end: beside their points, spread apart so
    // that none overlaps another. The others are read on the scale.
    let last = levels.last().map_or(right, |&m| x_of(m));
    let here: Vec<&(i32, i32, String, RGBColor)> = labels.iter().filter(|l| l.0 == last).collect();
    let wanted: Vec<f64> = here.iter().map(|l| f64::from(l.1)).collect();
    let at = draw::spread(&wanted, TEXT + 4.0, (f64::from(top), f64::from(bottom)));
    for (label, y) in here.into_iter().zip(at) {
        draw::write(
            area,
            &label.2,
            (last + 12, y.round() as i32),
            (TEXT, false),
            (HPos::Left, VPos::Center),
            label.3,
        )?;
    }
    Ok(())
}

/// One key for the three panels, under the title: a colour per downloader, then on a line of
/// its own what a hollow mark and "cut" mean; each entry's place (x, line) and words.
fn key_layout(rows: &[Row]) -> Vec<(i32, i32, Option<RGBColor>, String)> {
    let mut entries = Vec::new();
    let (mut x, mut line) = (12, 0);
    for name in first_seen(rows.iter().map(|r| r.downloader)) {
        let w = 22 + draw::width_of(name.name(), TEXT);
        if x > 12 && x + w > WIDTH as i32 - 12 {
            (x, line) = (12, line + 1);
        }
        entries.push((x, line, Some(colour(name)), name.name().to_string()));
        x += w + 20;
    }
    if rows.iter().any(cut) {
        let words = format!("hollow mark, \u{201c}{CUT}\u{201d}: stopped by the time budget");
        entries.push((12, line + 1, None, words));
    }
    entries
}

/// Lines the key takes.
fn key_lines(rows: &[Row]) -> u32 {
    key_layout(rows).last().map_or(0, |e| e.1 as u32 + 1)
}

fn key(area: &Area<'_>, rows: &[Row]) -> anyhow::Result<()> {
    for (x, line, chip, words) in key_layout(rows) {
        let y = 58 + line * KEY_LINE;
        let at = match chip {
            Some(c) => {
                draw::fill(area, (x, y - 8), (x + 16, y + 8), c)?;
                x + 22
            }
            None => x,
        };
        draw::write(
            area,
            &words,
            (at, y),
            (TEXT, false),
            (HPos::Left, VPos::Center),
            INK,
        )?;
    }
    Ok(())
}
