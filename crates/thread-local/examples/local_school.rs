//! The whole program: the seed's `ThreadLocal` program as plain Rust, before any test scaffolding.
//!
//! Run it with `cargo run -p thread-local --example local_school`. `cargo xtask run-all` checks
//! its output against `local_school.txt` beside it, in any order (the two threads race to print).

use std::cell::RefCell;
use std::thread;

// local_school = threading.local()
thread_local! {
    static LOCAL_SCHOOL: RefCell<Option<String>> = const { RefCell::new(None) };
}

// def process_student():
fn process_student() {
    // std = local_school.student (None here is Python's AttributeError)
    let std = LOCAL_SCHOOL
        .with_borrow(|student| student.clone())
        .expect("no student");
    println!("Hello, {} (in {})", std, thread::current().name().unwrap());
}

// def process_thread(name):
fn process_thread(name: &str) {
    LOCAL_SCHOOL.set(Some(name.to_string())); // local_school.student = name
    process_student();
}

fn main() {
    // t1 = threading.Thread(target=process_thread, args=('Alice',),
    //                       name='Thread-A'); t1.start()
    let t1 = thread::Builder::new().name("Thread-A".to_string());
    let t1 = t1.spawn(|| process_thread("Alice")).unwrap();
    let t2 = thread::Builder::new().name("Thread-B".to_string());
    let t2 = t2.spawn(|| process_thread("Bob")).unwrap();
    t1.join().unwrap();
    t2.join().unwrap();
}
