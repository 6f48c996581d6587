//! `threading.Barrier`: `std::sync::Barrier`, whose `wait` names one leader.
//!
//! Run it with `cargo run -p threading-map --example barrier`.

use std::sync::{Barrier, Mutex};
use std::thread;

fn main() {
    // barrier = threading.Barrier(3)
    let barrier = Barrier::new(3);
    // Each thread writes its part, then reads every part: the barrier
    // makes sure every part is written before anyone reads.
    let parts = Mutex::new(Vec::new());

    let reports: Vec<(i32, bool)> = thread::scope(|s| {
        let threads: Vec<_> = (1..=3)
            .map(|i| {
                let (barrier, parts) = (&barrier, &parts);
                s.spawn(move || {
                    parts.lock().unwrap().push(i * 10);
                    // i = barrier.wait(): Python hands each thread its own
                    // index; Rust tells exactly one it is the leader.
                    let leader = barrier.wait().is_leader();
                    let sum: i32 = parts.lock().unwrap().iter().sum();
                    (sum, leader)
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for (i, (sum, _)) in reports.iter().enumerate() {
        println!("thread {} saw every part: sum = {sum}", i + 1);
    }
    let leaders = reports.iter().filter(|(_, leader)| *leader).count();
    println!("leaders: {leaders}");
}
