//! The transcript, the job, and the Python original.
#![cfg(not(loom))]

use std::process::{Command, Stdio};

use pretty_assertions::assert_eq;
use worker_pool::{ITEMS, WORKERS, count_primes, map};

use cli_checks::{DEADLINE, within};

const CHAPTER: &str = include_str!("../../../docs/worker-pool.md");
const PYTHON: &str = include_str!("../worker_pool.py");
const TRANSCRIPT: &str = include_str!("../output.txt");

/// `output.txt` is `$ cargo run -p worker-pool` and then the program's stdout, which the lesson's
/// own `map` gives, line for line.
#[test]
fn default_run_prints_the_transcript() {
    let (command, expected) = TRANSCRIPT.split_once('\n').expect("a command line");
    assert_eq!(command, "$ cargo run -p worker-pool");
    let results = within(DEADLINE, "map on the lesson's 8 numbers to return", || {
        map(WORKERS, |&n| count_primes(n), ITEMS.to_vec())
    })
    .expect("the pool ran");
    let printed: String = (ITEMS.iter().zip(results))
        .map(|(n, count)| format!("primes below {n}: {}\n", count.expect("no job panics")))
        .collect();
    assert_eq!(printed, expected);
}

/// The job counts what a sieve counts: the primes below `n`.
#[test]
fn count_primes_agrees_with_a_sieve() {
    const LIMIT: usize = 2_000;
    let mut composite = [false; LIMIT];
    let mut below = 0;
    for k in 0..LIMIT {
        assert_eq!(count_primes(k as u64), below, "primes below {k}");
        if k >= 2 && !composite[k] {
            below += 1;
            for multiple in (k * k..LIMIT).step_by(k) {
                composite[multiple] = true;
            }
        }
    }
}

/// The chapter shows the Python original whole, as shipped in the crate (less its English
/// header), and says it is not from the seed.
#[test]
fn the_chapter_shows_the_python_original_and_says_where_it_comes_from() {
    let program = PYTHON
        .split_once("\n\nimport")
        .map(|(_, rest)| format!("import{rest}"))
        .expect("the header, then the program");
    assert!(
        CHAPTER.contains(&format!("```python\n{program}```\n")),
        "docs/worker-pool.md does not show crates/worker-pool/worker_pool.py's program"
    );
    assert!(CHAPTER.contains("not from the seed"));
    assert!(PYTHON.contains("Not from the seed"));
}

/// The Python original prints what the Rust program prints, with 1 worker and with 4. Run where
/// `python3` is on the PATH; the test says so on stderr where it is not (a fresh machine has only
/// the Rust toolchain).
#[test]
fn the_python_original_prints_the_transcript() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/worker_pool.py");
    let (_, expected) = TRANSCRIPT.split_once('\n').expect("a command line");
    for args in [&[path][..], &[path, "1"]] {
        let command: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
        if let Err(error) = Command::new("python3").arg("--version").output() {
            return eprintln!("not run: python3 is not on the PATH ({error})");
        }
        // output_within kills python3, naming it, if it has not ended within the deadline.
        let mut python = Command::new("python3");
        python
            .args(&command)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let output = cli_checks::output_within(&mut python, DEADLINE);
        assert!(
            output.status.success(),
            "python3 failed: {}",
            cli_checks::stderr(&output)
        );
        assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    }
}
