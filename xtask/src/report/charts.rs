//! compare's bar charts, drawn in pixels with plotters' SVG backend (text stays SVG text: no
//! font files): speed (report.svg) and memory (memory.svg). A row per downloader and `-m`,
//! named in words at its left; a panel per scenario, DELAY first (where concurrency wins, the
//! lesson) and LOCAL last, with what its floor says; linear scales from 0, so that a bar twice
//! as long is twice as much; each value written at the end of its bar. What the charts share
//! with the timeline and the sweep: the colours (one per downloader, others for statuses) and
//! the scenario order.

use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use flags_common::Status;
use flags_server::Profile;

use super::draw::{self, Area, GRID, INK, MUTED, TEXT, draw_err};
use crate::bench::downloader::{Downloader, Impl, Script};
use crate::bench::options::{Settings, first_seen};
use crate::bench::runs::Row;

/// Each downloader's colour, one per downloader on every chart. None is green, blue or red,
/// which mean OK, not found and error (the race's board, the timeline); each has at least
/// 4.5:1 contrast against white, so that a bar, a line or a label in it reads from the back.
pub fn colour(downloader: Downloader) -> RGBColor {
    match downloader {
        Downloader::Rust(Impl::Seq) => RGBColor(0x8c, 0x4a, 0x1c), // brown
        Downloader::Rust(Impl::Threadpool) => RGBColor(0xc2, 0x54, 0x00), // orange
        Downloader::Rust(Impl::Tokio) => RGBColor(0x6a, 0x3d, 0x9a), // purple
        Downloader::Rust(Impl::Combinators) => RGBColor(0xb5, 0x26, 0x7b), // magenta
        Downloader::Python(Script::Sequential) => RGBColor(0x5f, 0x5f, 0x5f), // grey
        Downloader::Python(Script::Threadpool) => RGBColor(0x7c, 0x6f, 0x00), // olive
        Downloader::Python(Script::Asyncio) => RGBColor(0x00, 0x76, 0x7e), // teal
    }
}

/// Each status's colour, as the race's board shows it: OK green, not found blue, error red.
pub fn status_colour(status: Status) -> RGBColor {
    match status {
        Status::Ok => RGBColor(0x1a, 0x7f, 0x37),
        Status::NotFound => RGBColor(0x1f, 0x5f, 0xbf),
        Status::Error => RGBColor(0xc6, 0x28, 0x28),
    }
}

/// The scenarios of `rows` in the lesson's order: DELAY first, where concurrency wins; then
/// ERROR and CHAOS; LOCAL last, where no delay leaves little for concurrency to win.
pub fn scenarios(rows: &[Row]) -> Vec<Profile> {
    let rank = |p: &Profile| match p {
        Profile::Delay => 0,
        Profile::Error => 1,
        Profile::Chaos => 2,
        Profile::Local => 3,
    };
    let mut scenarios = first_seen(rows.iter().map(|r| r.scenario));
    scenarios.sort_by_key(rank);
    scenarios
}

/// What marks a run the time budget cut short, after its value.
pub const CUT: &str = "cut";

/// Whether `row`'s run was stopped by the budget (or killed): its figures are what it did
/// until then, not a finished run.
pub fn cut(row: &Row) -> bool {
    row.median.budget_hit || row.median.killed
}

/// The footnote that says what "cut" means.
pub fn cut_note(settings: &Settings) -> String {
    format!(
        "Striped, \u{201c}{CUT}\u{201d}: stopped by the time budget (SIGINT at {} s): what it did until then.",
        settings.budget_s
    )
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

/// A value written on its bar or point.
pub fn label(v: f64, whole: bool) -> String {
    if whole { format!("{v:.0}") } else { figure(v) }
}

/// One measure of each row, as a bar chart draws it.
pub struct Figure {
    pub caption: String,
    pub value: fn(&Row) -> Option<f64>,
    /// Counts (threads) are written without decimals.
    pub whole: bool,
    /// One scale for every panel (memory, threads: alike in every scenario); else each panel
    /// has its own (speed: LOCAL is ten times DELAY).
    pub shared: bool,
}

/// The charts' width: report.html shows them at their natural size, their text at its 16.5
/// pixels, in a window from 1024 pixels wide (a projector's XGA) on.
pub const WIDTH: u32 = 960;
/// A bar's row, and the bar in it.
const ROW: i32 = 30;
const BAR: i32 = 20;
/// Above the rows: the caption, then each panel's two lines of title.
const CAPTION_H: i32 = 44;
const HEAD_H: i32 = 50;
/// Under the rows: the tick labels; then a line per footnote.
const AXIS_H: i32 = 34;
const NOTE_H: i32 = 26;

/// Height of one bar chart of `series` rows and `notes` footnotes.
fn height(series: usize, notes: usize) -> u32 {
    (CAPTION_H + HEAD_H + ROW * series as i32 + AXIS_H + NOTE_H * notes as i32 + 8).max(0) as u32
}

/// The rows of a chart: each downloader at each `-m`, in the order of the downloaders, then
/// of `-m`.
fn series(rows: &[Row]) -> Vec<(Downloader, usize)> {
    let downloaders = first_seen(rows.iter().map(|r| r.downloader));
    let mut series = first_seen(rows.iter().map(|r| (r.downloader, r.concurrency)));
    series.sort_by_key(|(d, m)| (downloaders.iter().position(|x| x == d), *m));
    series
}

/// Footnotes as lines that fit the chart's width.
fn lines(notes: &[String]) -> Vec<String> {
    notes
        .iter()
        .flat_map(|note| draw::wrap(note, TEXT, WIDTH as i32 - 24))
        .collect()
}

/// Items/s for each downloader in each scenario.
pub fn speed(rows: &[Row], settings: &Settings) -> anyhow::Result<String> {
    let mut notes = Vec::new();
    if rows.iter().any(cut) {
        notes.push(cut_note(settings));
    }
    if let Some(note) = local_note(rows) {
        notes.push(note);
    }
    let notes = lines(&notes);
    let figure = Figure {
        caption: format!(
            "Speed: items per second, {} (median of {}); each panel its own scale",
            codes(settings),
            repeats(settings)
        ),
        value: |r| r.median.items_per_s,
        whole: false,
        shared: false,
    };
    let h = height(series(rows).len(), notes.len());
    let mut svg = String::new();
    {
        let root = plotters::prelude::SVGBackend::with_string(&mut svg, (WIDTH, h));
        let root = plotters::prelude::IntoDrawingArea::into_drawing_area(root);
        root.fill(&plotters::style::WHITE).map_err(draw_err)?;
        bars(&root, rows, settings, &figure, &notes)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Peak RSS (MiB) above, peak threads below, for each downloader in each scenario.
pub fn memory(rows: &[Row], settings: &Settings) -> anyhow::Result<String> {
    let notes: Vec<String> = rows
        .iter()
        .any(cut)
        .then(|| cut_note(settings))
        .into_iter()
        .collect();
    let notes = lines(&notes);
    let figures = [
        Figure {
            caption: format!(
                "Memory: peak resident set size, MiB, {} (median of {})",
                codes(settings),
                repeats(settings)
            ),
            value: |r| r.median.usage.peak_rss_kib.map(|k| k as f64 / 1024.0),
            whole: false,
            shared: true,
        },
        Figure {
            caption: "Threads: most threads of the process at once".into(),
            value: |r| r.median.threads_peak.map(f64::from),
            whole: true,
            shared: true,
        },
    ];
    let n = series(rows).len();
    let (top_h, bottom_h) = (height(n, 0), height(n, notes.len()));
    let mut svg = String::new();
    {
        let root = plotters::prelude::SVGBackend::with_string(&mut svg, (WIDTH, top_h + bottom_h));
        let root = plotters::prelude::IntoDrawingArea::into_drawing_area(root);
        root.fill(&plotters::style::WHITE).map_err(draw_err)?;
        let (top, bottom) = root.split_vertically(top_h);
        bars(&top, rows, settings, &figures[0], &[])?;
        bars(&bottom, rows, settings, &figures[1], &notes)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// `-e -l 100`: the codes asked for, as a downloader's options say it.
fn codes(settings: &Settings) -> String {
    match settings.limit {
        Some(n) => format!("-e -l {n}"),
        None => "-e".into(),
    }
}

fn repeats(settings: &Settings) -> String {
    match settings.repeat {
        1 => "1 run".into(),
        n => format!("{n} runs"),
    }
}

/// What a scenario's delays are: `delays 0.05..0.5 s`, `no delay`.
pub fn delays(scenario: Profile, settings: &Settings) -> String {
    if scenario == Profile::Local {
        return "no delay".into();
    }
    match settings.delay {
        Some(d) => format!("delays {d} s"),
        None => {
            let (lo, hi) = scenario.default_delay();
            let (lo, hi) = (lo.as_secs_f64(), hi.as_secs_f64());
            if lo == hi {
                format!("delays {lo} s")
            } else {
                format!("delays {lo}..{hi} s")
            }
        }
    }
}

/// Under the speed chart, when LOCAL ran: why its bars say little of concurrency, and how
/// close each run came to this machine's floor.
fn local_note(rows: &[Row]) -> Option<String> {
    if !rows.iter().any(|r| r.scenario == Profile::Local) {
        return None;
    }
    let times: Vec<f64> = rows
        .iter()
        .filter_map(|r| r.floor.as_ref()?.times)
        .collect();
    let lo = times.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = times.iter().copied().fold(0.0, f64::max);
    let floor = if times.is_empty() {
        String::new()
    } else {
        format!("; ours took {lo:.1}× to {hi:.1}× this machine's floor (report.md)")
    };
    Some(format!(
        "LOCAL has no delay: start-up, CPU and disk are all there is to wait for{floor}."
    ))
}

/// One bar chart in `area`: the caption, a panel per scenario (a title, a bar per row, the
/// scale under it), then the footnotes.
fn bars(
    area: &Area<'_>,
    rows: &[Row],
    settings: &Settings,
    figure: &Figure,
    notes: &[String],
) -> anyhow::Result<()> {
    let series = series(rows);
    let scenarios = scenarios(rows);
    let (width, _) = area.dim_in_pixel();
    let width = width as i32;
    draw::caption(area, &figure.caption)?;
    let name = |&(d, m): &(Downloader, usize)| format!("{d} -m {m}");
    let names_w = series
        .iter()
        .map(|s| draw::width_of(&name(s), TEXT))
        .max()
        .unwrap_or(0)
        .max(120);
    let top = CAPTION_H + HEAD_H;
    for (k, s) in series.iter().enumerate() {
        let y = top + k as i32 * ROW + ROW / 2;
        draw::write(
            area,
            &name(s),
            (12 + names_w, y),
            (TEXT, false),
            (HPos::Right, VPos::Center),
            INK,
        )?;
    }
    let value_of = |s: &(Downloader, usize), scenario: Profile| {
        rows.iter()
            .find(|r| r.scenario == scenario && (r.downloader, r.concurrency) == *s)
            .and_then(|r| {
                Some((
                    (figure.value)(r).filter(|v| v.is_finite() && *v >= 0.0)?,
                    cut(r),
                ))
            })
    };
    let text_of = |(v, c): (f64, bool)| {
        let text = label(v, figure.whole);
        if c { format!("{text} {CUT}") } else { text }
    };
    let everywhere: Vec<(f64, bool)> = scenarios
        .iter()
        .flat_map(|&p| series.iter().filter_map(move |s| value_of(s, p)))
        .collect();
    let left = 12 + names_w + 16;
    let gap = 30;
    let n = scenarios.len().max(1) as i32;
    let panel_w = ((width - left - 12 - gap * (n - 1)) / n).max(80);
    let bottom = top + ROW * series.len() as i32;
    for (p, &scenario) in scenarios.iter().enumerate() {
        let x0 = left + p as i32 * (panel_w + gap);
        let here: Vec<(f64, bool)> = series
            .iter()
            .filter_map(|s| value_of(s, scenario))
            .collect();
        let scaled = if figure.shared { &everywhere } else { &here };
        let max = scaled.iter().map(|&(v, _)| v).fold(0.0, f64::max);
        // Room at the right for the longest value written after its bar.
        let room = (if figure.shared { &everywhere } else { &here })
            .iter()
            .map(|&v| draw::width_of(&text_of(v), TEXT) + 10)
            .max()
            .unwrap_or(0);
        let bar_w = (panel_w - room).max(40);
        let ticks = draw::ticks(max);
        let full = ticks.last().copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
        let x_of = |v: f64| x0 + (v / full * f64::from(bar_w)).round() as i32;
        // The title: the scenario, its delays.
        draw::write(
            area,
            scenario.label(),
            (x0, CAPTION_H),
            (TEXT, true),
            (HPos::Left, VPos::Top),
            INK,
        )?;
        draw::write(
            area,
            &delays(scenario, settings),
            (x0, CAPTION_H + 22),
            (TEXT, false),
            (HPos::Left, VPos::Top),
            INK,
        )?;
        // The scale: grid lines, and as many of their numbers as fit side by side.
        let widest = ticks
            .iter()
            .map(|&t| draw::width_of(&draw::tick_label(t), TEXT))
            .max()
            .unwrap_or(0);
        let pitch = f64::from(bar_w) / (ticks.len().max(2) - 1) as f64;
        let every = ((f64::from(widest + 12) / pitch).ceil() as usize).max(1);
        for (i, &t) in ticks.iter().enumerate() {
            let x = x_of(t);
            draw::line(area, vec![(x, top - 4), (x, bottom)], GRID, 1)?;
            if i % every == 0 {
                draw::write(
                    area,
                    &draw::tick_label(t),
                    (x, bottom + 6),
                    (TEXT, false),
                    (HPos::Center, VPos::Top),
                    INK,
                )?;
            }
        }
        draw::line(area, vec![(x0, top - 4), (x0, bottom)], INK, 1)?;
        for (k, s) in series.iter().enumerate() {
            let mid = top + k as i32 * ROW + ROW / 2;
            let Some((v, c)) = value_of(s, scenario) else {
                draw::write(
                    area,
                    "not run",
                    (x0 + 6, mid),
                    (TEXT, false),
                    (HPos::Left, VPos::Center),
                    MUTED,
                )?;
                continue;
            };
            let end = x_of(v).max(x0 + 2);
            let (from, to) = ((x0 + 1, mid - BAR / 2), (end, mid + BAR / 2));
            draw::fill(area, from, to, colour(s.0))?;
            if c {
                draw::stripes(area, from, to)?;
            }
            draw::write(
                area,
                &text_of((v, c)),
                (end + 6, mid),
                (TEXT, false),
                (HPos::Left, VPos::Center),
                INK,
            )?;
        }
    }
    for (i, note) in notes.iter().enumerate() {
        draw::write(
            area,
            note,
            (12, bottom + AXIS_H + 4 + i as i32 * NOTE_H),
            (TEXT, false),
            (HPos::Left, VPos::Top),
            INK,
        )?;
    }
    Ok(())
}
