//! A module-level global computed once, on first use: `LazyLock`.
//!
//! Run it with `cargo run -p threading-map --example lazy_lock`.

use std::collections::HashMap;
use std::sync::LazyLock;
use std::thread;

// RATES = load_rates()  at module level: Python runs it once, at import.
// LazyLock runs its closure once, at the first use, whichever thread it
// is; the others wait for it and then share the value.
static RATES: LazyLock<HashMap<&str, u32>> = LazyLock::new(|| {
    println!("loading the rates (once)");
    HashMap::from([("EUR", 100), ("GBP", 85)])
});

fn main() {
    println!("main starts: nothing loaded yet");
    let seen: Vec<u32> = thread::scope(|s| {
        let readers: Vec<_> =
            (0..4).map(|_| s.spawn(|| RATES["GBP"])).collect();
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    println!("four threads read GBP: {seen:?}");
}
