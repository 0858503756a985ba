//! `--explain`: the mini loop tells each of its steps as one timestamped line, and folds a round
//! that repeats the one before (the spinner's frames) into one line with a count. A task that
//! keeps the thread between two steps (`--blocking`) is told too: nothing else can run then.

use std::any::type_name;
use std::cell::RefCell;
use std::io::{self, Write};
use std::mem::{Discriminant, discriminant};
use std::time::{Duration, Instant};

use spinner_thread::{Screen, erase_line};

/// How long a task may keep the thread between two steps before the story says so: long enough
/// to tell a blocking call from the few microseconds of a step, short enough to see the freeze.
const HELD: Duration = Duration::from_millis(50);

/// One step of the loop. Numbers are task ids: 0 is the future given to `block_on`.
pub enum Event {
    /// `block_on` got the future built by this async fn.
    BlockOn(&'static str),
    /// `spawn` made a future, built by this async fn, into a task.
    Spawn(usize, &'static str),
    Poll(usize, &'static str),
    /// A `sleep` of this long, awaited by this task, set a timer for this instant.
    Timer(usize, Duration, Instant),
    Pending(usize),
    Ready(usize),
    /// Nothing is ready: the thread sleeps until this timer, or until any wake.
    Park(Option<Instant>),
    /// A timer set by this task is due: the loop calls its waker, which makes the task ready.
    Fire(usize, Instant),
    /// Another thread woke this task while the loop's thread slept.
    Wake(usize),
    Cancel(usize, &'static str),
    /// This task handed a blocking call to `--offload`'s thread.
    Offload(usize),
    /// This task drew this frame on the status line, where stdout can show it.
    Draw(usize, String, Screen),
    /// A future written by hand, of this type, went from this state to that one in a poll.
    State(usize, &'static str, &'static str, &'static str),
    /// This task has kept the thread this long without returning to the loop.
    Held(usize, Duration),
}

impl Event {
    fn text(&self, start: Instant) -> String {
        let at = |instant: &Instant| instant.saturating_duration_since(start).as_secs_f64();
        match self {
            Event::BlockOn(name) => format!("block_on({name}): it becomes task 0, ready to poll"),
            Event::Spawn(id, name) => {
                format!("  spawn({name}) → task {id}, ready; spawn returns at once")
            }
            Event::Poll(id, name) => format!("poll task {id} ({name})"),
            Event::Timer(id, period, when) => format!(
                "  sleep({} s) sets a timer for {:.3} with task {id}'s waker",
                period.as_secs_f64(),
                at(when)
            ),
            Event::Pending(id) => {
                format!("  → Pending: task {id} is parked at an .await; back to the loop")
            }
            Event::Ready(0) => "  → Ready: block_on returns its value".to_string(),
            Event::Ready(id) => format!("  → Ready: task {id} is done"),
            Event::Park(Some(when)) => {
                format!(
                    "nothing ready: the thread sleeps until the timer at {:.3}",
                    at(when)
                )
            }
            Event::Park(None) => "nothing ready: the thread sleeps until a wake".to_string(),
            Event::Fire(id, when) => {
                format!(
                    "timer {:.3} is due: its waker wakes task {id}, ready again",
                    at(when)
                )
            }
            Event::Wake(id) => format!("another thread woke task {id}: ready again"),
            Event::Cancel(id, name) => format!(
                "  cancel task {id} ({name}): its future is dropped where it is parked, at an .await"
            ),
            Event::Offload(id) => {
                format!("  task {id} hands its blocking call to another thread, which will wake it")
            }
            Event::Draw(_, frame, Screen::NotATerminal) => {
                format!("  frame {frame:?}, not drawn: stdout is not a terminal")
            }
            Event::Draw(_, frame, _) => format!("  draws {frame:?}"),
            Event::State(_, name, from, to) => format!("  {name}::{from} → {name}::{to}"),
            Event::Held(id, held) => format!(
                "  task {id} has not returned to the loop for {:.3} s: nothing else can run",
                held.as_secs_f64()
            ),
        }
    }

    /// What makes two rounds the same: the steps and the tasks, not the times.
    fn key(&self) -> (Discriminant<Event>, usize) {
        let task = match self {
            Event::BlockOn(_) | Event::Park(_) => 0,
            Event::Spawn(id, _)
            | Event::Poll(id, _)
            | Event::Timer(id, ..)
            | Event::Pending(id)
            | Event::Ready(id)
            | Event::Fire(id, _)
            | Event::Wake(id)
            | Event::Cancel(id, _)
            | Event::Offload(id)
            | Event::Draw(id, ..)
            | Event::State(id, ..)
            | Event::Held(id, _) => *id,
        };
        (discriminant(self), task)
    }
}

/// `spinner_await::spin::{{closure}}` becomes `spin`: the async fn that built the future.
pub fn name_of<F>() -> &'static str {
    let full = type_name::<F>().trim_end_matches("::{{closure}}");
    full.rsplit("::").next().unwrap_or(full)
}

/// Prints the events when asked to (`--explain`), and nothing otherwise.
pub struct Narrator(Option<RefCell<Story>>);

/// The story so far. A round is the steps between two parks of the thread.
struct Story {
    start: Instant,
    /// The task being polled, and when the last step was told.
    polling: Option<usize>,
    said_at: Duration,
    /// The steps of the last round printed in full.
    last: Vec<(Discriminant<Event>, usize)>,
    /// The steps of this round so far.
    round: Vec<(Discriminant<Event>, usize)>,
    /// This round's lines, held back while they repeat the last round's.
    held: Vec<String>,
    /// When this round began.
    round_start: Duration,
    /// Rounds folded since the last one printed: how many, first and last time.
    again: usize,
    again_from: Duration,
    again_to: Duration,
}

impl Narrator {
    pub fn new(explain: bool) -> Narrator {
        Narrator(explain.then(|| {
            let start = Instant::now();
            let (last, round, held) = (Vec::new(), Vec::new(), Vec::new());
            let (again, round_start) = (0, Duration::ZERO);
            let (again_from, again_to) = (Duration::ZERO, Duration::ZERO);
            RefCell::new(Story {
                start,
                polling: None,
                said_at: Duration::ZERO,
                last,
                round,
                held,
                round_start,
                again,
                again_from,
                again_to,
            })
        }))
    }

    pub fn say(&self, event: Event) {
        let Some(story) = &self.0 else {
            return;
        };
        let mut story = story.borrow_mut();
        let now = story.start.elapsed();
        // The task being polled ran this long since the last step: told, if a freeze.
        let held = now.saturating_sub(story.said_at);
        if let Some(task) = story.polling
            && held >= HELD
        {
            story.add(Event::Held(task, held));
        }
        story.polling = match event {
            Event::Poll(task, _) => Some(task),
            Event::Pending(_) | Event::Ready(_) => None,
            _ => story.polling,
        };
        story.said_at = now;
        story.add(event);
    }
}

impl Story {
    fn add(&mut self, event: Event) {
        let now = self.start.elapsed();
        let line = format!("{:.3} {}", now.as_secs_f64(), event.text(self.start));
        let step = self.round.len();
        if step == 0 {
            self.round_start = now;
        }
        self.round.push(event.key());
        let repeating = self.held.len() == step && self.last.get(step) == Some(&event.key());
        if repeating {
            self.held.push(line);
        } else {
            self.flush_again();
            let held = std::mem::take(&mut self.held);
            print(held.into_iter().chain([line]));
        }
        if matches!(event, Event::Park(_) | Event::Ready(0)) {
            if repeating && self.round == self.last {
                if self.again == 0 {
                    self.again_from = self.round_start;
                }
                self.again += 1;
                self.again_to = now;
                self.held.clear();
            } else {
                self.last = std::mem::take(&mut self.round);
            }
            self.round.clear();
        }
    }

    /// The line standing for the rounds folded since the last one printed.
    fn flush_again(&mut self) {
        if self.again == 0 {
            return;
        }
        let (from, to) = (self.again_from.as_secs_f64(), self.again_to.as_secs_f64());
        let n = self.again;
        print([format!(
            "{from:.3} ⋮ the same round again, ×{n} (the last at {to:.3})"
        )]);
        self.again = 0;
    }
}

/// Writes whole lines, each over the line where a frame may be drawn.
fn print(lines: impl IntoIterator<Item = String>) {
    let mut out = io::stdout().lock();
    for line in lines {
        let _ = erase_line(&mut out);
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}
