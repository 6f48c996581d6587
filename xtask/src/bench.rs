//! `cargo xtask bench`: what the lock costs, measured by divan, and the lock-balance lesson timed
//! against its Python original.
//!
//! The numbers are divan's own: xtask runs `cargo bench -p lock-balance --bench lock_cost`, shows
//! its output as it comes, and reads the table divan prints (divan has no machine-readable output;
//! the reader below refuses any line it does not understand rather than guess).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::pictures;
use crate::workspace::{Result, Workspace};

/// The columns of the table `bench` prints and writes to docs/performance.md, which the chart
/// (xtask/src/pictures.rs) reads back.
pub const TABLE_HEADER: [&str; 7] = [
    "threads",
    "strategy",
    "median ns/call",
    "min",
    "max",
    "samples",
    "median ÷ floor",
];

/// The benchmark target: `crates/lock-balance/benches/lock_cost.rs`.
const BENCH: &str = "lock_cost";
/// The generated chapter.
const DOC: &str = "docs/performance.md";
/// The Python original, kept beside the lesson.
const PYTHON_SCRIPT: &str = "crates/lock-balance/lock_balance.py";
/// Timed runs of each program in the Python comparison (odd, so the median is one real run).
const PYTHON_RUNS: usize = 11;

/// The four strategies, in table order: divan's name for each, and what the table calls it.
const STRATEGIES: [(&str, &str); 4] = [
    ("mutex", "Mutex (the lesson's `locked`)"),
    ("atomic_fetch_add", "atomic `fetch_add` / `fetch_sub`"),
    (
        "racy_load_store",
        "racy load, then store (WRONG RESULT, cost only)",
    ),
    ("per_thread", "per-thread (nothing shared)"),
];
/// The floor the others are held against: `per_thread`'s place in [`STRATEGIES`].
const FLOOR: usize = 3;

/// Runs the benchmark and prints its table; with `python`, only the Python comparison instead;
/// with `write_docs` (which clap keeps apart from `python`), both, and rewrites docs/performance.md.
pub fn bench(ws: &Workspace, python: bool, write_docs: bool) -> Result {
    let started = Instant::now();
    let measured = if python { None } else { Some(measure(ws)?) };
    let comparison = if python || write_docs {
        python_comparison(ws)?
    } else {
        None
    };
    if let Some(comparison) = &comparison {
        println!("\n{}", comparison.render());
    }
    if let (true, Some((table, run))) = (write_docs, &measured) {
        fs::write(
            ws.root.join(DOC),
            render_doc(run, table, comparison.as_ref()),
        )
        .map_err(|e| format!("cannot write {DOC}: {e}"))?;
        println!("\nwrote {DOC}");
        // The chart, drawn from the table just written: the same figures, as the page shows them.
        pictures::sync_chart(ws, true)?;
    }
    eprintln!(
        "\ncargo xtask bench: done in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Builds the benchmark, runs it, prints its table; returns the table and, for the page, the
/// sentences that say what the run was.
fn measure(ws: &Workspace) -> Result<(Table, String)> {
    // Build first, so that the time and load measured below are the benchmark's alone.
    ws.cargo(&["bench", "-p", "lock-balance", "--bench", BENCH, "--no-run"])?;
    let load_before = load_average();
    let started = Instant::now();
    let output = run_divan(ws)?;
    let seconds = started.elapsed().as_secs_f64();
    let load_after = load_average();
    let table = Table::from_leaves(&parse_divan(&output)?, available_cores())?;
    println!(
        "\n{}\n\n(the benchmark itself ran for {seconds:.0} s)",
        table.render()
    );
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| "unknown (no model name in /proc/cpuinfo)".into());
    // In the root, where cargo picks the toolchain the same way.
    let rustc = version_of("rustc", &ws.root).unwrap_or_else(|| "rustc (unknown version)".into());
    let lock = fs::read_to_string(ws.root.join("Cargo.lock")).unwrap_or_default();
    let divan = divan_version(&lock).unwrap_or("0.1 (exact version not in Cargo.lock)");
    let run = format!(
        "The run: {cpu}, {cores} cores available, compiled by {rustc}, measured by divan {divan}; the page's last commit dates it.
The benchmark ran for {seconds:.0} s.
The load average (1, 5 and 15 minutes) was {load_before} when it started and {load_after} when it ended: a load near or above the number of cores means other programs were competing for the same cores.",
        cores = table.cores,
    );
    Ok((table, run))
}

/// `cargo bench -p lock-balance --bench lock_cost`, its stdout shown line by line and returned.
fn run_divan(ws: &Workspace) -> Result<String> {
    let mut command = ws.command(&["bench", "-p", "lock-balance", "--bench", BENCH]);
    // Divan reads settings from DIVAN_* variables (sample count, sorting, extra counter rows);
    // the run must be the one the bench file describes, and the table the one parsed below.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DIVAN_") {
            command.env_remove(name);
        }
    }
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start cargo bench: {e}"))?;
    let mut seen = String::new();
    for line in BufReader::new(child.stdout.take().expect("stdout is piped")).lines() {
        let line = line.map_err(|e| format!("reading the benchmark's output: {e}"))?;
        println!("{line}");
        seen.push_str(&line);
        seen.push('\n');
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!(
            "`cargo bench -p lock-balance --bench {BENCH}` failed ({status})"
        ));
    }
    Ok(seen)
}

/// One benchmark as divan reported it: its place in divan's tree, and its numbers.
#[derive(Clone, Debug, PartialEq)]
struct Leaf {
    /// From the top: `["lock_cost", "strategies", "mutex", "t=2"]`.
    path: Vec<String>,
    /// Nanoseconds per call, divan's `fastest`, `slowest`, `median` and `mean` columns.
    fastest: f64,
    slowest: f64,
    median: f64,
    mean: f64,
    /// Divan's `samples` and `iters` (calls in all samples together).
    samples: u64,
    iters: u64,
}

/// The columns divan prints, in order (checked against its header line).
const DIVAN_COLUMNS: [&str; 6] = ["fastest", "slowest", "median", "mean", "samples", "iters"];

/// Reads divan's tree of results, e.g.
///
/// ```text
/// lock_cost               fastest       │ slowest       │ median        │ mean          │ samples │ iters
/// ╰─ strategies                         │               │               │               │         │
///    ├─ mutex                           │               │               │               │         │
///    │  ├─ t=1            10.68 ns      │ 21.02 ns      │ 10.77 ns      │ 10.96 ns      │ 100     │ 2000000
/// ```
///
/// Every line must be the header, a group (a name with empty columns) or a result; anything else
/// is an error, so a change in divan's format cannot slip wrong numbers into the table.
fn parse_divan(output: &str) -> Result<Vec<Leaf>> {
    const TREE: [char; 5] = ['│', '├', '╰', '─', ' '];
    let mut leaves = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut header_seen = false;
    for (number, line) in output.lines().enumerate() {
        let fail = |what: &str| format!("divan's output, line {}: {what}: {line:?}", number + 1);
        if line.trim().is_empty() || line.starts_with("Timer precision:") {
            continue;
        }
        let rest = line.trim_start_matches(TREE);
        let indent = line.chars().count() - rest.chars().count();
        if indent % 3 != 0 {
            return Err(fail("unexpected indentation"));
        }
        let depth = indent / 3;
        let cells: Vec<&str> = rest.split('│').map(str::trim).collect();
        if cells.len() != DIVAN_COLUMNS.len() {
            return Err(fail("expected 6 columns separated by │"));
        }
        let (name, first) = cells[0]
            .split_once(char::is_whitespace)
            .map_or((cells[0], ""), |(name, first)| (name, first.trim()));
        if name.is_empty() {
            return Err(fail("no name"));
        }
        if depth > path.len() {
            return Err(fail("a child without a parent"));
        }
        path.truncate(depth);
        path.push(name.to_string());
        let mut values = vec![first];
        values.extend(&cells[1..]);
        if depth == 0 {
            if values != DIVAN_COLUMNS {
                return Err(fail("expected divan's header (fastest, slowest, ...)"));
            }
            header_seen = true;
        } else if values.iter().all(|value| value.is_empty()) {
            // A group: its children follow.
        } else {
            let time = |i: usize| parse_duration(values[i]).map_err(|e| fail(&e));
            let count = |i: usize| {
                values[i]
                    .parse::<u64>()
                    .map_err(|_| fail(&format!("`{}` is not a count", values[i])))
            };
            leaves.push(Leaf {
                path: path.clone(),
                fastest: time(0)?,
                slowest: time(1)?,
                median: time(2)?,
                mean: time(3)?,
                samples: count(4)?,
                iters: count(5)?,
            });
        }
    }
    if !header_seen {
        return Err("divan printed no table (no header line)".into());
    }
    Ok(leaves)
}

/// `9.021 ns`, `0.232 ns`, `1.5 µs`, `12 ms`, `1.2 s` → nanoseconds.
fn parse_duration(text: &str) -> Result<f64> {
    let (value, unit) = text
        .split_once(' ')
        .ok_or_else(|| format!("`{text}` is not a duration"))?;
    let value: f64 = value
        .parse()
        .map_err(|_| format!("`{text}` is not a duration"))?;
    let scale = match unit {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return Err(format!("`{text}`: unknown unit `{unit}`")),
    };
    Ok(value * scale)
}

/// One row: a strategy at a thread count.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    threads: usize,
    /// Divan's name for it, and the table's.
    strategy: &'static str,
    label: &'static str,
    leaf: Leaf,
    /// Median over the floor's median at the same thread count.
    ratio: f64,
}

/// The rows, by thread count then strategy; and the machine's core count.
#[derive(Debug)]
struct Table {
    rows: Vec<Row>,
    cores: usize,
}

impl Table {
    /// Picks each strategy at each thread count out of divan's results; every strategy must have
    /// been run at the same thread counts, among them 1, 2 and every core (`cores`).
    fn from_leaves(leaves: &[Leaf], cores: usize) -> Result<Table> {
        // (threads, place in STRATEGIES) → result.
        let mut found = BTreeMap::new();
        for leaf in leaves {
            let [.., name, threads] = &leaf.path[..] else {
                return Err(format!(
                    "divan result without a thread count: {:?}",
                    leaf.path
                ));
            };
            let threads: usize = threads
                .strip_prefix("t=")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("`{threads}` is not a thread count: {:?}", leaf.path))?;
            let strategy = STRATEGIES
                .iter()
                .position(|(strategy, _)| strategy == name)
                .ok_or_else(|| format!("unknown benchmark `{name}`: add it to STRATEGIES"))?;
            if found.insert((threads, strategy), leaf).is_some() {
                return Err(format!("two results for {name} at {threads} threads"));
            }
        }
        let thread_counts: BTreeSet<usize> = found.keys().map(|&(threads, _)| threads).collect();
        if let Some(missing) = [1, 2, cores]
            .into_iter()
            .find(|t| !thread_counts.contains(t))
        {
            return Err(format!(
                "divan ran {thread_counts:?} threads, not {missing} \
                 (the benchmark asks for 1, 2 and every core: {cores} here)"
            ));
        }
        let mut rows = Vec::new();
        for threads in thread_counts {
            let leaf_of = |strategy: usize| {
                found.get(&(threads, strategy)).copied().ok_or_else(|| {
                    let name = STRATEGIES[strategy].0;
                    format!("no result for {name} at {threads} threads")
                })
            };
            let floor = leaf_of(FLOOR)?.median;
            for (strategy, &(name, label)) in STRATEGIES.iter().enumerate() {
                let leaf = leaf_of(strategy)?.clone();
                let ratio = leaf.median / floor;
                rows.push(Row {
                    threads,
                    strategy: name,
                    label,
                    leaf,
                    ratio,
                });
            }
        }
        Ok(Table { rows, cores })
    }

    fn row(&self, strategy: &str, threads: usize) -> &Row {
        self.rows
            .iter()
            .find(|row| row.strategy == strategy && row.threads == threads)
            .expect("from_leaves checked every strategy at 1 and 2 threads")
    }

    /// A Markdown table, its columns padded so it reads as well in a terminal.
    fn render(&self) -> String {
        let header = TABLE_HEADER;
        let mut cells = vec![header.map(String::from)];
        for row in &self.rows {
            cells.push([
                if row.threads == self.cores {
                    format!("{} (every core)", row.threads)
                } else {
                    row.threads.to_string()
                },
                row.label.to_string(),
                nanos(row.leaf.median),
                nanos(row.leaf.fastest),
                nanos(row.leaf.slowest),
                row.leaf.samples.to_string(),
                if row.strategy == STRATEGIES[FLOOR].0 {
                    "1× (the floor)".to_string()
                } else {
                    times(row.ratio)
                },
            ]);
        }
        let widths: [usize; 7] = std::array::from_fn(|i| {
            cells
                .iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        });
        let mut out = String::new();
        for (n, row) in cells.iter().enumerate() {
            // Text left, numbers right; under the header, the rule that says so.
            for (i, (cell, &width)) in row.iter().zip(&widths).enumerate() {
                let _ = if i < 2 {
                    write!(out, "| {cell:<width$} ")
                } else {
                    write!(out, "| {cell:>width$} ")
                };
            }
            out.push_str("|\n");
            if n == 0 {
                for (i, &width) in widths.iter().enumerate() {
                    let _ = if i < 2 {
                        write!(out, "| {} ", "-".repeat(width))
                    } else {
                        write!(out, "| {}: ", "-".repeat(width - 1))
                    };
                }
                out.push_str("|\n");
            }
        }
        // The benchmark asks for 1 thread, 2 threads and every core: on 1 or 2 cores, every core
        // is one of the others, and divan runs each distinct count once.
        if self.cores <= 2 {
            let _ = write!(
                out,
                "\nEvery core is {cores} here, the same as {cores} thread{s}: divan runs each \
                 distinct thread count once, so that row stands for both.",
                cores = self.cores,
                s = if self.cores == 1 { "" } else { "s" },
            );
        }
        out.trim_end().to_string()
    }
}

/// Nanoseconds, to about three significant digits.
fn nanos(ns: f64) -> String {
    match ns {
        ns if ns >= 100.0 => format!("{ns:.0}"),
        ns if ns >= 10.0 => format!("{ns:.1}"),
        ns if ns >= 1.0 => format!("{ns:.2}"),
        ns => format!("{ns:.3}"),
    }
}

/// A ratio: `45×`, `2.3×`.
fn times(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}×")
    } else {
        format!("{ratio:.1}×")
    }
}

/// The lesson's release binary against the Python original.
#[derive(Debug)]
struct Comparison {
    python_version: String,
    /// Seconds per run.
    rust: Vec<f64>,
    python: Vec<f64>,
}

impl Comparison {
    fn render(&self) -> String {
        let (rust, python) = (median(&self.rust), median(&self.python));
        format!(
            "The lesson against Python: {runs} runs of each, alternating, whole processes \
             (start-up included), every run printed 0.\n\
             - Rust (`lock-balance`, release build): {rust_spread}\n\
             - {python_version} (`python3 {PYTHON_SCRIPT}`): {python_spread}\n\
             - Python took {ratio} as long as Rust on this machine (median over median); the \
             ratio depends on the machine and its load.",
            runs = self.rust.len(),
            rust_spread = spread(&self.rust),
            python_version = self.python_version,
            python_spread = spread(&self.python),
            ratio = times(python / rust),
        )
    }
}

/// `median 7.04 ms (fastest 6.56 ms, slowest 8.00 ms)`, from seconds.
fn spread(seconds: &[f64]) -> String {
    let fastest = seconds.iter().copied().fold(f64::INFINITY, f64::min);
    let slowest = seconds.iter().copied().fold(0.0, f64::max);
    format!(
        "median {} ms (fastest {} ms, slowest {} ms)",
        millis(median(seconds)),
        millis(fastest),
        millis(slowest)
    )
}

fn millis(seconds: f64) -> String {
    nanos(seconds * 1e3)
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

/// Times the lesson's release binary and `python3 lock_balance.py`, alternately, [`PYTHON_RUNS`]
/// times each after one untimed warm-up run of each; every run must exit 0 and print `0`.
/// `None` (after saying so) when `python3` is not on the PATH.
fn python_comparison(ws: &Workspace) -> Result<Option<Comparison>> {
    let Some(python_version) = version_of("python3", &ws.root) else {
        println!(
            "\npython3 is not on the PATH (or `python3 --version` failed): skipping the comparison with Python."
        );
        return Ok(None);
    };
    ws.cargo(&["build", "--release", "-p", "lock-balance"])?;
    let binary = ws
        .target_dir()
        .join("release")
        .join(format!("lock-balance{}", std::env::consts::EXE_SUFFIX));
    let script = ws.root.join(PYTHON_SCRIPT);
    let rust_name = ws.show(&binary);
    let rust_run = || timed_run(Command::new(&binary).current_dir(&ws.root), &rust_name);
    let python_name = format!("python3 {PYTHON_SCRIPT}");
    let python_run = || {
        timed_run(
            Command::new("python3").arg(&script).current_dir(&ws.root),
            &python_name,
        )
    };
    println!(
        "\nTiming the lesson against {python_version}: {PYTHON_RUNS} runs of each, alternating..."
    );
    rust_run()?;
    python_run()?;
    let mut comparison = Comparison {
        python_version,
        rust: Vec::new(),
        python: Vec::new(),
    };
    for _ in 0..PYTHON_RUNS {
        comparison.rust.push(rust_run()?);
        comparison.python.push(python_run()?);
    }
    Ok(Some(comparison))
}

/// Runs `command` to completion and returns its wall time in seconds; an error unless it exits 0
/// and prints exactly `0`.
fn timed_run(command: &mut Command, name: &str) -> Result<f64> {
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("could not start {name}: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || stdout != "0\n" {
        return Err(format!(
            "`{name}` should exit 0 and print 0; it exited with {} and printed {stdout:?}{}",
            output.status,
            match String::from_utf8_lossy(&output.stderr).trim() {
                "" => String::new(),
                stderr => format!(", and on stderr:\n{stderr}"),
            }
        ));
    }
    Ok(seconds)
}

/// The cores this process may use: what divan's `threads = 0` ("every core") means.
fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `program --version`'s first line, run in `dir`; `None` if it cannot be run or fails.
fn version_of(program: &str, dir: &Path) -> Option<String> {
    let output = Command::new(program)
        .arg("--version")
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next()?.trim().to_string()).filter(|_| output.status.success())
}

/// The 1-, 5- and 15-minute load averages, from /proc/loadavg.
fn load_average() -> String {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = text.split_whitespace().take(3).collect();
    if load.is_empty() {
        "unknown".into()
    } else {
        load.join(" ")
    }
}

/// Divan's exact version: the `version` line of Cargo.lock's `name = "divan"` package.
fn divan_version(cargo_lock: &str) -> Option<&str> {
    let package = cargo_lock
        .split("[[package]]")
        .find(|package| package.lines().any(|line| line == "name = \"divan\""))?;
    package
        .lines()
        .find_map(|line| line.strip_prefix("version = \"")?.strip_suffix('"'))
}

/// docs/performance.md. The text is fixed; only the figures come from the run, and every one of
/// them is read out of the table or the comparison. One sentence per line, so that a regenerated
/// page differs from the last one only where a figure did.
fn render_doc(run: &str, table: &Table, comparison: Option<&Comparison>) -> String {
    let first = &table.rows[0].leaf;
    let at = |strategy: &str, threads: usize| table.row(strategy, threads).leaf.median;
    let (m1, m2) = (at("mutex", 1), at("mutex", 2));
    let (a1, a2) = (at("atomic_fetch_add", 1), at("atomic_fetch_add", 2));
    let (r1, r2) = (at("racy_load_store", 1), at("racy_load_store", 2));
    let (f1, f2) = (at("per_thread", 1), at("per_thread", 2));
    let mut doc = format!(
        "<!-- Generated by `cargo xtask bench --write-docs`: never edit by hand, rerun it. -->

# What the lock costs

This page is generated by `cargo xtask bench --write-docs` from one real run, and never edited by hand: rerun it to regenerate it (on your machine, your numbers will differ).
`cargo xtask bench` alone prints the same table without touching this file.

{run}

## What is measured

One call is the lock lesson's `change_it` on a shared balance: add `n`, then subtract it.
Each strategy runs it on one balance shared by all its threads (except the last, which shares nothing), at 1 thread, 2 threads and every available core ([`crates/lock-balance/benches/lock_cost.rs`](../crates/lock-balance/benches/lock_cost.rs)):

1. **Mutex**: the lesson as written, the balance in a `Mutex<i64>`; each call is one iteration of the lesson's own `locked::run_thread` (lock, `change_it`, unlock).
2. **Atomic**: an `AtomicI64` changed with `fetch_add(n)` then `fetch_sub(n)`, each one indivisible read-modify-write: correct, and no lock.
3. **Racy load, then store**: the lesson's own `unlocked::change_it`.
   **Its result is wrong**: with two threads it loses updates (see the [lock-balance chapter](lock-balance.md)).
   It is here only for its cost.
4. **Per-thread (nothing shared)**: each thread changes its own balance (a thread-local) through the lesson's `locked::change_it`.
   This is the floor the others are held against.
   Per-thread totals would be added up once, at `join`; the benchmark leaves that merge out and checks no total (divan owns the threads, so there is no `join` to merge at), and a merge is one addition per thread, not per call, so it would not change the cost per call.

A figure is nanoseconds per call as one thread sees it, waiting for the other threads included: divan times each thread's samples separately ({samples} samples per row, all threads' together, of {calls} calls each; the median, fastest and slowest sample).
When there are no more threads than cores, the threads can all run at the same time, so while one thread makes a call the others make theirs on the same balance; with more threads than cores, they take turns.
Figures with more than one thread vary more from run to run than those with one: they depend on where the operating system (and, on a virtual machine, the hypervisor) runs the threads at that moment.
The last column is the median over the per-thread median at the same thread count.

## The numbers

![A bar chart of the table below, on a log scale: for 1 thread and for every thread count measured, how many nanoseconds one call takes with each strategy, the Mutex, the atomic, the racy load and store, and the per-thread balance, whose bar is the floor, marked with a dashed line](pictures/{chart})

{table}

## Why divan

The benchmark wants an established harness behind `cargo bench`, not a hand-made timer.
Criterion is the best known, but its current release (0.8.2) declares `rust-version = \"1.86\"`, and this workspace promises 1.85; divan 0.1 declares 1.80.
Above all, divan has a `threads` option made for this question: it runs the same benchmark on N threads started together and reports each thread's time per call, which is what contention on a lock or an atomic looks like.
It also builds on the `clap` this workspace already uses.
Its one gap: it prints a table for people and nothing for programs, so `cargo xtask bench` reads that table and refuses any line it does not understand (`xtask/src/bench.rs`, tested on a captured run).

## The lesson against Python

",
        samples = first.samples,
        calls = first.iters / first.samples.max(1),
        table = table.render(),
        chart = pictures::CHART,
    );
    match comparison {
        Some(comparison) => {
            let _ = writeln!(
                doc,
                "`cargo xtask bench --python` runs the lesson's release binary and the Python original ([`{PYTHON_SCRIPT}`](../{PYTHON_SCRIPT}), the tutorial's program unchanged): the same two threads, 100 000 locked calls each.
One untimed run of each first, then the timed ones.

{}",
                comparison.render()
            );
        }
        None => doc.push_str(
            "`python3` was not on the PATH when this page was generated, so the comparison with the Python original (`cargo xtask bench --python`) was skipped.\n",
        ),
    }
    let _ = write!(
        doc,
        "
## Reading the numbers

These are one machine's figures from one run; the figures quoted below are copied from the table above, and the advice around them holds whatever they are.

The floor is as cheap as a call can be: a load, an add and a subtract (each with its overflow check) and a store, in memory no other thread touches, a cycle or two of a current processor.
So a ratio in the last column says how many of these cheapest calls fit in the time of one call on the shared balance, not how much slower a program gets: a program whose calls do real work between two changes would see far smaller ratios.

**The lock is fine** when its cost is small next to the work done while holding it and between two calls.
Here one call under the lesson's lock took {m1} ns with one thread and {m2} ns with 2 threads on one balance; at {m2} ns, the lesson's 100 000 locked calls per thread take about {lesson_ms} ms.
A lock costs most when threads want it at the same time: each waits for the other, and the lock's memory moves from core to core.

**Reach for an atomic** when the shared state is one number and each change is one read-modify-write: `fetch_add` says exactly that, cannot be poisoned, and never leaves a thread waiting for one that was descheduled holding a lock.
Here it took {a1} ns with one thread and {a2} ns with 2 threads.
An atomic is not free either: every thread that changes it needs its memory, which moves from core to core as the lock's does.
And an atomic makes one step indivisible, not two: as soon as a rule spans two steps or two values (check the balance, then withdraw; move money between two accounts), take the lock.

**Leaving the lock out** is no option: the racy version's balance ends wrong.
It took {r1} ns with one thread and {r2} ns with 2 threads ({racy_share:.0} % of the lock's time).
On x86-64 it does not even leave out the locked instructions: each `SeqCst` store compiles to `xchg`, which the processor always executes as a locked instruction, so the racy call makes as many locked operations (its two stores) as `fetch_add` plus `fetch_sub`; an uncontended `Mutex` makes two as well (on Linux, a `lock cmpxchg` to take it and an `xchg` to release it).

**Do not share at all** when each thread can keep its own total and the totals can be combined once at the end (return each thread's total from its closure and add them up after `join`).
The per-thread balance took {f1} ns with one thread and {f2} ns with 2 threads: with nothing shared, no thread ever waits for another.
",
        m1 = nanos(m1),
        m2 = nanos(m2),
        lesson_ms = nanos(100_000.0 * m2 / 1e6),
        a1 = nanos(a1),
        a2 = nanos(a2),
        r1 = nanos(r1),
        r2 = nanos(r2),
        racy_share = r2 / m2 * 100.0,
        f1 = nanos(f1),
        f2 = nanos(f2),
    );
    if let Some(comparison) = comparison {
        let (rust, python) = (median(&comparison.rust), median(&comparison.python));
        let _ = write!(
            doc,
            "
**Against Python**, on the machine named at the top, the whole lesson (two threads, 100 000 locked calls each, start-up included) took {} ms in Rust and {} ms in Python: {} as long.
On another machine the ratio can be quite different: it is one run's, not the program's.
Both print 0; the lock is what makes that certain in each.
",
            millis(rust),
            millis(python),
            times(python / rust),
        );
    }
    // Where the book goes on from here (docs/SUMMARY.md puts the appendices next).
    doc.push_str(
        "\n---\n\n**Next:** [Appendix A, thread-basics, deeper](deeper/thread-basics.md): the appendices, one per
chapter, hold what a chapter links to but does not need.\n",
    );
    doc
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    /// A real run's stdout (`cargo bench -p lock-balance --bench lock_cost`), captured as printed.
    const CAPTURED: &str = "\
lock_cost               fastest       │ slowest       │ median        │ mean          │ samples │ iters
╰─ strategies                         │               │               │               │         │
   ├─ atomic_fetch_add                │               │               │               │         │
   │  ├─ t=1            8.952 ns      │ 10.35 ns      │ 9.219 ns      │ 9.244 ns      │ 100     │ 200000000
   │  ╰─ t=2            14.98 ns      │ 22.03 ns      │ 17.37 ns      │ 17.58 ns      │ 100     │ 200000000
   ├─ mutex                           │               │               │               │         │
   │  ├─ t=1            10.33 ns      │ 11.76 ns      │ 10.68 ns      │ 10.69 ns      │ 100     │ 200000000
   │  ╰─ t=2            18.47 ns      │ 23.72 ns      │ 20.89 ns      │ 20.95 ns      │ 100     │ 200000000
   ├─ per_thread                      │               │               │               │         │
   │  ├─ t=1            0.225 ns      │ 0.365 ns      │ 0.239 ns      │ 0.244 ns      │ 100     │ 200000000
   │  ╰─ t=2            0.221 ns      │ 0.279 ns      │ 0.237 ns      │ 0.239 ns      │ 100     │ 200000000
   ╰─ racy_load_store                 │               │               │               │         │
      ├─ t=1            9.224 ns      │ 10.31 ns      │ 9.392 ns      │ 9.409 ns      │ 100     │ 200000000
      ╰─ t=2            15.02 ns      │ 19.34 ns      │ 17.31 ns      │ 17.4 ns       │ 100     │ 200000000

";

    /// A leaf's place and numbers, to compare in one go.
    fn seen(leaf: &Leaf) -> (String, [f64; 4], [u64; 2]) {
        let times = [leaf.fastest, leaf.slowest, leaf.median, leaf.mean];
        (leaf.path.join("/"), times, [leaf.samples, leaf.iters])
    }

    #[test]
    fn reads_a_captured_run() {
        let leaves = parse_divan(CAPTURED).unwrap();
        assert_eq!(leaves.len(), 8);
        let (samples, iters) = (100, 200_000_000);
        assert_eq!(
            seen(&leaves[0]),
            (
                "lock_cost/strategies/atomic_fetch_add/t=1".to_string(),
                [8.952, 10.35, 9.219, 9.244],
                [samples, iters]
            )
        );
        assert_eq!(
            seen(&leaves[7]),
            (
                "lock_cost/strategies/racy_load_store/t=2".to_string(),
                [15.02, 19.34, 17.31, 17.4],
                [samples, iters]
            )
        );
    }

    #[test]
    fn reads_every_unit_divan_prints_for_short_times() {
        assert_eq!(parse_duration("0.232 ns"), Ok(0.232));
        assert_eq!(parse_duration("214 ns"), Ok(214.0));
        assert_eq!(parse_duration("1.5 µs"), Ok(1500.0));
        assert_eq!(parse_duration("2 ms"), Ok(2e6));
        assert_eq!(parse_duration("1.25 s"), Ok(1.25e9));
        assert_eq!(parse_duration("500 ps"), Ok(0.5));
        assert!(parse_duration("3 m").is_err(), "minutes are not expected");
        assert!(parse_duration("12ns").is_err());
        assert!(parse_duration("fast ns").is_err());
    }

    #[test]
    fn a_line_it_does_not_understand_is_an_error() {
        let extra = CAPTURED.replace(
            "   ├─ mutex ",
            "   │  │        1.2 Mitem/s   │ 1 Mitem/s     │ 1 Mitem/s     │ 1 Mitem/s     │         │\n   ├─ mutex ",
        );
        let error = parse_divan(&extra).unwrap_err();
        assert!(error.contains("line 6"), "{error}");

        let moved = CAPTURED.replace("samples │ iters", "iters │ samples");
        assert!(parse_divan(&moved).unwrap_err().contains("header"));

        let bad_count = CAPTURED.replacen("│ 100     │", "│ many    │", 1);
        assert!(parse_divan(&bad_count).unwrap_err().contains("not a count"));

        assert!(parse_divan("Timer precision: 20 ns\n").is_err(), "no table");
    }

    #[test]
    fn the_table_has_every_strategy_at_every_thread_count_with_its_ratio_to_the_floor() {
        let table = Table::from_leaves(&parse_divan(CAPTURED).unwrap(), 2).unwrap();
        let order: Vec<String> = (table.rows.iter())
            .map(|row| format!("{} {}", row.threads, row.strategy))
            .collect();
        let strategies = "mutex, atomic_fetch_add, racy_load_store, per_thread";
        let expected = format!(
            "1 {}, 2 {}",
            strategies.replace(", ", ", 1 "),
            strategies.replace(", ", ", 2 ")
        );
        assert_eq!(order.join(", "), expected);
        let mutex_2 = table.row("mutex", 2);
        assert_eq!(mutex_2.ratio, 20.89 / 0.237);
        assert_eq!(table.row("per_thread", 1).ratio, 1.0);

        let rendered = table.render();
        assert!(rendered.contains("| 2 (every core) | Mutex"), "{rendered}");
        assert!(rendered.contains(" 20.9 |"), "{rendered}");
        assert!(
            rendered.contains(" 88× |"),
            "20.89 / 0.237 = 88.1: {rendered}"
        );
        assert!(rendered.contains("the same as 2 threads"), "{rendered}");
    }

    #[test]
    fn a_missing_strategy_or_thread_count_is_an_error() {
        let leaves = parse_divan(CAPTURED).unwrap();
        let without_floor: Vec<Leaf> = leaves
            .iter()
            .filter(|leaf| !(leaf.path[2] == "per_thread" && leaf.path[3] == "t=2"))
            .cloned()
            .collect();
        let error = Table::from_leaves(&without_floor, 2).unwrap_err();
        assert_eq!(error, "no result for per_thread at 2 threads");

        let error = Table::from_leaves(&leaves, 4).unwrap_err();
        assert!(
            error.contains("not 4 (") && error.contains("4 here"),
            "{error}"
        );

        let one_thread: Vec<Leaf> = leaves
            .iter()
            .filter(|leaf| leaf.path[3] == "t=1")
            .cloned()
            .collect();
        let error = Table::from_leaves(&one_thread, 1).unwrap_err();
        assert!(error.contains("not 2 ("), "{error}");

        let twice: Vec<Leaf> = leaves.iter().chain(&leaves[..1]).cloned().collect();
        let error = Table::from_leaves(&twice, 2).unwrap_err();
        assert_eq!(error, "two results for atomic_fetch_add at 1 threads");
    }

    #[test]
    fn on_one_core_every_core_is_the_one_thread_row() {
        // Divan's `threads = [1, 2, 0]` on one core: 1 and 2 threads, and 0 meaning 1.
        let table = Table::from_leaves(&parse_divan(CAPTURED).unwrap(), 1).unwrap();
        let rendered = table.render();
        assert!(rendered.contains("| 1 (every core) | Mutex"), "{rendered}");
        assert!(rendered.contains("| 2              | Mutex"), "{rendered}");
        assert!(
            rendered.contains("Every core is 1 here, the same as 1 thread:"),
            "{rendered}"
        );
    }

    const RUN: &str = "The run: (described here).";

    #[test]
    fn the_page_quotes_the_table() {
        let table = Table::from_leaves(&parse_divan(CAPTURED).unwrap(), 2).unwrap();
        let comparison = Comparison {
            python_version: "Python 3.11.7".into(),
            rust: vec![0.007, 0.006, 0.008],
            python: vec![0.117, 0.113, 0.149],
        };
        let page = render_doc(RUN, &table, Some(&comparison));
        for line in [
            "\n\nThe run: (described here).\n\n## What is measured\n\n",
            "divan times each thread's samples separately (100 samples per row, all threads' together, of 2000000 calls each;",
            "| 2 (every core) | Mutex (the lesson's `locked`)                   |           20.9 |",
            "Here one call under the lesson's lock took 10.7 ns with one thread and 20.9 ns with 2 threads on one balance; at 20.9 ns, the lesson's 100 000 locked calls per thread take about 2.09 ms.",
            "Here it took 9.22 ns with one thread and 17.4 ns with 2 threads.",
            "It took 9.39 ns with one thread and 17.3 ns with 2 threads (83 % of the lock's time).",
            "The per-thread balance took 0.239 ns with one thread and 0.237 ns with 2 threads:",
            "took 7.00 ms in Rust and 117 ms in Python: 17× as long.",
        ] {
            assert!(page.contains(line), "missing {line:?} in:\n{page}");
        }
        let without_python = render_doc(RUN, &table, None);
        assert!(without_python.contains("`python3` was not on the PATH"));
        assert!(!without_python.contains("**Against Python**"));
    }

    #[test]
    fn only_the_figures_change_with_the_numbers() {
        // The advice is fixed text: no sentence may turn on which number is larger.
        let normal = Table::from_leaves(&parse_divan(CAPTURED).unwrap(), 2).unwrap();
        let mut leaves = parse_divan(CAPTURED).unwrap();
        for leaf in &mut leaves {
            leaf.median = match (leaf.path[2].as_str(), leaf.path[3].as_str()) {
                // Every comparison the other way round: racy dearest, the lock cheapest with
                // 2 threads (cheaper than with 1), the floor 15 times dearer with 2 threads.
                ("racy_load_store", "t=2") => 100.0,
                ("mutex", "t=2") => 4.0,
                ("per_thread", "t=2") => 3.5,
                _ => leaf.median * 3.0,
            };
        }
        let upside_down = Table::from_leaves(&leaves, 2).unwrap();
        let text = |table: &Table| -> String {
            render_doc(RUN, table, None)
                .chars()
                .filter(|c| !c.is_ascii_digit() && !".:- ".contains(*c))
                .collect()
        };
        assert_eq!(text(&normal), text(&upside_down));
    }

    #[test]
    fn divan_version_is_read_from_cargo_lock() {
        let lock = "[[package]]\nname = \"clap\"\nversion = \"4.5.0\"\n\n\
                    [[package]]\nname = \"divan\"\nversion = \"0.1.21\"\nsource = \"registry\"\n\n\
                    [[package]]\nname = \"divan-macros\"\nversion = \"0.1.20\"\n";
        assert_eq!(divan_version(lock), Some("0.1.21"));
        assert_eq!(divan_version(&lock.replace("\"divan\"", "\"other\"")), None);
    }

    #[test]
    fn medians_and_numbers() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(nanos(0.2374), "0.237");
        assert_eq!(nanos(9.219), "9.22");
        assert_eq!(nanos(20.89), "20.9");
        assert_eq!(nanos(214.4), "214");
        assert_eq!(times(2.04), "2.0×");
        assert_eq!(times(88.1), "88×");
    }
}
