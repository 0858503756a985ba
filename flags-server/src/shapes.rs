//! The shapes flags are made of (polygons, discs, bands), each as the x spans it covers on
//! one row of pixels, and the two composite designs built from them (a star, the Union Jack).

pub(crate) type Rgb = [u8; 3];

/// The colour letters used in the design table.
pub(crate) fn colour(letter: char) -> Option<Rgb> {
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
pub(crate) struct Rect {
    pub(crate) x0: f32,
    pub(crate) y0: f32,
    pub(crate) x1: f32,
    pub(crate) y1: f32,
}

impl Rect {
    pub(crate) fn w(&self) -> f32 {
        self.x1 - self.x0
    }
    pub(crate) fn h(&self) -> f32 {
        self.y1 - self.y0
    }
    /// Frame fractions to pixels.
    pub(crate) fn at(&self, u: f32, v: f32) -> (f32, f32) {
        (self.x0 + u * self.w(), self.y0 + v * self.h())
    }
    pub(crate) fn intersect(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.max(o.x0),
            y0: self.y0.max(o.y0),
            x1: self.x1.min(o.x1),
            y1: self.y1.min(o.y1),
        }
    }
}

#[derive(Debug)]
pub(crate) enum Shape {
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
    pub(crate) fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
        Shape::Poly(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    }

    pub(crate) fn bounds(&self, clip: Rect) -> Rect {
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
    pub(crate) fn spans(&self, y: f32, out: &mut Vec<(f32, f32)>) {
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

pub(crate) struct Layer {
    pub(crate) colour: Rgb,
    pub(crate) clip: Rect,
    pub(crate) shape: Shape,
}

pub(crate) fn star(cx: f32, cy: f32, r: f32) -> Shape {
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
pub(crate) fn union_jack(f: Rect, out: &mut Vec<Layer>) {
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
