//! `concurrent.futures.ThreadPoolExecutor`: std has no pool; `thread::scope` for map and submit.
//!
//! Run it with `cargo run -p threading-map --example futures`.

use std::thread;

// def square(n): return n * n
fn square(n: u64) -> u64 {
    n * n
}

fn main() {
    let items = [1, 2, 3, 4, 5, 6];

    // with ThreadPoolExecutor(max_workers=2) as ex:
    //     results = list(ex.map(square, items))
    // Two threads, each given its half of the items, borrowed; joined in
    // order, so the results are in input order, as ex.map's are.
    let results: Vec<u64> = thread::scope(|s| {
        let halves: Vec<_> = items
            .chunks(items.len().div_ceil(2))
            .map(|half| {
                s.spawn(move || {
                    half.iter().map(|&n| square(n)).collect::<Vec<_>>()
                })
            })
            .collect();
        halves
            .into_iter()
            .flat_map(|h| h.join().expect("a worker panicked"))
            .collect()
    });
    println!("map: {results:?}");

    // fut = ex.submit(square, 7); fut.result()
    // A JoinHandle is the future: join() waits for the result, and gives
    // an Err if the thread panicked, where result() re-raises.
    let fut = thread::spawn(|| square(7));
    println!("submit: {}", fut.join().expect("square(7) panicked"));
}
