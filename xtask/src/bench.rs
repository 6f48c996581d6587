//! `cargo xtask bench`: what the lock costs, measured by divan, and the lock-balance lesson timed
//! against its Python original.
//!
//! The numbers are divan's own: xtask runs `cargo bench -p lock-balance --bench lock_cost`, shows
//! its output as it comes, and reads the table divan prints (divan has no machine-readable output;
//! the reader below refuses any line it does not understand rather than guess).

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::workspace::{Result, Workspace};

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
    ("per_thread", "per-thread, merged at the end"),
];
const FLOOR: &str = "per_thread";

/// Runs the benchmark and prints its table; with `python`, only the Python comparison instead;
/// with `write_docs`, both, and rewrites docs/performance.md from them.
pub fn bench(ws: &Workspace, python: bool, write_docs: bool) -> Result {
    let started = Instant::now();
    if python && !write_docs {
        let comparison = python_comparison(ws)?;
        if let Some(comparison) = &comparison {
            println!("\n{}", comparison.render());
        }
        eprintln!(
            "\ncargo xtask bench --python: done in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }

    // Build first, so that the time and load measured below are the benchmark's alone.
    ws.cargo(&["bench", "-p", "lock-balance", "--bench", BENCH, "--no-run"])?;
    let machine_before = Machine::now(ws);
    let divan_started = Instant::now();
    let output = run_divan(ws)?;
    let divan_seconds = divan_started.elapsed().as_secs_f64();
    let load_after = load_average();
    let table = Table::from_leaves(&parse_divan(&output)?, available_cores())?;
    println!("\n{}", table.render());

    if write_docs {
        let comparison = python_comparison(ws)?;
        if let Some(comparison) = &comparison {
            println!("\n{}", comparison.render());
        }
        let run = Run {
            machine: machine_before,
            load_after,
            divan_version: divan_version(ws),
            divan_seconds,
        };
        let path = ws.root.join(DOC);
        fs::write(&path, render_doc(&run, &table, comparison.as_ref()))
            .map_err(|e| format!("cannot write {DOC}: {e}"))?;
        println!("\nwrote {DOC}");
    }
    eprintln!(
        "\ncargo xtask bench: done in {:.0} s (the benchmark itself: {divan_seconds:.0} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo bench -p lock-balance --bench lock_cost`, its stdout shown as it arrives and returned.
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
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut seen = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let read = stdout
            .read(&mut chunk)
            .map_err(|e| format!("reading the benchmark's output: {e}"))?;
        if read == 0 {
            break;
        }
        // Divan writes a name, measures, then writes the numbers: show it unbuffered.
        let mut out = io::stdout().lock();
        out.write_all(&chunk[..read]).map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        seen.extend_from_slice(&chunk[..read]);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!(
            "`cargo bench -p lock-balance --bench {BENCH}` failed ({status})"
        ));
    }
    String::from_utf8(seen).map_err(|_| "the benchmark printed something that is not UTF-8".into())
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
    strategy: &'static str,
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
    /// been run at the same thread counts, and one of them must be every core.
    fn from_leaves(leaves: &[Leaf], cores: usize) -> Result<Table> {
        let mut found: Vec<(&str, usize, &Leaf)> = Vec::new();
        for leaf in leaves {
            let [.., strategy, threads] = &leaf.path[..] else {
                return Err(format!(
                    "divan result without a thread count: {:?}",
                    leaf.path
                ));
            };
            let threads = threads
                .strip_prefix("t=")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| format!("`{threads}` is not a thread count: {:?}", leaf.path))?;
            let Some(&(strategy, _)) = STRATEGIES.iter().find(|(name, _)| name == strategy) else {
                return Err(format!(
                    "unknown benchmark `{strategy}`: add it to STRATEGIES"
                ));
            };
            if found.iter().any(|&(s, t, _)| s == strategy && t == threads) {
                return Err(format!("two results for {strategy} at {threads} threads"));
            }
            found.push((strategy, threads, leaf));
        }
        let mut thread_counts: Vec<usize> = found.iter().map(|&(_, t, _)| t).collect();
        thread_counts.sort_unstable();
        thread_counts.dedup();
        if !thread_counts.contains(&cores) {
            return Err(format!(
                "divan ran {thread_counts:?} threads, but this machine has {cores} cores"
            ));
        }
        let mut rows = Vec::new();
        for &threads in &thread_counts {
            let leaf_of = |strategy: &str| {
                found
                    .iter()
                    .find(|&&(s, t, _)| s == strategy && t == threads)
                    .map(|&(_, _, leaf)| leaf.clone())
                    .ok_or_else(|| format!("no result for {strategy} at {threads} threads"))
            };
            let floor = leaf_of(FLOOR)?.median;
            for (strategy, _) in STRATEGIES {
                let leaf = leaf_of(strategy)?;
                rows.push(Row {
                    threads,
                    strategy,
                    ratio: leaf.median / floor,
                    leaf,
                });
            }
        }
        Ok(Table { rows, cores })
    }

    fn row(&self, strategy: &str, threads: usize) -> &Row {
        self.rows
            .iter()
            .find(|row| row.strategy == strategy && row.threads == threads)
            .expect("from_leaves checked every strategy at every thread count")
    }

    /// The most threads run: every core.
    fn most_threads(&self) -> usize {
        self.rows.iter().map(|row| row.threads).max().unwrap_or(1)
    }

    /// "2 (every core)" for the row that is every core.
    fn threads_label(&self, threads: usize) -> String {
        if threads == self.cores {
            format!("{threads} (every core)")
        } else {
            threads.to_string()
        }
    }

    /// A Markdown table, its columns padded so it reads as well in a terminal.
    fn render(&self) -> String {
        let header = [
            "threads",
            "strategy",
            "median ns/call",
            "min",
            "max",
            "samples",
            "median ÷ floor",
        ];
        let cells: Vec<[String; 7]> = self
            .rows
            .iter()
            .map(|row| {
                [
                    self.threads_label(row.threads),
                    label(row.strategy).to_string(),
                    nanos(row.leaf.median),
                    nanos(row.leaf.fastest),
                    nanos(row.leaf.slowest),
                    row.leaf.samples.to_string(),
                    if row.strategy == FLOOR {
                        "1× (the floor)".to_string()
                    } else {
                        times(row.ratio)
                    },
                ]
            })
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|row| row[i].chars().count())
                    .chain([header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[&str]| {
            let mut line = String::from("|");
            for (i, cell) in cells.iter().enumerate() {
                let pad = widths[i] - cell.chars().count();
                // Text left, numbers right.
                if i < 2 {
                    let _ = write!(line, " {cell}{} |", " ".repeat(pad));
                } else {
                    let _ = write!(line, " {}{cell} |", " ".repeat(pad));
                }
            }
            line
        };
        let mut out = line(&header);
        out.push('\n');
        let rule: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                if i < 2 {
                    "-".repeat(w)
                } else {
                    format!("{}:", "-".repeat(w - 1))
                }
            })
            .collect();
        out.push_str(&line(&rule.iter().map(String::as_str).collect::<Vec<_>>()));
        for row in &cells {
            out.push('\n');
            out.push_str(&line(&row.each_ref().map(String::as_str)));
        }
        // The benchmark asks for 1 thread, 2 threads and every core: on 1 or 2 cores, every core
        // is one of the others, and divan runs each distinct count once.
        if self.cores <= 2 {
            let _ = write!(
                out,
                "\n\nEvery core is {cores} here, the same as {cores} thread{s}: divan runs each \
                 distinct thread count once, so that row stands for both.",
                cores = self.cores,
                s = if self.cores == 1 { "" } else { "s" },
            );
        }
        out
    }
}

fn label(strategy: &str) -> &'static str {
    STRATEGIES
        .iter()
        .find(|(name, _)| *name == strategy)
        .map(|&(_, label)| label)
        .expect("a known strategy")
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
    /// The lesson's binary, as shown.
    binary: String,
    /// Seconds per run, in the order run.
    rust: Vec<f64>,
    python: Vec<f64>,
}

impl Comparison {
    fn rust_median(&self) -> f64 {
        median(&self.rust)
    }

    fn python_median(&self) -> f64 {
        median(&self.python)
    }

    fn render(&self) -> String {
        let (rust, python) = (self.rust_median(), self.python_median());
        format!(
            "The lesson against Python: {runs} runs of each, alternating, whole processes \
             (start-up included), every run printed 0.\n\
             - Rust (`{binary}`): median {rust} ms (fastest {rust_min} ms, \
             slowest {rust_max} ms)\n\
             - {python_version} (`python3 {PYTHON_SCRIPT}`): median {python} ms (fastest \
             {python_min} ms, slowest {python_max} ms)\n\
             - Python took {ratio} as long as Rust (median over median).",
            runs = self.rust.len(),
            binary = self.binary,
            rust = millis(rust),
            rust_min = millis(min(&self.rust)),
            rust_max = millis(max(&self.rust)),
            python_version = self.python_version,
            python = millis(python),
            python_min = millis(min(&self.python)),
            python_max = millis(max(&self.python)),
            ratio = times(python / rust),
        )
    }
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

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// Times the lesson's release binary and `python3 lock_balance.py`, alternately, [`PYTHON_RUNS`]
/// times each after one untimed warm-up run of each; every run must exit 0 and print `0`.
/// `None` (after saying so) when `python3` is not on the PATH.
fn python_comparison(ws: &Workspace) -> Result<Option<Comparison>> {
    let python_version = match Command::new("python3").arg("--version").output() {
        Ok(output) if output.status.success() => {
            // Python 2 printed its version on stderr.
            let text = String::from_utf8_lossy(&output.stdout).to_string()
                + &String::from_utf8_lossy(&output.stderr);
            text.trim().to_string()
        }
        Ok(output) => {
            return Err(format!("`python3 --version` failed ({})", output.status));
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            println!("\npython3 is not on the PATH: skipping the comparison with Python.");
            return Ok(None);
        }
        Err(error) => return Err(format!("could not start python3: {error}")),
    };
    ws.cargo(&["build", "--release", "-p", "lock-balance"])?;
    let binary = ws
        .target_dir()
        .join("release")
        .join(format!("lock-balance{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        return Err(format!(
            "built lock-balance, but found no binary at {}",
            binary.display()
        ));
    }
    let script = ws.root.join(PYTHON_SCRIPT);
    let rust_run = || {
        let mut command = Command::new(&binary);
        command.current_dir(&ws.root);
        timed_run(command, &ws.show(&binary))
    };
    let python_run = || {
        let mut command = Command::new("python3");
        command.arg(&script).current_dir(&ws.root);
        timed_run(command, &format!("python3 {PYTHON_SCRIPT}"))
    };
    println!(
        "\nTiming the lesson against {python_version}: {PYTHON_RUNS} runs of each, alternating..."
    );
    rust_run()?;
    python_run()?;
    let mut comparison = Comparison {
        python_version,
        binary: ws.show(&binary),
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
fn timed_run(mut command: Command, name: &str) -> Result<f64> {
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

/// Where cargo puts its builds: `CARGO_TARGET_DIR`, or `target/` in the root.
fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// What the benchmark ran on, and when.
struct Machine {
    cpu: String,
    cores: usize,
    date: String,
    rustc: String,
    load: String,
}

impl Machine {
    fn now(ws: &Workspace) -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == "model name").then(|| value.trim().to_string())
            })
            .unwrap_or_else(|| "unknown (no model name in /proc/cpuinfo)".into());
        // In the root, where cargo picks the toolchain the same way.
        let rustc = Command::new("rustc")
            .arg("--version")
            .current_dir(&ws.root)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map_or_else(
                || "unknown (`rustc --version` failed)".into(),
                |output| String::from_utf8_lossy(&output.stdout).trim().to_string(),
            );
        Machine {
            cpu,
            cores: available_cores(),
            date: today(),
            rustc,
            load: load_average(),
        }
    }
}

/// The 1-, 5- and 15-minute load averages, from /proc/loadavg.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|load| !load.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Today's date, UTC, as `YYYY-MM-DD`.
fn today() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The calendar date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).expect("1 to 31");
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).expect("1 to 12");
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Divan's exact version, from Cargo.lock.
fn divan_version(ws: &Workspace) -> String {
    let lock = fs::read_to_string(ws.root.join("Cargo.lock")).unwrap_or_default();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"divan\"" {
            if let Some(version) = lines
                .next()
                .and_then(|line| line.strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
            {
                return version.to_string();
            }
        }
    }
    "0.1 (exact version not found in Cargo.lock)".into()
}

/// Everything about the run that the chapter states besides the numbers.
struct Run {
    machine: Machine,
    load_after: String,
    divan_version: String,
    divan_seconds: f64,
}

/// docs/performance.md.
fn render_doc(run: &Run, table: &Table, comparison: Option<&Comparison>) -> String {
    let machine = &run.machine;
    let most = table.most_threads();
    let samples = table.rows.first().map_or(0, |row| row.leaf.samples);
    let calls_per_sample = table
        .rows
        .first()
        .map_or(0, |row| row.leaf.iters / row.leaf.samples.max(1));
    let mut doc = String::new();
    let _ = write!(
        doc,
        "<!-- Generated by `cargo xtask bench --write-docs`: never edit by hand, rerun it. -->

# What the lock costs

This page is generated by `cargo xtask bench --write-docs` from one real run, and never edited by
hand: rerun it to regenerate it (on your machine, your numbers will differ). `cargo xtask bench`
alone prints the same table without touching this file.

The run: {cpu}, {cores} cores available, on {date} (UTC), compiled by {rustc}, measured by divan
{divan}. The benchmark ran for {seconds:.0} s. The load average (1, 5 and 15 minutes) was
{load} when it started and {load_after} when it ended: a load near or above the number of cores
means other programs were competing for the same cores.

## What is measured

One call is the lock lesson's `change_it` on a shared balance: add `n`, then subtract it. Each
strategy runs it on one balance shared by all its threads (except the last, which shares nothing),
at 1 thread, 2 threads and every available core
([`crates/lock-balance/benches/lock_cost.rs`](../crates/lock-balance/benches/lock_cost.rs)):

1. **Mutex**: the lesson as written, the balance in a `Mutex<i64>`; each call is one iteration of
   the lesson's own `locked::run_thread` (lock, `change_it`, unlock).
2. **Atomic**: an `AtomicI64` changed with `fetch_add(n)` then `fetch_sub(n)`, each one indivisible
   read-modify-write: correct, and no lock.
3. **Racy load, then store**: the lesson's own `unlocked::change_it`. **Its result is wrong**: with
   two threads it loses updates (see the [lock-balance chapter](lock-balance.md)). It is here only
   to show what leaving out the lock would save, or not.
4. **Per-thread**: each thread changes its own balance (a thread-local), through the lesson's
   `change_it`; the totals would be added up once, after `join`, which is one addition per thread
   and not per call. Nothing is shared: this is the floor the others are held against.

A figure is nanoseconds per call as one thread sees it, waiting for the other threads included:
divan times each thread's samples separately ({samples} samples per row, all threads' together,
of {calls} calls each; the median, fastest and slowest sample). With {most} threads all of them run
at the same time, so while one thread makes one call, the balance receives {most}. Figures with
more than one thread vary more from run to run than those with one: they depend on where the
operating system (and, on a virtual machine, the hypervisor) runs the threads at that moment. The last column is
the median over the per-thread median at the same thread count.

## The numbers

{table}

## Why divan

The issue asked for an established harness behind `cargo bench`. Criterion is the best known, but
its current release (0.8.2) declares `rust-version = \"1.86\"`, and this workspace promises 1.85;
divan 0.1 declares 1.80.
Above all, divan has a `threads` option made for this question: it runs the same benchmark on N
threads started together and reports each thread's time per call, which is what contention on a
lock or an atomic looks like. It also builds on the `clap` this workspace already uses. Its one
gap: it prints a table for people and nothing for programs, so `cargo xtask bench` reads that table
and refuses any line it does not understand (`xtask/src/bench.rs`, tested on a captured run).
",
        cpu = machine.cpu,
        cores = machine.cores,
        date = machine.date,
        rustc = machine.rustc,
        divan = run.divan_version,
        seconds = run.divan_seconds,
        load = machine.load,
        load_after = run.load_after,
        samples = samples,
        calls = group_digits(calls_per_sample),
        table = table.render(),
    );
    doc.push_str("\n## The lesson against Python\n\n");
    match comparison {
        Some(comparison) => {
            let _ = writeln!(
                doc,
                "`cargo xtask bench --python` runs the lesson's release binary and the Python \
                 original ([`crates/lock-balance/lock_balance.py`](../{PYTHON_SCRIPT}), the \
                 tutorial's program unchanged): the same two threads, 100\u{a0}000 locked calls each. \
                 One untimed run of each first, then the timed ones.\n\n{}",
                comparison.render()
            );
        }
        None => doc.push_str(
            "`python3` was not on the PATH when this page was generated, so the comparison with \
             the Python original (`cargo xtask bench --python`) was skipped.\n",
        ),
    }
    doc.push_str("\n## Reading the numbers\n\n");
    doc.push_str(&reading(table, most, comparison));
    wrap(&doc, 100)
}

/// Refills the paragraphs and list items of `markdown` to at most `width` columns (a longer
/// word stays whole), so that the figures put into the text leave no ragged lines. Headings,
/// tables and comments are left as they are.
fn wrap(markdown: &str, width: usize) -> String {
    let mut blocks = Vec::new();
    for block in markdown.split("\n\n") {
        let kept = ["#", "|", "<!--"];
        if kept.iter().any(|start| block.starts_with(start)) {
            blocks.push(block.to_string());
            continue;
        }
        // Split the block into items: a list item starts with `- ` or `1. ` at column 0.
        let mut items: Vec<(String, String)> = Vec::new();
        for line in block.lines() {
            let marker = line
                .split_once(' ')
                .map(|(first, _)| first)
                .filter(|first| {
                    *first == "-"
                        || (first.ends_with('.')
                            && first.len() > 1
                            && first[..first.len() - 1].bytes().all(|b| b.is_ascii_digit()))
                });
            match (marker, items.last_mut()) {
                (Some(marker), _) => {
                    items.push((format!("{marker} "), line[marker.len()..].to_string()));
                }
                (None, Some((_, text))) => {
                    text.push(' ');
                    text.push_str(line);
                }
                (None, None) => items.push((String::new(), line.to_string())),
            }
        }
        let filled: Vec<String> = items
            .iter()
            .map(|(marker, text)| fill(marker, text, width))
            .collect();
        blocks.push(filled.join("\n"));
    }
    blocks.join("\n\n")
}

/// `text`'s words in lines of at most `width` columns, the first line led by `marker` and the
/// others indented as far.
fn fill(marker: &str, text: &str, width: usize) -> String {
    let indent = " ".repeat(marker.chars().count());
    let mut out = String::new();
    let mut line = marker.to_string();
    let mut line_has_word = false;
    // ASCII whitespace only: a no-break space (`100\u{a0}000`) keeps a number whole.
    for word in text.split_ascii_whitespace() {
        if line_has_word && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.clone();
            line_has_word = false;
        }
        if line_has_word {
            line.push(' ');
        }
        line.push_str(word);
        line_has_word = true;
    }
    out.push_str(&line);
    out
}

/// `2000000` → `2 000 000`, with no-break spaces, so that a refilled line never splits it.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{a0}');
        }
        out.push(digit);
    }
    out
}

/// "less than", "about the same as" or "more than": `a` next to `b`, within 10 % counted as the same.
fn compared(a: f64, b: f64) -> &'static str {
    if a < b * 0.9 {
        "less than"
    } else if a > b * 1.1 {
        "more than"
    } else {
        "about the same as"
    }
}

/// The closing advice, its every figure and comparison computed from this run, so that it stays
/// true when the page is regenerated.
fn reading(table: &Table, most: usize, comparison: Option<&Comparison>) -> String {
    let med = |strategy: &str, threads: usize| table.row(strategy, threads).leaf.median;
    let (m1, mn) = (med("mutex", 1), med("mutex", most));
    let (a1, an) = (med("atomic_fetch_add", 1), med("atomic_fetch_add", most));
    let (r1, rn) = (med("racy_load_store", 1), med("racy_load_store", most));
    let (f1, fnn) = (med(FLOOR, 1), med(FLOOR, most));
    // The lesson: 100 000 calls per thread, the threads running side by side.
    let lesson_ms = 100_000.0 * mn / 1e6;
    let mut text = String::new();
    let _ = write!(
        text,
        "These are one machine's figures on one day; what carries over is their order of \
         magnitude and the comparisons, so each figure and comparison below is computed from the \
         table above.

**The lock is fine** when its cost is small next to the work done while holding it and between
two calls. With nobody waiting, one call under the lesson's lock took {m1} ns; with {most} threads
on one balance, {mn} ns, {contention} its cost alone{contention_note}. At that rate the lesson's
100\u{a0}000 locked calls per thread take about {lesson_ms} ms in all.

**Reach for an atomic** when the shared state is one number and each change is one
read-modify-write: `fetch_add` says exactly that, cannot be poisoned, and never leaves a thread
waiting for one that was descheduled holding a lock. Here it took {a1} ns alone ({atomic_vs_lock1}
the lock) and {an} ns with {most} threads ({atomic_vs_lockn} the lock). But an atomic makes one
step indivisible, not two: as soon as a rule spans two steps or two values (check the balance, then
withdraw; move money between two accounts), take the lock. The racy row is the warning: two atomic
steps side by side are not one, and the balance ends wrong. Leaving the lock out saved
{racy_saving}. The racy version took {r1} ns alone and {rn} ns with {most} threads.

**Do not share at all** when each thread can keep its own total and the totals can be combined once
at the end (return each thread's total from its closure and add them up after `join`). The
per-thread balance took {f1} ns alone and {fnn} ns with {most} threads ({floor_compared} its time alone): with
nothing shared, no thread ever waits for another{floor_note}. The lesson's lock was
{lock_over_floor} as slow as that at {most} threads.
",
        m1 = nanos(m1),
        mn = nanos(mn),
        contention = if mn > m1 * 1.1 {
            format!("{} as much as", times(mn / m1))
        } else {
            compared(mn, m1).to_string()
        },
        contention_note = if mn > m1 * 1.5 {
            ": a lock costs most when threads want it at the same time"
        } else {
            ""
        },
        lesson_ms = nanos(lesson_ms),
        a1 = nanos(a1),
        an = nanos(an),
        atomic_vs_lock1 = compared(a1, m1),
        atomic_vs_lockn = compared(an, mn),
        racy_saving = racy_saving(rn, an),
        r1 = nanos(r1),
        rn = nanos(rn),
        f1 = nanos(f1),
        fnn = nanos(fnn),
        floor_compared = compared(fnn, f1),
        floor_note = if fnn <= f1 * 1.1 {
            ", and each thread went on at its full speed"
        } else {
            ""
        },
        lock_over_floor = times(mn / fnn),
    );
    if let Some(comparison) = comparison {
        let (rust, python) = (comparison.rust_median(), comparison.python_median());
        let _ = write!(
            text,
            "\n**Against Python**, the whole lesson (two threads, 100\u{a0}000 locked calls each, \
             start-up included) took {} ms in Rust and {} ms in Python: {} as long. Both print 0; \
             the lock is what makes that certain in each.\n",
            millis(rust),
            millis(python),
            times(python / rust),
        );
    }
    text
}

/// What the racy version saved over `fetch_add` with every thread running, in words.
fn racy_saving(racy_most: f64, atomic_most: f64) -> String {
    match compared(racy_most, atomic_most) {
        "less than" => format!(
            "{:.0} % of the atomic's time with every thread running, at the price of a wrong result",
            (1.0 - racy_most / atomic_most) * 100.0
        ),
        "more than" => format!(
            "nothing: with every thread running it even took {} the atomic's time",
            times(racy_most / atomic_most)
        ),
        _ => "nothing over the correct atomic with every thread running".to_string(),
    }
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

    fn leaf(path: &[&str], times: [f64; 4]) -> Leaf {
        Leaf {
            path: path.iter().map(|s| s.to_string()).collect(),
            fastest: times[0],
            slowest: times[1],
            median: times[2],
            mean: times[3],
            samples: 100,
            iters: 200_000_000,
        }
    }

    #[test]
    fn reads_a_captured_run() {
        let leaves = parse_divan(CAPTURED).unwrap();
        assert_eq!(leaves.len(), 8);
        assert_eq!(
            leaves[0],
            leaf(
                &["lock_cost", "strategies", "atomic_fetch_add", "t=1"],
                [8.952, 10.35, 9.219, 9.244]
            )
        );
        assert_eq!(
            leaves[7],
            leaf(
                &["lock_cost", "strategies", "racy_load_store", "t=2"],
                [15.02, 19.34, 17.31, 17.4]
            )
        );
        assert_eq!(
            leaves[5].path,
            ["lock_cost", "strategies", "per_thread", "t=2"]
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
        let order: Vec<(usize, &str)> = table
            .rows
            .iter()
            .map(|row| (row.threads, row.strategy))
            .collect();
        assert_eq!(
            order,
            [
                (1, "mutex"),
                (1, "atomic_fetch_add"),
                (1, "racy_load_store"),
                (1, "per_thread"),
                (2, "mutex"),
                (2, "atomic_fetch_add"),
                (2, "racy_load_store"),
                (2, "per_thread"),
            ]
        );
        let mutex_2 = table.row("mutex", 2);
        assert_eq!(mutex_2.ratio, 20.89 / 0.237);
        assert_eq!(table.row(FLOOR, 1).ratio, 1.0);

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
    fn a_missing_strategy_or_core_count_is_an_error() {
        let leaves = parse_divan(CAPTURED).unwrap();
        let without_floor: Vec<Leaf> = leaves
            .iter()
            .filter(|leaf| !(leaf.path[2] == "per_thread" && leaf.path[3] == "t=2"))
            .cloned()
            .collect();
        let error = Table::from_leaves(&without_floor, 2).unwrap_err();
        assert_eq!(error, "no result for per_thread at 2 threads");

        let error = Table::from_leaves(&leaves, 4).unwrap_err();
        assert!(error.contains("4 cores"), "{error}");

        let twice: Vec<Leaf> = leaves.iter().chain(&leaves[..1]).cloned().collect();
        let error = Table::from_leaves(&twice, 2).unwrap_err();
        assert_eq!(error, "two results for atomic_fetch_add at 1 threads");
    }

    /// The text with every run of whitespace (line breaks included) as one space.
    fn words(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_reading_follows_the_numbers() {
        let table = Table::from_leaves(&parse_divan(CAPTURED).unwrap(), 2).unwrap();
        let text = words(&reading(&table, 2, None));
        assert!(
            text.contains("with 2 threads on one balance, 20.9 ns, 2.0× as much as its cost alone"),
            "{text}"
        );
        assert!(
            text.contains("took 9.22 ns alone (less than the lock)"),
            "{text}"
        );
        assert!(
            text.contains("and 17.4 ns with 2 threads (less than the lock)"),
            "{text}"
        );
        assert!(
            text.contains("saved nothing over the correct atomic"),
            "{text}"
        );
        assert!(
            text.contains("(less than the lock) and 17.4 ns with 2 threads"),
            "{text}"
        );
        assert!(text.contains("about 2.09 ms in all"), "{text}");
        assert!(
            text.contains("(about the same as its time alone)"),
            "{text}"
        );

        // The same sentences turn when the numbers do: a racy version clearly cheaper than the
        // atomic, and a lock no dearer with 2 threads.
        let mut leaves = parse_divan(CAPTURED).unwrap();
        for leaf in &mut leaves {
            match (leaf.path[2].as_str(), leaf.path[3].as_str()) {
                ("racy_load_store", "t=2") => leaf.median = 8.0,
                ("mutex", "t=2") => leaf.median = 10.7,
                _ => {}
            }
        }
        let table = Table::from_leaves(&leaves, 2).unwrap();
        let text = words(&reading(&table, 2, None));
        assert!(text.contains("saved 54 % of the atomic's time"), "{text}");
        assert!(
            text.contains("10.7 ns, about the same as its cost alone"),
            "{text}"
        );

        // And a racy version clearly dearer than the atomic.
        for leaf in &mut leaves {
            if leaf.path[2] == "racy_load_store" && leaf.path[3] == "t=2" {
                leaf.median = 38.4;
            }
        }
        let table = Table::from_leaves(&leaves, 2).unwrap();
        let text = words(&reading(&table, 2, None));
        assert!(
            text.contains(
                "saved nothing: with every thread running it even took 2.2× the atomic's time"
            ),
            "38.4 / 17.37 = 2.2: {text}"
        );
    }

    #[test]
    fn wrapping_refills_paragraphs_and_list_items_and_keeps_tables() {
        let text = "# A heading that is far too long to fit but stays whole\n\n\
                    one two three four five six\nseven\n\n\
                    1. alpha beta gamma delta\n   epsilon\n2. zeta\n\n\
                    | a | b |\n| - | - |\n\n\
                    - one-very-long-word-indeed and more";
        assert_eq!(
            wrap(text, 16),
            "# A heading that is far too long to fit but stays whole\n\n\
             one two three\nfour five six\nseven\n\n\
             1. alpha beta\n   gamma delta\n   epsilon\n2. zeta\n\n\
             | a | b |\n| - | - |\n\n\
             - one-very-long-word-indeed\n  and more"
        );
        assert_eq!(
            wrap("calls of 2\u{a0}000\u{a0}000 each", 12),
            "calls of\n2\u{a0}000\u{a0}000\neach",
            "a no-break space keeps a number whole"
        );
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
        assert_eq!(group_digits(2_000_000), "2\u{a0}000\u{a0}000");
        assert_eq!(group_digits(100), "100");
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
