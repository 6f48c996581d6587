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

// local_school = threading.local()
thread_local::sync::thread_local! {
    #[allow(
        clippy::missing_const_for_thread_local,
        reason = "one declaration for both builds; loom's has no `const { }`"
    )]
    static LOCAL_SCHOOL: RefCell<Option<String>> = RefCell::new(None);
}

/// One thread per name, each greeting its own student after `pause()`; the greetings in the
/// order of `names`.
pub fn run(names: &[&str], pause: fn(), greet: fn(&str) -> String) -> Vec<String> {
    let threads: Vec<thread::JoinHandle<String>> = names
        .iter()
        .zip('A'..='Z')
        .map(|(name, letter)| {
            let name = name.to_string();
            thread::Builder::new()
                .name(format!("Thread-{letter}"))
                .spawn(move || {
                    // local_school.student = name
                    LOCAL_SCHOOL.with(|slot| *slot.borrow_mut() = Some(name));
                    pause();
                    let student = LOCAL_SCHOOL.with(|slot| slot.borrow().clone());
                    greet(&student.unwrap_or_default())
                })
                .expect("failed to spawn thread")
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("a thread panicked"))
        .collect()
}
