//! The whole program: the seed's first Python program as plain Rust, before any test scaffolding.
//!
//! Run it with `cargo run -p thread-basics --example loop_thread`. `cargo xtask run-all` checks
//! its output against `loop_thread.txt` beside it.

use std::thread;
use std::time::Duration;

// threading.current_thread().name
fn current_name() -> String {
    thread::current().name().unwrap_or("<unnamed>").to_string()
}

// def loop():
fn loop_() {
    println!("thread {} is running...", current_name());
    let mut n = 0;
    while n < 5 {
        n += 1;
        println!("thread {} >>> {}", current_name(), n);
        // time.sleep(1), shortened to 0.1 s so that the checks stay quick; the
        // lesson's binary (`cargo run -p thread-basics`) keeps the full second.
        thread::sleep(Duration::from_millis(100));
    }
    println!("thread {} ended.", current_name());
}

fn main() {
    println!("thread {} is running...", current_name());
    // t = threading.Thread(target=loop, name='LoopThread'); t.start()
    let t = thread::Builder::new()
        .name("LoopThread".to_string())
        .spawn(loop_)
        .expect("failed to spawn thread");
    // t.join()
    t.join().expect("LoopThread panicked");
    println!("thread {} ended.", current_name());
}
