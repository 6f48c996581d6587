//! # greet-students (chapter 4, thread-local)
//!
//! The Python to port (the seed's `ThreadLocal` program, returning the greetings):
//!
//! ```python
//! local_school = threading.local()
//!
//! def process_thread(name, pause, greet):
//!     local_school.student = name
//!     pause()                          # other threads run meanwhile
//!     return greet(local_school.student)
//!
//! def greet(student):                  # given
//!     return 'Hello, %s (in %s)' % (student, threading.current_thread().name)
//!
//! def run(names, pause, greet):
//!     # Thread-A, Thread-B, ...: one thread per student; the greetings in the order of names
//! ```
//!
//! Your task: `run` starts one thread per name, named `Thread-A`, `Thread-B`, ... in order; each
//! binds its student in a thread-local, calls `pause()`, then returns `greet(student)` for the
//! student it reads back. Return the greetings in the order of `names`. Use
//! `thread_local::sync` (`thread`, `thread_local!`).
//!
//! Check it: `cargo xtask learn greet-students`.

use std::cell::RefCell;

use thread_local::sync::thread;

// local_school = threading.local(): declare it here, with `thread_local::sync::thread_local!`

/// One thread per name, each greeting its own student after `pause()`; the greetings in the
/// order of `names`.
pub fn run(names: &[&str], pause: fn(), greet: fn(&str) -> String) -> Vec<String> {
    todo!("a named thread per student: bind, pause(), read back, greet(); join in order")
}
