//! The nearest twin of the Python: `thread::scope` and a `&Mutex<i64>`, no `Arc`.
//!
//! Run it with `cargo run -p lock-balance --example scoped_balance`. `cargo xtask run-all` checks
//! its output against `scoped_balance.txt` beside it.
//!
//! Python's threads read the global `balance` and `lock` by name. A thread from `thread::spawn`
//! may outlive the function that started it, so it can only take what it owns, hence `Arc`.
//! The threads of a `thread::scope` cannot outlive the scope (it joins them all before it
//! returns), so they may borrow a local: here the one `Mutex` that holds the balance.

use std::sync::Mutex;
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
    // balance = 0; lock = threading.Lock(): one value, the i64 in its lock
    let balance = Mutex::new(0);
    thread::scope(|s| {
        // t1 = threading.Thread(target=run_thread, args=(5,)); t1.start()
        // and the same for t2
        s.spawn(|| run_thread(&balance, 5));
        s.spawn(|| run_thread(&balance, 8));
    }); // t1.join(); t2.join(): the scope waits for both here
    println!("{}", balance.lock().unwrap()); // print(balance)
}
