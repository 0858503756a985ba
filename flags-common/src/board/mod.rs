//! The board: every code AA..ZZ as one coloured character cell, row = first letter, column =
//! second letter, so that concurrency shows as it happens: which requests are in flight, how
//! many, and the order they end in.
//!
//! - `state`: what a board shows, as data (the cells and the status line's counts).
//! - `grid`: how it looks (characters, colours, letters, legend).
//! - `canvas`: drawing lines in place and redrawing only what changed.
//! - `live`: `--board` in a downloader, drawn by a thread of its own.
//!
//! `cargo xtask race` draws three of these side by side from the same parts.

pub mod canvas;
pub mod grid;
pub(crate) mod live;
pub mod state;

pub use canvas::{Canvas, Painter};
pub use state::{BoardState, Cell, mm_ss, one_decimal};
