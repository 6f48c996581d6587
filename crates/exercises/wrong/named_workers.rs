//! # named-workers: a wrong answer kept for `--verify-all`
//!
//! Each thread is joined inside the loop that starts it: the results are right, in the right
//! order, in every run; but no worker ever runs while another does. The plain checks see only
//! the results; the model sees that in no execution did two workers overlap.

use thread_basics::sync::thread;

/// Runs `work` on one thread per name (but one at a time).
pub fn run_workers(names: &[&str], work: fn() -> String) -> Vec<String> {
    names
        .iter()
        .map(|name| {
            thread::Builder::new()
                .name(name.to_string())
                .spawn(work)
                .expect("failed to spawn thread")
                .join()
                .expect("a worker panicked")
        })
        .collect()
}
