//! # visit-counter: a wrong answer kept for `--verify-all`
//!
//! `visit` reads the counter, then writes back what it read plus one: two atomic steps, not
//! one, and a visit of the other thread between them is overwritten. In a plain run of a few
//! visits the threads rarely overlap.

use lock_balance::sync::{Arc, AtomicI64, Ordering, thread};

/// `visits += 1`, as one indivisible step.
pub fn visit(counter: &AtomicI64) {
    // The mistake: a read, then a write of what was read plus one: two steps.
    let visits = counter.load(Ordering::SeqCst);
    counter.store(visits + 1, Ordering::SeqCst);
}

/// Two threads visit `visits_each` times each; returns the count once both ended.
pub fn count(visits_each: u32) -> i64 {
    let counter = Arc::new(AtomicI64::new(0));
    let threads: Vec<thread::JoinHandle<()>> = ["Thread-1", "Thread-2"]
        .into_iter()
        .map(|name| {
            let counter = Arc::clone(&counter);
            thread::Builder::new()
                .name(name.to_string())
                .spawn(move || {
                    for _ in 0..visits_each {
                        visit(&counter);
                    }
                })
                .expect("failed to spawn thread")
        })
        .collect();
    for t in threads {
        t.join().expect("a thread panicked");
    }
    counter.load(Ordering::SeqCst)
}
