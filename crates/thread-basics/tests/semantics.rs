//! What the Python's `threading` calls promise, checked on their Rust twins, apart from any
//! transcript: `Thread(name=...)` names the new thread, as `current_thread().name` reads it
//! inside; `start()` returns while the thread still runs; `join()` waits for its end and returns
//! only after its last line. Deterministic: the thread is held at a gate in its first write, not
//! timed; every wait is under the liveness guard's deadline.
#![cfg(not(loom))]

use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cli_checks::{DEADLINE, within};
use pretty_assertions::assert_eq;
use thread_basics::{LOOP_THREAD, Sink, join, start};

/// A writer whose first write says it has begun and then waits for the gate to open; every write
/// lands in `written`.
struct Gated {
    begun: Sender<()>,
    gate: Option<Receiver<()>>,
    written: Arc<Mutex<Vec<u8>>>,
}

impl Write for Gated {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if let Some(gate) = self.gate.take() {
            self.begun.send(()).unwrap();
            gate.recv().unwrap();
        }
        self.written.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `t = threading.Thread(target=loop, name='LoopThread'); t.start()` returns while `loop` is
/// still in its first line (held at the gate), the thread named as given; `t.join()` returns only
/// once the thread has ended, every line of it written, its last one last.
#[test]
fn start_returns_while_the_thread_runs_and_join_waits_for_its_last_line() {
    let (lines, was_running, name) = within(DEADLINE, "LoopThread, started and joined", || {
        let (begun, has_begun) = mpsc::channel();
        let (open, gate) = mpsc::channel();
        let written = Arc::new(Mutex::new(Vec::new()));
        let out = Arc::new(Sink::new(Gated {
            begun,
            gate: Some(gate),
            written: Arc::clone(&written),
        }));
        let t = start(&out, 2, Duration::ZERO);
        // start() has returned; the thread is in its first write, waiting at the gate.
        has_begun.recv().unwrap();
        let was_running = !t.is_finished();
        let name = t.thread().name().map(str::to_owned);
        open.send(()).unwrap();
        join(t).expect("LoopThread ends normally");
        let lines = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        (lines, was_running, name)
    });
    assert!(was_running, "start() returned after the thread had ended");
    assert_eq!(name.as_deref(), Some(LOOP_THREAD));
    assert_eq!(
        lines,
        "thread LoopThread is running...\n\
         thread LoopThread >>> 1\n\
         thread LoopThread >>> 2\n\
         thread LoopThread ended.\n"
    );
}
