//! A number for each thread of the process, for the `--trace` file: which thread started, ended
//! and saved each download. Thread names repeat (rayon's workers have none, tokio's all share
//! one), and `std::thread::ThreadId` has no stable number, so each thread takes the next number
//! the first time it asks.

use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static TAG: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
}

/// This thread's number: the same for the thread's whole life, never another thread's.
pub(crate) fn thread_tag() -> u64 {
    TAG.with(|tag| *tag)
}

#[cfg(test)]
mod tests {
    use super::thread_tag;

    #[test]
    fn each_thread_has_a_number_of_its_own() {
        let here = thread_tag();
        assert_eq!(here, thread_tag());
        let there = std::thread::spawn(thread_tag).join().unwrap();
        assert_ne!(here, there);
    }
}
