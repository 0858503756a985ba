//! A tiny rasterizer for the designs in `table.rs`, and the GIF encoder.
//!
//! Each layer becomes one shape in pixel coordinates plus a clip rectangle; a pixel is
//! painted when its centre lies inside the shape. Only pixels inside the shape's bounding
//! box are tested, so rendering all 194 flags is quick even without optimizations.

/// Every flag is this many pixels wide; the height follows the flag's ratio.
pub(crate) const WIDTH: u16 = 400;

type Rgb = [u8; 3];

/// The colour letters used in the design table.
fn colour(letter: char) -> Option<Rgb> {
    Some(match letter {
        'R' => [0xCE, 0x11, 0x26], // red
        'M' => [0x8D, 0x1B, 0x3D], // maroon
        'O' => [0xF7, 0x7F, 0x00], // orange / saffron / gold
        'Y' => [0xFC, 0xD1, 0x16], // yellow
        'G' => [0x00, 0x9A, 0x44], // green
        'D' => [0x00, 0x6A, 0x4E], // dark green
        'S' => [0x6C, 0xAC, 0xE4], // sky blue
        'C' => [0x00, 0xA3, 0xDD], // cyan / turquoise
        'L' => [0x00, 0x72, 0xC6], // mid blue
        'B' => [0x00, 0x38, 0xA8], // blue
        'N' => [0x01, 0x21, 0x69], // navy
        'K' => [0x00, 0x00, 0x00], // black
        'W' => [0xFF, 0xFF, 0xFF], // white
        'E' => [0xA2, 0xA2, 0xA2], // grey
        _ => return None,
    })
}

/// A rectangle in pixels: x0 <= x < x1, y0 <= y < y1 (as floats, before rounding).
#[derive(Clone, Copy, Debug)]
struct Rect {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Rect {
    fn w(&self) -> f32 {
        self.x1 - self.x0
    }
    fn h(&self) -> f32 {
        self.y1 - self.y0
    }
    /// Frame fractions to pixels.
    fn at(&self, u: f32, v: f32) -> (f32, f32) {
        (self.x0 + u * self.w(), self.y0 + v * self.h())
    }
    fn intersect(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.max(o.x0),
            y0: self.y0.max(o.y0),
            x1: self.x1.min(o.x1),
            y1: self.y1.min(o.y1),
        }
    }
}

#[derive(Debug)]
enum Shape {
    Poly(Vec<(f32, f32)>),
    Disc {
        cx: f32,
        cy: f32,
        r: f32,
    },
    /// Points within `half` of the line through a and b.
    Band {
        a: (f32, f32),
        b: (f32, f32),
        half: f32,
    },
}

impl Shape {
    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
        Shape::Poly(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    }

    fn bounds(&self, clip: Rect) -> Rect {
        match self {
            Shape::Poly(pts) => {
                let mut r = Rect {
                    x0: f32::MAX,
                    y0: f32::MAX,
                    x1: f32::MIN,
                    y1: f32::MIN,
                };
                for &(x, y) in pts {
                    r = Rect {
                        x0: r.x0.min(x),
                        y0: r.y0.min(y),
                        x1: r.x1.max(x),
                        y1: r.y1.max(y),
                    };
                }
                r.intersect(&clip)
            }
            Shape::Disc { cx, cy, r } => Rect {
                x0: cx - r,
                y0: cy - r,
                x1: cx + r,
                y1: cy + r,
            }
            .intersect(&clip),
            Shape::Band { .. } => clip,
        }
    }

    /// The x intervals inside the shape on the horizontal line at height `y`.
    fn spans(&self, y: f32, out: &mut Vec<(f32, f32)>) {
        out.clear();
        match self {
            Shape::Poly(pts) => {
                // Even-odd rule: where the line crosses the edges, sorted, taken in pairs.
                let mut xs: Vec<f32> = Vec::new();
                let mut j = pts.len() - 1;
                for i in 0..pts.len() {
                    let ((xi, yi), (xj, yj)) = (pts[i], pts[j]);
                    if (yi > y) != (yj > y) {
                        xs.push(xi + (y - yi) * (xj - xi) / (yj - yi));
                    }
                    j = i;
                }
                xs.sort_by(f32::total_cmp);
                out.extend(xs.chunks_exact(2).map(|p| (p[0], p[1])));
            }
            Shape::Disc { cx, cy, r } => {
                let d2 = r * r - (y - cy).powi(2);
                if d2 >= 0.0 {
                    out.push((cx - d2.sqrt(), cx + d2.sqrt()));
                }
            }
            Shape::Band { a, b, half } => {
                // Distance to the line: |(x - ax) dy - (y - ay) dx| / len <= half, solved for x.
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let reach = half * (dx * dx + dy * dy).sqrt();
                let c = (y - a.1) * dx;
                if dy == 0.0 {
                    if c.abs() <= reach {
                        out.push((f32::MIN, f32::MAX));
                    }
                } else {
                    let (p, q) = (a.0 + (c - reach) / dy, a.0 + (c + reach) / dy);
                    out.push((p.min(q), p.max(q)));
                }
            }
        }
    }
}

struct Layer {
    colour: Rgb,
    clip: Rect,
    shape: Shape,
}

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

fn star(cx: f32, cy: f32, r: f32) -> Shape {
    let inner = r * 0.382;
    let pts = (0..10)
        .map(|i| {
            let a = -std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::PI / 5.0;
            let rr = if i % 2 == 0 { r } else { inner };
            (cx + rr * a.cos(), cy + rr * a.sin())
        })
        .collect();
    Shape::Poly(pts)
}

/// The Union Jack filling the frame `f`.
fn union_jack(f: Rect, out: &mut Vec<Layer>) {
    let (navy, white, red) = (
        colour('N').unwrap_or_default(),
        [255; 3],
        colour('R').unwrap_or_default(),
    );
    let (cx, cy, h) = (f.x0 + f.w() / 2.0, f.y0 + f.h() / 2.0, f.h());
    let mut push = |colour, shape| {
        out.push(Layer {
            colour,
            clip: f,
            shape,
        })
    };
    push(navy, Shape::rect(f.x0, f.y0, f.x1, f.y1));
    for (c, half) in [(white, 0.1 * h), (red, 0.035 * h)] {
        push(
            c,
            Shape::Band {
                a: (f.x0, f.y0),
                b: (f.x1, f.y1),
                half,
            },
        );
        push(
            c,
            Shape::Band {
                a: (f.x0, f.y1),
                b: (f.x1, f.y0),
                half,
            },
        );
    }
    for (c, half) in [(white, h / 6.0), (red, 0.1 * h)] {
        push(c, Shape::rect(cx - half, f.y0, cx + half, f.y1));
        push(c, Shape::rect(f.x0, cy - half, f.x1, cy + half));
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
