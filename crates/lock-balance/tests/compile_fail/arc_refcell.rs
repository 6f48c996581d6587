use std::cell::RefCell;
use std::sync::Arc;
use std::thread;

fn main() {
    let balance = Arc::new(RefCell::new(0_i64));
    let shared = Arc::clone(&balance);
    let t = thread::spawn(move || *shared.borrow_mut() += 5);
    t.join().unwrap();
    println!("{}", balance.borrow());
}
