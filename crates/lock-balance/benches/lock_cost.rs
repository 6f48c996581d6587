//! What the lock costs: one `change_it` (add `n`, then subtract it) done by 1 thread, 2 threads
//! and every available core, four ways. Run it with `cargo xtask bench` (which prints the table
//! and can write docs/performance.md), or with `cargo bench -p lock-balance --bench lock_cost`.
//!
//! Each benchmark uses divan's `threads` option: divan starts the threads together (a barrier) and
//! each one times its own samples of `CALLS` calls, so a figure is the time one call takes as one
//! thread sees it, waiting for the others included. All threads of a benchmark share one balance,
//! except in `per_thread`, where sharing nothing is the point.
//!
//! `n` is 5 for every thread (the lesson's Thread-1; Thread-2 uses 8): the value changes nothing in
//! the cost, and `black_box` keeps the compiler from knowing it.

/// Benches measure std's `Mutex` and atomics. Under `--cfg loom` the lesson's functions take
/// loom's types instead (the proofs' build, which `cargo clippy --all-targets` also compiles), and
/// there is nothing to measure.
#[cfg(loom)]
fn main() {
    eprintln!("lock_cost measures std's Mutex and atomics: build it without --cfg loom");
}

#[cfg(not(loom))]
fn main() {
    divan::main();
}

#[cfg(not(loom))]
mod strategies {
    use std::cell::Cell;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicI64, Ordering::SeqCst};

    use divan::{Bencher, black_box};
    use lock_balance::{locked, unlocked};

    /// 1 thread, 2 threads, and 0: divan's word for every available core. Divan runs each distinct
    /// count once, so on a 2-core machine "every core" is the 2-thread run.
    const THREADS: [usize; 3] = [1, 2, 0];
    /// Samples per thread count, over all threads together (divan rounds it to a multiple of the
    /// thread count: each thread records one sample per round).
    const SAMPLES: u32 = 100;
    /// Calls per sample: long enough that the threads of a sample really run at the same time
    /// (a sample lasts a fraction of a millisecond for the fastest strategy, tens of milliseconds
    /// for the slowest). With 20 000 calls per sample, the 2-thread figures came out equal to the
    /// 1-thread ones on a busy 2-core machine: a thread could finish its sample before the other
    /// one, released by the same barrier, was even scheduled.
    const CALLS: u32 = 2_000_000;

    /// The `n` each call adds and subtracts.
    const N: i64 = 5;

    /// Strategy 1, the lesson as written: the balance in a `Mutex`, one `change_it` under the lock
    /// per call: one iteration of the lesson's own `run_thread` loop (lock, change, unlock).
    #[divan::bench(threads = THREADS, sample_count = SAMPLES, sample_size = CALLS)]
    fn mutex(bencher: Bencher) {
        let balance = Mutex::new(0);
        bencher.bench(|| {
            locked::run_thread(&balance, black_box(N), 1)
                .expect("no call panics while holding the lock");
        });
        // Not a timing check: the lock keeps every change, so the balance is back to 0.
        let balance = *balance.lock().expect("not poisoned");
        assert_eq!(balance, 0, "the Mutex lost an update");
    }

    /// `change_it` with each line one atomic read-modify-write: correct, and no lock.
    fn change_it_fetch(balance: &AtomicI64, n: i64) {
        // balance = balance + n
        balance.fetch_add(n, SeqCst);
        // balance = balance - n
        balance.fetch_sub(n, SeqCst);
    }

    /// Strategy 2: an `AtomicI64` changed with `fetch_add` / `fetch_sub` (`SeqCst`, like the
    /// lesson's atomic).
    #[divan::bench(threads = THREADS, sample_count = SAMPLES, sample_size = CALLS)]
    fn atomic_fetch_add(bencher: Bencher) {
        let balance = AtomicI64::new(0);
        bencher.bench(|| change_it_fetch(&balance, black_box(N)));
        assert_eq!(
            balance.load(SeqCst),
            0,
            "fetch_add/fetch_sub lost an update"
        );
    }

    /// Strategy 3: the lesson's `unlocked::change_it`, a load and then a store. WRONG RESULT: with
    /// more than one thread it loses updates and the balance can end anywhere. Shown for its cost
    /// only.
    #[divan::bench(threads = THREADS, sample_count = SAMPLES, sample_size = CALLS)]
    fn racy_load_store(bencher: Bencher) {
        let balance = AtomicI64::new(0);
        bencher.bench(|| unlocked::change_it(&balance, black_box(N)));
        // No check: whenever two threads ran, the final balance may be anything.
        black_box(balance.load(SeqCst));
    }

    thread_local! {
        /// Strategy 4: each thread's own balance: no other thread ever sees it.
        static OWN_BALANCE: Cell<i64> = const { Cell::new(0) };
    }

    /// Strategy 4, per-thread, nothing shared: the lesson's `change_it` on a balance only this
    /// thread sees. The floor the others are held against. Nothing is merged and no total is
    /// checked: divan owns the threads, so there is no `join` to add their totals up after, and a
    /// merge would be one addition per thread, not per call, so no part of the cost per call.
    ///
    /// What it compiles to, checked in the disassembly of the bench build (`objdump -d` of
    /// `target/release/deps/lock_cost-*`, Rust 1.95, x86-64, 1 December 2026): divan's sample loop
    /// inlines it to a load of the balance, `black_box`'s store and reload of `n`, `add` and
    /// `sub`, each followed by a `jo` to the overflow panic, and a store of the balance; LLVM does
    /// not fold `b + n - n` away (the overflow checks keep both operations), so the page's "a load,
    /// an add and a subtract (each with its overflow check) and a store" is what runs:
    ///
    /// ```text
    /// mov  (%rax),%rdx            load the balance
    /// movq $0x5,0xb0(%rsp)        black_box(N)
    /// mov  0xb0(%rsp),%rsi
    /// add  %rsi,%rdx ; jo ...     balance + n
    /// sub  %rsi,%rdx ; jo ...     balance - n
    /// mov  %rdx,(%rax)            store the balance
    /// ```
    #[divan::bench(threads = THREADS, sample_count = SAMPLES, sample_size = CALLS)]
    fn per_thread() {
        OWN_BALANCE.with(|own| {
            let mut balance = own.get();
            locked::change_it(&mut balance, black_box(N));
            own.set(balance);
        });
    }
}
