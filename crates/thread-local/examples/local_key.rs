//! What the chapter adds to the Rust Book's chapter 15, in a few lines: `thread_local!`, `with`,
//! and the shortcuts `get`, `set`, `with_borrow` and `with_borrow_mut` (Rust 1.73).
//!
//! Run it with `cargo run -p thread-local --example local_key`. `cargo xtask run-all` checks its
//! output against `local_key.txt` beside it.

use std::cell::{Cell, RefCell};
use std::thread;

thread_local! {
    // One counter and one list per thread, each made on the thread's first use.
    static COUNT: Cell<u32> = const { Cell::new(0) };
    static NAMES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn main() {
    // `with` hands the closure a reference to this thread's value; it cannot
    // escape the closure.
    COUNT.with(|count| count.set(count.get() + 1));
    // The same, shorter: for a Cell, `get` and `set` on the key itself.
    COUNT.set(COUNT.get() + 1);
    // For a RefCell, `with_borrow_mut` (and `with_borrow` to read).
    NAMES.with_borrow_mut(|names| names.push("Alice".to_string()));
    let other = thread::spawn(|| (COUNT.get(), NAMES.with_borrow(Vec::len)));
    println!("another thread sees {:?}", other.join().unwrap());
    println!(
        "the main thread sees {:?}",
        (COUNT.get(), NAMES.with_borrow(Vec::len))
    );
}
