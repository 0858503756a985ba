//! The part a function plays in the lesson, where its name does not say it, so that the
//! functions playing the same part face each other in the diff.
//!
//! The one such part today is the loop over the codes: `download_many` holds it in flags-seq
//! and flags-threadpool, `supervisor` in flags-tokio and flags-combinators, whose
//! `download_many` only starts the runtime. A rule finds it rather than a table of names: the
//! loop-holding function is the one function whose code (comments aside) reads `cc_list`, the
//! job's list of codes. A new main that follows the lesson needs no entry anywhere.
//!
//! The async mains' `download_many` then has no counterpart in the blocking ones (they start no
//! runtime), so it stands alone, just after the loop it runs, where the book shows
//! `asyncio.run(supervisor(...))`. Facing it with the blocking `download_many` would put a
//! runtime opposite a loop, which is the very confusion this module removes.

use super::items::Item;

/// The key shared by the functions that hold the loop over the codes.
pub const LOOP: &str = "the loop over the codes";

/// The word that marks the loop over the codes: the job's list of codes.
const CODES: &str = "cc_list";

/// Gives the function holding the loop over the codes its role as key, when exactly one
/// function holds it (the spinners hold none: their functions pair by name).
pub fn assign(items: &mut [Item]) {
    let holders: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.name.starts_with("fn ") && reads_codes(item))
        .map(|(i, _)| i)
        .collect();
    if let [only] = holders[..] {
        items[only].key = LOOP.into();
    }
}

fn reads_codes(item: &Item) -> bool {
    item.lines.iter().any(|line| {
        let code = line.text.split("//").next().unwrap_or("");
        code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == CODES)
    })
}

#[cfg(test)]
mod tests {
    use super::super::items::split;
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        let mut items = split(text);
        assign(&mut items);
        items.into_iter().map(|item| item.key).collect()
    }

    #[test]
    fn the_function_reading_the_codes_holds_the_loop() {
        let blocking = "fn download_many(job: &Job) {\n    for cc in &job.cc_list {\n    }\n}\n";
        assert_eq!(keys(blocking), [LOOP]);
        let async_ = "async fn supervisor(job: &Job) {\n    stream::iter(&job.cc_list)\n}\n\n\
                      fn download_many(job: &Job) {\n    // not cc_list: a comment\n}\n";
        assert_eq!(keys(async_), [LOOP, "fn download_many"]);
    }

    #[test]
    fn no_role_when_no_single_function_reads_the_codes() {
        assert_eq!(keys("fn spin() {\n}\n"), ["fn spin"]);
        let two = "fn a() {\n    cc_list\n}\nfn b() {\n    cc_list\n}\n";
        assert_eq!(keys(two), ["fn a", "fn b"]);
    }
}
