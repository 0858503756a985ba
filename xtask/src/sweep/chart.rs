//! sweep.svg: elapsed time, peak RSS and peak threads against `-m` (log scales), one line per
//! downloader; the sequential baseline is a single point at `-m 1`.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use flags_server::Profile;

use crate::bench::downloader::{Downloader, Model};
use crate::bench::options::{Settings, first_seen};
use crate::bench::runs::Row;
use crate::report::charts::{
    CAPTION, CUT, Panel, TEXT, axis_number, colour, cut, draw_err, key_entry, label,
};

const PANELS: [Panel; 3] = [
    Panel {
        caption: "Elapsed time, s",
        y_desc: "elapsed s",
        value: |r| r.median.elapsed_s,
        whole: false,
    },
    Panel {
        caption: "Peak resident memory, MiB",
        y_desc: "peak RSS, MiB",
        value: |r| r.median.usage.peak_rss_kib.map(|k| k as f64 / 1024.0),
        whole: false,
    },
    Panel {
        caption: "Peak threads",
        y_desc: "threads",
        value: |r| r.median.threads_peak.map(f64::from),
        whole: true,
    },
];

pub fn draw(rows: &[Row], settings: &Settings) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 1080)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let title = format!(
            "DELAY {}: cost against -m (log scales), median of {} repeat(s)",
            settings.scope(Profile::Delay),
            settings.repeat
        );
        let root = root
            .margin(10, 0, 0, 0)
            .titled(&title, ("sans-serif", CAPTION))
            .map_err(draw_err)?;
        let (top, panels) = root.split_vertically(34);
        key(&top, rows)?;
        for (panel, area) in PANELS.iter().zip(panels.split_evenly((3, 1)).iter()) {
            lines(area, rows, panel)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

fn lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[Row],
    panel: &Panel,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let names = first_seen(rows.iter().map(|r| r.downloader));
    let (lo, hi) = panel.log_range(rows, 1.5);
    let m_max = rows.iter().map(|r| r.concurrency).max().unwrap_or(1) as f64 * 2.0;
    let mut chart = ChartBuilder::on(area)
        .caption(panel.caption, ("sans-serif", CAPTION - 2))
        .margin(10)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d((0.7f64..m_max).log_scale(), (lo..hi).log_scale())
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc("-m (requests allowed in flight)")
        .y_desc(panel.y_desc)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&axis_number)
        .label_style(("sans-serif", TEXT))
        .axis_desc_style(("sans-serif", TEXT))
        .draw()
        .map_err(draw_err)?;
    let mut labels = Vec::new();
    // The sequential baseline last, as a square, so that the lines at -m 1 do not hide it.
    let baseline_last = |d: &Downloader| d.model() == Model::Sequential;
    let mut names = names;
    names.sort_by_key(baseline_last);
    for name in names {
        let color = colour(name, 0.0);
        let mut points: Vec<(f64, f64, bool)> = rows
            .iter()
            .filter(|r| r.downloader == name)
            .filter_map(|r| {
                let value = (panel.value)(r).filter(|v| *v > 0.0)?;
                Some((r.concurrency as f64, value, cut(r)))
            })
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let line: Vec<(f64, f64)> = points.iter().map(|&(x, y, _)| (x, y)).collect();
        chart
            .draw_series(LineSeries::new(line, color.stroke_width(3)))
            .map_err(draw_err)?;
        // A run the budget cut short is a hollow mark.
        let style = |cut: bool| {
            if cut {
                color.stroke_width(2)
            } else {
                color.filled()
            }
        };
        if baseline_last(&name) {
            chart
                .draw_series(points.iter().map(|&(x, y, c)| {
                    Rectangle::new([(x / 1.12, y / 1.25), (x * 1.12, y * 1.25)], style(c))
                }))
                .map_err(draw_err)?;
        } else {
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|&(x, y, c)| Circle::new((x, y), 5, style(c))),
                )
                .map_err(draw_err)?;
        }
        for &(x, y, c) in &points {
            let text = label(y, panel.whole) + if c { CUT } else { "" };
            labels.push((x, y, text, color));
        }
    }
    // Values beside their points, those at the same -m nudged apart so none overlaps.
    let decades = (hi / lo).log10().max(1.0);
    let plot_height = f64::from(area.dim_in_pixel().1).max(100.0) - 110.0;
    let gap = 18.0 * decades / plot_height.max(50.0);
    labels.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut last: Option<(f64, f64)> = None;
    for (x, y, text, color) in labels {
        let mut at = y.log10();
        if let Some((lx, ly)) = last
            && lx == x
        {
            at = at.max(ly + gap);
        }
        last = Some((x, at));
        let style = ("sans-serif", TEXT)
            .into_font()
            .color(&color)
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(std::iter::once(Text::new(
                text,
                (x * 1.2, 10f64.powf(at)),
                style,
            )))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// One key for the three panels, in a line of its own under the title: a colour per
/// downloader, and what `*` and a hollow mark mean.
fn key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, rows: &[Row]) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let mut x = 90;
    for name in first_seen(rows.iter().map(|r| r.downloader)) {
        key_entry(area, (x, 17), Some(colour(name, 0.0)), name.name())?;
        x += 30 + 9 * name.name().len() as i32;
    }
    if rows.iter().any(cut) {
        key_entry(
            area,
            (x, 17),
            None,
            &format!("hollow, {CUT}: cut by the time budget"),
        )?;
    }
    Ok(())
}
