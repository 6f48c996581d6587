//! # named-workers (chapter 1, thread-basics)
//!
//! The Python to port:
//!
//! ```python
//! def run_workers(names, work):
//!     results = [None] * len(names)
//!     def target(i):
//!         results[i] = work()
//!     threads = [threading.Thread(target=target, args=(i,), name=name)
//!                for i, name in enumerate(names)]
//!     for t in threads:
//!         t.start()
//!     for t in threads:
//!         t.join()
//!     return results
//! ```
//!
//! Your task: start one thread per name, named with it, that calls `work()`, and return what
//! each returned, in the order of `names`. Start them all before you join any: the workers must
//! be able to run at the same time. Use `thread` from `thread_basics::sync` (std's in the plain
//! checks, loom's in the models).
//!
//! Check it: `cargo xtask learn named-workers`.

use thread_basics::sync::thread;

/// Runs `work` on one thread per name, all started before any is joined; returns what each
/// returned, in the order of `names`.
pub fn run_workers(names: &[&str], work: fn() -> String) -> Vec<String> {
    todo!("start a named thread per name, then join them in order")
}
