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
/// concurrent ones at `FLOOR_M` too, in between (the floor is measured for ours only).
pub fn compare(profiles: &[Profile], impls: &[Impl], python: bool) -> Vec<Run> {
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
                levels.sort_unstable();
            }
            for concurrency in levels {
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

/// `sweep`: DELAY only; each concurrent downloader at every level (within its maximum), the
/// sequential ones once as the baseline.
pub fn sweep(impls: &[Impl], levels: &[usize], python: bool) -> Vec<Run> {
    let mut plan = Vec::new();
    for downloader in downloaders(impls, python) {
        let mut ms: Vec<usize> = levels
            .iter()
            .map(|&m| m.min(downloader.max_concurrency()))
            .collect();
        ms.sort_unstable();
        ms.dedup();
        for concurrency in ms {
            plan.push(Run {
                profile: Profile::Delay,
                downloader,
                concurrency,
            });
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_runs_the_sequential_ones_once_and_keeps_the_book_limits() {
        let plan = sweep(&Impl::all().collect::<Vec<_>>(), &[1, 10, 2000], true);
        let of = |d: Downloader| -> Vec<usize> {
            plan.iter()
                .filter(|r| r.downloader == d)
                .map(|r| r.concurrency)
                .collect()
        };
        assert_eq!(of(Downloader::Rust(Impl::Seq)), [1]);
        assert_eq!(of(Downloader::Rust(Impl::Tokio)), [1, 10, 1000]);
        assert_eq!(of(Downloader::Python(Script::Sequential)), [1]);
        assert_eq!(of(Downloader::Python(Script::Asyncio)), [1, 10, 1000]);
        assert!(plan.iter().all(|r| r.profile == Profile::Delay));
    }

    #[test]
    fn compare_pairs_the_book_scripts_with_the_chosen_models() {
        let plan = compare(&[Profile::Delay], &[Impl::Tokio], true);
        let runs: Vec<_> = plan.iter().map(|r| (r.downloader, r.concurrency)).collect();
        let (tokio, asyncio) = (
            Downloader::Rust(Impl::Tokio),
            Downloader::Python(Script::Asyncio),
        );
        assert_eq!(
            runs,
            [(tokio, 5), (tokio, 1000), (asyncio, 5), (asyncio, 1000)]
        );
        // On LOCAL, the floor's -m in between.
        let local = compare(&[Profile::Local], &[Impl::Tokio], false);
        let levels: Vec<usize> = local.iter().map(|r| r.concurrency).collect();
        assert_eq!(levels, [5, FLOOR_M, 1000]);
    }
}
