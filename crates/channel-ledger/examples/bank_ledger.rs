//! The whole program: the Python `queue.Queue` program as plain Rust, before any test scaffolding.
//!
//! Run it with `cargo run -p channel-ledger --example bank_ledger`. `cargo xtask run-all` checks
//! its output against `bank_ledger.txt` beside it.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

// def ledger():
fn ledger(receiver: Receiver<i64>) -> i64 {
    let mut balance = 0; // balance = 0, owned by this thread alone
    for amount in receiver {
        // n = q.get(); until every Sender is gone, not until two Nones
        balance += amount; // balance = balance + n
    }
    balance
}

// def run_thread(n):
fn run_thread(sender: Sender<i64>, n: i64) {
    for _ in 0..100_000 {
        sender.send(n).unwrap(); // q.put(n)
        sender.send(-n).unwrap(); // q.put(-n)
    }
} // q.put(None): `sender` is dropped here

fn main() {
    // q = queue.Queue()
    let (sender, receiver) = mpsc::channel();
    // t0 = threading.Thread(target=ledger, name='Ledger'); t0.start()
    let t0 = thread::spawn(move || ledger(receiver));
    // t1 = threading.Thread(target=run_thread, args=(5,)); t1.start(); the same for t2
    let s1 = sender.clone();
    let t1 = thread::spawn(move || run_thread(s1, 5));
    let s2 = sender.clone();
    let t2 = thread::spawn(move || run_thread(s2, 8));
    drop(sender); // main's own Sender: were it kept, the ledger would wait forever
    t1.join().unwrap();
    t2.join().unwrap();
    println!("{}", t0.join().unwrap()); // t0.join(); print(balance)
}
