//! A `--trace` file followed while another process writes it: its new whole lines, as typed
//! events.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use flags_common::TraceEvent;

/// Reads a file that another process is still writing, one whole line at a time.
pub struct TraceFollower {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
}

impl TraceFollower {
    pub fn new(path: PathBuf) -> TraceFollower {
        TraceFollower {
            path,
            offset: 0,
            partial: Vec::new(),
        }
    }

    /// The events of the lines completed since the last call; a torn last line waits.
    pub fn new_events(&mut self) -> Vec<TraceEvent> {
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
            .filter_map(TraceEvent::parse_line)
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
                t: 0.1,
                thread_id: 0,
            }]
        );
        std::fs::write(&path, format!("{start}\n{start}\n")).unwrap();
        assert_eq!(follower.new_events().len(), 1, "the torn line, now whole");
    }
}
