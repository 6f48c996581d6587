//! The whole program: the lesson's Python original (`lock_order.py`) as plain Rust, before any
//! test scaffolding or watchdog.
//!
//! Run it with `cargo run -p lock-order --example two_accounts`. `cargo xtask run-all` checks
//! its output against `two_accounts.txt` beside it.

use std::sync::{Arc, Mutex};
use std::thread;

// class Account: a number, and a balance behind its own lock
struct Account {
    number: u32,
    balance: Mutex<i64>,
}

// def transfer(source, target, n):
fn transfer(source: &Account, target: &Account, n: i64) {
    // Always lock the lower-numbered account first:
    let (first, second) = if source.number < target.number {
        (source, target)
    } else {
        (target, source)
    };
    let mut first = first.balance.lock().unwrap(); // first.lock.acquire()
    let mut second = second.balance.lock().unwrap(); // second.lock.acquire()
    let (from, to) = if source.number < target.number {
        (&mut *first, &mut *second)
    } else {
        (&mut *second, &mut *first)
    };
    *from -= n; // source.balance = source.balance - n
    *to += n; // target.balance = target.balance + n
} // second.lock.release(), then first.lock.release():
// the guards are dropped in reverse order

// def run_thread(source, target, n):
fn run_thread(source: &Account, target: &Account, n: i64) {
    for _ in 0..100_000 {
        transfer(source, target, n);
    }
}

fn main() {
    // a = Account(1, 1000000); b = Account(2, 1000000)
    let a = Arc::new(Account {
        number: 1,
        balance: Mutex::new(1_000_000),
    });
    let b = Arc::new(Account {
        number: 2,
        balance: Mutex::new(1_000_000),
    });
    // t1 = threading.Thread(target=run_thread, args=(a, b, 5)); t1.start()
    let (a1, b1) = (Arc::clone(&a), Arc::clone(&b));
    let t1 = thread::spawn(move || run_thread(&a1, &b1, 5));
    // t2 = threading.Thread(target=run_thread, args=(b, a, 8)); t2.start()
    let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
    let t2 = thread::spawn(move || run_thread(&b2, &a2, 8));
    t1.join().unwrap();
    t2.join().unwrap();
    let a = *a.balance.lock().unwrap();
    let b = *b.balance.lock().unwrap();
    println!("A: {a}"); // print('A:', a.balance)
    println!("B: {b}"); // print('B:', b.balance)
    println!("total: {}", a + b); // print('total:', a.balance + b.balance)
}
