//! A terminal screen kept from the bytes a program wrote, for checking what a person would see
//! at a moment rather than everything ever drawn: printable characters with the deferred wrap
//! at the right edge, CR, LF with scrolling, and the escape sequences the race uses (cursor
//! moves, clears, the alternate screen; colours and the cursor's visibility change nothing
//! here). A resize keeps what fits, as a terminal does.

#[derive(Clone, Debug)]
pub struct Vt {
    rows: usize,
    cols: usize,
    grid: Vec<Vec<char>>,
    /// The normal screen while the alternate one is shown.
    saved: Option<Vec<Vec<char>>>,
    row: usize,
    col: usize,
    /// A character written in the last column: the next one goes on the next line.
    wrap: bool,
}

impl Vt {
    pub fn new(rows: usize, cols: usize) -> Vt {
        Vt {
            rows,
            cols,
            grid: vec![vec![' '; cols]; rows],
            saved: None,
            row: 0,
            col: 0,
            wrap: false,
        }
    }

    /// The screen's lines, trailing blanks removed.
    pub fn lines(&self) -> Vec<String> {
        self.grid
            .iter()
            .map(|l| l.iter().collect::<String>().trim_end().to_string())
            .collect()
    }

    pub fn resize(&mut self, rows: usize, cols: usize) {
        for grid in std::iter::once(&mut self.grid).chain(self.saved.as_mut()) {
            for line in grid.iter_mut() {
                line.resize(cols, ' ');
            }
            grid.resize(rows, vec![' '; cols]);
        }
        (self.rows, self.cols) = (rows, cols);
        self.row = self.row.min(rows - 1);
        self.col = self.col.min(cols - 1);
        self.wrap = false;
    }

    fn newline(&mut self) {
        if self.row + 1 < self.rows {
            self.row += 1;
        } else {
            self.grid.remove(0);
            self.grid.push(vec![' '; self.cols]);
        }
    }

    fn clear(&mut self, rows: std::ops::Range<usize>) {
        for r in rows {
            self.grid[r] = vec![' '; self.cols];
        }
    }

    pub fn feed(&mut self, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            k += 1;
            match c {
                '\x1b' if chars.get(k) == Some(&'[') => {
                    let from = k + 1;
                    let mut end = from;
                    while end < chars.len() && !('\x40'..='\x7e').contains(&chars[end]) {
                        end += 1;
                    }
                    if end == chars.len() {
                        return;
                    }
                    let params: String = chars[from..end].iter().collect();
                    self.csi(&params, chars[end]);
                    k = end + 1;
                }
                '\x1b' => k += 1,
                '\r' => {
                    self.col = 0;
                    self.wrap = false;
                }
                '\n' => {
                    self.newline();
                    self.wrap = false;
                }
                '\x08' => self.col = self.col.saturating_sub(1),
                c if c.is_control() => {}
                c => {
                    if self.wrap {
                        self.col = 0;
                        self.newline();
                        self.wrap = false;
                    }
                    self.grid[self.row][self.col] = c;
                    if self.col + 1 == self.cols {
                        self.wrap = true;
                    } else {
                        self.col += 1;
                    }
                }
            }
        }
    }

    fn csi(&mut self, params: &str, action: char) {
        if let Some(private) = params.strip_prefix('?') {
            if private == "1049" {
                match action {
                    'h' => {
                        self.saved = Some(self.grid.clone());
                        self.clear(0..self.rows);
                    }
                    'l' => {
                        if let Some(grid) = self.saved.take() {
                            self.grid = grid;
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        let numbers: Vec<usize> = params.split(';').map(|p| p.parse().unwrap_or(0)).collect();
        let n = numbers.first().copied().unwrap_or(0);
        let count = n.max(1);
        self.wrap = false;
        match action {
            'K' => {
                let (from, to) = match n {
                    1 => (0, self.col + 1),
                    2 => (0, self.cols),
                    _ => (self.col, self.cols),
                };
                for c in from..to.min(self.cols) {
                    self.grid[self.row][c] = ' ';
                }
            }
            'J' => match n {
                0 => {
                    for c in self.col..self.cols {
                        self.grid[self.row][c] = ' ';
                    }
                    self.clear(self.row + 1..self.rows);
                }
                _ => self.clear(0..self.rows),
            },
            'H' | 'f' => {
                let row = numbers.first().copied().unwrap_or(1).max(1) - 1;
                let col = numbers.get(1).copied().unwrap_or(1).max(1) - 1;
                self.row = row.min(self.rows - 1);
                self.col = col.min(self.cols - 1);
            }
            'G' => self.col = (count - 1).min(self.cols - 1),
            'E' => {
                self.row = (self.row + count).min(self.rows - 1);
                self.col = 0;
            }
            'F' => {
                self.row = self.row.saturating_sub(count);
                self.col = 0;
            }
            'A' => self.row = self.row.saturating_sub(count),
            'B' => self.row = (self.row + count).min(self.rows - 1),
            'C' => self.col = (self.col + count).min(self.cols - 1),
            'D' => self.col = self.col.saturating_sub(count),
            _ => {}
        }
    }
}
