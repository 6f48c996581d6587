use std::thread;

static mut BALANCE: i64 = 0;

fn change_it(n: i64) {
    BALANCE = BALANCE + n;
    BALANCE = BALANCE - n;
}

fn main() {
    let t1 = thread::spawn(|| for _ in 0..100_000 { change_it(5) });
    let t2 = thread::spawn(|| for _ in 0..100_000 { change_it(8) });
    t1.join().unwrap();
    t2.join().unwrap();
    println!("{}", BALANCE);
}
