//! The plan: which downloader runs against which server profile at which `-m`, in the order
//! of the report.

use flags_server::Profile;

use super::downloader::{Downloader, Impl, Model, Script};
use super::python;

/// One planned run (repeated `--repeat` times).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub profile: Profile,
    pub downloader: Downloader,
    pub concurrency: usize,
}

/// The downloaders for `--impl`: ours, then (with `--python`) the book's scripts of the same
/// models.
fn downloaders(impls: &[Impl], python: bool) -> Vec<Downloader> {
    let mut all: Vec<Downloader> = impls.iter().map(|&i| Downloader::Rust(i)).collect();
    if python {
        let models: Vec<Model> = impls.iter().map(|i| i.model()).collect();
        all.extend(
            Script::ALL
                .into_iter()
                .filter(|s| models.contains(&s.model()))
                .map(Downloader::Python),
        );
    }
    all
}

/// Where LOCAL runs are held to their floor besides the book's levels: enough requests in
/// flight to keep the loopback busy, few enough for one event-loop thread.
pub const FLOOR_M: usize = 100;

/// `compare`: each profile, each downloader at its book default and maximum; on LOCAL our
/// concurrent ones at `FLOOR_M` too, in between (the floor is measured for ours only). Each
/// `-m` is the one in force: at most `codes`, as the downloaders apply it.
pub fn compare(profiles: &[Profile], impls: &[Impl], python: bool, codes: usize) -> Vec<Run> {
    let downloaders = downloaders(impls, python);
    let mut plan = Vec::new();
    for &profile in profiles {
        // The book's scripts only know the book's servers.
        let runs_there = |d: &&Downloader| d.is_ours() || python::knows(profile);
        for &downloader in downloaders.iter().filter(runs_there) {
            let mut levels = downloader.concurrencies();
            let held_to_floor = profile == Profile::Local && downloader.is_ours();
            if held_to_floor && downloader.max_concurrency() > FLOOR_M {
                levels.push(FLOOR_M);
            }
            for concurrency in in_force(levels, codes) {
                plan.push(Run {
                    profile,
                    downloader,
                    concurrency,
                });
            }
        }
    }
    plan
}

/// `sweep`: DELAY only; each concurrent downloader at every level (within its maximum and
/// `codes`), the sequential ones once as the baseline.
pub fn sweep(impls: &[Impl], levels: &[usize], python: bool, codes: usize) -> Vec<Run> {
    let mut plan = Vec::new();
    for downloader in downloaders(impls, python) {
        let ms = levels
            .iter()
            .map(|&m| m.min(downloader.max_concurrency()))
            .collect();
        for concurrency in in_force(ms, codes) {
            plan.push(Run {
                profile: Profile::Delay,
                downloader,
                concurrency,
            });
        }
    }
    plan
}

/// The `-m` each level runs at: never more than the codes asked (a downloader lowers it so),
/// each once, in order.
fn in_force(levels: Vec<usize>, codes: usize) -> Vec<usize> {
    let mut ms: Vec<usize> = levels.into_iter().map(|m| m.min(codes.max(1))).collect();
    ms.sort_unstable();
    ms.dedup();
    ms
}

/// Why a level asked for is not in the table, when it is not: `-m 1000 runs as -m 100: never
/// more requests in flight than the 100 codes asked.`
pub fn capped(asked: &[usize], codes: usize) -> Option<String> {
    let over: std::collections::BTreeSet<usize> =
        asked.iter().copied().filter(|&m| m > codes).collect();
    let names: Vec<String> = over.iter().map(|m| format!("-m {m}")).collect();
    let (which, verb) = match names.as_slice() {
        [] => return None,
        [one] => (one.clone(), "runs"),
        [first @ .., last] => (format!("{} and {last}", first.join(", ")), "run"),
    };
    Some(format!(
        "{which} {verb} as -m {codes}: never more requests in flight than the {codes} codes asked."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_runs_the_sequential_ones_once_and_keeps_the_book_limits() {
        let plan = sweep(&Impl::all().collect::<Vec<_>>(), &[1, 10, 2000], true, 676);
        let of = |d: Downloader| -> Vec<usize> {
            plan.iter()
                .filter(|r| r.downloader == d)
                .map(|r| r.concurrency)
                .collect()
        };
        assert_eq!(of(Downloader::Rust(Impl::Seq)), [1]);
        // 2000 is above the maximum, and 1000 above the 676 codes: -m 676 is what runs.
        assert_eq!(of(Downloader::Rust(Impl::Tokio)), [1, 10, 676]);
        assert_eq!(of(Downloader::Python(Script::Sequential)), [1]);
        assert_eq!(of(Downloader::Python(Script::Asyncio)), [1, 10, 676]);
        assert!(plan.iter().all(|r| r.profile == Profile::Delay));
    }

    #[test]
    fn compare_pairs_the_book_scripts_with_the_chosen_models() {
        let plan = compare(&[Profile::Delay], &[Impl::Tokio], true, 676);
        let runs: Vec<_> = plan.iter().map(|r| (r.downloader, r.concurrency)).collect();
        let (tokio, asyncio) = (
            Downloader::Rust(Impl::Tokio),
            Downloader::Python(Script::Asyncio),
        );
        assert_eq!(
            runs,
            [(tokio, 5), (tokio, 676), (asyncio, 5), (asyncio, 676)]
        );
        // On LOCAL, the floor's -m in between.
        let local = compare(&[Profile::Local], &[Impl::Tokio], false, 676);
        let levels: Vec<usize> = local.iter().map(|r| r.concurrency).collect();
        assert_eq!(levels, [5, FLOOR_M, 676]);
    }

    #[test]
    fn a_row_says_the_m_in_force_and_why_it_is_less() {
        // --quick's 100 codes: -m 1000 is -m 100, which the plan already has.
        let local = compare(&[Profile::Local], &[Impl::Tokio], false, 100);
        let levels: Vec<usize> = local.iter().map(|r| r.concurrency).collect();
        assert_eq!(levels, [5, 100]);
        assert_eq!(
            capped(&[5, 100, 1000], 100).as_deref(),
            Some("-m 1000 runs as -m 100: never more requests in flight than the 100 codes asked.")
        );
        assert_eq!(
            capped(&[1000, 5, 100, 1000], 30).as_deref(),
            Some(
                "-m 100 and -m 1000 run as -m 30: never more requests in flight than the 30 codes asked."
            )
        );
        assert_eq!(capped(&[1, 10], 676), None);
    }
}
