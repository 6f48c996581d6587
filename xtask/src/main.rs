//! The repo's own tooling, in plain Rust: `cargo xtask <command>`.
//!
//! - `run-all`: runs every lesson and checks its output against the transcript kept beside it.
//! - `prove`: runs every lesson's loom models and prints what they explored.
//! - `test`: the whole check, in the order CI runs it.
//! - `bench`: what the lock costs, measured; and the lock lesson against its Python original.
//! - `break`: a learner's mistakes, each made in a copy of the lesson and caught by a proof.
//! - `book`: the chapters as an mdBook; with `--test`, the built book checked in a browser.
//! - `learn`: the exercises (crates/exercises), checked by plain tests and loom models.

mod bench;
mod book;
mod docs;
mod learn;
mod lessons;
mod mistakes;
mod pictures;
mod pool_bench;
mod prove;
mod run_all;
mod workspace;

use std::process::ExitCode;

use std::io::IsTerminal;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};

use crate::workspace::Workspace;

/// The repo's tooling. Works from any folder inside the repo.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", max_term_width = 80)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Pass `--locked` to every cargo build, so a stale Cargo.lock fails instead of changing.
    #[arg(long, global = true)]
    locked: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run every lesson, in lesson order, and compare each one's stdout with its transcript.
    RunAll {
        /// Rewrite the transcripts (`crates/<lesson>/output.txt`) and the docs' copies of them
        /// from this run, instead of failing on a difference.
        #[arg(long)]
        bless: bool,
    },
    /// Run the loom models of every lesson (`--cfg loom`, release) and print a table of them.
    Prove {
        /// Only this lesson (e.g. `lock-balance`).
        lesson: Option<String>,
        /// Only this model of the lesson (repeatable). The docs' figures are then not checked:
        /// a whole run checks them.
        #[arg(
            long = "model",
            value_name = "MODEL",
            requires = "lesson",
            conflicts_with = "bless"
        )]
        models: Vec<String>,
        /// Rewrite the figures the docs embed from this run, instead of failing on a difference.
        #[arg(long)]
        bless: bool,
    },
    /// The whole check: fmt, clippy (both builds), tests, the transcripts, the proofs, the
    /// mistakes, the book in a browser.
    Test {
        /// Show each caught mistake's failing models and counterexamples, not one line each.
        #[arg(long)]
        verbose: bool,
    },
    /// Build the chapters (docs/) as an mdBook into target/book/docs/, with mdbook 0.5.4
    /// (installed into target/tools/ by `cargo install` when absent), and say where it is.
    Book {
        /// Then check the built book in headless Chromium (xtask/book-test/): every page loads
        /// without a script error, every image decodes, every internal link and anchor
        /// resolves, search works, code fits the page. Needs Chromium and Node.js; without
        /// them it says so and skips, except in CI ($CI set), where it fails.
        #[arg(long)]
        test: bool,
    },
    /// Make a mistake a learner makes, and watch a proof catch it.
    ///
    /// Without a name, lists the catalogue (crates/<lesson>/mistakes/<name>.diff). With one,
    /// applies that patch to a copy of the workspace under target/break/ (never to your files),
    /// runs the models its entry names there, and shows the change, the model that failed, and
    /// the schedule that broke it. Exit status: 0 when caught as the entry says; 1 when not, or
    /// when it could not be checked (a patch that no longer applies, a build that fails); 2 for
    /// a name not in the catalogue.
    Break {
        /// `<lesson>/<mistake>`, e.g. `lock-balance/lock-too-small`.
        mistake: Option<String>,
        /// Make the mistake in your own files instead, to fix it by hand; refused if the lesson
        /// has uncommitted changes, so that `git checkout` can undo it.
        #[arg(long, requires = "mistake")]
        apply: bool,
        /// Check every mistake in the catalogue (a step of `cargo xtask test`): one line for
        /// each mistake caught, the whole report for one that is not.
        #[arg(long, conflicts_with_all = ["mistake", "apply"])]
        all: bool,
        /// With --all: the whole report of every mistake, caught or not.
        #[arg(long, requires = "all")]
        verbose: bool,
    },
    /// Measure what the lock costs, and the lock lesson against its Python original.
    ///
    /// Runs the lock_cost benchmark (divan, through `cargo bench`) and prints its table: each
    /// strategy at 1 thread, 2 threads and every core, in ns per call, with its ratio to the
    /// per-thread floor. Once built, the benchmark ran for 8 to 16 seconds on the 2-core AMD EPYC
    /// VM this workspace was written on; docs/performance.md names the machine of its own run.
    Bench {
        /// Instead of the benchmark, time the lock-balance release binary against its Python
        /// original (crates/lock-balance/lock_balance.py), 11 runs of each, alternating, and print
        /// the median wall time of each and their ratio. Without python3 on the PATH it says so,
        /// skips, and exits 0.
        #[arg(long, conflicts_with = "write_docs")]
        python: bool,
        /// Run the benchmark and the Python comparison (python3 must be on the PATH), then
        /// rewrite the figures of docs/performance.md from this run.
        #[arg(long)]
        write_docs: bool,
        /// Instead, time the worker-pool lesson's CPU-bound work with 1, 2 and more threads, in
        /// Rust (the lesson's pool) and in Python's ThreadPoolExecutor (its Python original), and
        /// print each one's speedup; with --write-docs, write that table into docs/worker-pool.md.
        #[arg(long, conflicts_with_all = ["python", "redraw_chart"])]
        pool: bool,
        /// Only redraw docs/pictures/lock-cost.svg, and the figures docs/performance.md quotes,
        /// from the run already on the page, running nothing (after a change to how they are drawn).
        #[arg(long, conflicts_with_all = ["python", "write_docs"])]
        redraw_chart: bool,
    },
    /// Write it yourself: the exercises, each checked by plain tests, then by loom models over
    /// your own code.
    ///
    /// Without a name: your progress (done, next, to do), then a check of the next exercise.
    /// Your files are crates/exercises/src/<exercise>.rs; docs/exercises.md lists them.
    Learn(learn::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if error.use_stderr() => return usage_error(&error),
        Err(help_or_version) => help_or_version.exit(),
    };
    let ws = match Workspace::find(cli.locked) {
        Ok(ws) => ws,
        Err(message) => return fail(message, 1),
    };
    // pretty_assertions' diffs are coloured; escape codes only belong on a terminal. A diff can go
    // to either stream (a failed transcript to stdout, a stale docs block in an error to stderr),
    // so colour needs both to be terminals.
    let terminals = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    if !terminals || std::env::var_os("NO_COLOR").is_some() {
        yansi::disable();
    }
    // Usage errors (exit 2), found before anything runs: a lesson, model or mistake not there.
    let mut chosen = None;
    let usage = match &cli.command {
        Command::Prove {
            lesson: Some(name),
            models,
            ..
        } => prove::unknown(&ws, name, models),
        Command::Break {
            mistake: Some(id), ..
        } => match mistakes::find(&ws, id) {
            Ok(mistake) => {
                chosen = Some(mistake);
                Ok(None)
            }
            Err(message) => Ok(Some(message)),
        },
        Command::Learn(args) => match args.name() {
            Some(name) => learn::unknown(&ws, name),
            None => Ok(None),
        },
        _ => Ok(None),
    };
    match usage {
        Ok(None) => {}
        Ok(Some(message)) => return fail(message, 2),
        Err(error) => return fail(error, 1),
    }
    let result = match cli.command {
        Command::RunAll { bless } => run_all::run_all(&ws, bless),
        Command::Prove {
            lesson,
            models,
            bless,
        } => prove::prove(&ws, lesson.as_deref(), &models, bless),
        Command::Test { verbose } => test(&ws, verbose),
        Command::Break {
            apply,
            all,
            verbose,
            ..
        } => match (chosen, apply, all) {
            (_, _, true) => mistakes::check_all(&ws, verbose),
            (Some(mistake), true, _) => mistakes::apply(&ws, &mistake),
            (Some(mistake), false, _) => mistakes::show(&ws, &mistake),
            (None, _, _) => mistakes::list(&ws),
        },
        Command::Bench {
            redraw_chart: true, ..
        } => bench::sync_page(&ws, true).map(|_| ()),
        Command::Bench {
            pool: true,
            write_docs,
            ..
        } => pool_bench::bench_pool(&ws, write_docs),
        Command::Bench {
            python, write_docs, ..
        } => bench::bench(&ws, python, write_docs),
        Command::Book { test } => book::book(&ws, test),
        // Its own exit code: 1 when the exercise checked does not pass.
        Command::Learn(args) => match learn::learn(&ws, args) {
            Ok(code) => return code,
            Err(error) => Err(error),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error, 1),
    }
}

/// Says what went wrong, and exits with `code`: 2 for a usage error, 1 for any other.
fn fail(message: String, code: u8) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

/// Prints clap's message, then the help that lists what is valid there (the commands, or the
/// subcommand's flags), and exits 2 as clap does.
fn usage_error(error: &clap::Error) -> ExitCode {
    let _ = error.print();
    if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return ExitCode::from(2); // clap has just printed the help
    }
    let mut command = Cli::command();
    command.build();
    let named = std::env::args()
        .skip(1)
        .find(|arg| command.find_subcommand(arg).is_some());
    let mut shown = match named {
        Some(name) => command
            .find_subcommand_mut(&name)
            .expect("just found")
            .clone(),
        None => command,
    };
    eprintln!("\n{}", shown.render_help());
    ExitCode::from(2)
}

/// Runs every check in order and stops at the first failure, naming it.
fn test(ws: &Workspace, verbose: bool) -> workspace::Result {
    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ];
    let steps: [(&str, &dyn Fn() -> workspace::Result); 10] = [
        ("cargo fmt --check", &|| {
            ws.cargo_plain(&["fmt", "--all", "--check"])
        }),
        (
            "cargo clippy --workspace --all-targets -- -D warnings",
            &|| ws.cargo(&clippy),
        ),
        ("cargo clippy (the loom build) -- -D warnings", &|| {
            ws.cargo_loom(&[&["clippy", "--release"], &clippy[1..]].concat())
        }),
        // Compiled, never run: no timing in the check (`cargo xtask bench` runs them).
        ("cargo build --workspace --benches", &|| {
            ws.cargo(&["build", "--workspace", "--benches"])
        }),
        ("cargo test --workspace", &|| {
            ws.cargo(&["test", "--workspace"])
        }),
        ("cargo xtask run-all", &|| run_all::run_all(ws, false)),
        ("cargo xtask prove", &|| prove::prove(ws, None, &[], false)),
        ("cargo xtask break --all", &|| {
            mistakes::check_all(ws, verbose)
        }),
        ("cargo xtask learn --verify-all", &|| {
            learn::verify_all_in(ws)
        }),
        ("cargo xtask book --test", &|| book::book(ws, true)),
    ];
    let total = steps.len();
    for (i, (name, step)) in steps.iter().enumerate() {
        eprintln!("\n==> xtask test: step {}/{total}: {name}", i + 1);
        // Shown so a slow step can be found in a CI log; no step is judged by its time.
        let started = std::time::Instant::now();
        step().map_err(|error| format!("step {}/{total} failed: {name}\n{error}", i + 1))?;
        eprintln!(
            "==> xtask test: step {}/{total} passed in {:.0} s: {name}",
            i + 1,
            started.elapsed().as_secs_f64()
        );
    }
    eprintln!("\nxtask test: all {total} steps passed");
    Ok(())
}
