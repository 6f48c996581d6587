//! The lesson's entry point, run into a buffer with no pause: its transcript, its names, its
//! panics. (The real binary's transcript is checked in `cli.rs`.)
#![cfg(not(loom))]

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use pretty_assertions::assert_eq;
use thread_basics::{LOOP_THREAD, Panicked, RunError, Sink, UNNAMED, join, loop_, run};

/// `output.txt` without its `$ cargo run` line.
fn expected_transcript() -> Vec<String> {
    include_str!("../output.txt")
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// Runs the lesson on a new thread called `name` (`None`: unnamed), as its main thread.
///
/// libtest runs each test on a thread named after the test, so a test that wants the binary's
/// transcript must run the lesson on a thread named `main`, as the binary's main thread is.
fn run_on_thread(name: Option<&str>, ticks: u64) -> (Result<(), RunError>, Vec<String>) {
    let out = Arc::new(Sink::new(Vec::new()));
    let lesson_out = Arc::clone(&out);
    let mut builder = thread::Builder::new();
    if let Some(name) = name {
        builder = builder.name(name.to_owned());
    }
    let result = builder
        .spawn(move || run(&lesson_out, ticks, Duration::ZERO))
        .unwrap()
        .join()
        .expect("the lesson's main thread does not panic");
    (result, out.lines())
}

#[test]
fn transcript_matches_output_txt() {
    let (result, lines) = run_on_thread(Some("main"), 5);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(lines, expected_transcript());
}

#[test]
fn names_come_from_the_running_thread() {
    // The main thread's lines follow the thread that runs the lesson; LoopThread's are its own.
    let (result, lines) = run_on_thread(Some("Teacher"), 1);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        lines,
        [
            "thread Teacher is running...",
            "thread LoopThread is running...",
            "thread LoopThread >>> 1",
            "thread LoopThread ended.",
            "thread Teacher ended.",
        ]
    );
}

#[test]
fn an_unnamed_thread_prints_as_unnamed() {
    let (result, lines) = run_on_thread(None, 1);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        lines.first(),
        Some(&format!("thread {UNNAMED} is running..."))
    );
    assert_eq!(lines.last(), Some(&format!("thread {UNNAMED} ended.")));
    assert_eq!(UNNAMED, "<unnamed>", "the word std's panic messages use");
}

#[test]
fn zero_ticks_still_starts_and_joins_the_thread() {
    let (result, lines) = run_on_thread(Some("main"), 0);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        lines,
        [
            "thread main is running...",
            "thread LoopThread is running...",
            "thread LoopThread ended.",
            "thread main ended.",
        ]
    );
}

#[test]
fn every_line_of_loop_names_the_thread_running_it() {
    // `loop_` is LoopThread's code, but the name in each of its lines must be read from the
    // running thread, `>>>` lines included, never written in.
    let lines = thread::Builder::new()
        .name("Other".to_owned())
        .spawn(|| {
            let out = Sink::new(Vec::new());
            loop_(&out, 1, Duration::ZERO).expect("a Vec<u8> takes every line");
            out.lines()
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(
        lines,
        [
            "thread Other is running...",
            "thread Other >>> 1",
            "thread Other ended.",
        ]
    );
}

/// A writer that keeps what is written, and where in it each flush came.
#[derive(Default)]
struct FlushLog {
    written: String,
    /// For each flush, how many bytes had been written by then.
    flushed_at: Vec<usize>,
}

/// The writer a [`Sink`] owns, with a handle the test keeps to read the log afterwards.
struct Logged(Arc<Mutex<FlushLog>>);

impl Write for Logged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut log = self.0.lock().unwrap();
        log.written.push_str(std::str::from_utf8(buf).unwrap());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut log = self.0.lock().unwrap();
        let at = log.written.len();
        log.flushed_at.push(at);
        Ok(())
    }
}

#[test]
fn each_line_is_flushed_as_soon_as_it_is_written() {
    let ticks = 2;
    let transcript = run_on_thread(Some("main"), ticks).1;
    let log = Arc::new(Mutex::new(FlushLog::default()));
    let out = Arc::new(Sink::new(Logged(Arc::clone(&log))));
    let result = thread::Builder::new()
        .name("main".to_owned())
        .spawn(move || run(&out, ticks, Duration::ZERO))
        .unwrap()
        .join()
        .unwrap();
    assert!(result.is_ok(), "{result:?}");

    let log = log.lock().unwrap();
    let expected: String = transcript.iter().map(|line| format!("{line}\n")).collect();
    assert_eq!(log.written, expected);
    // One flush per line, right after its newline, before the next line: a tick shows when it
    // happens, not when a buffer fills.
    let line_ends: Vec<usize> = transcript
        .iter()
        .scan(0, |end, line| {
            *end += line.len() + 1;
            Some(*end)
        })
        .collect();
    assert_eq!(log.flushed_at, line_ends);
}

/// A writer that takes `accepted` lines, then fails like a closed pipe.
struct FailsAfter {
    accepted: usize,
    written: Arc<Mutex<Vec<u8>>>,
}

impl Write for FailsAfter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut written = self.written.lock().unwrap();
        if written.iter().filter(|&&b| b == b'\n').count() >= self.accepted {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs the lesson (as `main`) into a sink that fails after `accepted` lines.
fn run_failing_after(
    accepted: usize,
    ticks: u64,
) -> (thread::Result<Result<(), RunError>>, Vec<String>) {
    let written = Arc::new(Mutex::new(Vec::new()));
    let out = Arc::new(Sink::new(FailsAfter {
        accepted,
        written: Arc::clone(&written),
    }));
    let outcome = thread::Builder::new()
        .name("main".to_owned())
        .spawn(move || run(&out, ticks, Duration::ZERO))
        .unwrap()
        .join();
    let lines = String::from_utf8(written.lock().unwrap().clone()).unwrap();
    (outcome, lines.lines().map(str::to_owned).collect())
}

#[test]
fn a_panic_in_loop_thread_is_an_err_from_join_naming_the_thread() {
    let ticks = 3;
    let transcript = run_on_thread(Some("main"), ticks).1;
    // LoopThread prints lines 2 to len - 1: make each of them the one that fails.
    for accepted in 1..transcript.len() - 1 {
        let (outcome, lines) = run_failing_after(accepted, ticks);
        let result = outcome.expect("the main thread itself does not panic");
        let Err(RunError::Panicked(panicked)) = result else {
            panic!("failing after {accepted} lines: {result:?}");
        };
        assert_eq!(
            panicked,
            Panicked {
                thread: LOOP_THREAD.to_owned(),
                message: format!(
                    "failed printing a line: {}",
                    io::Error::from(io::ErrorKind::BrokenPipe)
                ),
            },
            "failing after {accepted} lines"
        );
        // What was printed stays printed, and the main thread does not claim it ended.
        assert_eq!(
            lines,
            transcript[..accepted],
            "failing after {accepted} lines"
        );
    }
}

/// The main thread prints the first line and the last: a failure of either is `run`'s error,
/// naming the main thread, where `println!` would have panicked it.
#[test]
fn a_failing_line_of_the_main_thread_is_an_error_not_a_panic() {
    let ticks = 2;
    let transcript = run_on_thread(Some("main"), ticks).1;
    for accepted in [0, transcript.len() - 1] {
        let (outcome, lines) = run_failing_after(accepted, ticks);
        let result = outcome.expect("the main thread does not panic");
        let Err(RunError::Print { thread, source }) = &result else {
            panic!("failing after {accepted} lines: {result:?}");
        };
        assert_eq!(thread, "main", "failing after {accepted} lines");
        assert_eq!(source.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(
            result.unwrap_err().to_string(),
            format!(
                "thread 'main' failed printing a line: {}",
                io::Error::from(io::ErrorKind::BrokenPipe)
            )
        );
        // A failed first line: LoopThread is never started, so it prints nothing either.
        assert_eq!(
            lines,
            transcript[..accepted],
            "failing after {accepted} lines"
        );
    }
}

#[test]
fn panicked_says_which_thread_and_why() {
    let panicked = Panicked {
        thread: LOOP_THREAD.to_owned(),
        message: "failed printing a line: Broken pipe".to_owned(),
    };
    assert_eq!(
        panicked.to_string(),
        "thread 'LoopThread' panicked: failed printing a line: Broken pipe"
    );
}

#[test]
fn join_reads_any_panic_payload() {
    let literal = thread::Builder::new()
        .name("A".to_owned())
        .spawn(|| panic!("a literal"))
        .unwrap();
    assert_eq!(
        join(literal),
        Err(Panicked {
            thread: "A".to_owned(),
            message: "a literal".to_owned()
        })
    );
    let formatted = thread::spawn(|| panic!("{} formatted", 1));
    assert_eq!(
        join(formatted),
        Err(Panicked {
            thread: UNNAMED.to_owned(),
            message: "1 formatted".to_owned()
        })
    );
    let opaque = thread::spawn(|| std::panic::panic_any(42));
    assert_eq!(
        join(opaque),
        Err(Panicked {
            thread: UNNAMED.to_owned(),
            message: "(a panic payload that is not a string)".to_owned()
        })
    );
    assert_eq!(join(thread::spawn(|| ())), Ok(()));
}
