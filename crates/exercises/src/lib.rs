//! # Write it yourself: exercises for the lessons
//!
//! Each exercise is one file in `src/` that you edit: the Python to port, the task in a few
//! lines, and a body that says `todo!()`. `cargo xtask learn` checks it in two stages:
//!
//! 1. **plain checks**: your functions run on real threads, as a unit test would run them;
//! 2. **loom models**: the same functions, built with `--cfg loom`, run in every interleaving of
//!    their threads that loom explores, at small sizes. A racy answer that the plain checks
//!    passed by luck fails here, and the check draws the schedule that broke it.
//!
//! Your code takes its threads, locks, atomics, channels and thread-locals from the lesson's
//! facade (`thread_basics::sync`, `lock_balance::sync`, `thread_local::sync`,
//! `channel_ledger::sync`, `lock_order::sync`, `wait_for_funds::sync`, `worker_pool::sync`):
//! std's in the plain checks, loom's in the models.
//! So loom checks your own code, not a copy of it.
//!
//! ## Why not rustlings
//!
//! rustlings (v6) can run a third-party exercise set, with watch mode, hints and progress. It is
//! not used here: it would be a second install for the learner, and it runs each exercise's
//! checks in one build, while the models need a second build of your code with
//! `RUSTFLAGS="--cfg loom"` in its own target folder. `cargo xtask learn` (xtask/src/learn.rs)
//! runs both builds and needs nothing but cargo.
//!
//! ## How to add an exercise
//!
//! For an exercise `my-exercise` of lesson `<lesson>` (module `my_exercise`):
//!
//! 1. Write the reference solution, `solutions/my_exercise.rs`: a module doc with the Python to
//!    port and the task, then the functions, using only `<lesson>::sync` for threads and locks.
//! 2. Copy it to `starters/my_exercise.rs` and to `src/my_exercise.rs` (the two must stay the
//!    same: `--verify-all` in CI says so when not), replacing each body the learner writes with
//!    `todo!("what to write")`.
//! 3. Write a plausible wrong answer, `wrong/my_exercise.rs`: one that passes the plain checks in
//!    most runs and fails a model (`--verify-all` checks both).
//! 4. Write the checks, `src/checks/my_exercise.rs`: an `Api` of the functions, the `api!` macro
//!    that fills it from a module, `plain(api)` and (under `cfg(loom)`) `model(api)`, each
//!    returning what went wrong in the exercise's words; copy an existing one.
//! 5. Name the module in the `yours!` list below, in `starters/mod.rs`, `solutions/mod.rs`,
//!    `wrong/mod.rs` and `src/checks/mod.rs`, and add a line to [`catalogue::EXERCISES`]; add
//!    its entry (lesson, chapter, title, hints) to `exercises.toml`, in the order learners meet
//!    it.
//! 6. Run `cargo xtask learn --verify-all`, and list it in docs/exercises.md and in its chapter's
//!    "Exercises" section.

pub mod catalogue;
pub mod check;
pub mod checks;

/// The panic's message, if it is a `&str` or a `String`.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(a panic with no message)")
}

pub use checks::whole_lines::Transcript;

// Your files: one module per exercise, `src/<exercise>.rs`. A starter's parameters, imports and
// fields are unused until you write its bodies, hence the `allow`.
macro_rules! yours {
    ($($module:ident),* $(,)?) => {
        $(
            #[allow(unused_variables, unused_imports, dead_code)]
            pub mod $module;
        )*
    };
}
yours!(
    named_workers,
    whole_lines,
    deposit_withdraw,
    shared_balance,
    visit_counter,
    student_slot,
    greet_students,
    bounded_ledger,
    ledger_thread,
    ordered_transfer,
    consistent_total,
    no_overdraft,
    withdraw_when_covered,
    event,
    pool_in_order,
    take_then_run
);

/// The kept starters, as a fresh clone has them in `src/` (`--verify-all` checks each says "not
/// done yet").
#[cfg(feature = "verify")]
#[allow(unused_variables, unused_imports, dead_code)]
#[path = "../starters/mod.rs"]
pub mod starters;

/// The reference solutions (`--verify-all` checks each passes; `learn` shows one once you pass).
#[cfg(feature = "verify")]
#[path = "../solutions/mod.rs"]
pub mod solutions;

/// The kept wrong answers: each passes the plain checks in most runs and fails a model
/// (`--verify-all` checks both).
#[cfg(feature = "verify")]
#[path = "../wrong/mod.rs"]
pub mod wrong;
