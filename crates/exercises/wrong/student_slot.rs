//! # student-slot: a wrong answer kept for `--verify-all`
//!
//! One slot for every thread, behind a lock (Python's `local_school = {}`, a dict, not
//! `threading.local()`): a thread reads back whichever student was bound last, by any thread.
//! In a plain run each thread reads right after it binds, and the other rarely comes between.

use std::sync::Mutex;

static STUDENT: Mutex<Option<String>> = Mutex::new(None);

/// `local_school.student = name` (for every thread).
pub fn bind(name: String) {
    *STUDENT.lock().unwrap() = Some(name);
}

/// The student bound last, by any thread.
pub fn student() -> Option<String> {
    STUDENT.lock().unwrap().clone()
}
