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

// local_school = threading.local(): declare it here, with
// `thread_local::sync::thread_local! { static ...: RefCell<Option<String>> = ...; }`

/// `local_school.student = name`, for the calling thread only.
pub fn bind(name: String) {
    todo!("store the name in this thread's slot")
}

/// The calling thread's student, or `None` if it bound none.
pub fn student() -> Option<String> {
    todo!("read this thread's slot")
}
