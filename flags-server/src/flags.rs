//! The 194 countries and their flags: the table of designs, parsed once, and the one cache
//! of encoded answers (GIF and `metadata.json`), filled per flag on its first request, so a
//! server starts at once even in a debug build.

use std::sync::{LazyLock, OnceLock};

use bytes::Bytes;
use hyper::header::HeaderValue;

use crate::{render, table};

/// One country of the 194: the fields of its `metadata.json` and its flag design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country {
    /// Upper-case ISO 3166 code, e.g. "BR".
    pub iso_cc: &'static str,
    /// Top-level domain, e.g. ".br" (".uk" for GB).
    pub tld_cc: &'static str,
    /// English short name, e.g. "Brazil".
    pub country: &'static str,
    /// The simplified design in the language described in `table.rs`.
    pub design: &'static str,
    /// Height : width of the flag.
    pub(crate) ratio: (u16, u16),
}

impl Country {
    /// The `metadata.json` body, with the book's three keys.
    pub fn metadata_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Metadata<'a> {
            tld_cc: &'a str,
            iso_cc: &'a str,
            country: &'a str,
        }
        let m = Metadata {
            tld_cc: self.tld_cc,
            iso_cc: self.iso_cc,
            country: self.country,
        };
        serde_json::to_string(&m).unwrap_or_default()
    }
}

static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    let mut all: Vec<Country> = table::TABLE.lines().filter_map(parse_line).collect();
    all.sort_by_key(|c| c.iso_cc);
    all
});

/// Reads one table line: `CC .tld H:W Name = design`.
fn parse_line(line: &'static str) -> Option<Country> {
    let (head, design) = line.split_once('=')?;
    let mut it = head.splitn(4, ' ');
    let iso_cc = it.next()?;
    let tld_cc = it.next()?;
    let (h, w) = it.next()?.split_once(':')?;
    Some(Country {
        iso_cc,
        tld_cc,
        country: it.next()?.trim(),
        design: design.trim(),
        ratio: (h.parse().ok()?, w.parse().ok()?),
    })
}

/// The 194 countries, sorted by code.
pub fn countries() -> &'static [Country] {
    &COUNTRIES
}

/// Position of a code in [`countries`], ignoring case (without allocating: it runs on
/// every request).
pub(crate) fn index_of(cc: &str) -> Option<usize> {
    let &[a, b] = cc.as_bytes() else {
        return None;
    };
    let upper = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
    COUNTRIES
        .binary_search_by(|c| c.iso_cc.as_bytes().cmp(&upper[..]))
        .ok()
}

/// The country with this two-letter code, ignoring case.
pub fn country(cc: &str) -> Option<&'static Country> {
    index_of(cc).map(|i| &COUNTRIES[i])
}

/// An answer's body with its Content-Length value, prepared once and cloned per request
/// (cloning `Bytes` copies a pointer, not the bytes).
pub(crate) struct Prepared {
    /// The bytes sent.
    pub(crate) body: Bytes,
    /// Their length, as a header value.
    pub(crate) len: HeaderValue,
}

impl Prepared {
    fn new(body: Bytes) -> Prepared {
        let len = HeaderValue::from(body.len());
        Prepared { body, len }
    }
}

/// One country's encoded answers.
pub(crate) struct Encoded {
    /// The flag, `<cc>/<cc>.gif`.
    pub(crate) gif: Prepared,
    /// `<cc>/metadata.json`.
    pub(crate) json: Prepared,
}

/// One cell per country, in the order of [`countries`], filled on first use.
static ENCODED: LazyLock<Vec<OnceLock<Encoded>>> =
    LazyLock::new(|| COUNTRIES.iter().map(|_| OnceLock::new()).collect());

/// The encoded answers of the country at `index` in [`countries`], drawn on first use
/// (a few milliseconds in a debug build; requests for other flags do not wait for it).
pub(crate) fn encoded(index: usize) -> &'static Encoded {
    ENCODED[index].get_or_init(|| {
        let c = &COUNTRIES[index];
        Encoded {
            gif: Prepared::new(Bytes::from(render::gif(c.design, c.ratio))),
            json: Prepared::new(Bytes::from(c.metadata_json())),
        }
    })
}

/// Draws every built-in flag now rather than on its first request. Optional: the server
/// draws each flag when it is first asked for; the binary calls this after its ready line,
/// on a thread of its own.
pub fn warm_up() {
    for i in 0..COUNTRIES.len() {
        encoded(i);
    }
}

/// The built-in GIF for this code (the bytes the server sends), ignoring case.
pub fn flag_gif(cc: &str) -> Option<Bytes> {
    index_of(cc).map(|i| encoded(i).gif.body.clone())
}

/// The built-in `metadata.json` body for this code, ignoring case.
pub fn metadata_json(cc: &str) -> Option<Bytes> {
    index_of(cc).map(|i| encoded(i).json.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODES: &str = "AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ \
        CA CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DZ EC EE EG ER ES ET FI FJ FM FR GA GB GD GE \
        GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA \
        LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO \
        NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV \
        SY SZ TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VN VU WS YE ZA ZM ZW";

    #[test]
    fn table_has_exactly_the_194_codes() {
        let got: Vec<&str> = countries().iter().map(|c| c.iso_cc).collect();
        let want: Vec<&str> = CODES.split_whitespace().collect();
        assert_eq!(got, want);
        for c in countries() {
            let tld = if c.iso_cc == "GB" {
                ".uk".to_string()
            } else {
                format!(".{}", c.iso_cc.to_lowercase())
            };
            assert_eq!(c.tld_cc, tld);
            assert!(!c.country.is_empty());
        }
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(country("br").map(|c| c.country), Some("Brazil"));
        assert_eq!(country("Gb").map(|c| c.tld_cc), Some(".uk"));
        assert!(country("xx").is_none());
        assert!(country("bra").is_none());
        assert!(country("").is_none());
    }

    #[test]
    fn metadata_has_the_book_keys() {
        let v: serde_json::Value =
            serde_json::from_str(&country("BR").unwrap().metadata_json()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil"})
        );
    }
}
