//! The transcript, and how the lesson behaves when a thread panics inside the critical section.
#![cfg(not(loom))]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering::SeqCst};
use std::sync::{Mutex, TryLockError};
use std::thread;

use lock_balance::{
    Failure, LockPoisoned, Mode, NO_LOCK_RUNS, Options, Printed, ThreadFailure, Trials, Variant,
    experiment, locked, no_lock_note, run, trials, unlocked,
};
use pretty_assertions::assert_eq;

/// `output.txt` is `$ cargo run -p lock-balance` and then the program's stdout.
#[test]
fn default_run_prints_the_transcript() {
    let transcript = include_str!("../output.txt");
    let (command, expected) = transcript.split_once('\n').expect("a command line");
    assert_eq!(command, "$ cargo run -p lock-balance");
    assert_eq!(
        run(&Options::default()).unwrap(),
        Printed {
            stdout: expected.to_string(),
            note: None,
        }
    );
}

#[test]
fn change_it_comes_back_to_the_balance_it_started_from() {
    let mut balance = 42;
    locked::change_it(&mut balance, 8);
    assert_eq!(balance, 42);
    let balance = AtomicI64::new(42);
    unlocked::change_it(&balance, 8);
    assert_eq!(balance.load(SeqCst), 42);
}

/// Alone, a thread never loses an update, with or without the lock.
#[test]
fn one_thread_alone_ends_where_it_started() {
    let balance = Mutex::new(-7);
    assert_eq!(locked::run_thread(&balance, 5, 1000), Ok(()));
    assert_eq!(*balance.lock().unwrap(), -7);
    let balance = AtomicI64::new(-7);
    unlocked::run_thread(&balance, 5, 1000);
    assert_eq!(balance.load(SeqCst), -7);
}

/// Python's `finally: lock.release()` is the guard's drop: a thread that panics while holding
/// the lock still releases it, and the lock is poisoned. The next thread refuses to go on.
#[test]
fn a_panic_inside_the_critical_section_releases_the_lock_and_poisons_it() {
    // i64::MAX - 5 + 8 overflows: the first `balance = balance + n` panics.
    let balance = Mutex::new(i64::MAX - 5);
    let panicked = thread::scope(|scope| {
        thread::Builder::new()
            .name("Thread-2".to_string())
            .spawn_scoped(scope, || locked::run_thread(&balance, 8, 1))
            .unwrap()
            .join()
    });
    let panic = panicked.expect_err("the thread panicked");
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"attempt to add with overflow")
    );
    // Released: trying the lock does not say "would block" (still held), it says "poisoned".
    assert!(matches!(balance.try_lock(), Err(TryLockError::Poisoned(_))));
    // The other thread refuses, without changing anything.
    assert_eq!(locked::run_thread(&balance, 5, 1), Err(LockPoisoned));
    // The panic came before any write, so here the balance is intact; the poison cannot know.
    assert_eq!(*balance.lock().unwrap_err().into_inner(), i64::MAX - 5);
}

/// With the lock, from `i64::MAX - 4` whichever thread takes the lock first overflows (5 and 8
/// both do) and panics; the other then finds the lock poisoned and refuses. Both are reported.
#[test]
fn with_the_lock_one_thread_panics_and_the_other_refuses() {
    let failures = experiment(Variant::Locked, i64::MAX - 4, 10).expect_err("a thread failed");
    let mut names: Vec<&str> = failures.iter().map(|f| f.thread.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Thread-1", "Thread-2"]);
    let panicked = failures
        .iter()
        .filter(|f| f.failure == Failure::Panicked("attempt to add with overflow".to_string()))
        .count();
    let refused = failures
        .iter()
        .filter(|f| f.failure == Failure::Refused(LockPoisoned))
        .count();
    assert_eq!((panicked, refused), (1, 1), "{failures:?}");
}

/// Without the lock there is nothing to poison: from `i64::MAX - 4` both threads overflow on
/// their first read (neither ever writes), and both are reported.
#[test]
fn without_the_lock_both_threads_panic() {
    let failures = experiment(Variant::Unlocked, i64::MAX - 4, 10).expect_err("threads failed");
    let overflow = || Failure::Panicked("attempt to add with overflow".to_string());
    assert_eq!(
        failures,
        [
            ThreadFailure {
                thread: "Thread-1".to_string(),
                failure: overflow()
            },
            ThreadFailure {
                thread: "Thread-2".to_string(),
                failure: overflow()
            },
        ]
    );
}

#[test]
fn a_failed_thread_is_reported_by_name() {
    let panicked = ThreadFailure {
        thread: "Thread-2".to_string(),
        failure: Failure::Panicked("attempt to add with overflow".to_string()),
    };
    assert_eq!(
        panicked.to_string(),
        "Thread-2 panicked: attempt to add with overflow"
    );
    let refused = ThreadFailure {
        thread: "Thread-1".to_string(),
        failure: Failure::Refused(LockPoisoned),
    };
    assert_eq!(
        refused.to_string(),
        "Thread-1 stopped: the lock is poisoned, the balance may be half-changed"
    );
}

#[test]
fn with_the_lock_every_trial_ends_at_zero() {
    let seen = trials(Variant::Locked, 1000, 5).unwrap();
    assert_eq!(seen.balances, BTreeMap::from([(0, 5)]));
    assert_eq!((seen.run(), seen.non_zero()), (5, 0));
}

/// Whatever the race does, every trial is counted once.
#[test]
fn without_the_lock_every_trial_is_counted() {
    let seen = trials(Variant::Unlocked, 1000, 5).unwrap();
    assert_eq!(seen.run(), 5);
}

/// The summary's last two lines: the lesson's point. The chapter's `--trials` runs end with them.
const SUMMARY_END: &str = "A run that prints 0 proves nothing: the race may just not have struck.\n\
    The model checker shows it (cargo xtask prove lock-balance): with the lock,\n\
    every interleaving it explored, at 1 to 5 iterations per thread, ends at 0;\n\
    without it, 1 iteration per thread can already end elsewhere.";

#[test]
fn the_trials_summary_states_the_lesson() {
    let seen = Trials {
        variant: Variant::Unlocked,
        iterations: 100_000,
        balances: BTreeMap::from([(-8, 1), (0, 17), (13, 2)]),
    };
    assert_eq!(
        seen.to_string(),
        "trials run: 20 (without the lock, 100000 iterations per thread)\n\
         ended non-zero: 3\n\
         final balances (balance: trials):\n\
         \x20 -8: 1\n\
         \x20 0: 17\n\
         \x20 13: 2\n"
            .to_string()
            + SUMMARY_END
    );
}

#[test]
fn trials_print_their_summary_and_single_runs_the_balance() {
    let options = Options {
        iterations: 10,
        mode: Mode::Trials(2),
        ..Options::default()
    };
    let printed = run(&options).unwrap();
    assert!(
        printed
            .stdout
            .starts_with("trials run: 2 (with the lock, 10 iterations per thread)\n"),
        "{}",
        printed.stdout
    );
    assert!(printed.stdout.ends_with(&format!("{SUMMARY_END}\n")));
    assert_eq!(printed.note, None);
    let options = Options {
        iterations: 10,
        mode: Mode::Once { start_balance: -3 },
        ..Options::default()
    };
    assert_eq!(
        run(&options).unwrap(),
        Printed {
            stdout: "-3\n".to_string(),
            note: None
        }
    );
}

/// Without the lock, the program prints one balance, as Python's `print` does: that of the first
/// run to end away from 0, or 0 after [`NO_LOCK_RUNS`] runs; the note on stderr says which.
/// `--trials` states the lesson's point in its summary instead.
#[test]
fn without_the_lock_the_note_says_how_many_runs_it_took() {
    let options = Options {
        variant: Variant::Unlocked,
        iterations: 10,
        mode: Mode::Once { start_balance: 0 },
    };
    let printed = run(&options).unwrap();
    let balance: i64 = printed.stdout.trim_end().parse().expect("one balance");
    let note = printed.note.expect("a note");
    let runs = (1..=NO_LOCK_RUNS)
        .find(|&runs| note == no_lock_note(0, runs, balance))
        .unwrap_or_else(|| panic!("a note for 1 to {NO_LOCK_RUNS} runs, not:\n{note}"));
    assert!(balance != 0 || runs == NO_LOCK_RUNS, "{note}");
    let options = Options {
        mode: Mode::Trials(2),
        ..options
    };
    assert_eq!(run(&options).unwrap().note, None);
}

/// The three forms of the note, exactly, each line within 80 columns after `note: `.
#[test]
fn the_no_lock_note_names_the_runs_and_why() {
    let indent = |lines: &[&str]| lines.join("\n      ");
    assert_eq!(
        no_lock_note(0, 1, 13),
        indent(&[
            "without the lock, this run ended at 13, not 0:",
            "an update was lost: one thread was stopped between reading the balance",
            "and writing it back, while the other thread wrote it. That needs the",
            "right moment, so a run can end at 0, and it can take a few runs",
            "to see the race: count them with --trials 20; see it step by step in",
            "the proof: cargo xtask prove lock-balance",
        ])
    );
    assert!(no_lock_note(0, 2, -8).starts_with(
        "without the lock, run 1 ended at 0, and run 2 at -8:\n      an update was lost"
    ));
    assert!(no_lock_note(0, 7, 5).starts_with(
        "without the lock, runs 1 to 6 ended at 0, and run 7 at 5:\n      an update was lost"
    ));
    assert_eq!(
        no_lock_note(0, NO_LOCK_RUNS, 0),
        indent(&[
            "without the lock, all 20 runs ended at 0, yet the race is there:",
            "an update is lost only when one thread is stopped between reading the",
            "balance and writing it back, while the other thread writes it: that",
            "needs the right moment. More runs may show it: --trials 1000. The proof",
            "finds it for certain:",
            "cargo xtask prove lock-balance",
        ])
    );
    for note in [
        no_lock_note(0, 1, -174_949),
        no_lock_note(0, NO_LOCK_RUNS - 1, -174_949),
        no_lock_note(0, NO_LOCK_RUNS, 0),
    ] {
        for line in format!("note: {note}").lines() {
            assert!(line.chars().count() <= 80, "over 80 columns: {line:?}");
        }
    }
}

/// The chapter and its appendix show the programs of `tests/compile_fail/` whole, as they are.
/// (That each of their `rust` blocks is an excerpt of the crate is checked by
/// `cargo xtask run-all`.)
#[test]
fn the_docs_show_the_compile_fail_programs_whole() {
    let chapter = include_str!("../../../docs/lock-balance.md");
    let deeper = include_str!("../../../docs/deeper/lock-balance.md");
    for (page, text, path, program) in [
        (
            "docs/lock-balance.md",
            chapter,
            "tests/compile_fail/rc_shared.rs",
            include_str!("compile_fail/rc_shared.rs"),
        ),
        (
            "docs/deeper/lock-balance.md",
            deeper,
            "tests/compile_fail/arc_refcell.rs",
            include_str!("compile_fail/arc_refcell.rs"),
        ),
        (
            "docs/deeper/lock-balance.md",
            deeper,
            "tests/compile_fail/shared_local.rs",
            include_str!("compile_fail/shared_local.rs"),
        ),
        (
            "docs/deeper/lock-balance.md",
            deeper,
            "tests/compile_fail/static_mut.rs",
            include_str!("compile_fail/static_mut.rs"),
        ),
    ] {
        assert!(
            fenced_blocks(text, "text").contains(&program),
            "{page} does not show {path} whole, as it is"
        );
    }
}

/// The appendix's `--trials` runs were captured by hand; at least their fixed last lines must be
/// what the program prints now.
#[test]
fn the_appendixs_trials_runs_end_with_the_summary() {
    let deeper = include_str!("../../../docs/deeper/lock-balance.md");
    let runs: Vec<&str> = fenced_blocks(deeper, "text")
        .into_iter()
        .filter(|block| block.starts_with("$ cargo run") && block.contains(" --trials "))
        .collect();
    assert_eq!(runs.len(), 2, "the appendix's two --trials runs");
    for block in runs {
        assert!(
            block.ends_with(&format!("{SUMMARY_END}\n")),
            "this --trials run of docs/deeper/lock-balance.md does not end with the summary:\n{block}"
        );
    }
}

/// The bodies of the chapter's fenced blocks of one language.
fn fenced_blocks<'a>(chapter: &'a str, language: &str) -> Vec<&'a str> {
    let open = format!("```{language}\n");
    let mut blocks = Vec::new();
    let mut rest = chapter;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let end = body.find("```\n").expect("every block is closed");
        blocks.push(&body[..end]);
        rest = &body[end..];
    }
    blocks
}
