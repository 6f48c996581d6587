//! The transcript, the program's variants, and a panic in a lesson thread, reported by name.
#![cfg(not(loom))]

use cli_checks::{DEADLINE, within};
use pretty_assertions::assert_eq;
use wait_for_funds::{Failure, Notify, Plan, ROUNDS, ThreadFailure, Withdrawal, experiment};

/// `output.txt` is `$ cargo run -p wait-for-funds` and then the program's stdout.
#[test]
fn default_run_prints_the_transcript() {
    let transcript = include_str!("../output.txt");
    let (command, expected) = transcript.split_once('\n').expect("a command line");
    assert_eq!(command, "$ cargo run -p wait-for-funds");
    let plan = Plan::default();
    assert_eq!(plan.rounds, ROUNDS);
    let balance = within(DEADLINE, "the default run to end", move || {
        experiment(&plan)
    });
    assert_eq!(balance.map(|b| format!("{b}\n")), Ok(expected.to_string()));
}

/// The whole program's transcript (the example) says what the lesson's says.
#[test]
fn the_example_prints_what_the_lesson_prints() {
    let example = include_str!("../examples/wait_for_funds.txt");
    let lesson = include_str!("../output.txt");
    assert_eq!(example.lines().nth(1), lesson.lines().nth(1));
}

/// Both forms of the wait end every run at 0, with one withdrawer or several, whatever the
/// amounts, since the depositor pays in what the withdrawers take.
#[test]
fn every_form_ends_at_zero_for_any_amounts() {
    for withdrawal in [Withdrawal::While, Withdrawal::WaitWhile] {
        for amounts in [vec![5], vec![5, 8], vec![1, 1000, 7, 3]] {
            let plan = Plan {
                amounts,
                rounds: 2_000,
                withdrawal,
                notify: Notify::All,
            };
            let what = format!("{withdrawal:?} with amounts {:?} to end", plan.amounts);
            let run = plan.clone();
            let balance = within(DEADLINE, &what, move || experiment(&run));
            assert_eq!(balance, Ok(0), "{plan:?}");
        }
    }
}

/// A lesson thread that panics is reported by name with its message, never swallowed; the
/// others finish their work.
#[test]
fn a_panic_in_a_lesson_thread_is_reported_by_name() {
    let plan = Plan {
        amounts: vec![5, 0],
        rounds: 3,
        ..Plan::default()
    };
    let ended = within(
        DEADLINE,
        "the run with a withdrawal of 0 to end",
        move || experiment(&plan),
    );
    let failures = ended.expect_err("Thread-2 panics");
    assert_eq!(
        failures,
        vec![ThreadFailure {
            thread: "Thread-2".to_string(),
            failure: Failure::Panicked(
                "was asked to withdraw 0: an amount must be at least 1".to_string()
            ),
        }]
    );
    assert_eq!(
        failures[0].to_string(),
        "Thread-2 panicked: was asked to withdraw 0: an amount must be at least 1"
    );
}
