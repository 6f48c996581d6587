//! `threading.Thread`: `thread::Builder`, and what `join` gives back.
//!
//! Run it with `cargo run -p threading-map --example thread`.

use std::thread;

fn main() {
    // t = threading.Thread(target=total, args=(4,), name='Adder')
    // t.start()
    let n = 4;
    let t = thread::Builder::new()
        .name("Adder".to_string())
        .spawn(move || (1..=n).sum::<i64>())
        .expect("failed to spawn Adder");
    // t.join() returns None: Python's thread would store its result
    // somewhere shared. Rust's join returns the closure's value.
    let total = t.join().expect("Adder panicked");
    println!("Adder returned {total}");

    // An exception in a Python thread is printed, and join() returns as
    // usual. A panic in a Rust thread comes back from join as an Err.
    let t = thread::Builder::new()
        .name("Faulty".to_string())
        .spawn(|| -> i64 { panic!("no funds") })
        .expect("failed to spawn Faulty");
    match t.join() {
        Ok(value) => println!("Faulty returned {value}"),
        Err(payload) => {
            // The payload is what panic! was given, as a Box<dyn Any>.
            let message = payload.downcast_ref::<&str>().unwrap_or(&"?");
            println!("Faulty panicked: {message}");
        }
    }
}
