//! Loom models of the lesson: the same functions the binary runs, with loom's threads and lock
//! (see `src/sync.rs`). Run: `cargo xtask prove thread-basics`, or by hand `RUSTFLAGS="--cfg loom"
//! CARGO_TARGET_DIR=target/loom cargo test --release -p thread-basics --test proofs -- --nocapture
//! --test-threads=1`.
//!
//! Under loom the model's own thread has no name, so the main thread's lines read
//! `thread <unnamed> ...`: the lesson prints any nameless thread that way, loom's or not.
#![cfg(loom)]

use std::collections::BTreeSet;
use std::time::Duration;

use figures::Exploration;
use thread_basics::sync::Arc;
use thread_basics::{LOOP_THREAD, Sink, UNNAMED, join, run, say_ended, say_running, start};

// Which thread printed each line, and how a failing model shows it (the lines in the order
// printed, the transcripts reached, the contrast's picture): beside the models, so that each
// model below reads as its property.
mod counterexample;

use counterexample::{Printed, counterexample, indented, listing, picture};

/// What `LoopThread` must print, in this order, for `ticks` ticks: the spec the models check.
fn loop_thread_lines(ticks: u64) -> Vec<String> {
    let mut lines = vec![format!("thread {LOOP_THREAD} is running...")];
    lines.extend((1..=ticks).map(|n| format!("thread {LOOP_THREAD} >>> {n}")));
    lines.push(format!("thread {LOOP_THREAD} ended."));
    lines
}

/// Splits a transcript into `LoopThread`'s lines and the others (the main thread's).
fn by_thread(lines: &[String]) -> (Vec<String>, Vec<String>) {
    let prefix = format!("thread {LOOP_THREAD} ");
    lines
        .iter()
        .cloned()
        .partition(|line| line.starts_with(&prefix))
}

/// Every execution's printed lines, (thread, line), in the order of the executions.
type Runs = std::sync::Arc<std::sync::Mutex<Vec<Vec<(String, String)>>>>;

/// Every transcript seen across a model's executions. A std lock, invisible to loom, is right
/// here: it only collects results, and is never held across a loom operation.
type Seen = std::sync::Arc<std::sync::Mutex<BTreeSet<Vec<String>>>>;

/// With `join`, in every interleaving `LoopThread`'s lines come in order and the main thread's
/// "ended." is the last line, after all of them; so there is exactly one possible transcript.
/// (Loom needs one execution: after `start`, the main thread's next step is `join`, so no two
/// steps of the two threads touching the sink can be swapped.)
///
/// Fails on the catalogue's `ended-before-join` and `no-join` (crates/thread-basics/mistakes/;
/// `cargo xtask break thread-basics/<mistake>` shows each failure and its counterexample, and
/// `cargo xtask test` checks that it still fails).
/// Does NOT fail on `std-mutex-sink`, a sink loom cannot see (one execution either way, checked
/// too): the contrast model below is the one that catches it.
#[test]
fn main_ends_last_in_every_explored_interleaving() {
    const TICKS: u64 = 3;
    let exploration = Exploration::start(
        "with join, LoopThread's lines are in order and main's \"ended.\" is the last line (3 ticks)",
    );
    let counter = exploration.clone();
    let seen = Seen::default();
    let record = seen.clone();
    loom::model(move || {
        counter.execution();
        let out = Arc::new(Sink::new(Printed::record()));
        // In the lesson's words, not a Debug dump: `run` says which
        // thread failed, and why.
        if let Err(failed) = run(&out, TICKS, Duration::ZERO) {
            panic!("the lesson's run failed: {failed}");
        }

        // The one right transcript: main's first line, LoopThread's lines in order, main's last.
        let printed = Printed::take();
        let mut expected = vec![format!("thread {UNNAMED} is running...")];
        expected.extend(loop_thread_lines(TICKS));
        expected.push(format!("thread {UNNAMED} ended."));
        let lines: Vec<String> = printed.iter().map(|(_, line)| line.clone()).collect();
        if lines != expected {
            panic!(
                "with join, LoopThread's lines must come in order and main's \"ended.\" last;\n\
                 execution {} printed them otherwise\n\n{}",
                counter.executions(),
                counterexample(counter.executions(), &printed, &expected)
            );
        }
        record.lock().unwrap().insert(lines);
    });
    exploration.finish();

    let seen = seen.lock().unwrap();
    // The main thread's last line: loom's model thread has no name (see the header).
    let main_ended = format!("thread {UNNAMED} ended.");
    figures::report("reachable", listing(&seen, &main_ended));
    assert_eq!(seen.len(), 1, "join leaves one possible transcript");
}

/// Contrast, the learner's mistake: the main thread prints "ended." before `t.join()`. Loom must
/// find interleavings where that line comes before LoopThread has finished: in fact every place
/// it can go, from right after the main thread's first line to the very end.
///
/// The mistaken order lives here, in the test, not in the lesson: the model calls the lesson's
/// own steps (`say_running`, `start`, `say_ended`, `join`) in the wrong order.
///
/// Fails on the catalogue's `std-mutex-sink` (the sink locked with std's `Mutex`, so loom no longer
/// sees the lines printed: 1 execution, only line 2 reached) and `yield-for-sleep-in-proofs` (the
/// facade's `sleep` a `loom::thread::yield_now()`: 4 executions, LoopThread never finishes ahead of
/// the main thread). On failure it lists every transcript loom reached. `cargo xtask break
/// thread-basics/<mistake>` shows each; `cargo xtask test` checks that it still fails.
#[test]
fn ending_before_join_lets_main_end_while_loop_thread_runs() {
    const TICKS: u64 = 1;
    let exploration = Exploration::start(
        "contrast: \"ended.\" before join, and loom finds main's last line before LoopThread ends (1 tick)",
    );
    let counter = exploration.clone();
    // Every execution's lines, each with the thread that printed it, in execution order: a std
    // lock, invisible to loom, taken only after the loom threads are joined.
    let runs: Runs = Runs::default();
    let record_run = runs.clone();
    loom::model(move || {
        counter.execution();
        let out = Arc::new(Sink::new(Printed::record()));
        // print('thread %s is running...' % threading.current_thread().name)
        say_running(&out).expect("the recording writer takes every line");
        // t = threading.Thread(target=loop, name='LoopThread'); t.start()
        let t = start(&out, TICKS, Duration::ZERO);
        // THE MISTAKE: the main thread's last line, before t.join().
        say_ended(&out).expect("the recording writer takes every line");
        // t.join()
        join(t).expect("LoopThread does not panic");

        let printed = Printed::take();
        let lines: Vec<String> = printed.iter().map(|(_, line)| line.clone()).collect();
        let (loop_lines, _) = by_thread(&lines);
        // One thread prints LoopThread's lines: they stay in order even here.
        let expected = loop_thread_lines(TICKS);
        assert!(
            loop_lines == expected,
            "LoopThread printed these lines, in this order:\n{}\nbut its loop prints, in this \
             order:\n{}\n(the whole transcript of this execution:\n{})",
            indented(&loop_lines),
            indented(&expected),
            indented(&lines)
        );
        record_run.lock().unwrap().push(printed);
    });
    exploration.finish();

    let runs = runs.lock().unwrap();
    // The transcripts reached, each once.
    let seen: BTreeSet<Vec<String>> = runs
        .iter()
        .map(|printed| printed.iter().map(|(_, line)| line.clone()).collect())
        .collect();
    // The main thread's last line: loom's model thread has no name (see the header).
    let main_ended = format!("thread {UNNAMED} ended.");
    figures::report("reachable", listing(&seen, &main_ended));

    // Where main's "ended." came, 1-based: every line after main's first must be reachable, from
    // line 2 (before all of LoopThread's lines) to the last (after all of them).
    let places: BTreeSet<usize> = seen
        .iter()
        .map(|lines| lines.iter().position(|line| *line == main_ended).unwrap() + 1)
        .collect();
    let lines = loop_thread_lines(TICKS).len() + 2;
    // The picture: an execution in which main ended before LoopThread (see `picture`).
    if let Some(picture) = picture(&runs, &main_ended) {
        figures::report(figures::SCHEDULE, picture);
    }
    let missed: Vec<usize> = (2..=lines).filter(|at| !places.contains(at)).collect();
    if !missed.is_empty() {
        panic!(
            "with \"ended.\" before join, main's last line must be reachable at every line from 2 \
             to {lines}; in {} loom never put it at line {}\n\n\
             counterexample: every transcript loom reached, none with it there:\n{}",
            match exploration.executions() {
                1 => "its 1 execution".to_string(),
                n => format!("{n} executions"),
            },
            missed
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
            listing(&seen, &main_ended).trim_end()
        );
    }
}
