//! # whole-lines (chapter 1, thread-basics)
//!
//! The Python to port (each line is written in two pieces, as `print` writes its text and then
//! its newline):
//!
//! ```python
//! def say_ticks(out, lock, ticks):
//!     name = threading.current_thread().name
//!     for n in range(1, ticks + 1):
//!         with lock:                  # the whole line, and only it
//!             out.write('%s >>> ' % name)
//!             out.write('%d\n' % n)
//!
//! def run(ticks):
//!     out, lock = io.StringIO(), threading.Lock()
//!     threads = [threading.Thread(target=say_ticks, args=(out, lock, ticks), name=name)
//!                for name in ('Thread-1', 'Thread-2')]
//!     for t in threads:
//!         t.start()
//!     for t in threads:
//!         t.join()
//!     return out.getvalue()
//! ```
//!
//! Your task: `say_ticks` writes `"<thread's name> >>> "` then `"<n>\n"` for n = 1 to `ticks`,
//! so that no other thread's piece can come between the two halves of a line. `run` shares one
//! `Mutex<Transcript>` between two threads named `Thread-1` and `Thread-2` (an `Arc`: a spawned
//! thread must own what it uses), runs `say_ticks` on each, joins both, and returns the text.
//! Use `thread_basics::sync` for `thread`, `Arc` and `Mutex`.
//!
//! `Transcript` (`crate::Transcript`) stands for the `io.StringIO`: `Transcript::new()` makes an
//! empty one, `write(&mut self, piece: &str)` appends a piece (`out.write`), and `text(&self)`
//! returns everything written (`out.getvalue()`).
//!
//! Check it: `cargo xtask learn whole-lines`.

use thread_basics::sync::{Arc, Mutex, thread};

use crate::Transcript;

/// Writes this thread's lines `"<name> >>> <n>"` for n = 1 to `ticks`, each in two pieces,
/// each line whole.
pub fn say_ticks(out: &Mutex<Transcript>, ticks: u32) {
    let me = thread::current();
    let name = me.name().unwrap_or("main");
    for n in 1..=ticks {
        // with lock: the guard lives to the end of this block, so both pieces are written
        // while this thread holds the lock
        let mut out = out.lock().unwrap();
        out.write(&format!("{name} >>> "));
        out.write(&format!("{n}\n"));
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
