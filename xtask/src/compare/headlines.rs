//! compare's headlines: one line per scenario, like the talk's, each downloader at its highest
//! concurrency.

use crate::bench::options::{Settings, first_seen};
use crate::bench::runs::Row;
use crate::report::charts;

/// One line per scenario, like the talk's, DELAY first: each downloader at its highest
/// concurrency, and what ran (`-e`, or `-e -l 100, delays 0.05..0.5 s` with --quick).
pub fn of(settings: &Settings, rows: &[Row]) -> Vec<String> {
    // DELAY first, as the charts: LOCAL's line comes last, next to what its floor says.
    let scenarios = charts::scenarios(rows);
    let downloaders = first_seen(rows.iter().map(|r| r.downloader));
    scenarios
        .into_iter()
        .map(|scenario| {
            let mut parts = Vec::new();
            for downloader in &downloaders {
                let best = rows
                    .iter()
                    .filter(|r| r.scenario == scenario && r.downloader == *downloader)
                    .max_by_key(|r| r.concurrency);
                if let Some(row) = best {
                    let m = if row.concurrency > 1 {
                        format!(" -m {}", row.concurrency)
                    } else {
                        String::new()
                    };
                    parts.push(format!(
                        "{downloader}{m} {} items/s",
                        speed(row.median.items_per_s)
                    ));
                }
            }
            format!(
                "{} {}: {}",
                scenario.label(),
                settings.scope(scenario),
                parts.join(", ")
            )
        })
        .collect()
}

/// Speeds as the talk says them: 0.36, 1.92, 150.
fn speed(v: Option<f64>) -> String {
    v.map_or("-".to_string(), charts::figure)
}
