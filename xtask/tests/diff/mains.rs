//! The mains the diff is checked on, read from the workspace: every pair of them, and the
//! function holding the loop over the codes, found here independently of the tool.

use std::path::PathBuf;

/// The downloaders' mains: every pair of them is checked.
pub const MAINS: [&str; 4] = [
    "flags-seq",
    "flags-threadpool",
    "flags-tokio",
    "flags-combinators",
];

pub fn source(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(name).join("src/main.rs")).unwrap()
}

/// Every ordered pair of mains, and both orders of the spinners.
pub fn pairs() -> Vec<(&'static str, &'static str)> {
    let mut pairs: Vec<_> = MAINS
        .iter()
        .flat_map(|a| MAINS.iter().map(move |b| (*a, *b)))
        .filter(|(a, b)| a != b)
        .collect();
    pairs.push(("spinner-thread", "spinner-await"));
    pairs.push(("spinner-await", "spinner-thread"));
    pairs
}

/// The function whose code reads `job.cc_list`: the one holding the loop over the codes, found
/// here by reading the source, independently of the tool.
pub fn loop_holder(text: &str) -> String {
    let mut current = String::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap();
        if let Some(at) = code.find("fn ").filter(|_| !line.starts_with(' ')) {
            current = code[at + 3..].split(['(', '<']).next().unwrap().to_string();
        }
        if code.contains("cc_list") {
            return current;
        }
    }
    panic!("no function reads cc_list")
}

/// Whether `text` declares `fn name(` or, with generics, `fn name<`.
pub fn declares(text: &str, name: &str) -> bool {
    text.contains(&format!("fn {name}(")) || text.contains(&format!("fn {name}<"))
}
