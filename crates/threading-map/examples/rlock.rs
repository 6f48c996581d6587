//! `threading.RLock`: std has no reentrant lock; the std way is to lock once and pass the data.
//!
//! Run it with `cargo run -p threading-map --example rlock`.

use std::sync::{Mutex, TryLockError};

// rlock = threading.RLock(); balance = 0
static BALANCE: Mutex<i64> = Mutex::new(0);

// Python's deposit takes the RLock itself:
//   def deposit(n):
//       with rlock:
//           balance += n
// Its Rust twin takes the balance the caller has already locked.
fn deposit(balance: &mut i64, n: i64) {
    *balance += n;
}

// def deposit_with_fee(n, fee):
fn deposit_with_fee(n: i64, fee: i64) {
    // with rlock:
    let mut balance = BALANCE.lock().unwrap();
    // A second BALANCE.lock() here, as Python's nested `with rlock:`
    // does, would never return: std leaves it to deadlock or panic.
    // try_lock shows the lock is not reentrant, without hanging:
    if let Err(TryLockError::WouldBlock) = BALANCE.try_lock() {
        println!("locked again on the same thread: WouldBlock");
    }
    //   deposit(n); deposit(-fee)
    deposit(&mut balance, n);
    deposit(&mut balance, -fee);
}

fn main() {
    deposit_with_fee(100, 2);
    println!("balance: {}", *BALANCE.lock().unwrap());
}
