//! `threading.Timer`: std has none; a thread that waits on a channel, with a timeout.
//!
//! Run it with `cargo run -p threading-map --example timer`.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

// threading.Timer(interval, function)
struct Timer {
    cancel: Sender<()>,
    thread: JoinHandle<()>,
}

impl Timer {
    // t = threading.Timer(interval, f); t.start()
    fn start(interval: Duration, f: impl FnOnce() + Send + 'static) -> Self {
        let (cancel, cancelled) = mpsc::channel();
        let thread = thread::spawn(move || {
            // Nothing arrives within the interval: time is up, run f.
            // A message, or the Timer dropped: cancelled.
            if let Err(RecvTimeoutError::Timeout) =
                cancelled.recv_timeout(interval)
            {
                f();
            }
        });
        Timer { cancel, thread }
    }

    // t.cancel()
    fn cancel(&self) {
        // Err only if the timer has already ended: nothing to cancel.
        let _ = self.cancel.send(());
    }

    // t.join()
    fn join(self) {
        self.thread.join().expect("the timer's function panicked");
    }
}

fn main() {
    let fires = Timer::start(Duration::from_millis(50), || {
        println!("the 50 ms timer fired");
    });
    let cancelled = Timer::start(Duration::from_secs(60), || {
        println!("the 60 s timer fired");
    });
    cancelled.cancel();
    // Joined in this order, the lines come in this order on any machine.
    fires.join();
    cancelled.join();
    println!("the 60 s timer was cancelled");
}
