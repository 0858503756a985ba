//! The plan: which program runs in which scenario at which `-m`, in the order of the report.

use super::cli::{Impl, Scenario};

/// The book's Python clients, run from the user's checkout with `--python DIR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Script {
    Sequential,
    Threadpool,
    Asyncio,
}

impl Script {
    pub const ALL: [Script; 3] = [Script::Sequential, Script::Threadpool, Script::Asyncio];

    pub fn file(self) -> &'static str {
        match self {
            Script::Sequential => "flags2_sequential.py",
            Script::Threadpool => "flags2_threadpool.py",
            Script::Asyncio => "flags2_asyncio.py",
        }
    }
}

/// What runs: one of this project's downloaders, or one of the book's scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runner {
    Rust(Impl),
    Python(Script),
}

impl Runner {
    /// The row's name: the package, or the script's file name.
    pub fn name(self) -> &'static str {
        match self {
            Runner::Rust(Impl::Seq) => "flags-seq",
            Runner::Rust(Impl::Threadpool) => "flags-threadpool",
            Runner::Rust(Impl::Tokio) => "flags-tokio",
            Runner::Python(script) => script.file(),
        }
    }

    /// The concurrency model, named after our downloaders: each book script has its twin.
    fn model(self) -> Impl {
        match self {
            Runner::Rust(i) => i,
            Runner::Python(Script::Sequential) => Impl::Seq,
            Runner::Python(Script::Threadpool) => Impl::Threadpool,
            Runner::Python(Script::Asyncio) => Impl::Tokio,
        }
    }

    /// The book's default `-m`, then its maximum (`DEFAULT_CONCUR_REQ`, `MAX_CONCUR_REQ`).
    pub fn concurrencies(self) -> &'static [usize] {
        match self.model() {
            Impl::Seq => &[1],
            Impl::Threadpool => &[30, 1000],
            Impl::Tokio => &[5, 1000],
        }
    }

    /// The most `-m` the program takes (the book's `MAX_CONCUR_REQ`; ours are the same).
    pub fn max_concurrency(self) -> usize {
        match self.model() {
            Impl::Seq => 1,
            Impl::Threadpool | Impl::Tokio => 1000,
        }
    }
}

/// One planned run (repeated `--repeat` times).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub scenario: Scenario,
    pub runner: Runner,
    pub concurrency: usize,
}

/// The runners for `--impl`: ours, then (with `--python`) the book's scripts of the same models.
fn runners(impls: &[Impl], python: bool) -> Vec<Runner> {
    let mut all: Vec<Runner> = impls.iter().map(|&i| Runner::Rust(i)).collect();
    if python {
        all.extend(
            Script::ALL
                .into_iter()
                .map(Runner::Python)
                .filter(|r| impls.contains(&r.model())),
        );
    }
    all
}

/// `compare`: each scenario, each runner at its book default and maximum.
pub fn compare(scenarios: &[Scenario], impls: &[Impl], python: bool) -> Vec<Run> {
    let runners = runners(impls, python);
    let mut plan = Vec::new();
    for &scenario in scenarios {
        for &runner in &runners {
            for &concurrency in runner.concurrencies() {
                plan.push(Run {
                    scenario,
                    runner,
                    concurrency,
                });
            }
        }
    }
    plan
}

/// `sweep`: DELAY only; each concurrent runner at every level (within its maximum), the
/// sequential ones once as the baseline.
pub fn sweep(impls: &[Impl], levels: &[usize], python: bool) -> Vec<Run> {
    let mut plan = Vec::new();
    for runner in runners(impls, python) {
        let mut ms: Vec<usize> = levels
            .iter()
            .map(|&m| m.min(runner.max_concurrency()))
            .collect();
        ms.sort_unstable();
        ms.dedup();
        for concurrency in ms {
            plan.push(Run {
                scenario: Scenario::Delay,
                runner,
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
        let plan = sweep(
            &[Impl::Seq, Impl::Threadpool, Impl::Tokio],
            &[1, 10, 2000],
            true,
        );
        let of = |name: &str| -> Vec<usize> {
            plan.iter()
                .filter(|r| r.runner.name() == name)
                .map(|r| r.concurrency)
                .collect()
        };
        assert_eq!(of("flags-seq"), [1]);
        assert_eq!(of("flags-tokio"), [1, 10, 1000]);
        assert_eq!(of("flags2_sequential.py"), [1]);
        assert_eq!(of("flags2_asyncio.py"), [1, 10, 1000]);
        assert!(plan.iter().all(|r| r.scenario == Scenario::Delay));
    }

    #[test]
    fn compare_pairs_the_book_scripts_with_the_chosen_models() {
        let plan = compare(&[Scenario::Local], &[Impl::Tokio], true);
        let names: Vec<_> = plan
            .iter()
            .map(|r| (r.runner.name(), r.concurrency))
            .collect();
        assert_eq!(
            names,
            [
                ("flags-tokio", 5),
                ("flags-tokio", 1000),
                ("flags2_asyncio.py", 5),
                ("flags2_asyncio.py", 1000)
            ]
        );
    }
}
