//! The line on stderr that says which run is going on.

use std::io::IsTerminal;

pub struct Progress {
    total: usize,
    done: usize,
    tty: bool,
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            done: 0,
            tty: std::io::stderr().is_terminal(),
        }
    }

    pub fn step(&mut self, label: &str) {
        self.done += 1;
        if self.tty {
            eprint!("\r\x1b[2K[{}/{}] {label} ...", self.done, self.total);
        }
    }

    pub fn note(&self, label: &str, items_per_s: Option<f64>) {
        let speed = items_per_s.map_or("-".to_string(), |s| format!("{s:.2} items/s"));
        let line = format!("[{}/{}] {label}: {speed}", self.done, self.total);
        if self.tty {
            eprint!("\r\x1b[2K{line}");
        } else {
            crate::util::warn(&line);
        }
    }

    pub fn clear(&self) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
    }
}
