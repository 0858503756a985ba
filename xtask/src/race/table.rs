//! The final reports in one short table, from each downloader's own summary (the last
//! line of its trace) and how its process ended.

use flags_common::board::one_decimal;

use super::racer::Racer;

pub fn table(racers: &[Racer]) -> String {
    let mut lines = vec![format!(
        "{:<17} {:>5} {:>5} {:>9} {:>6} {:>8} {:>9} {:>8}  {}",
        "downloader", "-m", "OK", "not found", "errors", "not att.", "elapsed s", "items/s", "end"
    )];
    for racer in racers {
        let end = how_it_ended(racer);
        let line = match &racer.summary {
            Some(s) => format!(
                "{:<17} {:>5} {:>5} {:>9} {:>6} {:>8} {:>9.2} {:>8}  {end}",
                racer.package,
                s.concur_req,
                s.tally.ok,
                s.tally.not_found,
                s.tally.errors,
                s.tally.not_attempted,
                s.elapsed_s,
                one_decimal(s.items_per_s),
            ),
            None => format!(
                "{:<17} {:>5} {:>5} {:>9} {:>6} {:>8} {:>9} {:>8}  {end}",
                racer.package, racer.concur_req, "-", "-", "-", "-", "-", "-"
            ),
        };
        lines.push(line);
    }
    lines.join("\n")
}

/// `finished`, `budget: SIGINT`, `Ctrl-C`, `killed`, `exit 1`...
fn how_it_ended(racer: &Racer) -> String {
    match &racer.finished {
        None => "running".into(),
        Some(Err(err)) => format!("failed: {err}"),
        Some(Ok(done)) if done.killed => "killed (no end after SIGINT)".into(),
        Some(Ok(done)) if done.budget_hit => "budget: SIGINT".into(),
        Some(Ok(done)) => match done.exit_code {
            Some(0) => "finished".into(),
            Some(130) => "Ctrl-C".into(),
            Some(code) => format!("exit {code}"),
            None => "ended by a signal".into(),
        },
    }
}
