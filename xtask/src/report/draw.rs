//! Drawing in pixels on plotters' SVG backend, for charts laid out by hand: text of a size a
//! back row reads, filled boxes, lines, the stripes of a run cut short, nice axis steps, and
//! labels spread so that none overlaps another.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A chart's drawing area: the charts are SVG only.
pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// plotters' SVG backend writes `font-size` as the size it is given divided by 1.24: sizes are
/// asked for through this, so that the page shows the pixels named here.
const SVG_SCALE: f64 = 1.24;

/// Text sizes in pixels as the SVG says them: every label, tick and key, then the captions.
pub const TEXT: f64 = 16.5;
pub const CAPTION: f64 = 22.0;

/// Text colours: the words, and what is not there ("not run").
pub const INK: RGBColor = RGBColor(0x1f, 0x1f, 0x1f);
pub const MUTED: RGBColor = RGBColor(0x59, 0x59, 0x59);
/// Grid lines (strokes, never fills).
pub const GRID: RGBColor = RGBColor(0xc8, 0xc8, 0xc8);

pub fn draw_err(err: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing failed: {err}")
}

/// The font for `px` pixels as rendered.
pub fn font(px: f64) -> FontDesc<'static> {
    ("sans-serif", px * SVG_SCALE).into_font()
}

/// About how wide `text` is at `px` pixels in a sans-serif font (DejaVu Sans, Liberation Sans
/// and Arial average under 0.6 em a character): enough for laying out columns.
pub fn width_of(text: &str, px: f64) -> i32 {
    (text.chars().count() as f64 * px * 0.6).ceil() as i32
}

/// `text` broken between words into lines no wider than `width` pixels at `px`.
pub fn wrap(text: &str, px: f64, width: i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let wider = format!("{line} {word}");
        if !line.is_empty() && width_of(&wider, px) > width {
            lines.push(std::mem::take(&mut line));
        }
        if line.is_empty() {
            line = word.to_string();
        } else {
            line = format!("{line} {word}");
        }
    }
    lines.push(line);
    lines
}

/// A chart's caption, at its top left.
pub fn caption(area: &Area<'_>, text: &str) -> anyhow::Result<()> {
    write(
        area,
        text,
        (12, 10),
        (CAPTION, false),
        (HPos::Left, VPos::Top),
        INK,
    )
}

/// Write `text` at `at`, anchored at `anchor` (left/centre/right, top/centre/bottom).
pub fn write(
    area: &Area<'_>,
    text: &str,
    at: (i32, i32),
    (px, bold): (f64, bool),
    anchor: (HPos, VPos),
    colour: RGBColor,
) -> anyhow::Result<()> {
    let font = if bold {
        font(px).style(FontStyle::Bold)
    } else {
        font(px)
    };
    let style = font.color(&colour).pos(Pos::new(anchor.0, anchor.1));
    area.draw(&Text::new(text.to_string(), at, style))
        .map_err(draw_err)
}

/// A box filled with `colour`, from corner to corner.
pub fn fill(
    area: &Area<'_>,
    from: (i32, i32),
    to: (i32, i32),
    colour: RGBColor,
) -> anyhow::Result<()> {
    area.draw(&Rectangle::new([from, to], colour.filled()))
        .map_err(draw_err)
}

/// A line through `points`.
pub fn line(
    area: &Area<'_>,
    points: Vec<(i32, i32)>,
    colour: RGBColor,
    width: u32,
) -> anyhow::Result<()> {
    area.draw(&PathElement::new(points, colour.stroke_width(width)))
        .map_err(draw_err)
}

/// White diagonal stripes across a box: the mark of a run the time budget cut short, seen
/// without colour and on a bar of any length.
pub fn stripes(area: &Area<'_>, (x0, y0): (i32, i32), (x1, y1): (i32, i32)) -> anyhow::Result<()> {
    let (h, pitch) = (y1 - y0, 9);
    // Each stripe goes up to the right at 45°, clipped to the box.
    let mut start = x0 - h;
    while start < x1 {
        let (mut ax, mut ay) = (start, y1);
        let (mut bx, mut by) = (start + h, y0);
        if ax < x0 {
            ay -= x0 - ax;
            ax = x0;
        }
        if bx > x1 {
            by += bx - x1;
            bx = x1;
        }
        if ax < bx {
            line(area, vec![(ax, ay), (bx, by)], WHITE, 3)?;
        }
        start += pitch;
    }
    Ok(())
}

/// Steps for an axis from 0 that reaches `max`: 1, 2 or 5 times a power of ten, 3 to 6 of
/// them; the last step is at or above `max`.
pub fn ticks(max: f64) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / 4.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|k| k * power)
        .find(|step| max / step <= 5.0)
        .unwrap_or(10.0 * power);
    let steps = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=steps).map(|k| k as f64 * step).collect()
}

/// An axis number: whole from 10 up, else as short as it is (0.5, 2.5).
pub fn tick_label(v: f64) -> String {
    if v >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        let text = format!("{v:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Label positions (pixels, downwards) as near as can be to `wanted`, at least `gap` apart and
/// within `top..=bottom`: labels of values close together are spread instead of overlapping.
/// Returned in the order of `wanted`.
pub fn spread(wanted: &[f64], gap: f64, (top, bottom): (f64, f64)) -> Vec<f64> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by(|&a, &b| wanted[a].total_cmp(&wanted[b]));
    let mut at: Vec<f64> = order.iter().map(|&i| wanted[i]).collect();
    for k in 0..at.len() {
        let floor = if k == 0 { top } else { at[k - 1] + gap };
        at[k] = at[k].max(floor);
    }
    // Pushed past the bottom: move the stack up, as far as the top allows.
    if let Some(&last) = at.last()
        && last > bottom
    {
        let up = last - bottom;
        for y in at.iter_mut() {
            *y -= up;
        }
        for k in 0..at.len() {
            let floor = if k == 0 { top } else { at[k - 1] + gap };
            at[k] = at[k].max(floor);
        }
    }
    let mut out = vec![0.0; wanted.len()];
    for (k, &i) in order.iter().enumerate() {
        out[i] = at[k];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_reach_the_maximum_in_round_steps() {
        assert_eq!(ticks(190.0), [0.0, 50.0, 100.0, 150.0, 200.0]);
        assert_eq!(ticks(3.29), [0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(ticks(402.0), [0.0, 100.0, 200.0, 300.0, 400.0, 500.0]);
        for max in [0.0, 0.7, 9.5, 13.0, 48.2, 161.0, 3710.0] {
            let t = ticks(max);
            assert!(t.len() >= 3 && t.len() <= 7, "{max}: {t:?}");
            assert!(*t.last().unwrap() >= max && t[0] == 0.0, "{max}: {t:?}");
        }
    }

    #[test]
    fn spread_labels_keep_their_gap_and_order() {
        let at = spread(&[100.0, 101.0, 99.0, 300.0], 20.0, (0.0, 400.0));
        assert_eq!(at, [119.0, 139.0, 99.0, 300.0]);
        // At the bottom, the stack moves up.
        let at = spread(&[395.0, 396.0], 20.0, (0.0, 400.0));
        assert_eq!(at, [380.0, 400.0]);
    }
}
