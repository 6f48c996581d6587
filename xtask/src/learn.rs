//! `cargo xtask learn`: the exercises of `crates/exercises`, checked by plain tests and then by
//! loom models over the learner's own functions.
//!
//! Each exercise is listed, in order, in `crates/exercises/exercises.toml` (its lesson, chapter,
//! title and hints); the learner edits `crates/exercises/src/<module>.rs`. A check builds the
//! crate's checker (`exercise-check`) twice: normally, to run the plain checks on real threads,
//! then with `--cfg loom` (in `target/loom`, as `prove` builds), to run the models. Both are
//! debug builds, so that a re-check after an edit recompiles only the exercises crate, and
//! incrementally.
//!
//! Why not rustlings, which runs third-party exercise sets with watch mode, hints and progress:
//! it would be a second install, and it checks an exercise in one build, while the models need
//! a second build of the learner's code with `RUSTFLAGS="--cfg loom"` in its own target folder.
//!
//! Progress (exercises done, hints shown) is kept in `crates/exercises/progress.txt`, which git
//! ignores. `--verify-all` (a step of `cargo xtask test`) checks every exercise's kept versions,
//! compiled in with the crate's `verify` feature, never the learner's files.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant, SystemTime};

use crate::workspace::{Result, Workspace};

/// `cargo xtask learn`'s arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The exercise (e.g. `named-workers`); without it, the next one not done.
    name: Option<String>,
    /// Show the exercise's next hint (one more each time).
    #[arg(long)]
    hint: bool,
    /// Check again every time the exercise's file is saved (Ctrl-C to stop).
    #[arg(long, conflicts_with_all = ["hint", "solution", "reset"])]
    watch: bool,
    /// Show the reference solution, without checking.
    #[arg(long, conflicts_with_all = ["hint", "reset"])]
    solution: bool,
    /// Put the starter back in your file (a copy of yours is kept in target/learn/).
    #[arg(long, requires = "name", conflicts_with = "hint")]
    reset: bool,
    /// Check every exercise's kept versions (a step of `cargo xtask test`): the solution
    /// passes, the starter says "not done yet", the wrong answer passes the plain checks and
    /// fails a model.
    #[arg(long, conflicts_with_all = ["name", "hint", "watch", "solution", "reset"])]
    verify_all: bool,
}

impl Args {
    /// The exercise named on the command line, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

/// `cargo xtask learn --verify-all`, as a step of `cargo xtask test`.
pub fn verify_all_in(ws: &Workspace) -> Result {
    verify_all(ws, &catalogue(ws)?)
}

/// One exercise, as `exercises.toml` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    /// `named-workers`.
    pub name: String,
    /// Its lesson crate: `thread-basics`.
    pub lesson: String,
    /// Its chapter's number.
    pub chapter: u32,
    /// What the learner writes, in a line.
    pub title: String,
    /// Its hints, revealed one at a time.
    pub hints: Vec<String>,
}

impl Exercise {
    /// The file name: `named_workers.rs`.
    fn file(&self) -> String {
        format!("{}.rs", self.name.replace('-', "_"))
    }
}

/// The exercises crate's folder.
fn crate_dir(ws: &Workspace) -> PathBuf {
    ws.root.join("crates").join("exercises")
}

/// Reads `exercises.toml`. A tiny reader of the `[[exercise]]` tables and `key = "value"` lines
/// that file holds, not a TOML parser (as xtask reads the lessons' manifests).
pub fn catalogue(ws: &Workspace) -> Result<Vec<Exercise>> {
    let path = crate_dir(ws).join("exercises.toml");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", ws.show(&path)))?;
    parse(&text).map_err(|e| format!("{}: {e}", ws.show(&path)))
}

fn parse(text: &str) -> Result<Vec<Exercise>> {
    let mut exercises: Vec<Exercise> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        let at = || format!("line {}", number + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[exercise]]" {
            exercises.push(Exercise {
                name: String::new(),
                lesson: String::new(),
                chapter: 0,
                title: String::new(),
                hints: Vec::new(),
            });
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or(format!("{}: not `key = value`", at()))?;
        let (key, value) = (key.trim(), value.trim());
        let exercise = exercises
            .last_mut()
            .ok_or(format!("{}: `{key}` before the first [[exercise]]", at()))?;
        let string = || {
            value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\""))
                .ok_or(format!("{}: `{key}` needs a \"quoted\" value", at()))
        };
        match key {
            "name" => exercise.name = string()?,
            "lesson" => exercise.lesson = string()?,
            "chapter" => {
                exercise.chapter = value
                    .parse()
                    .map_err(|_| format!("{}: chapter is a number", at()))?
            }
            "title" => exercise.title = string()?,
            "hint" => exercise.hints.push(string()?),
            _ => {
                return Err(format!(
                    "{}: unknown key `{key}` (known: name, lesson, chapter, title, hint)",
                    at()
                ));
            }
        }
    }
    for exercise in &exercises {
        if exercise.name.is_empty()
            || exercise.lesson.is_empty()
            || exercise.chapter == 0
            || exercise.title.is_empty()
            || exercise.hints.is_empty()
        {
            return Err(format!(
                "the exercise {:?} needs a name, lesson, chapter, title and at least one hint",
                exercise.name
            ));
        }
    }
    if exercises.is_empty() {
        return Err("no [[exercise]] listed".into());
    }
    Ok(exercises)
}

/// What the learner has done: exercises passed, and how many hints each has shown.
#[derive(Default)]
struct Progress {
    done: BTreeSet<String>,
    hints: BTreeMap<String, usize>,
}

impl Progress {
    fn path(ws: &Workspace) -> PathBuf {
        crate_dir(ws).join("progress.txt")
    }

    fn load(ws: &Workspace) -> Progress {
        let mut progress = Progress::default();
        let text = fs::read_to_string(Progress::path(ws)).unwrap_or_default();
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["done", name] => {
                    progress.done.insert(name.to_string());
                }
                ["hints", name, shown] => {
                    if let Ok(shown) = shown.parse() {
                        progress.hints.insert(name.to_string(), shown);
                    }
                }
                _ => {}
            }
        }
        progress
    }

    fn save(&self, ws: &Workspace) -> Result {
        let mut text = String::from(
            "# cargo xtask learn's record of your progress (git ignores it; delete it to start \
             over)\n",
        );
        for name in &self.done {
            text += &format!("done {name}\n");
        }
        for (name, shown) in &self.hints {
            text += &format!("hints {name} {shown}\n");
        }
        let path = Progress::path(ws);
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", ws.show(&path)))
    }
}

/// Which of an exercise's files the checker runs (its `--variant`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    Yours,
    Starter,
    Solution,
    Wrong,
}

impl Variant {
    fn arg(self) -> &'static str {
        match self {
            Variant::Yours => "yours",
            Variant::Starter => "starter",
            Variant::Solution => "solution",
            Variant::Wrong => "wrong",
        }
    }
}

/// How a check ended.
#[derive(Debug)]
enum Verdict {
    /// The exercises crate did not build: cargo's errors.
    DoesNotCompile(String),
    /// A `todo!()` was reached.
    NotDone(String),
    /// The plain checks failed: what went wrong.
    Plain(String),
    /// The plain checks passed and a model failed: what went wrong, with the timeline.
    Model(String),
    /// Both stages passed.
    Passed,
}

impl Verdict {
    /// The one-line status `--watch` prints.
    fn status(&self, name: &str) -> String {
        let first = |text: &str| text.lines().next().unwrap_or("").to_string();
        match self {
            Verdict::DoesNotCompile(_) => format!("{name}: does not compile yet"),
            Verdict::NotDone(what) => format!("{name}: not done yet ({})", first(what)),
            Verdict::Plain(_) => format!("{name}: the plain checks fail"),
            Verdict::Model(_) => {
                format!("{name}: the plain checks pass, a loom model fails")
            }
            Verdict::Passed => format!("{name}: passed, plain checks and loom models"),
        }
    }
}

/// The two builds of the checker.
struct Checker {
    features: Vec<&'static str>,
}

impl Checker {
    fn build_args(&self) -> Vec<&'static str> {
        let mut args = vec!["build", "-p", "exercises", "--bin", "exercise-check"];
        args.extend(&self.features);
        args
    }

    /// Builds the checker in one build; `Err` holds cargo's messages when it fails.
    fn build(&self, ws: &Workspace, loom: bool) -> std::result::Result<(), String> {
        // The first build of each kind compiles the lessons (and loom) too: minutes, during
        // which cargo, kept quiet, says nothing. Say why, so it never looks hung.
        if !self.binary(ws, loom).is_file() {
            println!(
                "Building the exercises for {} (the first time takes a few minutes)...",
                match loom {
                    false => "the plain checks",
                    true => "the loom models",
                }
            );
        }
        let args = self.build_args();
        let mut command = match loom {
            false => ws.command(&args),
            true => ws.loom_command(&args),
        };
        // Cargo's errors are the learner's to read; its progress lines are not.
        command.args(["--quiet", "--color", color()]);
        let output = command
            .output()
            .map_err(|e| format!("could not start cargo: {e}"))?;
        match output.status.success() {
            true => Ok(()),
            false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        }
    }

    fn binary(&self, ws: &Workspace, loom: bool) -> PathBuf {
        let target = ws.target_dir();
        let dir = if loom { target.join("loom") } else { target };
        dir.join("debug").join("exercise-check")
    }

    /// Runs one stage over one version: its exit code and what it printed.
    fn run(
        &self,
        ws: &Workspace,
        loom: bool,
        name: &str,
        variant: Variant,
    ) -> Result<(i32, String)> {
        let binary = self.binary(ws, loom);
        let output = Command::new(&binary)
            .args([name, "--variant", variant.arg()])
            .current_dir(&ws.root)
            .output()
            .map_err(|e| format!("could not run {}: {e}", ws.show(&binary)))?;
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text += &String::from_utf8_lossy(&output.stderr);
        Ok((output.status.code().unwrap_or(-1), text))
    }

    /// Both stages, the plain checks first.
    fn check(&self, ws: &Workspace, name: &str, variant: Variant) -> Result<Verdict> {
        for loom in [false, true] {
            if let Err(errors) = self.build(ws, loom) {
                return Ok(Verdict::DoesNotCompile(errors));
            }
            let (code, text) = self.run(ws, loom, name, variant)?;
            match (code, loom) {
                (0, _) => continue,
                (3, _) => return Ok(Verdict::NotDone(text)),
                (1, false) => return Ok(Verdict::Plain(text)),
                (1, true) => return Ok(Verdict::Model(text)),
                _ => {
                    return Err(format!(
                        "exercise-check {name} failed (exit {code}):\n{text}"
                    ));
                }
            }
        }
        Ok(Verdict::Passed)
    }
}

fn color() -> &'static str {
    use std::io::IsTerminal;
    match std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        true => "always",
        false => "never",
    }
}

/// `cargo xtask learn`: exits 1 when the exercise it checked does not pass (not done, does not
/// compile, or fails a check), so that a script or an editor can tell; 0 otherwise. `--watch`
/// keeps going whatever a check says.
pub fn learn(ws: &Workspace, args: Args) -> Result<ExitCode> {
    let passed = |done: bool| match done {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    };
    let exercises = catalogue(ws)?;
    if args.verify_all {
        return verify_all(ws, &exercises).map(|()| ExitCode::SUCCESS);
    }
    let mut progress = Progress::load(ws);
    let chosen = match &args.name {
        Some(name) => Some(find(&exercises, name)?),
        None => exercises
            .iter()
            .find(|exercise| !progress.done.contains(&exercise.name)),
    };
    if args.name.is_none() && !args.hint && !args.solution {
        show_progress(&exercises, &progress, chosen);
    }
    let Some(exercise) = chosen else {
        println!("\nEvery exercise is done. `cargo xtask learn <name>` checks one again.");
        return Ok(ExitCode::SUCCESS);
    };
    let done = if args.hint {
        hint(ws, exercise, &mut progress)
    } else if args.solution {
        show_solution(ws, exercise)
    } else if args.reset {
        reset(ws, exercise, &mut progress)
    } else if args.watch {
        watch(ws, &exercises, exercise, &mut progress)
    } else {
        return check_and_say(ws, exercise, &mut progress).map(passed);
    };
    done.map(|()| ExitCode::SUCCESS)
}

/// A usage error for a name not in the catalogue, listing the names.
pub fn unknown(ws: &Workspace, name: &str) -> Result<Option<String>> {
    let exercises = catalogue(ws)?;
    Ok(find(&exercises, name).err())
}

fn find<'a>(exercises: &'a [Exercise], name: &str) -> std::result::Result<&'a Exercise, String> {
    exercises
        .iter()
        .find(|exercise| exercise.name == name)
        .ok_or(format!(
            "no exercise `{name}`; the exercises are:\n  {}",
            exercises
                .iter()
                .map(|exercise| exercise.name.as_str())
                .collect::<Vec<_>>()
                .join("\n  ")
        ))
}

fn show_progress(exercises: &[Exercise], progress: &Progress, next: Option<&Exercise>) {
    let done = exercises
        .iter()
        .filter(|exercise| progress.done.contains(&exercise.name))
        .count();
    println!("Exercises: {done} of {} done.\n", exercises.len());
    let mut chapter = 0;
    for exercise in exercises {
        if exercise.chapter != chapter {
            chapter = exercise.chapter;
            println!("Chapter {chapter}, {}", exercise.lesson);
        }
        let mark = if progress.done.contains(&exercise.name) {
            "done"
        } else if next.is_some_and(|next| next.name == exercise.name) {
            "next"
        } else {
            "to do"
        };
        println!("  {mark:<6} {:<22} {}", exercise.name, exercise.title);
    }
    println!();
}

/// Checks the learner's file and says what came of it; records a pass.
fn check_and_say(ws: &Workspace, exercise: &Exercise, progress: &mut Progress) -> Result<bool> {
    let file = format!("crates/exercises/src/{}", exercise.file());
    println!(
        "{} (chapter {}, {}): {}\nYour file: {file}\n",
        exercise.name, exercise.chapter, exercise.lesson, exercise.title
    );
    let started = Instant::now();
    let verdict = Checker {
        features: Vec::new(),
    }
    .check(ws, &exercise.name, Variant::Yours)?;
    let took = started.elapsed().as_secs_f64();
    let passed = matches!(verdict, Verdict::Passed);
    match &verdict {
        Verdict::DoesNotCompile(errors) => {
            println!(
                "It does not compile yet; cargo says:\n\n{}",
                errors.trim_end()
            );
        }
        Verdict::NotDone(what) => {
            println!("{}", what.trim_end());
            println!("Write your code there, then check it again.");
        }
        Verdict::Plain(what) => {
            println!(
                "The plain checks (real threads) fail:\n\n{}",
                what.trim_end()
            );
        }
        Verdict::Model(what) => {
            println!(
                "The plain checks pass, but a loom model fails: loom ran your code in orders \
                 of its\nthreads that a plain run rarely gets.\n\n{}",
                what.trim_end()
            );
        }
        Verdict::Passed => {
            println!(
                "Passed: the plain checks, and the loom models in every interleaving loom\n\
                 explored (at the small sizes the checks name)."
            );
        }
    }
    println!("\n(checked in {took:.1} s)");
    if passed {
        if progress.done.insert(exercise.name.clone()) {
            progress.save(ws)?;
        }
        println!("\nThe reference solution, to compare with yours:\n");
        show_solution(ws, exercise)?;
    } else if !matches!(verdict, Verdict::DoesNotCompile(_)) {
        let shown = progress.hints.get(&exercise.name).copied().unwrap_or(0);
        if shown < exercise.hints.len() {
            println!(
                "Stuck? `cargo xtask learn {} --hint` shows hint {} of {}.",
                exercise.name,
                shown + 1,
                exercise.hints.len()
            );
        }
    }
    Ok(passed)
}

fn hint(ws: &Workspace, exercise: &Exercise, progress: &mut Progress) -> Result {
    let shown = progress.hints.get(&exercise.name).copied().unwrap_or(0);
    let now = (shown + 1).min(exercise.hints.len());
    for (i, hint) in exercise.hints.iter().take(now).enumerate() {
        println!(
            "Hint {} of {} ({}):",
            i + 1,
            exercise.hints.len(),
            exercise.name
        );
        for line in figures::wrap(hint, 78) {
            println!("  {line}");
        }
    }
    if now == exercise.hints.len() {
        println!(
            "\nThat is every hint. `cargo xtask learn {} --solution` shows the reference\n\
             solution.",
            exercise.name
        );
    }
    progress.hints.insert(exercise.name.clone(), now);
    progress.save(ws)
}

fn show_solution(ws: &Workspace, exercise: &Exercise) -> Result {
    let path = crate_dir(ws).join("solutions").join(exercise.file());
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", ws.show(&path)))?;
    println!("// {}\n{}", ws.show(&path), text.trim_end());
    Ok(())
}

fn reset(ws: &Workspace, exercise: &Exercise, progress: &mut Progress) -> Result {
    let dir = crate_dir(ws);
    let yours = dir.join("src").join(exercise.file());
    let starter = dir.join("starters").join(exercise.file());
    let kept = ws.target_dir().join("learn").join("before-reset");
    fs::create_dir_all(&kept).map_err(|e| format!("cannot create {}: {e}", kept.display()))?;
    let backup = kept.join(exercise.file());
    fs::copy(&yours, &backup).map_err(|e| format!("cannot keep a copy of your file: {e}"))?;
    fs::copy(&starter, &yours).map_err(|e| {
        format!(
            "cannot copy {} to {}: {e}",
            ws.show(&starter),
            ws.show(&yours)
        )
    })?;
    if progress.done.remove(&exercise.name) {
        progress.save(ws)?;
    }
    println!(
        "{} is the starter again; your version is kept in {}.",
        ws.show(&yours),
        ws.show(&backup)
    );
    Ok(())
}

/// Re-checks on every save of the exercise's file (its modification time, polled every 0.3 s):
/// one status line per check, then what went wrong; on a pass, the solution, and on to the next
/// exercise not done.
fn watch(
    ws: &Workspace,
    exercises: &[Exercise],
    first: &Exercise,
    progress: &mut Progress,
) -> Result {
    let mut exercise = first.clone();
    let mut passed = check_and_say(ws, &exercise, progress)?;
    loop {
        if passed {
            let Some(next) = exercises
                .iter()
                .find(|next| !progress.done.contains(&next.name))
            else {
                println!("\n[watch] every exercise is done");
                return Ok(());
            };
            println!("\n[watch] next: {}\n", next.name);
            exercise = next.clone();
            passed = check_and_say(ws, &exercise, progress)?;
            continue;
        }
        let file = crate_dir(ws).join("src").join(exercise.file());
        println!(
            "\n[watch] waiting for you to save {} (Ctrl-C to stop)",
            ws.show(&file)
        );
        let seen = modified(&file);
        while modified(&file) == seen {
            std::thread::sleep(Duration::from_millis(300));
        }
        let started = Instant::now();
        let verdict = Checker {
            features: Vec::new(),
        }
        .check(ws, &exercise.name, Variant::Yours)?;
        println!(
            "\n[watch] {} ({:.1} s)",
            verdict.status(&exercise.name),
            started.elapsed().as_secs_f64()
        );
        match &verdict {
            Verdict::Passed => {
                passed = true;
                if progress.done.insert(exercise.name.clone()) {
                    progress.save(ws)?;
                }
                println!("\nThe reference solution, to compare with yours:\n");
                show_solution(ws, &exercise)?;
            }
            Verdict::DoesNotCompile(text)
            | Verdict::NotDone(text)
            | Verdict::Plain(text)
            | Verdict::Model(text) => println!("{}", text.trim_end()),
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// How many times a wrong answer's plain checks are run before its pass is given up on: it is
/// right by luck, as the exercise says, so one run in a few may catch it (see docs/exercises.md).
const LUCKY_RUNS: usize = 3;

/// `--verify-all`: every exercise's kept versions, checked as CI must see them.
fn verify_all(ws: &Workspace, exercises: &[Exercise]) -> Result {
    let dir = crate_dir(ws);
    for exercise in exercises {
        for folder in ["src", "starters", "solutions", "wrong", "src/checks"] {
            let path = dir.join(folder).join(exercise.file());
            if !path.is_file() {
                return Err(format!(
                    "{}: listed in exercises.toml, but {} is missing",
                    exercise.name,
                    ws.show(&path)
                ));
            }
        }
        // A fresh clone's file is the starter; a learner's may differ, so only CI checks.
        if std::env::var_os("CI").is_some() {
            let (yours, starter) = (
                fs::read(dir.join("src").join(exercise.file())).unwrap_or_default(),
                fs::read(dir.join("starters").join(exercise.file())).unwrap_or_default(),
            );
            if yours != starter {
                return Err(format!(
                    "{}: src/{} and starters/{} differ: the learner's file must start as the \
                     starter",
                    exercise.name,
                    exercise.file(),
                    exercise.file()
                ));
            }
        }
    }
    // The workspace's clippy steps lint your files (the starters); these lint the kept
    // versions, in both builds (the loom one in release, as `cargo xtask test`'s own).
    let clippy = [
        "clippy",
        "-p",
        "exercises",
        "--all-targets",
        "--features",
        "verify",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ];
    ws.cargo(&clippy)?;
    ws.cargo_loom(&[&["clippy", "--release"], &clippy[1..]].concat())?;
    let checker = Checker {
        features: vec!["--features", "verify"],
    };
    for loom in [false, true] {
        checker
            .build(ws, loom)
            .map_err(|errors| format!("the checker does not build:\n{errors}"))?;
        let listed = Command::new(checker.binary(ws, loom))
            .arg("--list")
            .output()
            .map_err(|e| format!("could not run exercise-check: {e}"))?;
        let listed: Vec<String> = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        let names: Vec<String> = exercises.iter().map(|e| e.name.clone()).collect();
        if listed != names {
            return Err(format!(
                "exercises.toml lists {names:?}, but the checker's catalogue \
                 (crates/exercises/src/catalogue.rs) lists {listed:?}: keep them in step"
            ));
        }
    }
    println!(
        "    {:<22}{:<10}{:<10}{:<22}time\n",
        "exercise", "solution", "starter", "wrong: plain / model"
    );
    for exercise in exercises {
        let started = Instant::now();
        let name = &exercise.name;
        let fail = |what: String| Err(format!("{name}: {what}"));
        // The solution passes both stages.
        match checker.check(ws, name, Variant::Solution)? {
            Verdict::Passed => {}
            other => return fail(format!("the reference solution does not pass: {other:?}")),
        }
        // The starter says "not done yet", not a panic dump.
        let (code, text) = checker.run(ws, false, name, Variant::Starter)?;
        if code != 3 || !text.starts_with("Not done yet:") {
            return fail(format!(
                "the starter should stop at its todo!() with \"Not done yet\" (exit 3); it \
                 exited {code}:\n{text}"
            ));
        }
        // The wrong answer passes the plain checks (by luck: in one of a few runs) ...
        let mut lucky = None;
        let mut caught = String::new();
        for run in 1..=LUCKY_RUNS {
            let (code, text) = checker.run(ws, false, name, Variant::Wrong)?;
            if code == 0 {
                lucky = Some(run);
                break;
            }
            caught = text;
        }
        let Some(run) = lucky else {
            return fail(format!(
                "the kept wrong answer failed the plain checks in {LUCKY_RUNS} runs of \
                 {LUCKY_RUNS}: it should pass them (by luck) and fail a model. Last run:\n\
                 {caught}"
            ));
        };
        // ... and fails a model, saying what went wrong and drawing it.
        let (code, text) = checker.run(ws, true, name, Variant::Wrong)?;
        if code != 1 || !text.contains("step by step") {
            return fail(format!(
                "the kept wrong answer should fail a model with a timeline (exit 1); it \
                 exited {code}:\n{text}"
            ));
        }
        println!(
            "ok  {name:<22}{:<10}{:<10}{:<22}{:.0} s",
            "passes",
            "not done",
            match run {
                1 => "passes / fails".to_string(),
                run => format!("passes ({run}) / fails"),
            },
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "\nxtask learn --verify-all: all {} exercises are honest",
        exercises.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_catalogue() {
        let text = r#"
# comment
[[exercise]]
name = "named-workers"
lesson = "thread-basics"
chapter = 1
title = "Spawn \"named\" workers"
hint = "one"
hint = "two"
"#;
        let exercises = parse(text).unwrap();
        assert_eq!(exercises.len(), 1);
        assert_eq!(exercises[0].title, "Spawn \"named\" workers");
        assert_eq!(exercises[0].hints, ["one", "two"]);
        assert_eq!(exercises[0].file(), "named_workers.rs");
    }

    #[test]
    fn an_exercise_without_hints_is_an_error() {
        let text = "[[exercise]]\nname = \"a\"\nlesson = \"l\"\nchapter = 1\ntitle = \"t\"\n";
        assert!(parse(text).unwrap_err().contains("at least one hint"));
    }
}
