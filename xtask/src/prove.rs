//! `cargo xtask prove`: every lesson's loom models, one at a time, and a table of what they explored.

use std::io::{self, IsTerminal};
use std::process::{Child, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::docs;
use crate::lessons::{self, Lesson};
use crate::pictures;
use crate::workspace::{Result, Workspace, drain};

/// One model's run: what it reported and how it ended.
pub struct Row {
    lesson: String,
    /// The model's name, as libtest lists it.
    pub model: String,
    /// Its test passed.
    pub passed: bool,
    /// Every figure the model reported, in order: `(key, value)`, a key repeated for each line.
    figures: Vec<(String, String)>,
    /// What the model printed besides its figures (libtest's report, loom's panic), shown on failure.
    output: String,
}

impl Row {
    /// A row as a run would make it, for tests.
    #[cfg(test)]
    pub fn new(lesson: &str, model: &str, passed: bool, output: &str) -> Row {
        Row {
            lesson: lesson.into(),
            model: model.into(),
            passed,
            figures: Vec::new(),
            output: output.into(),
        }
    }

    /// The value of `key`, its lines joined.
    fn figure(&self, key: &str) -> Option<String> {
        let lines: Vec<&str> = self
            .figures
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    /// `passed` only for a model whose test passed, that reported what it checked and how long it
    /// took, and that ran at least one execution: a model can pass its test having checked nothing
    /// (a search cut short before its first execution), and that is no pass.
    fn verdict(&self) -> &'static str {
        let figures = [figures::PROPERTY, figures::EXECUTIONS, figures::SECONDS]
            .iter()
            .all(|key| self.figure(key).is_some());
        let executions = self.figure(figures::EXECUTIONS);
        match (self.passed, figures, executions.as_deref()) {
            (false, _, _) => "FAILED",
            (true, false, _) => "NO FIGURES",
            (true, true, Some(n)) if n.parse::<u64>().is_ok_and(|n| n > 0) => "passed",
            (true, true, _) => "NO EXECUTIONS",
        }
    }

    /// A failed model, for after the table: its name, then its panic message (the assertion and
    /// the counterexample the model printed), without libtest's report around it; or, if no panic
    /// message is found (a crash, a build error), everything it printed. Of several panics, the
    /// last with a counterexample, else the first.
    pub fn failure(&self) -> String {
        let heading = format!("==> {}::{} FAILED", self.lesson, self.model);
        let mut panics: Vec<Vec<&str>> = Vec::new();
        let mut inside = false;
        for line in self.output.lines() {
            if line.contains("panicked at") {
                panics.push(Vec::new());
                inside = true;
            } else if line.starts_with("stack backtrace:")
                || line.starts_with("note: run with")
                || line.starts_with("failures:")
                || line.starts_with("test result:")
                || line.starts_with("error: test failed")
            {
                inside = false;
            } else if inside && let Some(message) = panics.last_mut() {
                message.push(line);
            }
        }
        // The model's own message carries its counterexample; a panic after it (a detached
        // thread's, as loom tears the execution down) is noise, and one before it (a lesson
        // thread's) is quoted in it. Without a counterexample, the first panic is the cause.
        let chosen = panics
            .iter()
            .rev()
            .find(|message| {
                message
                    .iter()
                    .any(|line| line.starts_with("counterexample:"))
            })
            .or(panics.first());
        match chosen {
            Some(message) => format!("{heading}\n{}", message.join("\n").trim_end()),
            None => format!("{heading}\n{}", self.output.trim_end()),
        }
    }
}

/// What `prove` does with the figures the docs embed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DocFigures {
    /// Fail on a figure that differs from this run's.
    Check,
    /// Rewrite them from this run (`--bless`).
    Bless,
    /// Leave them alone: only some models ran, or the code run is not the lesson's
    /// (`cargo xtask break`).
    Ignore,
}

/// What a run of the models says: the table, the failures, the summary; and whether it passed.
pub struct Report {
    /// Everything for stdout, in order.
    pub text: String,
    /// `Err` when a model failed or a docs figure is stale.
    pub outcome: Result,
}

/// Runs the models of every lesson (or of `only`; or only its `models`), prints the table and
/// the extra figures, and checks the figures the docs embed (not after only some models).
pub fn prove(ws: &Workspace, only: Option<&str>, models: &[String], bless: bool) -> Result {
    let lessons: Vec<Lesson> = lessons::discover(ws)?
        .into_iter()
        .filter(|lesson| only.is_none_or(|name| lesson.name == name))
        .collect();
    let some = (!models.is_empty()).then_some(models);
    let rows = run(ws, &lessons, some, true)?;
    let docs = match (some, bless) {
        (Some(_), _) => DocFigures::Ignore,
        (None, true) => DocFigures::Bless,
        (None, false) => DocFigures::Check,
    };
    let report = report(ws, &lessons, &rows, docs)?;
    print!("{}", report.text);
    report.outcome
}

/// A usage error for `cargo xtask prove <lesson> --model <model>...`: a message naming a lesson
/// that does not exist, or the first of `models` it does not have, with the valid names; `None`
/// when all are valid. Builds the lesson's proofs to list its models.
pub fn unknown(ws: &Workspace, name: &str, models: &[String]) -> Result<Option<String>> {
    let lessons = lessons::discover(ws)?;
    let Some(lesson) = lessons.iter().find(|lesson| lesson.name == name) else {
        let names: Vec<&str> = lessons.iter().map(|lesson| lesson.name.as_str()).collect();
        let names = names.join(", ");
        return Ok(Some(format!(
            "no lesson `{name}`; the lessons are: {names}"
        )));
    };
    if models.is_empty() {
        return Ok(None);
    }
    ws.cargo_loom(&test_args(lesson, &["--no-run", "--quiet"], &[]))?;
    Ok(missing_model(lesson, &list_models(ws, lesson)?, models))
}

/// The first of `wanted` not in `all`, the lesson's models, said with the ones it has.
fn missing_model(lesson: &Lesson, all: &[String], wanted: &[String]) -> Option<String> {
    let missing = wanted.iter().find(|model| !all.contains(model))?;
    Some(format!(
        "{} has no model `{missing}`; its models are:\n  {}",
        lesson.name,
        all.join("\n  ")
    ))
}

/// Builds each lesson's proofs with `--cfg loom` and runs its models one at a time, or only the
/// ones in `models`, in that order; with `progress`, shows the build and each verdict on stderr
/// as it comes.
pub fn run(
    ws: &Workspace,
    lessons: &[Lesson],
    models: Option<&[String]>,
    progress: bool,
) -> Result<Vec<Row>> {
    // Each model refuses too (`figures::Exploration::start`); saying so once, before building,
    // is plainer than one failure per model.
    if let Some(refusal) = figures::search_settings_in_env() {
        return Err(refusal);
    }
    let mut rows = Vec::new();
    for lesson in lessons.iter().filter(|lesson| lesson.proofs().is_file()) {
        if progress {
            eprintln!(
                "\n==> proofs of {}: building {} with --cfg loom",
                lesson.name,
                ws.show(&lesson.proofs())
            );
        }
        let quiet: &[&str] = if progress { &[] } else { &["--quiet"] };
        ws.cargo_loom(&test_args(lesson, &[&["--no-run"], quiet].concat(), &[]))?;
        let all = list_models(ws, lesson)?;
        let chosen = match models {
            None => all,
            Some(names) => match missing_model(lesson, &all, names) {
                Some(message) => return Err(message),
                None => names.to_vec(),
            },
        };
        for model in chosen {
            let row = run_model(ws, lesson, &model, progress)?;
            if !progress {
                rows.push(row);
                continue;
            }
            // Within 80 columns: the figures go on a line of their own when the name is long.
            let name = format!("{:>10}  {}::{}", row.verdict(), row.lesson, row.model);
            let figures = format!("({})", explored(&row));
            match name.len() + 2 + figures.len() <= 80 {
                true => eprintln!("{name}  {figures}"),
                false => eprintln!("{name}\n{:12}{figures}", ""),
            }
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The table, the extra figures, each failure with its counterexample, the stale docs figures,
/// then the `prove:` summary, and last the docs figures left unchecked because their model
/// failed: a failure is always reported as the cause, never hidden behind the docs.
pub fn report(
    ws: &Workspace,
    lessons: &[Lesson],
    rows: &[Row],
    docs_figures: DocFigures,
) -> Result<Report> {
    let mut text = String::new();
    print_table(&mut text, rows);
    print_notes(&mut text, rows);
    for row in rows.iter().filter(|row| !row.passed) {
        text.push_str(&format!("\n{}\n", row.failure()));
    }

    let unchecked = std::cell::RefCell::new(Vec::new());
    let fill = |words: &[&str]| -> Result<Option<String>> {
        let [lesson, model, key] = words else {
            return Err(format!(
                "a proof block names a lesson, a model and a key, not {words:?}"
            ));
        };
        if !lessons.iter().any(|l| l.name == *lesson) {
            return Ok(None);
        }
        let row = rows
            .iter()
            .find(|row| row.lesson == *lesson && row.model == *model)
            .ok_or(format!("lesson {lesson} has no model `{model}`"))?;
        if !row.passed {
            // Its figures are not the model's: the failure above is the cause, not the docs.
            unchecked
                .borrow_mut()
                .push(format!("{lesson}::{model} {key}"));
            return Ok(None);
        }
        row.figure(key)
            .map(Some)
            .ok_or(format!("{lesson}::{model} reported no figure `{key}`"))
    };
    let bless = docs_figures == DocFigures::Bless;
    let mut stale = Vec::new();
    if docs_figures != DocFigures::Ignore {
        stale = docs::sync(ws, "proof", "text", &fill, bless)?;
        stale.extend(pictures::sync_schedules(ws, &fill, bless)?);
    }
    for message in &stale {
        text.push_str(&format!("\n{message}\n"));
    }
    if !stale.is_empty() {
        text.push_str(
            "If you changed a lesson's code or its proofs, that change may be the cause: a\n\
             model can pass and still explore other executions, or draw another schedule,\n\
             than the docs say (a lock held across the whole loop keeps the balance at 0\n\
             and changes the figures). Read the differences above first. --bless is for a\n\
             change you meant: if it was one, and the new figures are right, accept them:\n\
             cargo xtask prove --bless\n",
        );
    }

    let failed = rows.iter().filter(|row| row.verdict() != "passed").count();
    text.push_str(&format!(
        "\nprove: {} run, {} passed, {failed} failed\n",
        match rows.len() {
            1 => "1 model".to_string(),
            n => format!("{n} models"),
        },
        rows.len() - failed
    ));
    let unchecked = unchecked.into_inner();
    if !unchecked.is_empty() {
        text.push_str(&format!(
            "(not checked, because their model failed: the docs' figures {})\n",
            unchecked.join(", ")
        ));
    }
    let outcome = match (failed, stale.len()) {
        (0, 0) => Ok(()),
        (0, n) => Err(format!(
            "{n} stale docs figure(s): proof blocks or pictures"
        )),
        (n, _) => Err(format!("{n} model(s) failed")),
    };
    Ok(Report { text, outcome })
}

/// `cargo test --release -p <lesson> --test proofs <cargo_args> -- <test_args>`.
fn test_args<'a>(
    lesson: &'a Lesson,
    cargo_args: &[&'a str],
    test_args: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["test", "--release", "-p", &lesson.name, "--test", "proofs"];
    args.extend(cargo_args);
    if !test_args.is_empty() {
        args.push("--");
        args.extend(test_args);
    }
    args
}

/// The names of the lesson's models, as libtest lists them.
fn list_models(ws: &Workspace, lesson: &Lesson) -> Result<Vec<String>> {
    let output = ws
        .loom_command(&test_args(
            lesson,
            &["--quiet"],
            &["--list", "--format", "terse"],
        ))
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not list the models of {}: {e}", lesson.name))?;
    if !output.status.success() {
        return Err(format!(
            "listing the models of {} failed ({})",
            lesson.name, output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let models: Vec<String> = stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect();
    if models.is_empty() {
        return Err(format!("{} has no models", ws.show(&lesson.proofs())));
    }
    Ok(models)
}

/// Runs one model alone, showing that it is still running when it takes a while.
fn run_model(ws: &Workspace, lesson: &Lesson, model: &str, progress: bool) -> Result<Row> {
    let mut child = ws
        .loom_command(&test_args(
            lesson,
            &["--quiet"],
            &["--exact", model, "--nocapture", "--test-threads=1"],
        ))
        // The models' own messages are the report: no backtrace a learner's setting would add.
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start the model {model}: {e}"))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let name = format!("{}::{model}", lesson.name);
    let status = wait_with_progress(&mut child, progress.then_some(name.as_str()))?;
    let (stdout, stderr) = (
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    );

    let mut figures = Vec::new();
    let mut output = String::new();
    for line in stdout.lines() {
        match figures::parse(line) {
            Some((key, value)) => figures.push((key.to_string(), value.to_string())),
            None => output.extend([line, "\n"]),
        }
    }
    output.push_str(&stderr);
    Ok(Row {
        lesson: lesson.name.clone(),
        model: model.to_string(),
        passed: status.success(),
        figures,
        output,
    })
}

/// Waits for the child; after two seconds, shows the model's name (when there is one to show)
/// and the time it has run: on a terminal one line updated every second, in a log a line every
/// ten seconds.
fn wait_with_progress(child: &mut Child, name: Option<&str>) -> Result<ExitStatus> {
    let started = Instant::now();
    let terminal = io::stderr().is_terminal();
    let mut next = Duration::from_secs(2);
    let mut shown = false;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            if shown && terminal {
                eprint!("\r\x1b[2K");
            }
            return Ok(status);
        }
        thread::sleep(Duration::from_millis(100));
        let elapsed = started.elapsed();
        let Some(name) = name else { continue };
        if elapsed >= next {
            shown = true;
            if terminal {
                eprint!("\r\x1b[2K   running  {name}  {}s", elapsed.as_secs());
                next += Duration::from_secs(1);
            } else {
                eprintln!("   running  {name}  {}s so far", elapsed.as_secs());
                next += Duration::from_secs(10);
            }
        }
    }
}

/// The table: per lesson, a record per model, within 80 columns: the verdict and the model's
/// name on one line, then its property, wrapped, and what it explored, under the name.
fn print_table(text: &mut String, rows: &[Row]) {
    let indent = rows
        .iter()
        .map(|row| row.verdict().len())
        .max()
        .unwrap_or(0)
        + 4;
    let mut lesson = "";
    for row in rows {
        if row.lesson != lesson {
            lesson = &row.lesson;
            text.push_str(&format!("\n{lesson}\n"));
        }
        text.push_str(&format!(
            "  {:<w$}{}\n",
            row.verdict(),
            row.model,
            w = indent - 2
        ));
        let property = row.figure(figures::PROPERTY).unwrap_or_default();
        for line in figures::wrap(&property, 80 - indent)
            .iter()
            .chain([&explored(row)])
        {
            text.push_str(&format!("{:indent$}{line}\n", ""));
        }
    }
}

/// `6 executions, 0.01 s`; a failing model stops at its counterexample, before it reports them.
fn explored(row: &Row) -> String {
    let executions = match row.figure(figures::EXECUTIONS).as_deref() {
        Some("1") => "1 execution".to_string(),
        Some(n) => format!("{n} executions"),
        None if !row.passed => "stopped at its failure".to_string(),
        None => "no figures".to_string(),
    };
    match row.figure(figures::SECONDS) {
        Some(seconds) => format!("{executions}, {seconds} s"),
        None => executions,
    }
}

/// The figures that are not columns of the table, nor drawn: reachable sets, timelines, ...
fn print_notes(text: &mut String, rows: &[Row]) {
    // The schedule is data for the pictures (the `timeline` figure is its text for terminals).
    let columns = [
        figures::PROPERTY,
        figures::EXECUTIONS,
        figures::SECONDS,
        figures::SCHEDULE,
    ];
    for row in rows {
        let mut keys: Vec<&str> = Vec::new();
        for (key, _) in &row.figures {
            if !columns.contains(&key.as_str()) && !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        for key in keys {
            let value = row.figure(key).unwrap_or_default();
            // A figure of several lines, or too long to follow its name within 80 columns,
            // starts on a line of its own.
            let name = row.lesson.len() + 2 + row.model.len() + 1 + key.len() + 2;
            let colon = match value.contains('\n') || name + value.len() > 80 {
                true => ":\n",
                false => ": ",
            };
            text.push_str(&format!(
                "\n{}::{} {key}{colon}{value}\n",
                row.lesson, row.model
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::PathBuf;

    use super::{DocFigures, Row, report};
    use crate::lessons::Lesson;
    use crate::workspace::Workspace;

    /// A workspace in a folder of its own whose one lesson, `l`, has the chapter `docs/l.md`.
    fn one_chapter(name: &str, chapter: &str) -> (PathBuf, Workspace, [Lesson; 1]) {
        let root = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("docs")).unwrap();
        fs::write(root.join("docs/l.md"), chapter).unwrap();
        let ws = Workspace::find(false)
            .expect("the tests run inside the repo")
            .copy_at(root.clone(), root.join("target"));
        let lessons = [Lesson {
            name: "l".into(),
            dir: root.join("crates/l"),
            order: 1,
            any_order: false,
            appendix: false,
        }];
        (root, ws, lessons)
    }

    #[test]
    fn a_failure_shows_the_panic_message_and_its_counterexample_without_libtest_noise() {
        let row = Row::new(
            "lock-balance",
            "proof",
            false,
            "running 1 test\n\nthread 'proof' panicked at proofs.rs:1:1:\nended at 5\n\n\
             counterexample: execution 19\n   1  reads 0\nstack backtrace:\n   0: x\n\
             test result: FAILED.\n",
        );
        assert_eq!(
            row.failure(),
            "==> lock-balance::proof FAILED\nended at 5\n\ncounterexample: execution 19\n   1  reads 0"
        );
    }

    /// Of several panics, the model's own (the one with the counterexample) is shown: whether a
    /// lesson thread's panic came before it (channel-ledger quotes it), or a detached thread's
    /// after it, as loom tears the execution down (thread-basics' no-join).
    #[test]
    fn of_several_panics_the_one_with_the_counterexample_is_shown() {
        let model = "thread 'proof' panicked at proofs.rs:1:1:\nended at 5\n\n\
                     counterexample: execution 1\n   1  reads 0\n";
        let noise = "thread 'proof' panicked at lib.rs:2:2:\nRecvError\n\
                     note: run with `RUST_BACKTRACE=1`\n";
        let shown = "==> l::proof FAILED\nended at 5\n\ncounterexample: execution 1\n   1  reads 0";
        for output in [format!("{noise}{model}"), format!("{model}{noise}")] {
            assert_eq!(Row::new("l", "proof", false, &output).failure(), shown);
        }
        // Without a counterexample anywhere, the first panic is the cause.
        let first = Row::new("l", "proof", false, &format!("{noise}{noise}"));
        assert_eq!(first.failure(), "==> l::proof FAILED\nRecvError");
    }

    /// Issue: a failing model used to end `prove` on a docs error about its figures, with no
    /// summary. The report must show the failure and its counterexample, then the summary, and
    /// only then the docs figure it could not check; no stale-block message, and the chapter
    /// untouched.
    #[test]
    fn a_failing_model_is_reported_before_the_summary_and_its_docs_figure_does_not_mask_it() {
        let chapter = "The proof explored\n\n<!-- generated: proof l proof_a executions -->\n\
                       ```text\n81\n```\n<!-- end generated -->\n";
        let (root, ws, lessons) = one_chapter("report", chapter);
        let rows = [Row::new(
            "l",
            "proof_a",
            false,
            "running 1 test\nthread 'proof_a' panicked at proofs.rs:1:1:\nended at 5\n\n\
             counterexample: execution 19, step by step:\n   1  reads 0\n\
             note: run with `RUST_BACKTRACE=1`\ntest result: FAILED.\n",
        )];

        let report = report(&ws, &lessons, &rows, DocFigures::Check).expect("a report");
        let text = &report.text;
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("`{needle}` missing from:\n{text}"))
        };
        let order = [
            at("\nl\n  FAILED  proof_a\n"),
            at("          stopped at its failure\n"),
            at("==> l::proof_a FAILED\nended at 5"),
            at("counterexample: execution 19, step by step:\n   1  reads 0"),
            at("prove: 1 model run, 0 passed, 1 failed"),
            at(
                "(not checked, because their model failed: the docs' figures l::proof_a executions)",
            ),
        ];
        assert!(order.is_sorted(), "out of order: {order:?} in:\n{text}");
        assert!(!text.contains("stale"), "{text}");
        assert!(!text.contains("test result"), "libtest's noise: {text}");
        assert_eq!(report.outcome, Err("1 model(s) failed".to_string()));
        assert_eq!(fs::read_to_string(root.join("docs/l.md")).unwrap(), chapter);
        fs::remove_dir_all(&root).unwrap();
    }

    /// Issue 17: a stale figure must not invite a blind `--bless`: the message says first that
    /// a change to the lesson's code may be the cause, and that `--bless` is for a change meant.
    #[test]
    fn a_stale_figure_names_a_code_change_as_a_cause_before_bless() {
        let chapter = "<!-- generated: proof l proof_a executions -->\n```text\n81\n```\n\
                       <!-- end generated -->\n";
        let (root, ws, lessons) = one_chapter("stale", chapter);
        let mut row = Row::new("l", "proof_a", true, "");
        row.figures = [
            (figures::PROPERTY, "p"),
            (figures::EXECUTIONS, "162"),
            (figures::SECONDS, "0.01"),
        ]
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .to_vec();
        let report = report(&ws, &lessons, &[row], DocFigures::Check).expect("a report");
        let text = &report.text;
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("`{needle}` missing from:\n{text}"))
        };
        let order = [
            at("the block `proof l proof_a executions` is stale"),
            at("If you changed a lesson's code or its proofs, that change may be the cause"),
            at("--bless is for a\nchange you meant"),
            at("cargo xtask prove --bless\n"),
        ];
        assert!(order.is_sorted(), "out of order: {order:?} in:\n{text}");
        assert!(report.outcome.is_err());
        assert_eq!(fs::read_to_string(root.join("docs/l.md")).unwrap(), chapter);
        fs::remove_dir_all(&root).unwrap();
    }

    /// Issue 17: a model cut short before its first execution passed its test and was reported
    /// `passed` with 0 executions; one that reported no property or time is no pass either.
    #[test]
    fn passed_only_with_its_figures_and_at_least_one_execution() {
        let with = |figures: &[(&str, &str)]| {
            let mut row = Row::new("l", "proof_a", true, "");
            row.figures = figures
                .iter()
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect();
            row
        };
        let all = |executions| {
            with(&[
                (figures::PROPERTY, "p"),
                (figures::EXECUTIONS, executions),
                (figures::SECONDS, "0.00"),
            ])
        };
        assert_eq!(all("81").verdict(), "passed");
        assert_eq!(all("0").verdict(), "NO EXECUTIONS");
        assert_eq!(all("").verdict(), "NO EXECUTIONS");
        assert_eq!(
            with(&[(figures::EXECUTIONS, "81"), (figures::SECONDS, "0.00")]).verdict(),
            "NO FIGURES"
        );
        assert_eq!(with(&[]).verdict(), "NO FIGURES");
        let mut failed = all("81");
        failed.passed = false;
        assert_eq!(failed.verdict(), "FAILED");
    }

    /// Issue 17: loom's variables that can cut a search short are refused, each named with its
    /// value; the ones that only add output are not.
    #[test]
    fn refuses_every_search_setting_and_only_those() {
        let env = |set: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                set.iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        assert_eq!(
            figures::search_settings_refused(env(&[("LOOM_LOG", "trace"), ("LOOM_LOCATION", "1")])),
            None
        );
        for name in figures::SEARCH_SETTINGS {
            let refusal = figures::search_settings_refused(move |asked: &str| {
                (asked == name).then(|| "1".to_string())
            })
            .unwrap_or_else(|| panic!("{name} not refused"));
            assert!(refusal.contains(&format!("{name}=1 set")), "{refusal}");
            assert!(refusal.ends_with(&format!("unset {name}")), "{refusal}");
        }
        let both = figures::search_settings_refused(env(&[
            ("LOOM_MAX_PERMUTATIONS", "1"),
            ("LOOM_CHECKPOINT_INTERVAL", "1"),
        ]))
        .expect("refused");
        assert!(
            both.starts_with(
                "refused to run the loom models with LOOM_MAX_PERMUTATIONS=1 \
                 LOOM_CHECKPOINT_INTERVAL=1 set:"
            ),
            "{both}"
        );
    }

    #[test]
    fn reads_figures_and_ignores_everything_else() {
        assert_eq!(
            figures::parse("proof-figure\texecutions\t1234"),
            Some(("executions", "1234"))
        );
        assert_eq!(
            figures::parse("proof-figure\ttimeline\tstep  a\tb"),
            Some(("timeline", "step  a\tb"))
        );
        assert_eq!(figures::parse("test model ... ok"), None);
        assert_eq!(
            figures::parse("proof-figure executions 1234"),
            None,
            "fields are tab-separated"
        );
    }
}
