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
    todo!("write each line's two pieces while holding the lock once")
}

/// Runs [`say_ticks`] on `Thread-1` and `Thread-2`, and returns what they wrote.
pub fn run(ticks: u32) -> String {
    todo!("share a Mutex<Transcript> between two named threads, join them, return the text")
}
