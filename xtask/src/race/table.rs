//! The final reports in one short table, from each downloader's own summary (the last line of
//! its trace), its memory and threads (`Racer::costs`) and how its process ended; within 80
//! columns (a header on two lines, the end in a word), what an end means in notes under it.

use flags_common::board::one_decimal;

use super::racer::Racer;

/// What every line of the table and its notes fits in: a laptop's terminal.
pub const WIDTH: usize = 80;

/// The number columns: the header's two lines and the width.
const COLUMNS: [(&str, &str, usize); 9] = [
    ("", "-m", 4),
    ("", "OK", 3),
    ("", "404", 3),
    ("", "err", 3),
    ("not", "att.", 4),
    ("time", "s", 5),
    ("", "items/s", 7),
    ("RSS", "MiB", 5),
    ("", "threads", 7),
];

pub fn table(racers: &[Racer]) -> String {
    let name_w = racers
        .iter()
        .map(|r| r.package.chars().count())
        .max()
        .unwrap_or(0)
        .max(17);
    let row = |name: &str, cells: [String; 9], end: &str| {
        let mut line = format!("{name:<name_w$}");
        for ((_, _, w), cell) in COLUMNS.iter().zip(cells) {
            line += &format!(" {cell:>w$}");
        }
        format!("{line}  {end}").trim_end().to_string()
    };
    let mut lines = vec![
        row("", COLUMNS.map(|c| c.0.to_string()), ""),
        row("downloader", COLUMNS.map(|c| c.1.to_string()), "end"),
    ];
    let mut notes: Vec<String> = Vec::new();
    for racer in racers {
        let (end, note) = how_it_ended(racer);
        if let Some(note) = note
            && !notes.contains(&note)
        {
            notes.push(note);
        }
        let (mib, threads) = racer.costs();
        let mib = mib.map_or("n/a".into(), one_decimal);
        let threads = threads.map_or("n/a".into(), |t| t.to_string());
        let cells = match &racer.summary {
            Some(s) => [
                s.concur_req.to_string(),
                s.tally.ok.to_string(),
                s.tally.not_found.to_string(),
                s.tally.errors.to_string(),
                s.tally.not_attempted.to_string(),
                format!("{:.2}", s.elapsed_s),
                one_decimal(s.items_per_s),
                mib,
                threads,
            ],
            None => {
                let dash = || "-".to_string();
                [
                    racer.concur_req.to_string(),
                    dash(),
                    dash(),
                    dash(),
                    dash(),
                    dash(),
                    dash(),
                    mib,
                    threads,
                ]
            }
        };
        lines.push(row(&racer.package, cells, &end));
    }
    let mut text = lines.join("\n");
    for note in notes {
        text.push('\n');
        text += &wrap(&note);
    }
    text
}

/// A word for the end column (`finished`, `budget`, `Ctrl-C`, `killed`, `exit 1`...), and
/// what it means when a word does not say it all.
fn how_it_ended(racer: &Racer) -> (String, Option<String>) {
    let word = |w: &str| w.to_string();
    match &racer.finished {
        None => (word("running"), None),
        Some(Err(err)) => (
            word("failed"),
            Some(format!("failed: {}: {err}", racer.package)),
        ),
        Some(Ok(done)) if done.killed => (
            word("killed"),
            Some("killed: no end after SIGINT, so SIGKILL.".into()),
        ),
        Some(Ok(done)) if done.budget_hit => (
            word("budget"),
            Some(
                "budget: SIGINT at the race's --budget; its items/s is what it finished in its time."
                    .into(),
            ),
        ),
        Some(Ok(done)) => match done.exit_code {
            Some(0) => (word("finished"), None),
            Some(130) => (word("Ctrl-C"), None),
            Some(code) => (format!("exit {code}"), None),
            None => (word("signal"), Some("signal: ended by a signal.".into())),
        },
    }
}

/// A note on lines of at most `WIDTH` columns, broken between words, later lines indented.
pub(super) fn wrap(note: &str) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in note.split(' ') {
        let line = lines.last_mut().expect("a line");
        let len = line.chars().count();
        if len > 2 && len + 1 + word.chars().count() > WIDTH {
            lines.push(format!("  {word}"));
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_and_a_full_row_fit_80_columns() {
        let name_w = 17;
        let widths: usize = COLUMNS.iter().map(|c| c.2 + 1).sum();
        // The longest end word: "finished".
        assert!(name_w + widths + 2 + "finished".len() <= WIDTH);
        let note = "failed: flags-yours: ".to_string() + &"a long reason ".repeat(12);
        assert!(wrap(&note).lines().all(|l| l.chars().count() <= WIDTH));
    }
}
