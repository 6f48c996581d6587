//! Every exercise, and which of its versions a check runs.

use crate::check::Outcome;
use crate::checks;

/// Which version of an exercise's file the checker runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Yours: `src/<module>.rs`.
    Yours,
    /// The kept starter, `starters/<module>.rs` (the `verify` feature only).
    Starter,
    /// The reference solution, `solutions/<module>.rs` (the `verify` feature only).
    Solution,
    /// The kept wrong answer, `wrong/<module>.rs` (the `verify` feature only).
    Wrong,
}

impl Variant {
    /// From its name on the checker's command line.
    pub fn parse(name: &str) -> Option<Variant> {
        match name {
            "yours" => Some(Variant::Yours),
            "starter" => Some(Variant::Starter),
            "solution" => Some(Variant::Solution),
            "wrong" => Some(Variant::Wrong),
            _ => None,
        }
    }
}

/// One exercise: its name, and its two stages of checks for a version of its file.
pub struct Exercise {
    /// As `cargo xtask learn <name>` takes it: `named-workers`.
    pub name: &'static str,
    /// The plain checks (real threads).
    pub plain: fn(Variant) -> Outcome,
    /// The loom models.
    #[cfg(loom)]
    pub model: fn(Variant) -> Outcome,
}

/// Runs `$stage` of `checks::$module` over the version `$variant` selects. Without the `verify`
/// feature only yours is compiled, and asking for another is the checker's usage error.
macro_rules! dispatch {
    ($module:ident, $stage:ident, $variant:expr) => {
        match $variant {
            Variant::Yours => checks::$module::$stage(checks::$module::api!(crate::$module)),
            #[cfg(feature = "verify")]
            Variant::Starter => {
                checks::$module::$stage(checks::$module::api!(crate::starters::$module))
            }
            #[cfg(feature = "verify")]
            Variant::Solution => {
                checks::$module::$stage(checks::$module::api!(crate::solutions::$module))
            }
            #[cfg(feature = "verify")]
            Variant::Wrong => checks::$module::$stage(checks::$module::api!(crate::wrong::$module)),
            #[cfg(not(feature = "verify"))]
            other => Err(format!(
                "the {other:?} version is only built with the `verify` feature"
            )),
        }
    };
}

macro_rules! exercise {
    ($name:literal, $module:ident) => {
        Exercise {
            name: $name,
            plain: |variant| dispatch!($module, plain, variant),
            #[cfg(loom)]
            model: |variant| dispatch!($module, model, variant),
        }
    };
}

/// Every exercise, in the order `exercises.toml` gives (`--verify-all` checks they agree).
pub const EXERCISES: &[Exercise] = &[
    exercise!("named-workers", named_workers),
    exercise!("whole-lines", whole_lines),
    exercise!("deposit-withdraw", deposit_withdraw),
    exercise!("shared-balance", shared_balance),
    exercise!("visit-counter", visit_counter),
    exercise!("student-slot", student_slot),
    exercise!("greet-students", greet_students),
    exercise!("bounded-ledger", bounded_ledger),
    exercise!("ledger-thread", ledger_thread),
    exercise!("ordered-transfer", ordered_transfer),
    exercise!("consistent-total", consistent_total),
    exercise!("no-overdraft", no_overdraft),
    exercise!("withdraw-when-covered", withdraw_when_covered),
    exercise!("event", event),
    exercise!("pool-in-order", pool_in_order),
    exercise!("take-then-run", take_then_run),
];

/// The exercise called `name`.
pub fn find(name: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|exercise| exercise.name == name)
}
