use std::rc::Rc;
use std::sync::Mutex;
use std::thread;

fn main() {
    let balance = Rc::new(Mutex::new(0_i64));
    let shared = Rc::clone(&balance);
    let t = thread::spawn(move || *shared.lock().unwrap() += 5);
    t.join().unwrap();
    println!("{}", balance.lock().unwrap());
}
