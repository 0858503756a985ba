//! What the spinners draw: `\r| thinking!`, `\r/ thinking!`...

/// The spinners' frames, in order.
pub const FRAMES: &str = r"|/-\";

/// One frame of the spinner: `ch` then the message, at the start of the line.
pub fn frame(ch: char, msg: &str) -> String {
    format!("\r{ch} {msg}")
}

/// How many frames the run drew.
pub fn count_frames(output: &str, msg: &str) -> usize {
    FRAMES
        .chars()
        .map(|ch| output.matches(&frame(ch, msg)).count())
        .sum()
}

/// Where the last frame ends.
pub fn end_of_last_frame(output: &str, msg: &str) -> usize {
    FRAMES
        .chars()
        .filter_map(|ch| {
            let f = frame(ch, msg);
            output.rfind(&f).map(|at| at + f.len())
        })
        .max()
        .expect("at least one frame")
}
