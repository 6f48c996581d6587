//! `threading.local`: `thread_local!`, a static with one value per thread.
//!
//! Run it with `cargo run -p threading-map --example local`.

use std::cell::RefCell;
use std::thread;

// local = threading.local()  (with one attribute, local.student)
// Each thread's value starts as the initializer: Python's starts absent.
thread_local! {
    static STUDENT: RefCell<String> = RefCell::new(String::from("nobody"));
}

// def greet(): return 'Hello, %s' % local.student
fn greet() -> String {
    STUDENT.with_borrow(|student| format!("Hello, {student}"))
}

fn main() {
    let greetings: Vec<String> = thread::scope(|s| {
        let threads: Vec<_> = ["Alice", "Bob"]
            .into_iter()
            .map(|name| {
                s.spawn(move || {
                    // local.student = name
                    STUDENT.set(name.to_string());
                    greet()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for greeting in greetings {
        println!("{greeting}");
    }
    // The main thread's own value was never set.
    println!("main: {}", greet());
}
