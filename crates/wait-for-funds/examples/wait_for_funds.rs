//! The whole program: the lesson's Python original (`wait_for_funds.py`) as plain Rust, before
//! any test scaffolding.
//!
//! Run it with `cargo run -p wait-for-funds --example wait_for_funds`. `cargo xtask run-all`
//! checks its output against `wait_for_funds.txt` beside it.

use std::sync::{Arc, Condvar, Mutex};
use std::thread;

// balance = 0; cond = threading.Condition(): in Rust, the balance behind its
// lock, and beside it the condvar its waiters wait on
struct Account {
    balance: Mutex<i64>,
    funds: Condvar,
}

// def withdraw(n):
fn withdraw(account: &Account, n: i64) {
    let mut balance = account.balance.lock().unwrap(); // with cond:
    while *balance < n {
        // while balance < n:
        balance = account.funds.wait(balance).unwrap(); // cond.wait()
    }
    *balance -= n; // balance = balance - n
}

// def deposit(n):
fn deposit(account: &Account, n: i64) {
    let mut balance = account.balance.lock().unwrap(); // with cond:
    *balance += n; // balance = balance + n
    account.funds.notify_all(); // cond.notify_all()
}

// def run_withdrawer(n):
fn run_withdrawer(account: &Account, n: i64) {
    for _ in 0..100_000 {
        withdraw(account, n);
    }
}

// def run_depositor():
fn run_depositor(account: &Account) {
    for _ in 0..100_000 {
        deposit(account, 5);
        deposit(account, 8);
    }
}

fn main() {
    let account = Arc::new(Account {
        balance: Mutex::new(0),
        funds: Condvar::new(),
    });
    let mut threads = Vec::new();
    // t1 = threading.Thread(target=run_withdrawer, args=(5,)); t1.start()
    // t2 = threading.Thread(target=run_withdrawer, args=(8,)); t2.start()
    for n in [5, 8] {
        let account = Arc::clone(&account);
        threads.push(thread::spawn(move || run_withdrawer(&account, n)));
    }
    // t3 = threading.Thread(target=run_depositor, name='Depositor')
    let depositor = Arc::clone(&account);
    let t3 = thread::Builder::new()
        .name("Depositor".to_string())
        .spawn(move || run_depositor(&depositor))
        .unwrap();
    threads.push(t3);
    for t in threads {
        t.join().unwrap(); // t1.join(); t2.join(); t3.join()
    }
    println!("{}", account.balance.lock().unwrap()); // print(balance)
}
