//! `cargo xtask bench`: what the lock costs, measured by divan, and the lock-balance lesson timed
//! against its Python original.
//!
//! The numbers are divan's own: xtask runs `cargo bench -p lock-balance --bench lock_cost`, shows
//! its output as it comes, and reads the table divan prints (divan has no machine-readable output;
//! the reader below refuses any line it does not understand rather than guess).
//!
//! docs/performance.md is prose, edited as prose, around generated blocks `bench <what>` (the
//! syntax is xtask/src/docs.rs's). The [`RECORD`] blocks are the run itself, which only
//! `--write-docs` writes: the machine, the table, the comparison with Python. Every other figure
//! on the page, and its chart, is read out of that record by [`sync_page`], which `cargo xtask
//! run-all` runs: a figure edited by hand, or a table edited without them, is stale there.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::docs;
use crate::pictures::{self, Bar};
use crate::workspace::{Result, Workspace};

/// The columns of the table `bench` prints and writes to docs/performance.md.
const TABLE_HEADER: [&str; 7] = [
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
/// The page.
const DOC: &str = "docs/performance.md";
/// The page's blocks that hold the run: the machine, the table, the comparison with Python, and
/// divan's samples per row and calls per sample.
const RECORD: [&str; 5] = ["run", "table", "python", "samples", "calls"];
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
/// with `write_docs` (which clap keeps apart from `python`), both, and rewrites the figures of
/// docs/performance.md.
pub fn bench(ws: &Workspace, python: bool, write_docs: bool) -> Result {
    let started = Instant::now();
    if write_docs && version_of("python3", &ws.root).is_none() {
        return Err(format!(
            "--write-docs needs python3 on the PATH: {DOC} compares the lesson with its Python original"
        ));
    }
    let measured = if python { None } else { Some(measure(ws)?) };
    let comparison = if python || write_docs {
        python_comparison(ws)?
    } else {
        None
    };
    if let Some(comparison) = &comparison {
        println!("\n{}", comparison.render());
    }
    if let (true, Some((table, run)), Some(comparison)) = (write_docs, &measured, &comparison) {
        let record = |words: &[&str]| {
            Ok(match words {
                ["run"] => Some(run.clone()),
                ["table"] => Some(table.render()),
                ["python"] => Some(comparison.render()),
                ["samples"] => Some(table.samples.to_string()),
                ["calls"] => Some(table.calls.to_string()),
                _ => None,
            })
        };
        docs::sync(ws, "bench", "", &record, true)?;
        sync_page(ws, true)?;
        println!("\nwrote the figures of {DOC}");
    }
    eprintln!(
        "\ncargo xtask bench: done in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Checks (or, with `bless`, rewrites) what docs/performance.md reads out of its record of a run:
/// the figures its prose quotes and its chart. Returns one message per stale block or picture.
pub fn sync_page(ws: &Workspace, bless: bool) -> Result<Vec<String>> {
    let page =
        fs::read_to_string(ws.root.join(DOC)).map_err(|e| format!("cannot read {DOC}: {e}"))?;
    let missing = RECORD
        .iter()
        .find(|name| !page.contains(&format!("<!-- generated: bench {name} -->")));
    if let Some(name) = missing {
        return Err(format!("{DOC} has no `bench {name}` block"));
    }
    if !page.contains(&format!("](pictures/{})", pictures::CHART)) {
        return Err(format!("{DOC} does not show pictures/{}", pictures::CHART));
    }
    let bars = parse_table(&page).map_err(|e| format!("{DOC}: {e}"))?;
    let fill = |words: &[&str]| quote(&page, &bars, words);
    let mut stale = docs::sync(ws, "bench", "", &fill, bless)?;
    let source = format!("the table in {DOC}");
    let drawn = pictures::chart_svg(&bars, &source);
    if let Some(message) = pictures::check(ws, pictures::CHART, &drawn, bless)? {
        stale.push(format!("{message}: {source} is drawn otherwise"));
    }
    Ok(stale)
}

/// A figure the page quotes, read out of its table (`bars`) and its comparison with Python;
/// `None` for a block of the record itself.
fn quote(page: &str, bars: &[Bar], words: &[&str]) -> Result<Option<String>> {
    let row = |strategy: &str, threads: &str| {
        let label = STRATEGIES
            .iter()
            .find(|(name, _)| *name == strategy)
            .map(|s| s.1);
        bars.iter()
            .find(|bar| {
                Some(bar.strategy.as_str()) == label
                    && bar.threads.split(' ').next() == Some(threads)
            })
            .ok_or_else(|| format!("the table has no row for {strategy} at {threads} threads"))
    };
    let figure = match words {
        [name] if RECORD.contains(name) => return Ok(None),
        ["ns", strategy, threads] => row(strategy, threads)?.median_as_written.clone(),
        ["lesson-ms"] => nanos(100_000.0 * row("mutex", "2")?.median / 1e6),
        ["racy-share"] => {
            let share = row("racy_load_store", "2")?.median / row("mutex", "2")?.median;
            format!("{:.0}", share * 100.0)
        }
        ["ms", language] => python_median(page, language)?.to_string(),
        // As the comparison writes it (from the runs, not from the rounded medians).
        ["python-ratio"] => (page.lines())
            .find_map(|line| line.strip_prefix("- Python took ")?.split_once(" as long"))
            .ok_or("no `- Python took` line in the comparison")?
            .0
            .to_string(),
        _ => return Err(format!("no figure `bench {}`", words.join(" "))),
    };
    Ok(Some(figure))
}

/// The median of the lesson's runs in `language` (`Rust`, `Python`), as the page's comparison with
/// Python writes it: `- Rust (...): median 6.67 ms (...)`.
fn python_median<'a>(page: &'a str, language: &str) -> Result<&'a str> {
    (page.lines())
        .filter(|line| line.starts_with(&format!("- {language} ")))
        .find_map(|line| line.split_once("): median ")?.1.split_once(" ms"))
        .map(|(median, _)| median)
        .ok_or_else(|| format!("no median of the {language} runs in the comparison"))
}

/// The rows of the table the page's `bench table` block holds.
fn parse_table(page: &str) -> Result<Vec<Bar>> {
    let mut lines = page
        .lines()
        .skip_while(|line| !line.starts_with("| threads"));
    let header = lines.next().ok_or("no table")?;
    let columns: Vec<&str> = cells(header);
    if columns != TABLE_HEADER {
        return Err(format!(
            "the table's columns are {columns:?}, not {TABLE_HEADER:?}"
        ));
    }
    let mut bars = Vec::new();
    for line in lines.skip(1).take_while(|line| line.starts_with('|')) {
        let [threads, strategy, median, min, max, _samples, ratio] = cells(line)[..] else {
            return Err(format!("cannot read the table row {line:?}"));
        };
        let number = |cell: &str| {
            cell.parse::<f64>()
                .map_err(|_| format!("not a number: {cell:?} in {line:?}"))
        };
        // The fastest and slowest sample are not drawn, but must be figures too.
        number(min)?;
        number(max)?;
        bars.push(Bar {
            threads: threads.to_string(),
            strategy: strategy.to_string(),
            median: number(median)?,
            median_as_written: median.to_string(),
            ratio: ratio.to_string(),
        });
    }
    if bars.is_empty() {
        return Err("the table has no rows".to_string());
    }
    Ok(bars)
}

fn cells(line: &str) -> Vec<&str> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(str::trim).collect()
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
    let date = first_line(Command::new("date").args(["-u", "+%Y-%m-%d"]))
        .unwrap_or_else(|| "a date `date` could not tell".into());
    let run = format!(
        "The run: {cpu}, {cores} cores available, compiled by {rustc}, measured by divan {divan}, on {date} (UTC).
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

/// The table's rows (a strategy at a thread count, by thread count then strategy), each one's
/// cells as written under [`TABLE_HEADER`]; the machine's core count; divan's samples per row and
/// calls per sample.
#[derive(Debug)]
struct Table {
    rows: Vec<[String; 7]>,
    cores: usize,
    samples: u64,
    calls: u64,
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
            for (strategy, &(_, label)) in STRATEGIES.iter().enumerate() {
                let leaf = leaf_of(strategy)?;
                rows.push([
                    match threads == cores {
                        true => format!("{threads} (every core)"),
                        false => threads.to_string(),
                    },
                    label.to_string(),
                    nanos(leaf.median),
                    nanos(leaf.fastest),
                    nanos(leaf.slowest),
                    leaf.samples.to_string(),
                    match strategy == FLOOR {
                        true => "1× (the floor)".to_string(),
                        false => times(leaf.median / floor),
                    },
                ]);
            }
        }
        let first = found.values().next().expect("1 thread was run");
        Ok(Table {
            rows,
            cores,
            samples: first.samples,
            calls: first.iters / first.samples.max(1),
        })
    }

    /// A Markdown table, its columns padded so it reads as well in a terminal.
    fn render(&self) -> String {
        let mut cells = vec![TABLE_HEADER.map(String::from)];
        cells.extend(self.rows.iter().cloned());
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
pub(crate) fn median(values: &[f64]) -> f64 {
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
pub(crate) fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `program --version`'s first line, run in `dir`; `None` if it cannot be run or fails.
pub(crate) fn version_of(program: &str, dir: &Path) -> Option<String> {
    first_line(Command::new(program).arg("--version").current_dir(dir))
}

/// The first line `command` prints; `None` if it cannot be run or fails.
fn first_line(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next()?.trim().to_string()).filter(|_| output.status.success())
}

/// The 1-, 5- and 15-minute load averages, from /proc/loadavg.
pub(crate) fn load_average() -> String {
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
        let order: Vec<(&str, &str)> = (table.rows.iter())
            .map(|row| (row[0].as_str(), row[1].as_str()))
            .collect();
        let labels = STRATEGIES.map(|(_, label)| label);
        let expected: Vec<(&str, &str)> = (labels.iter().map(|label| ("1", *label)))
            .chain(labels.iter().map(|label| ("2 (every core)", *label)))
            .collect();
        assert_eq!(order, expected);
        assert_eq!(
            table.rows[4][6], "88×",
            "mutex at 2 threads: 20.89 / 0.237 = 88.1"
        );
        assert_eq!(table.rows[3][6], "1× (the floor)", "per_thread at 1 thread");
        assert_eq!((table.samples, table.calls), (100, 2_000_000));

        let rendered = table.render();
        assert!(rendered.contains("| 2 (every core) | Mutex"), "{rendered}");
        assert!(rendered.contains(" 20.9 |"), "{rendered}");
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

    /// The record of the captured run, as `--write-docs` writes it, in a page.
    fn page() -> String {
        let table = Table::from_leaves(&parse_divan(CAPTURED).unwrap(), 2).unwrap();
        let comparison = Comparison {
            python_version: "Python 3.11.7".into(),
            rust: vec![0.007, 0.006, 0.008],
            python: vec![0.117, 0.113, 0.149],
        };
        format!("intro\n\n{}\n\n{}\n", table.render(), comparison.render())
    }

    #[test]
    fn the_table_written_is_the_table_read() {
        let bars = parse_table(&page()).unwrap();
        assert_eq!(bars.len(), 8);
        assert_eq!(
            bars[6],
            Bar {
                threads: "2 (every core)".into(),
                strategy: STRATEGIES[2].1.into(),
                median: 17.3,
                median_as_written: "17.3".into(),
                ratio: "73×".into(),
            }
        );
        assert!(parse_table("no table here").is_err());
        let no_number = page().replace(" 17.3 |", " x |");
        assert!(
            parse_table(&no_number)
                .unwrap_err()
                .contains("not a number")
        );
        let moved = page().replacen(" min ", " mean ", 1);
        assert!(parse_table(&moved).unwrap_err().contains("columns"));
    }

    #[test]
    fn the_prose_quotes_the_record() {
        let page = page();
        let bars = parse_table(&page).unwrap();
        let quote = |words: &str| {
            let words: Vec<&str> = words.split(' ').collect();
            quote(&page, &bars, &words)
        };
        for (words, figure) in [
            ("ns mutex 1", "10.7"),
            ("ns mutex 2", "20.9"),
            ("ns per_thread 2", "0.237"),
            ("lesson-ms", "2.09"),
            ("racy-share", "83"),
            ("ms Rust", "7.00"),
            ("ms Python", "117"),
            ("python-ratio", "17×"),
        ] {
            assert_eq!(quote(words), Ok(Some(figure.to_string())), "{words}");
        }
        for record in RECORD {
            assert_eq!(quote(record), Ok(None), "{record} is the record");
        }
        assert!(quote("ns mutex 3").unwrap_err().contains("no row"));
        assert!(quote("ns spinlock 1").unwrap_err().contains("no row"));
        assert!(quote("fastest").unwrap_err().contains("no figure"));
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
