//! sweep.svg: elapsed time, peak RSS and peak threads against `-m` (log scales), one line per
//! downloader; the sequential baseline is a single point at `-m 1`.

use plotters::coord::Shift;
use plotters::prelude::*;

use flags_server::Profile;

use crate::bench::options::{Settings, first_seen};
use crate::bench::runs::Row;
use crate::report::charts::{Panel, SERIES, draw_err, label};

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
            .titled(&title, ("sans-serif", 20))
            .map_err(draw_err)?;
        for (panel, area) in PANELS.iter().zip(root.split_evenly((3, 1)).iter()) {
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
        .caption(panel.caption, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d((0.7f64..m_max).log_scale(), (lo..hi).log_scale())
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc("-m (requests allowed in flight)")
        .y_desc(panel.y_desc)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| {
            if *y >= 1.0 {
                format!("{y:.0}")
            } else {
                format!("{y}")
            }
        })
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(draw_err)?;
    for (k, name) in names.iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        let mut points: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.downloader == *name)
            .filter_map(|r| Some((r.concurrency as f64, (panel.value)(r).filter(|v| *v > 0.0)?)))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .map_err(draw_err)?
            .label(name.name())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2)));
        chart
            .draw_series(
                points
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 4, color.filled())),
            )
            .map_err(draw_err)?;
        chart
            .draw_series(points.iter().map(|&(x, y)| {
                Text::new(
                    label(y, panel.whole),
                    (x, y),
                    ("sans-serif", 11).into_font(),
                )
            }))
            .map_err(draw_err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(draw_err)?;
    Ok(())
}
