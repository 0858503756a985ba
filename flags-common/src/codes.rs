//! Which codes to ask for: the book's `expand_cc_args`.

/// The 20 most populous countries: what the downloaders fetch when given no codes.
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN", "ET", "EG", "DE",
    "IR", "TR", "CD", "FR",
];

/// Every two-letter combination, AA to ZZ: 676 candidates, of which 194 are countries.
pub fn every_code() -> Vec<String> {
    letters()
        .flat_map(|a| letters().map(move |b| format!("{a}{b}")))
        .collect()
}

/// The 194 codes the flag server knows, AD to ZW.
pub fn all_codes() -> Vec<String> {
    flags_server::countries()
        .iter()
        .map(|country| country.iso_cc.to_string())
        .collect()
}

/// Turn the command line's choice into a sorted list of codes, at most `limit` long.
///
/// Each `cc_arg` is a code (`BR`) or one letter standing for the 26 codes that start with it
/// (`B` gives BA..BZ). Returns the offending argument when one is neither.
pub fn expand_cc_args(
    every: bool,
    all: bool,
    cc_args: &[String],
    limit: usize,
) -> Result<Vec<String>, String> {
    let mut codes = if every {
        every_code()
    } else if all {
        all_codes()
    } else if cc_args.is_empty() {
        POP20_CC.iter().map(|cc| cc.to_string()).collect()
    } else {
        let mut codes = Vec::new();
        for arg in cc_args {
            let cc = arg.to_ascii_uppercase();
            match cc.len() {
                1 if is_letters(&cc) => codes.extend(letters().map(|b| format!("{cc}{b}"))),
                2 if is_letters(&cc) => codes.push(cc),
                _ => return Err(arg.clone()),
            }
        }
        codes
    };
    codes.sort();
    codes.dedup();
    codes.truncate(limit);
    Ok(codes)
}

fn letters() -> impl Iterator<Item = char> + Clone {
    'A'..='Z'
}

fn is_letters(cc: &str) -> bool {
    cc.chars().all(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(args: &[&str], limit: usize) -> Result<Vec<String>, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        expand_cc_args(false, false, &args, limit)
    }

    #[test]
    fn every_gives_676_and_all_gives_194() {
        let every = expand_cc_args(true, false, &[], usize::MAX).unwrap();
        assert_eq!(every.len(), 676);
        assert_eq!((every[0].as_str(), every[675].as_str()), ("AA", "ZZ"));
        let all = expand_cc_args(false, true, &[], usize::MAX).unwrap();
        assert_eq!(all.len(), 194);
        assert_eq!((all[0].as_str(), all[193].as_str()), ("AD", "ZW"));
    }

    #[test]
    fn one_letter_stands_for_26_codes() {
        let b = expand(&["b"], usize::MAX).unwrap();
        assert_eq!(b.len(), 26);
        assert_eq!((b[0].as_str(), b[25].as_str()), ("BA", "BZ"));
    }

    #[test]
    fn codes_are_sorted_deduplicated_and_limited() {
        assert_eq!(
            expand(&["jp", "BR", "br"], usize::MAX).unwrap(),
            ["BR", "JP"]
        );
        assert_eq!(expand(&["Z"], 3).unwrap(), ["ZA", "ZB", "ZC"]);
        assert_eq!(
            expand_cc_args(true, false, &[], 3).unwrap(),
            ["AA", "AB", "AC"]
        );
    }

    #[test]
    fn no_codes_means_the_top_20() {
        let top = expand(&[], usize::MAX).unwrap();
        assert_eq!(top.len(), 20);
        assert!(top.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn bad_codes_are_named() {
        for bad in ["BRA", "1", "B2", "", "ÉT", "-"] {
            assert_eq!(expand(&["BR", bad], 10), Err(bad.to_string()));
        }
    }
}
