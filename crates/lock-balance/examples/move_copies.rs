//! The literal translation with E0373's suggestion, `move ||`, applied: it compiles and prints 0,
//! for the wrong reason. Each closure gets its own copy of the `i64` and changes only that copy:
//! nothing is shared, so nothing can race. Run it: `cargo run -p lock-balance --example move_copies`.

use std::thread;

#[expect(clippy::assign_op_pattern, reason = "the Python's lines, literally")]
fn change_it(balance: &mut i64, n: i64) {
    *balance = *balance + n;
    *balance = *balance - n;
}

fn main() {
    let mut balance: i64 = 0;
    let t1 = thread::spawn(move || {
        for _ in 0..100_000 {
            change_it(&mut balance, 5)
        }
    });
    let t2 = thread::spawn(move || {
        for _ in 0..100_000 {
            change_it(&mut balance, 8)
        }
    });
    t1.join().unwrap();
    t2.join().unwrap();
    println!("{balance}");
}
