//! The examples of the appendix "Python's threading module in Rust" (`docs/threading-map.md`):
//! one small program per construct of Python's `threading` module, each in `examples/`, with
//! its Python twin in comments beside the Rust. `cargo xtask run-all` runs each one and checks
//! its output against the `.txt` beside it.
//!
//! Run one with `cargo run -p threading-map --example semaphore`. The library itself is empty:
//! cargo wants a target, and the examples share nothing, so that each stays a whole program
//! the page can show as it is.
