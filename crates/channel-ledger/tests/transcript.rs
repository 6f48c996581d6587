//! The transcript, the lesson's functions one by one, and the Python original.
#![cfg(not(loom))]

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use channel_ledger::{
    Failure, LEDGER, LedgerGone, Queue, TELLERS, ThreadFailure, experiment, ledger, teller,
};
use cli_checks::{DEADLINE, output_within, within};
use pretty_assertions::assert_eq;

const CHAPTER: &str = include_str!("../../../docs/channel-ledger.md");
const PYTHON: &str = include_str!("../channel_ledger.py");

/// `output.txt` is `$ cargo run -p channel-ledger` and then the program's stdout.
#[test]
fn default_run_prints_the_transcript() {
    let transcript = include_str!("../output.txt");
    let (command, expected) = transcript.split_once('\n').expect("a command line");
    assert_eq!(command, "$ cargo run -p channel-ledger");
    let balance = within(DEADLINE, "the experiment's joins", || {
        experiment(Queue::Unbounded, 0, channel_ledger::ITERATIONS)
    })
    .unwrap();
    assert_eq!(format!("{balance}\n"), expected);
}

/// A teller sends `n`, `-n` per iteration, in that order, and its Sender is gone when it returns.
#[test]
fn a_teller_sends_each_pair_in_order_then_drops_its_sender() {
    let (sender, receiver) = mpsc::channel();
    assert_eq!(teller(sender, 5, 3), Ok(()));
    let received = within(
        DEADLINE,
        "the amounts, then the end of the queue",
        move || receiver.iter().collect::<Vec<i64>>(),
    );
    assert_eq!(received, [5, -5, 5, -5, 5, -5]);
}

/// The ledger adds what it receives to its start, and returns once every Sender is gone.
#[test]
fn the_ledger_adds_every_amount_and_ends_with_the_last_sender() {
    within(DEADLINE, "a send, its join, and the ledger's end", || {
        let (sender, receiver) = mpsc::sync_channel(2);
        let other = sender.clone();
        let from_elsewhere = thread::spawn(move || other.send(100).unwrap());
        sender.send(-1).unwrap();
        drop(sender);
        from_elsewhere.join().unwrap();
        assert_eq!(ledger(receiver, 10), 109);
    });
}

/// A teller whose ledger is gone stops at its first amount and says so.
#[test]
fn a_teller_stops_when_the_ledger_is_gone() {
    let (sender, receiver) = mpsc::channel::<i64>();
    drop(receiver);
    assert_eq!(teller(sender, 8, 10), Err(LedgerGone));
}

#[test]
fn both_queues_end_at_the_start_balance() {
    for queue in [Queue::Unbounded, Queue::MaxSize(1), Queue::MaxSize(64)] {
        let ends = within(DEADLINE, "the experiment's joins", move || {
            (experiment(queue, 0, 1000), experiment(queue, -3, 10))
        });
        assert_eq!(ends, (Ok(0), Ok(-3)), "{queue:?}");
    }
}

/// The ledger overflows on its first amount and panics; with room for one amount, both tellers
/// then find it gone. All three are reported, the tellers first, as they are joined first.
#[test]
fn a_ledger_that_panics_is_reported_with_the_tellers_it_left() {
    let failures = within(DEADLINE, "the experiment's joins", || {
        experiment(Queue::MaxSize(1), i64::MAX - 4, 100)
    })
    .expect_err("it failed");
    let gone = |name: &str| ThreadFailure {
        thread: name.to_string(),
        failure: Failure::Stopped(LedgerGone),
    };
    assert_eq!(
        failures,
        [
            gone(TELLERS[0].0),
            gone(TELLERS[1].0),
            ThreadFailure {
                thread: LEDGER.to_string(),
                failure: Failure::Panicked("attempt to add with overflow".to_string()),
            },
        ]
    );
    assert_eq!(
        failures[0].to_string(),
        "Thread-1 found the ledger gone: nothing more could be sent"
    );
    assert_eq!(
        failures[2].to_string(),
        "Ledger panicked: attempt to add with overflow"
    );
}

/// The chapter shows the Python original whole, as shipped in the crate (less its English
/// header), and says it is not from the seed.
#[test]
fn the_chapter_shows_the_python_original_and_says_where_it_comes_from() {
    let program = PYTHON
        .split_once("\n\nimport")
        .map(|(_, rest)| format!("import{rest}"))
        .expect("the header, then the program");
    assert!(
        CHAPTER.contains(&format!("```python\n{program}```\n")),
        "docs/channel-ledger.md does not show crates/channel-ledger/channel_ledger.py's program"
    );
    assert!(CHAPTER.contains("not from the seed"));
}

/// The Python original prints what the chapter says, 0. Run where `python3` is on the PATH; the
/// test says so on stderr where it is not (a fresh machine has only the Rust toolchain).
#[test]
fn the_python_original_prints_0() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/channel_ledger.py");
    match Command::new("python3").arg("--version").output() {
        Ok(_) => {
            let output = output_within(
                Command::new("python3")
                    .arg(path)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped()),
                DEADLINE,
            );
            assert!(output.status.success(), "{output:?}");
            assert_eq!(String::from_utf8_lossy(&output.stdout), "0\n");
        }
        Err(error) => eprintln!("not run: python3 is not on the PATH ({error})"),
    }
}

/// The chapter quotes what `cargo xtask break channel-ledger/forgotten-sender` printed: its
/// words are the ones `explain` writes, for that execution's log, copied here step by step from
/// the counterexample loom found (loom itself runs only in the proofs).
#[test]
fn the_chapter_quotes_the_forgotten_sender_message_as_the_proof_writes_it() {
    use channel_ledger::explain::{deadlock, timeline};
    use channel_ledger::sync::channel::log::{Entry, Event, MAIN};

    let step = |thread: &str, event| Entry {
        thread: thread.to_string(),
        event,
    };
    let (one, two) = ("Thread-1", "Thread-2");
    let entries = [
        step(MAIN, Event::Opened { bound: None }),
        step(MAIN, Event::Made { sender: 2 }),
        step(MAIN, Event::Made { sender: 3 }),
        step(LEDGER, Event::WaitsForMessage),
        step(
            one,
            Event::Sent {
                sender: 2,
                amount: 5,
                queued: 1,
            },
        ),
        step(
            one,
            Event::Sent {
                sender: 2,
                amount: -5,
                queued: 2,
            },
        ),
        step(one, Event::Dropped { sender: 2 }),
        step(LEDGER, Event::Received { amount: 5 }),
        step(LEDGER, Event::Received { amount: -5 }),
        step(LEDGER, Event::WaitsForMessage),
        step(
            two,
            Event::Sent {
                sender: 3,
                amount: 8,
                queued: 1,
            },
        ),
        step(
            two,
            Event::Sent {
                sender: 3,
                amount: -8,
                queued: 2,
            },
        ),
        step(two, Event::Dropped { sender: 3 }),
        step(LEDGER, Event::Received { amount: 8 }),
        step(LEDGER, Event::Received { amount: -8 }),
        step(LEDGER, Event::WaitsForMessage),
    ];
    let message = format!(
        "{}\n\ncounterexample: execution 1 (preemption bound 2), step by step:\n{}",
        deadlock(&entries),
        timeline(&entries)
    );
    assert!(
        CHAPTER.contains(&format!("```text\n{message}\n```\n")),
        "docs/channel-ledger.md should quote:\n{message}"
    );
}
