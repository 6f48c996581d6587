use std::thread;

fn change_it(balance: &mut i64, n: i64) {
    *balance = *balance + n;
    *balance = *balance - n;
}

fn main() {
    let mut balance: i64 = 0;
    let t1 = thread::spawn(|| for _ in 0..100_000 { change_it(&mut balance, 5) });
    let t2 = thread::spawn(|| for _ in 0..100_000 { change_it(&mut balance, 8) });
    t1.join().unwrap();
    t2.join().unwrap();
    println!("{balance}");
}
