//! # student-slot (chapter 4, thread-local)
//!
//! The Python to port:
//!
//! ```python
//! local_school = threading.local()
//!
//! def bind(name):
//!     local_school.student = name
//!
//! def student():
//!     return getattr(local_school, 'student', None)
//! ```
//!
//! Your task: declare a thread-local slot (`thread_local!` from `thread_local::sync`, holding a
//! `RefCell<Option<String>>`), and write `bind` and `student` on it: each thread reads back its
//! own student, whatever other threads bind meanwhile; a thread that bound nothing reads `None`.
//!
//! Check it: `cargo xtask learn student-slot`.

use std::cell::RefCell;

// local_school = threading.local()
thread_local::sync::thread_local! {
    #[allow(
        clippy::missing_const_for_thread_local,
        reason = "one declaration for both builds; loom's has no `const { }`"
    )]
    static STUDENT: RefCell<Option<String>> = RefCell::new(None);
}

/// `local_school.student = name`, for the calling thread only.
pub fn bind(name: String) {
    STUDENT.with(|slot| *slot.borrow_mut() = Some(name));
}

/// The calling thread's student, or `None` if it bound none.
pub fn student() -> Option<String> {
    STUDENT.with(|slot| slot.borrow().clone())
}
