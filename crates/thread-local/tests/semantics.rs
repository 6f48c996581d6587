//! What Python's `threading.local()` promises, checked on the lesson's `LocalSchool` apart from
//! any transcript: a thread reads and rebinds its own `local_school.student` as often as it
//! likes, and never sees another thread's, however their binds and reads interleave. The
//! interleaving is fixed by channels (each thread takes its turn when the other hands it over),
//! not by timing; the joins are under the liveness guard's deadline.
#![cfg(not(loom))]

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use cli_checks::{DEADLINE, within};
use thread_local::{LocalSchool, School};

/// How many turns each thread takes.
const TURNS: usize = 50;

/// One thread's part: on each turn (when the other hands it over), reads its student, checks it
/// is the one it bound last (none before its first bind), rebinds a new one, reads it back
/// twice, and hands the turn over. Returns every mismatch, in words.
fn take_turns(me: &'static str, turn: Receiver<()>, hand_over: Sender<()>) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut last: Option<String> = None;
    for round in 0..TURNS {
        if turn.recv().is_err() {
            break;
        }
        let found = LocalSchool::student().ok();
        if found != last {
            wrong.push(format!(
                "{me}, turn {round}: found {found:?}, bound {last:?}"
            ));
        }
        let student = format!("{me}'s student {round}");
        LocalSchool::bind(student.clone());
        for _ in 0..2 {
            let found = LocalSchool::student().ok();
            if found.as_ref() != Some(&student) {
                wrong.push(format!(
                    "{me}, turn {round}: read back {found:?}, not {student:?}"
                ));
            }
        }
        last = Some(student);
        // The other thread may have taken its last turn already.
        let _ = hand_over.send(());
    }
    wrong
}

/// Two threads take turns: each binds, reads and rebinds its student between the other's binds
/// and reads, 50 turns each. Each always finds the student it bound last, never the other's.
#[test]
fn each_thread_reads_and_rebinds_its_own_student_and_never_sees_the_others() {
    let wrong = within(DEADLINE, "both threads' 50 turns", || {
        let (to_a, a_turn) = mpsc::channel();
        let (to_b, b_turn) = mpsc::channel();
        // Thread-A's turn first; then they hand it to each other.
        to_a.send(()).unwrap();
        let a = thread::spawn(move || take_turns("Thread-A", a_turn, to_b));
        let b = thread::spawn(move || take_turns("Thread-B", b_turn, to_a));
        let mut wrong = a.join().unwrap();
        wrong.extend(b.join().unwrap());
        wrong
    });
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
