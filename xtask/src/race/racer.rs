//! One downloader in the race: its process (run by the shared `run_measured` on a thread of its
//! own, so the budget and Ctrl-C stop it as in compare), and its board, fed from the lines of
//! its `--trace` file as they are written.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use flags_common::board::BoardState;
use flags_common::{Summary, TraceEvent};

use crate::bench::downloader::Impl;
use crate::bench::invocation::{Codes, Invocation};
use crate::bench::process::{self, Finished, run_measured};
use crate::bench::trace::parse_event;

/// A downloader racing, or done.
pub struct Racer {
    pub package: &'static str,
    /// `-m` as the downloader applies it: within its maximum and the number of codes.
    pub concur_req: usize,
    pub board: BoardState,
    /// The final report, from the trace's last line.
    pub summary: Option<Summary>,
    /// When its last event arrived or its process ended: where its clock stops.
    pub ended_at: Option<Instant>,
    /// How the process ended, once it has.
    pub finished: Option<anyhow::Result<Finished>>,
    process: Option<JoinHandle<anyhow::Result<Finished>>>,
    trace: TraceFollower,
}

/// What every racer is given.
pub struct Start<'a> {
    pub base_url: &'a str,
    pub codes: &'a [String],
    /// The command line's choice of codes: `-e`, `-a`, `-l N`.
    pub choice: Codes,
    pub max_req: Option<usize>,
    pub budget: Duration,
    pub dir: &'a Path,
}

impl Racer {
    /// Start `implementation` now.
    pub fn start(implementation: Impl, bin: &Path, start: &Start<'_>) -> anyhow::Result<Racer> {
        let package = implementation.package();
        let model = implementation.model();
        let asked = start.max_req.unwrap_or(model.concurrencies()[0]);
        let concur_req = asked
            .min(model.max_concurrency())
            .min(start.codes.len())
            .max(1);
        let trace = start.dir.join(format!("{package}.jsonl"));
        let dest = start.dir.join(package);
        let _ = std::fs::remove_file(&trace);
        let _ = std::fs::remove_dir_all(&dest);
        let command = Invocation {
            codes: start.choice,
            max_req: asked,
            base_url: start.base_url,
            // The downloaders' own --timeout applies to the requests in flight.
            timeout: None,
            dest: &dest,
            trace: &trace,
        }
        .command(bin);
        let budget = start.budget;
        let grace = process::grace(Duration::from_secs(10)); // MERGE: flags_common::bounds default timeout
        let process = std::thread::Builder::new()
            .name(package.into())
            .spawn(move || run_measured(command, budget, grace))?;
        Ok(Racer {
            package,
            concur_req,
            board: BoardState::new(start.codes),
            summary: None,
            ended_at: None,
            finished: None,
            process: Some(process),
            trace: TraceFollower::new(trace),
        })
    }

    /// Take in the trace lines written since the last call, and see whether the process ended.
    pub fn update(&mut self) {
        // Seen before reading, so a process that has ended has written all it will.
        let ended = self.process.as_ref().is_some_and(JoinHandle::is_finished);
        for event in self.trace.new_events() {
            match event {
                TraceEvent::Start { cc, .. } => self.board.start(&cc),
                TraceEvent::End { cc, status, .. } => self.board.end(&cc, status),
                TraceEvent::Summary(summary) => {
                    self.summary = Some(summary);
                    self.ended_at.get_or_insert_with(Instant::now);
                }
            }
        }
        if ended && let Some(process) = self.process.take() {
            self.ended_at.get_or_insert_with(Instant::now);
            self.finished = Some(
                process
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("the runner thread panicked"))),
            );
        }
    }

    pub fn done(&self) -> bool {
        self.finished.is_some()
    }

    /// Its clock: from the start of the race to its end, or to now.
    pub fn elapsed(&self, race_start: Instant) -> Duration {
        self.ended_at.unwrap_or_else(Instant::now) - race_start
    }
}

/// Reads a file that another process is still writing, one whole line at a time.
struct TraceFollower {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
}

impl TraceFollower {
    fn new(path: PathBuf) -> TraceFollower {
        TraceFollower {
            path,
            offset: 0,
            partial: Vec::new(),
        }
    }

    /// The events of the lines completed since the last call; a torn last line waits.
    fn new_events(&mut self) -> Vec<TraceEvent> {
        let Ok(mut file) = File::open(&self.path) else {
            return Vec::new(); // not created yet
        };
        let mut bytes = Vec::new();
        if file.seek(SeekFrom::Start(self.offset)).is_err() || file.read_to_end(&mut bytes).is_err()
        {
            return Vec::new();
        }
        self.offset += bytes.len() as u64;
        self.partial.extend(bytes);
        let Some(end) = self.partial.iter().rposition(|b| *b == b'\n') else {
            return Vec::new();
        };
        let rest = self.partial.split_off(end + 1);
        let whole = std::mem::replace(&mut self.partial, rest);
        String::from_utf8_lossy(&whole)
            .lines()
            .filter_map(parse_event)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_growing_trace_is_read_whole_line_by_whole_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        let mut follower = TraceFollower::new(path.clone());
        assert!(follower.new_events().is_empty(), "no file yet");
        let start = r#"{"event":"start","cc":"BR","t":0.1}"#;
        std::fs::write(&path, format!("{start}\n{}", &start[..10])).unwrap();
        assert_eq!(
            follower.new_events(),
            vec![TraceEvent::Start {
                cc: "BR".into(),
                t: 0.1
            }]
        );
        std::fs::write(&path, format!("{start}\n{start}\n")).unwrap();
        assert_eq!(follower.new_events().len(), 1, "the torn line, now whole");
    }
}
