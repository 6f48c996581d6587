//! # greet-students: a wrong answer kept for `--verify-all`
//!
//! One school for every thread (an `Arc<Mutex<...>>` passed to each, as Python's plain object
//! would be): a thread greets whichever student was bound last. In a plain run each thread
//! reads back right after it binds, and the other rarely comes between.

use thread_local::sync::{Arc, Mutex, thread};

/// One thread per name, each greeting the student bound last (by any thread).
pub fn run(names: &[&str], pause: fn(), greet: fn(&str) -> String) -> Vec<String> {
    let school: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let threads: Vec<thread::JoinHandle<String>> = names
        .iter()
        .zip('A'..='Z')
        .map(|(name, letter)| {
            let (name, school) = (name.to_string(), Arc::clone(&school));
            thread::Builder::new()
                .name(format!("Thread-{letter}"))
                .spawn(move || {
                    *school.lock().unwrap() = Some(name);
                    pause();
                    let student = school.lock().unwrap().clone();
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
