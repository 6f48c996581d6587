//! # whole-lines: a wrong answer kept for `--verify-all`
//!
//! The lock is taken once per piece: another thread can write between the two halves of a
//! line. In a plain run the second thread rarely gets there in time.

use thread_basics::sync::{Arc, Mutex, thread};

use crate::Transcript;

/// Writes this thread's lines `"<name> >>> <n>"` for n = 1 to `ticks`, each in two pieces,
/// each line whole.
pub fn say_ticks(out: &Mutex<Transcript>, ticks: u32) {
    let me = thread::current();
    let name = me.name().unwrap_or("main");
    for n in 1..=ticks {
        // The mistake: the lock taken once per piece, not once per line.
        out.lock().unwrap().write(&format!("{name} >>> "));
        out.lock().unwrap().write(&format!("{n}\n"));
    }
}

/// Runs [`say_ticks`] on `Thread-1` and `Thread-2`, and returns what they wrote.
pub fn run(ticks: u32) -> String {
    let out = Arc::new(Mutex::new(Transcript::new()));
    let threads: Vec<thread::JoinHandle<()>> = ["Thread-1", "Thread-2"]
        .into_iter()
        .map(|name| {
            let out = Arc::clone(&out);
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || say_ticks(&out, ticks))
                .expect("failed to spawn thread")
        })
        .collect();
    for t in threads {
        t.join().expect("a thread panicked");
    }
    out.lock().unwrap().text()
}
