//! `--board` in a downloader: the board of its own run, drawn on stderr by a thread of its own
//! that wakes every 50 ms (at most 20 frames a second) and draws only what changed. The
//! downloads themselves only update a few counters under a lock.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossterm::cursor::{Hide, Show};
use crossterm::queue;
use crossterm::style::{Print, ResetColor};

use super::canvas::{Canvas, Painter};
use super::grid;
use super::state::BoardState;
use crate::report::Status;

/// The row letters, then 26 cells two columns apart, and a column to spare.
const MIN_COLS: usize = 2 + 26 * 2 + 1;
const TICK: Duration = Duration::from_millis(50);

/// Lines of a board of `rows` rows in a terminal `cols` wide: the column letters, the rows,
/// the status line (two lines below 100 columns, where it wraps at a `·`), and the legend,
/// which a note ("Interrupted...") replaces.
pub(crate) fn height(rows: usize, cols: u16) -> usize {
    let status = if cols >= 100 { 1 } else { 2 };
    1 + rows + status + 1
}

/// `Ok(columns)` when the terminal on stderr holds the board of `board` (and a line for the
/// cursor under it), else the one line that says why, short enough for an 80-column terminal.
pub fn fits(board: &BoardState) -> Result<u16, String> {
    let (cols, lines) = crossterm::terminal::size().unwrap_or((0, 0));
    let rows = board.rows_in_use().len();
    let needs = (MIN_COLS + 1, height(rows, cols) + 1);
    if usize::from(cols) >= needs.0 && usize::from(lines) >= needs.1 {
        Ok(cols)
    } else {
        Err(format!(
            "--board: {cols} × {lines} is too small for {rows} rows (needs {} × {}): a bar instead.",
            needs.0, needs.1
        ))
    }
}

/// What the downloads and the drawing thread share.
pub(crate) struct Shared {
    board: Mutex<BoardState>,
    /// The rows drawn: those with codes asked for.
    rows: Vec<usize>,
    /// Lines of the board, fixed for the run.
    height: usize,
    note: Mutex<String>,
    stop: AtomicBool,
    /// Set before a forced exit: draw nothing more.
    abandoned: AtomicBool,
    t0: Instant,
    width: usize,
}

/// A board being drawn.
pub(crate) struct LiveBoard {
    shared: Arc<Shared>,
    drawer: Mutex<Option<JoinHandle<()>>>,
}

impl LiveBoard {
    /// Start drawing `board` in a terminal `cols` wide.
    pub(crate) fn start(board: BoardState, cols: u16) -> LiveBoard {
        let shared = Arc::new(Shared {
            rows: board.rows_in_use(),
            height: height(board.rows_in_use().len(), cols),
            board: Mutex::new(board),
            note: Mutex::new(String::new()),
            stop: AtomicBool::new(false),
            abandoned: AtomicBool::new(false),
            t0: Instant::now(),
            // One column short of the edge: a full line would leave the cursor waiting to wrap.
            width: usize::from(cols).min(120) - 1,
        });
        let drawer = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("board".into())
                .spawn(move || draw_until_stopped(&shared))
                .ok()
        };
        LiveBoard {
            shared,
            drawer: Mutex::new(drawer),
        }
    }

    pub(crate) fn shared(&self) -> Arc<Shared> {
        Arc::clone(&self.shared)
    }

    pub(crate) fn started(&self, cc: &str) {
        self.shared.board().start(cc);
    }

    pub(crate) fn finished(&self, cc: &str, status: Status) {
        self.shared.board().end(cc, status);
    }

    /// Draw the final frame, show the cursor again, and stop the thread.
    pub(crate) fn finish(&self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let drawer = self
            .drawer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(drawer) = drawer {
            drawer.thread().unpark();
            let _ = drawer.join();
        }
    }
}

impl Shared {
    fn board(&self) -> std::sync::MutexGuard<'_, BoardState> {
        self.board.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Show `msg` on the board's last line (Ctrl-C).
    pub(crate) fn note(&self, msg: &str) {
        *self.note.lock().unwrap_or_else(PoisonError::into_inner) = msg.to_string();
    }

    /// Before a forced exit: no more frames, the cursor shown, the colours reset.
    pub(crate) fn restore_terminal(&self) {
        let mut err = io::stderr().lock();
        self.abandoned.store(true, Ordering::SeqCst);
        // The cursor is on the line under the board: the shell's prompt goes on the next one.
        let _ = queue!(err, ResetColor, Show, Print("\r\n"));
        let _ = err.flush();
    }

    /// The whole board as it is now.
    fn frame(&self, elapsed: Duration) -> Canvas {
        let board = self.board().clone();
        let mut canvas = Canvas::new(self.height, self.width);
        let rows = self.rows.len();
        grid::row_letters(&mut canvas, &self.rows, 0, 0);
        grid::grid(&mut canvas, &board, &self.rows, (0, 2), 2);
        let status = board.status_line(elapsed);
        match self.height - rows - 2 {
            // One line for it: what does not fit there is cut, never wrapped over the legend.
            1 => canvas.text(rows + 1, 0, &one_line(&status, self.width), None),
            _ => grid::wrapped(&mut canvas, rows + 1, 0, &status),
        }
        let note = self.note.lock().unwrap_or_else(PoisonError::into_inner);
        if note.is_empty() {
            grid::legend(&mut canvas, self.height - 1, 0);
        } else {
            canvas.text(self.height - 1, 0, &note, None);
        }
        canvas
    }
}

/// `status` within `width` characters: without its `(peak N)` when too long, then cut.
fn one_line(status: &str, width: usize) -> String {
    let mut line = status.to_string();
    if line.chars().count() > width
        && let (Some(from), Some(to)) = (line.find(" (peak "), line.find(") ·"))
    {
        line.replace_range(from..to + 1, "");
    }
    line.chars().take(width).collect()
}

/// The drawing thread: a first frame in full, then the changes every `TICK`, then the final
/// frame in full once the run is over.
fn draw_until_stopped(shared: &Shared) {
    let mut painter = Painter::default();
    {
        let mut err = io::stderr().lock();
        let _ = queue!(err, Hide);
        let _ = painter.draw(&mut err, &shared.frame(Duration::ZERO));
    }
    loop {
        thread::park_timeout(TICK);
        let stop = shared.stop.load(Ordering::SeqCst);
        let canvas = shared.frame(shared.t0.elapsed());
        // Holding stderr for a whole frame keeps any other message out of the middle of it.
        let mut err = io::stderr().lock();
        if shared.abandoned.load(Ordering::SeqCst) {
            return;
        }
        if stop {
            let _ = painter.redraw(&mut err, &canvas);
            let _ = queue!(err, ResetColor, Show);
            let _ = err.flush();
            return;
        }
        let _ = painter.draw(&mut err, &canvas);
    }
}
