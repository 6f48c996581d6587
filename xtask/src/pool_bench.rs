//! `cargo xtask bench --pool`: the worker-pool lesson's CPU-bound work with 1, 2 and more
//! threads, in Rust (the lesson's own pool, its release binary) and in Python's
//! `ThreadPoolExecutor` (the lesson's Python original), on this machine; and the speedup of each.
//!
//! Each run is a whole process, timed from start to exit, and must print what the Rust program
//! prints with one worker (so both languages did the same work, and got it right). With
//! `--write-docs` the machine and the table are written into docs/worker-pool.md's generated
//! blocks `pool-bench run` and `pool-bench table` (the syntax is xtask/src/docs.rs's); nothing
//! else reads them, so only a new run changes them.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use crate::bench::{available_cores, load_average, median, version_of};
use crate::docs;
use crate::workspace::{Result, Workspace};

/// The chapter that shows the table.
const DOC: &str = "docs/worker-pool.md";
/// The lesson's Python original.
const PYTHON_SCRIPT: &str = "crates/worker-pool/worker_pool.py";
/// The lesson's numbers (its `ITEMS`), each 3 times bigger, so that one run lasts seconds in
/// Python and tens of milliseconds in Rust: long enough that starting a process is a small part.
const NUMBERS: [u64; 8] = [
    240_000, 30_000, 210_000, 60_000, 180_000, 90_000, 150_000, 120_000,
];
/// Timed runs per thread count (odd, so that the median is one real run). Python's are seconds
/// each; Rust's tens of milliseconds, where a few more runs steady the median.
const RUST_RUNS: usize = 7;
const PYTHON_RUNS: usize = 3;

/// One language's runs: for each thread count, the seconds of each run.
struct Language {
    name: String,
    runs: Vec<(usize, Vec<f64>)>,
}

impl Language {
    fn median_at(&self, threads: usize) -> f64 {
        let (_, runs) = (self.runs.iter())
            .find(|(n, _)| *n == threads)
            .expect("every language is timed at every thread count");
        median(runs)
    }
}

/// Times the work at each thread count in Rust, then in Python (if `python3` is on the PATH),
/// prints the table, and with `write_docs` writes it into the chapter.
pub fn bench_pool(ws: &Workspace, write_docs: bool) -> Result {
    let started = Instant::now();
    let python = version_of("python3", &ws.root);
    if write_docs && python.is_none() {
        return Err(format!(
            "--write-docs needs python3 on the PATH: {DOC} compares the pool with Python's"
        ));
    }
    ws.cargo(&["build", "--release", "-p", "worker-pool"])?;
    let binary = (ws.target_dir().join("release"))
        .join(format!("worker-pool{}", std::env::consts::EXE_SUFFIX));
    let numbers: Vec<String> = NUMBERS.iter().map(u64::to_string).collect();
    let cores = available_cores();
    let mut counts = vec![1, 2, cores, 2 * cores];
    counts.sort_unstable();
    counts.dedup();

    let rust_command = |threads: usize| {
        let mut command = Command::new(&binary);
        command
            .arg("--workers")
            .arg(threads.to_string())
            .args(&numbers);
        command
    };
    // The reference output: the lesson's pool with one worker.
    let expected = run_once(&mut rust_command(1), "worker-pool --workers 1")?.1;
    let load_before = load_average();
    let rust = time_all("Rust", &counts, RUST_RUNS, &expected, rust_command)?;
    let python = match &python {
        Some(version) => Some(time_all(
            version,
            &counts,
            PYTHON_RUNS,
            &expected,
            |threads| {
                let mut command = Command::new("python3");
                command.arg(ws.root.join(PYTHON_SCRIPT));
                command.arg(threads.to_string()).args(&numbers);
                command
            },
        )?),
        None => {
            println!("\npython3 is not on the PATH: timing Rust only.");
            None
        }
    };
    let load_after = load_average();
    let languages: Vec<&Language> = std::iter::once(&rust).chain(python.as_ref()).collect();
    let table = render(&counts, &languages);
    let run = describe(ws, cores, &load_before, &load_after);
    println!("\n{run}\n\n{table}");
    if write_docs {
        let record = |words: &[&str]| {
            Ok(match words {
                ["run"] => Some(run.clone()),
                ["table"] => Some(table.clone()),
                _ => None,
            })
        };
        docs::sync(ws, "pool-bench", "", &record, true)?;
        println!("\nwrote the pool's figures into {DOC}");
    }
    eprintln!(
        "\ncargo xtask bench --pool: done in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs `command` for each thread count: one untimed warm-up each, then `runs` rounds, each
/// round one timed run per thread count, so that a change in the machine's load falls on every
/// count alike. Every timed run must print `expected`.
fn time_all(
    name: &str,
    counts: &[usize],
    runs: usize,
    expected: &str,
    command: impl Fn(usize) -> Command,
) -> Result<Language> {
    println!("\nTiming {name}: {runs} rounds of {counts:?} threads...");
    let label = |threads: usize| format!("{name} with {threads} threads");
    for &threads in counts {
        run_once(&mut command(threads), &label(threads))?;
    }
    let mut seconds: Vec<Vec<f64>> = vec![Vec::with_capacity(runs); counts.len()];
    for _ in 0..runs {
        for (times, &threads) in seconds.iter_mut().zip(counts) {
            let (time, printed) = run_once(&mut command(threads), &label(threads))?;
            if printed != expected {
                return Err(format!(
                    "{} printed otherwise than the lesson's pool with 1 worker:\n{}",
                    label(threads),
                    docs::diff(expected, &printed)
                ));
            }
            times.push(time);
        }
    }
    for (times, threads) in seconds.iter().zip(counts) {
        println!("  {threads} threads: median {:.1} ms", median(times) * 1e3);
    }
    Ok(Language {
        name: name.to_string(),
        runs: counts.iter().copied().zip(seconds).collect(),
    })
}

/// Runs `command` to its end: its wall time in seconds and its stdout; an error unless it exits 0.
fn run_once(command: &mut Command, name: &str) -> Result<(f64, String)> {
    let started = Instant::now();
    let output = (command.output()).map_err(|e| format!("could not start {name}: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "{name} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok((
        seconds,
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

/// The table: a row per thread count; per language its median time and its speedup over its own
/// one-thread time.
fn render(counts: &[usize], languages: &[&Language]) -> String {
    let mut out = String::from("| threads |");
    let mut rule = String::from("|---:|");
    for language in languages {
        let name = &language.name;
        let _ = write!(out, " {name}: median ms | {name}: speedup |");
        rule.push_str("---:|---:|");
    }
    let _ = write!(out, "\n{rule}");
    for &threads in counts {
        let _ = write!(out, "\n| {threads} |");
        for language in languages {
            let time = language.median_at(threads);
            let speedup = language.median_at(1) / time;
            let _ = write!(out, " {:.1} | {speedup:.2}× |", time * 1e3);
        }
    }
    out
}

/// What the run was: the machine, the work, and how busy the machine was.
fn describe(ws: &Workspace, cores: usize, load_before: &str, load_after: &str) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = (cpuinfo.lines())
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| "unknown (no model name in /proc/cpuinfo)".into());
    let rustc = version_of("rustc", &ws.root).unwrap_or_else(|| "rustc (unknown version)".into());
    let date = (Command::new("date").args(["-u", "+%Y-%m-%d"]).output().ok())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .unwrap_or_else(|| "a date `date` could not tell".into());
    let numbers: Vec<String> = NUMBERS.iter().map(u64::to_string).collect();
    format!(
        "The run: {cpu}, {cores} cores available, the Rust compiled by {rustc}, on {date} (UTC). \
         The work: the primes below each of {}, counted by trial division, one job per number. \
         Rust is the lesson's release binary (`worker-pool --workers N`), Python its original \
         (`python3 {PYTHON_SCRIPT} N`); each run a whole process (start-up included), after one \
         untimed run per row, in rounds of one run per thread count ({RUST_RUNS} rounds in \
         Rust, {PYTHON_RUNS} in Python); every run printed the same counts. \
         A speedup is the language's own median time with 1 thread over its median time with \
         that many. \
         The load average (1, 5 and 15 minutes) was {load_before} when the timing started and \
         {load_after} when it ended: a load near or above the number of cores means other \
         programs were competing for the same cores.",
        numbers.join(" "),
    )
}
