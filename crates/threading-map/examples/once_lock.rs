//! A module-level global set once at run time: `OnceLock`.
//!
//! Run it with `cargo run -p threading-map --example once_lock`.

use std::sync::OnceLock;
use std::thread;

// CURRENCY = None  at module level, set once by main. In Python, nothing
// stops a second assignment; a OnceLock refuses it.
static CURRENCY: OnceLock<String> = OnceLock::new();

fn currency() -> &'static str {
    // CURRENCY or 'EUR': the first get_or_init (or set) wins, for good.
    CURRENCY.get_or_init(|| "EUR".to_string())
}

fn main() {
    println!("before: {:?}", CURRENCY.get());
    // CURRENCY = 'GBP'
    CURRENCY.set("GBP".to_string()).expect("set only here");
    // A second set returns the value it refused.
    let refused = CURRENCY.set("JPY".to_string());
    println!("a second set: {refused:?}");
    let seen = thread::scope(|s| s.spawn(currency).join().unwrap());
    println!("another thread sees {seen}");
}
