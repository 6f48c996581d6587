//! What the chapter adds to the Rust Book's chapter 15, each in a few lines: `spawn` and
//! `Builder`, `move` and `'static`, `join`'s `Result`, `thread::scope`.
//!
//! Run it with `cargo run -p thread-basics --example spawn_and_join`. `cargo xtask run-all` checks its
//! output against `spawn_and_join.txt` beside it. (The panic in `join_result` is meant, and the
//! program says so before it: std prints its message on stderr, which run-all does not check.)

use std::thread;

fn spawn_and_builder() {
    // thread::spawn: an unnamed thread, started at once; it panics if the OS
    // refuses a thread.
    let t = thread::spawn(|| thread::current().name().map(str::to_string));
    println!("spawn: the thread's name is {:?}", t.join().unwrap());
    // thread::Builder: a name (or a stack size) first; its spawn returns an
    // io::Result.
    let t = thread::Builder::new()
        .name("LoopThread".to_string())
        .spawn(|| thread::current().name().map(str::to_string))
        .expect("failed to spawn thread");
    println!("Builder: the thread's name is {:?}", t.join().unwrap());
}

fn move_and_static() {
    let name = String::from("LoopThread");
    // Without `move`, the closure would borrow `name`, a local that may be gone
    // before the thread ends: spawn only takes a closure that is 'static, that
    // borrows nothing that can die.
    let t = thread::spawn(move || format!("{name} now belongs to the thread"));
    println!("move: {}", t.join().unwrap());
}

fn join_result() {
    // Said on stderr, beside the message std prints there for the panic.
    eprintln!("(join: the next thread panics on purpose, with \"boom\")");
    let t = thread::spawn(|| -> u64 { panic!("boom") });
    match t.join() {
        Ok(n) => println!("join: Ok({n})"),
        Err(payload) => {
            println!("join: Err({:?})", payload.downcast_ref::<&str>())
        }
    }
}

fn scope() {
    let mut ticks = Vec::new();
    // Scoped threads may borrow the caller's locals (no `move`, no 'static):
    // the scope joins every thread it started before it returns.
    thread::scope(|s| {
        s.spawn(|| ticks.push(1));
    });
    println!("scope: {ticks:?}");
}

fn main() {
    spawn_and_builder();
    move_and_static();
    join_result();
    scope();
}
