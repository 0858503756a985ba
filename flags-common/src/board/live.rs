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

/// The smallest terminal the board is drawn in: 80 columns, 32 lines.
pub const MIN_SIZE: (u16, u16) = (80, 32);
/// Column letters, 26 rows, two lines of status, the legend, a line for "Interrupted".
const HEIGHT: usize = 31;
const TICK: Duration = Duration::from_millis(50);

/// `Ok(columns)` when the terminal on stderr is large enough, else the one line that says why.
pub fn fits() -> Result<u16, String> {
    let (cols, rows) = crossterm::terminal::size().unwrap_or((0, 0));
    let (min_cols, min_rows) = MIN_SIZE;
    if cols >= min_cols && rows >= min_rows {
        Ok(cols)
    } else {
        Err(format!(
            "--board needs a terminal of at least {min_cols} × {min_rows}; this one is {cols} × {rows}: showing the progress bar instead."
        ))
    }
}

/// What the downloads and the drawing thread share.
pub(crate) struct Shared {
    board: Mutex<BoardState>,
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
    /// Start drawing the board of `cc_list` in a terminal `cols` wide.
    pub(crate) fn start(cc_list: &[String], cols: u16) -> LiveBoard {
        let shared = Arc::new(Shared {
            board: Mutex::new(BoardState::new(cc_list)),
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
        let mut canvas = Canvas::new(HEIGHT, self.width);
        grid::row_letters(&mut canvas, 0, 0);
        grid::grid(&mut canvas, &board, 0, 2, 2);
        grid::wrapped(&mut canvas, 27, 0, &board.status_line(elapsed));
        grid::legend(&mut canvas, 29, 0);
        let note = self.note.lock().unwrap_or_else(PoisonError::into_inner);
        canvas.text(30, 0, &note, None);
        canvas
    }
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
