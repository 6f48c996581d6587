//! The one parser for every numeric flag of every lesson: a whole number in a range, or a usage
//! error that says which range.
//!
//! A crate of its own, a normal dependency of every lesson with a numeric flag, so that each
//! lesson's `src/main.rs` says `whole_number::in_range(1..=MAX)` and all of them refuse a bad
//! number in the same words. It lives in `xtask/` with the repo's other support code: `crates/`
//! holds only the lessons.
//!
//! Not clap's `value_parser!(u64).range(..)`: only a number out of the range gets the range from
//! it; `1e5` and `100_000` get `invalid digit found in string`, `''` `cannot parse integer from
//! empty string`. One message for every rejected value tells a learner what to type instead.

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// A clap value parser taking a whole number in `accepted`, written as Rust's `str::parse` reads
/// an integer: decimal digits with an optional sign. Anything else (a number out of `accepted` or
/// too big for `T`, a negative number for an unsigned flag, an exponent like `1e5`, underscores
/// like `100_000`, a fraction, spaces, an empty value) gets the same message: clap puts it after
/// `invalid value '<value>' for '<flag>': ` and exits with status 2. Nothing is clamped.
///
/// Each flag using it also needs `allow_hyphen_values = true`, even if its range has no negative
/// numbers: without it clap reads `-5` as an unknown flag, and says so without the range.
/// (`allow_negative_numbers` is not enough: clap still reads `-100_000` as the short flags `-1`,
/// `-0`, ...) The price: a flag name left where the number belongs, as in `--ticks --interval-ms
/// 0`, is taken as that number, and clap then refuses the `0` left over (`unexpected argument
/// '0' found`, exit 2) before this parser runs; a flag given no number at all, at the end of the
/// line, still gets clap's `a value is required`.
pub fn in_range<T>(
    accepted: RangeInclusive<T>,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: FromStr + PartialOrd + Display + Clone + Send + Sync + 'static,
{
    move |value| {
        value
            .parse()
            .ok()
            .filter(|n| accepted.contains(n))
            .ok_or_else(|| {
                format!(
                    "needs a whole number in {}..={}",
                    accepted.start(),
                    accepted.end()
                )
            })
    }
}
