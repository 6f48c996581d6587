//! The whole program: the seed's `Lock` program as plain Rust, before any test scaffolding.
//!
//! Run it with `cargo run -p lock-balance --example bank_balance`. `cargo xtask run-all` checks
//! its output against `bank_balance.txt` beside it.

use std::sync::{Arc, Mutex};
use std::thread;

// def change_it(n):
#[expect(clippy::assign_op_pattern, reason = "the Python's lines, literally")]
fn change_it(balance: &mut i64, n: i64) {
    *balance = *balance + n;
    *balance = *balance - n;
}

// def run_thread(n):
fn run_thread(balance: &Mutex<i64>, n: i64) {
    for _ in 0..100_000 {
        let mut guard = balance.lock().unwrap(); // lock.acquire()
        change_it(&mut guard, n);
    } // lock.release(): the guard is dropped here, at the end of each iteration
}

fn main() {
    // balance = 0; lock = threading.Lock()
    let balance = Arc::new(Mutex::new(0));
    // t1 = threading.Thread(target=run_thread, args=(5,)); t1.start()
    // and the same for t2
    let b1 = Arc::clone(&balance);
    let t1 = thread::spawn(move || run_thread(&b1, 5));
    let b2 = Arc::clone(&balance);
    let t2 = thread::spawn(move || run_thread(&b2, 8));
    t1.join().unwrap();
    t2.join().unwrap();
    println!("{}", balance.lock().unwrap()); // print(balance)
}
