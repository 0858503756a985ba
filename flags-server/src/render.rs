//! A tiny rasterizer for the designs in `table.rs` (made of the shapes in `shapes.rs`), and the GIF encoder.
//!
//! Each layer becomes one shape in pixel coordinates plus a clip rectangle; a pixel is
//! painted when its centre lies inside the shape. Only pixels inside the shape's bounding
//! box are tested, so rendering all 194 flags is quick even without optimizations.

/// Every flag is this many pixels wide; the height follows the flag's ratio.
pub(crate) const WIDTH: u16 = 400;

use crate::shapes::{Layer, Rect, Rgb, Shape, colour, star, union_jack};

/// Reads `n` numbers from the tokens.
fn numbers<'a>(it: &mut impl Iterator<Item = &'a str>, n: usize) -> Result<Vec<f32>, String> {
    (0..n)
        .map(|_| {
            let t = it.next().ok_or("missing number")?;
            t.parse::<f32>().map_err(|_| format!("bad number {t:?}"))
        })
        .collect()
}

fn colour_arg<'a>(it: &mut impl Iterator<Item = &'a str>) -> Result<Rgb, String> {
    let t = it.next().ok_or("missing colour")?;
    let mut chars = t.chars();
    match (chars.next().and_then(colour), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("bad colour {t:?}")),
    }
}

/// Turns a design into layers for a `w` x `h` pixel image.
fn parse(design: &str, w: f32, h: f32) -> Result<Vec<Layer>, String> {
    let full = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: w,
        y1: h,
    };
    let mut frame = full;
    let mut layers = Vec::new();
    for part in design.split('|') {
        let mut it = part.split_whitespace();
        let Some(op) = it.next() else {
            return Err("empty layer".into());
        };
        let f = frame;
        let fh = f.h();
        let mut push = |colour, shape| {
            layers.push(Layer {
                colour,
                clip: f,
                shape,
            })
        };
        match op {
            "h" | "v" => {
                let letters: Vec<char> = it.next().ok_or("missing stripes")?.chars().collect();
                let n = letters.len() as f32;
                for (i, &l) in letters.iter().enumerate() {
                    let c = colour(l).ok_or_else(|| format!("bad colour {l:?}"))?;
                    let (a, b) = (i as f32 / n, (i + 1) as f32 / n);
                    let (p, q) = if op == "h" {
                        (f.at(0.0, a), f.at(1.0, b))
                    } else {
                        (f.at(a, 0.0), f.at(b, 1.0))
                    };
                    push(c, Shape::rect(p.0, p.1, q.0, q.1));
                }
            }
            "r" => {
                let c = colour_arg(&mut it)?;
                let n = numbers(&mut it, 4)?;
                let (p, q) = (f.at(n[0], n[1]), f.at(n[2], n[3]));
                push(c, Shape::rect(p.0, p.1, q.0, q.1));
            }
            "p" => {
                let c = colour_arg(&mut it)?;
                let pts = it
                    .by_ref()
                    .map(|t| {
                        let (u, v) = t
                            .split_once(',')
                            .ok_or_else(|| format!("bad point {t:?}"))?;
                        let u = u.parse::<f32>().map_err(|_| format!("bad point {t:?}"))?;
                        let v = v.parse::<f32>().map_err(|_| format!("bad point {t:?}"))?;
                        Ok(f.at(u, v))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                if pts.len() < 3 {
                    return Err("polygon needs 3 points".into());
                }
                push(c, Shape::Poly(pts));
            }
            "o" | "s" => {
                let c = colour_arg(&mut it)?;
                let n = numbers(&mut it, 3)?;
                let (cx, cy) = f.at(n[0], n[1]);
                let r = n[2] * fh;
                push(
                    c,
                    if op == "o" {
                        Shape::Disc { cx, cy, r }
                    } else {
                        star(cx, cy, r)
                    },
                );
            }
            "x" => {
                let c = colour_arg(&mut it)?;
                let n = numbers(&mut it, 2)?;
                let (cx, cy) = f.at(n[0], 0.5);
                let half = n[1] * fh / 2.0;
                push(c, Shape::rect(cx - half, f.y0, cx + half, f.y1));
                push(c, Shape::rect(f.x0, cy - half, f.x1, cy + half));
            }
            "+" => {
                let c = colour_arg(&mut it)?;
                let n = numbers(&mut it, 2)?;
                let (cx, cy) = f.at(0.5, 0.5);
                let (half, len) = (n[0] * fh / 2.0, n[1] * fh / 2.0);
                push(c, Shape::rect(cx - half, cy - len, cx + half, cy + len));
                push(c, Shape::rect(cx - len, cy - half, cx + len, cy + half));
            }
            "X" | "/" | "\\" => {
                let c = colour_arg(&mut it)?;
                let half = numbers(&mut it, 1)?[0] * fh / 2.0;
                if op != "/" {
                    push(
                        c,
                        Shape::Band {
                            a: (f.x0, f.y0),
                            b: (f.x1, f.y1),
                            half,
                        },
                    );
                }
                if op != "\\" {
                    push(
                        c,
                        Shape::Band {
                            a: (f.x0, f.y1),
                            b: (f.x1, f.y0),
                            half,
                        },
                    );
                }
            }
            "t" => {
                let c = colour_arg(&mut it)?;
                let d = numbers(&mut it, 1)?[0];
                push(
                    c,
                    Shape::Poly(vec![f.at(0.0, 0.0), f.at(d, 0.5), f.at(0.0, 1.0)]),
                );
            }
            "d" => {
                let c = colour_arg(&mut it)?;
                let m = numbers(&mut it, 1)?[0] * fh;
                let (cx, cy) = f.at(0.5, 0.5);
                let pts = vec![
                    (f.x0 + m, cy),
                    (cx, f.y0 + m),
                    (f.x1 - m, cy),
                    (cx, f.y1 - m),
                ];
                push(c, Shape::Poly(pts));
            }
            "z" => {
                let c = colour_arg(&mut it)?;
                let n = numbers(&mut it, 3)?;
                let points = n[2].max(1.0) as usize;
                let mut pts = vec![f.at(0.0, 0.0), f.at(n[0], 0.0)];
                for i in 0..points {
                    let step = 1.0 / (2 * points) as f32;
                    pts.push(f.at(n[1], (2 * i + 1) as f32 * step));
                    pts.push(f.at(n[0], (2 * i + 2) as f32 * step));
                }
                pts.push(f.at(0.0, 1.0));
                push(c, Shape::Poly(pts));
            }
            "j" => union_jack(f, &mut layers),
            "@" => {
                let n: Vec<&str> = it.by_ref().collect();
                frame = match n.len() {
                    0 => full,
                    4 => {
                        let n = numbers(&mut n.into_iter(), 4)?;
                        let (p, q) = (full.at(n[0], n[1]), full.at(n[2], n[3]));
                        Rect {
                            x0: p.0,
                            y0: p.1,
                            x1: q.0,
                            y1: q.1,
                        }
                    }
                    _ => return Err("frame needs 0 or 4 numbers".into()),
                };
            }
            _ => return Err(format!("unknown layer {op:?}")),
        }
        if let Some(extra) = it.next() {
            return Err(format!("unexpected {extra:?} in layer {op:?}"));
        }
    }
    Ok(layers)
}

/// Height in pixels for a flag of ratio `h:w` that is `WIDTH` pixels wide.
pub(crate) fn height(ratio: (u16, u16)) -> u16 {
    let (rh, rw) = (u32::from(ratio.0.max(1)), u32::from(ratio.1.max(1)));
    ((u32::from(WIDTH) * rh + rw / 2) / rw).clamp(1, 2000) as u16
}

/// Paints the design; returns the palette (RGB triples) and one palette index per pixel.
pub(crate) fn rasterize(
    design: &str,
    ratio: (u16, u16),
) -> Result<(Vec<u8>, Vec<u8>, u16, u16), String> {
    let (w, h) = (WIDTH, height(ratio));
    let layers = parse(design, f32::from(w), f32::from(h))?;
    let mut palette: Vec<Rgb> = vec![[255; 3]];
    let mut pixels = vec![0u8; usize::from(w) * usize::from(h)];
    for layer in &layers {
        let index = match palette.iter().position(|&c| c == layer.colour) {
            Some(i) => i,
            None if palette.len() < 256 => {
                palette.push(layer.colour);
                palette.len() - 1
            }
            None => return Err("too many colours".into()),
        } as u8;
        let b = layer.shape.bounds(layer.clip);
        // Pixel (x, y) is painted when its centre (x + 0.5, y + 0.5) is inside.
        let first = |v: f32| (v - 0.5).ceil().max(0.0) as usize;
        let (x_end, y_end) = (
            first(b.x1).min(usize::from(w)),
            first(b.y1).min(usize::from(h)),
        );
        let mut spans = Vec::new();
        for y in first(b.y0)..y_end {
            layer.shape.spans(y as f32 + 0.5, &mut spans);
            let row = &mut pixels[y * usize::from(w)..][..usize::from(w)];
            for &(x0, x1) in &spans {
                let (from, to) = (first(x0.max(b.x0)), first(x1.min(b.x1)).min(x_end));
                if from < to {
                    row[from..to].fill(index);
                }
            }
        }
    }
    Ok((palette.concat(), pixels, w, h))
}

/// Renders the design as a one-frame GIF. A design that does not parse gives a grey flag.
pub(crate) fn gif(design: &str, ratio: (u16, u16)) -> Vec<u8> {
    let (palette, pixels, w, h) = rasterize(design, ratio).unwrap_or_else(|_| {
        let (w, h) = (WIDTH, height(ratio));
        (
            vec![0xA2; 3],
            vec![0; usize::from(w) * usize::from(h)],
            w,
            h,
        )
    });
    let mut out = Vec::with_capacity(4096);
    // Writing into a Vec cannot fail for an image of this size and a palette of <= 256 colours.
    if let Ok(mut enc) = gif::Encoder::new(&mut out, w, h, &palette) {
        let _ = enc.write_frame(&gif::Frame::from_indexed_pixels(w, h, pixels, None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_design_parses() {
        for c in crate::countries() {
            let (w, h) = (f32::from(WIDTH), f32::from(height(c.ratio)));
            if let Err(e) = parse(c.design, w, h) {
                panic!("{}: {e}", c.iso_cc);
            }
        }
    }

    #[test]
    fn bad_designs_are_errors() {
        for d in [
            "",
            "h",
            "h Q",
            "r R 0 0 1",
            "q R",
            "o R .5 .5 .5 7",
            "p R 0,0 1,1",
            "@ 1 2",
        ] {
            assert!(parse(d, 400.0, 267.0).is_err(), "{d:?}");
        }
    }

    #[test]
    fn japan_is_white_with_a_red_disc() {
        let jp = crate::country("jp").expect("JP");
        let (palette, px, w, h) = rasterize(jp.design, jp.ratio).expect("renders");
        let at = |x: usize, y: usize| &palette[usize::from(px[y * usize::from(w) + x]) * 3..][..3];
        assert_eq!(at(5, 5), [255, 255, 255]);
        assert_eq!(
            at(usize::from(w) / 2, usize::from(h) / 2),
            colour('R').unwrap()
        );
    }
}
