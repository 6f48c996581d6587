//! The figures a loom model reports, and how `cargo xtask prove` reads them back.
//!
//! A model prints lines `proof-figure<TAB>key<TAB>value` on stdout. `cargo xtask prove` runs one
//! model at a time with `--nocapture` and collects those lines; everything else is libtest's own
//! chatter and is ignored. This one crate holds both sides of that protocol: each lesson's
//! `tests/proofs.rs` writes with it (a dev-dependency) and xtask reads with it, so writer and
//! reader cannot drift.
//!
//! It uses std only (no loom): the counters below must be invisible to loom, because they count
//! across executions, which loom's own primitives are reset between.

use std::fmt::Display;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Marks a line as a figure for `cargo xtask prove`.
pub const PREFIX: &str = "proof-figure";

/// Keys with a meaning of their own in `cargo xtask prove`'s table; any other key is shown as a note.
pub const PROPERTY: &str = "property";
/// See [`PROPERTY`].
pub const EXECUTIONS: &str = "executions";
/// See [`PROPERTY`].
pub const SECONDS: &str = "seconds";

/// Prints one figure. A value of several lines becomes several lines with the same key, in order.
pub fn report(key: &str, value: impl Display) {
    assert!(
        !key.is_empty() && !key.contains(['\t', '\n']),
        "a figure key is one word: {key:?}"
    );
    for line in value.to_string().lines() {
        println!("{PREFIX}\t{key}\t{line}");
    }
}

/// Reads one line of a model's stdout: `Some((key, value))` for a figure, `None` for anything else.
pub fn parse(line: &str) -> Option<(&str, &str)> {
    line.strip_prefix(PREFIX)?
        .strip_prefix('\t')?
        .split_once('\t')
}

/// Counts the executions loom explores for one model, and times them.
///
/// ```ignore
/// let exploration = Exploration::start("with the lock, every interleaving ends at 0");
/// let counter = exploration.clone();
/// loom::model(move || {
///     counter.execution();
///     // ... the model ...
/// });
/// exploration.finish();
/// ```
#[derive(Clone)]
pub struct Exploration {
    executions: Arc<AtomicU64>,
    started: Instant,
}

/// The environment variables loom 0.7.3's `Builder::new()` reads that change which executions a
/// search explores (`src/model.rs`): `LOOM_MAX_PERMUTATIONS` and `LOOM_MAX_DURATION` end a search
/// at a checkpoint, every `LOOM_CHECKPOINT_INTERVAL` executions (20 000 unless set), as if it had
/// finished; `LOOM_CHECKPOINT_FILE` resumes one from a saved point; `LOOM_MAX_PREEMPTIONS` bounds
/// it; `LOOM_MAX_BRANCHES` caps each execution. A model that passes under any of them may have
/// checked less than it says, so the models refuse to run with one set ([`Exploration::start`]).
/// `LOOM_LOG` and `LOOM_LOCATION` only add output, and stay allowed.
pub const SEARCH_SETTINGS: [&str; 6] = [
    "LOOM_MAX_PERMUTATIONS",
    "LOOM_MAX_DURATION",
    "LOOM_CHECKPOINT_INTERVAL",
    "LOOM_CHECKPOINT_FILE",
    "LOOM_MAX_PREEMPTIONS",
    "LOOM_MAX_BRANCHES",
];

/// The refusal, when any of [`SEARCH_SETTINGS`] is set in `get`'s environment: `NAME=value` for
/// each one set, and what to do. `None` when none is.
pub fn search_settings_refused(get: impl Fn(&str) -> Option<String>) -> Option<String> {
    let set: Vec<String> = SEARCH_SETTINGS
        .iter()
        .filter_map(|name| get(name).map(|value| format!("{name}={value}")))
        .collect();
    (!set.is_empty()).then(|| {
        format!(
            "refused to run the loom models with {} set:\n\
             loom reads such settings, and they can stop a search early or change it, so a\n\
             model could pass having explored less than it claims. Each model sets its own\n\
             search.\n\
             To run the models: unset {}",
            set.join(" "),
            SEARCH_SETTINGS
                .iter()
                .filter(|name| get(name).is_some())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        )
    })
}

/// [`search_settings_refused`] for this process's environment.
pub fn search_settings_in_env() -> Option<String> {
    search_settings_refused(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
}

impl Exploration {
    /// Reports the property the model checks and starts the clock. Panics, before loom runs
    /// anything, if a variable of [`SEARCH_SETTINGS`] is set: every model starts here, so
    /// `cargo xtask prove` and a plain `cargo test` under `--cfg loom` refuse alike.
    pub fn start(property: &str) -> Self {
        if let Some(refusal) = search_settings_in_env() {
            panic!("{refusal}");
        }
        report(PROPERTY, property);
        Exploration {
            executions: Arc::new(AtomicU64::new(0)),
            started: Instant::now(),
        }
    }

    /// Counts one execution: call it first thing in the model's closure.
    pub fn execution(&self) {
        self.executions.fetch_add(1, Ordering::Relaxed);
    }

    /// The executions counted so far.
    pub fn executions(&self) -> u64 {
        self.executions.load(Ordering::Relaxed)
    }

    /// Reports the executions explored and the seconds taken, and returns the executions. Panics
    /// if loom ran none: a search that checked nothing must not pass.
    pub fn finish(&self) -> u64 {
        let executions = self.executions();
        assert!(
            executions > 0,
            "loom ran no execution of this model: nothing was checked"
        );
        report(EXECUTIONS, executions);
        report(
            SECONDS,
            format!("{:.2}", self.started.elapsed().as_secs_f64()),
        );
        executions
    }
}

/// How many times the acting thread changes from one step to the next, given each step's thread:
/// the contrast models draw, of the executions that show their mistake, the one with the fewest.
pub fn switches<T: PartialEq>(threads: impl IntoIterator<Item = T>) -> usize {
    let mut switches = 0;
    let mut last = None;
    for thread in threads {
        if last.as_ref().is_some_and(|last| *last != thread) {
            switches += 1;
        }
        last = Some(thread);
    }
    switches
}

/// The key of the figure that a contrast model reports its chosen schedule under, for the picture
/// `cargo xtask prove` draws of it (`xtask/src/pictures.rs`).
pub const SCHEDULE: &str = "schedule";

/// One execution's schedule, in a form a program can read back: one lane per thread, the steps in
/// the order the execution ran them. A model reports it with
/// `report(SCHEDULE, &schedule)`; `cargo xtask prove` parses it with [`Schedule::parse`] and draws
/// it. As text it is one tab-separated line per item:
///
/// ```text
/// title    <what the picture shows>
/// lanes    <thread>    <thread> ...
/// beside   <what the column beside the steps holds: the balance, the output line, ...>
/// step     <lane, from 0>    <what the thread did>    <the value beside>    <a note, or nothing>
/// end      <the outcome, under the last step>
/// ```
///
/// A step with a note is the one to look at (the overwritten update, the out-of-place line): the
/// picture highlights it and prints the note beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// What the picture shows, in a few words.
    pub title: String,
    /// The threads, one lane each, left to right.
    pub lanes: Vec<String>,
    /// The heading of the column beside the steps.
    pub beside: String,
    /// The steps, in the order the execution ran them.
    pub steps: Vec<ScheduleStep>,
    /// The outcome, shown under the last step.
    pub end: String,
}

/// One step of a [`Schedule`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleStep {
    /// The thread that took it: an index into [`Schedule::lanes`].
    pub lane: usize,
    /// What it did: `reads 0`, `writes 0 + 5 = 5`, `prints ...`.
    pub does: String,
    /// The value beside it: the balance after it, the output line it printed, ...
    pub beside: String,
    /// Why it matters, for the highlighted steps; empty for the others.
    pub note: String,
}

impl std::fmt::Display for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let one_field = |text: &str| {
            assert!(
                !text.contains(['\t', '\n']),
                "a schedule field holds no tab or newline: {text:?}"
            );
        };
        for text in [&self.title, &self.beside, &self.end]
            .into_iter()
            .chain(&self.lanes)
        {
            one_field(text);
        }
        writeln!(f, "title\t{}", self.title)?;
        writeln!(f, "lanes\t{}", self.lanes.join("\t"))?;
        writeln!(f, "beside\t{}", self.beside)?;
        for step in &self.steps {
            for text in [&step.does, &step.beside, &step.note] {
                one_field(text);
            }
            assert!(step.lane < self.lanes.len(), "no lane {}", step.lane);
            writeln!(
                f,
                "step\t{}\t{}\t{}\t{}",
                step.lane, step.does, step.beside, step.note
            )?;
        }
        write!(f, "end\t{}", self.end)
    }
}

impl Schedule {
    /// Reads back what [`Schedule`]'s `Display` wrote (the figure's lines, joined by newlines).
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let mut schedule = Schedule {
            title: String::new(),
            lanes: Vec::new(),
            beside: String::new(),
            steps: Vec::new(),
            end: String::new(),
        };
        for (number, line) in text.lines().enumerate() {
            let fields: Vec<&str> = line.split('\t').collect();
            let wrong = || format!("schedule line {}: cannot read {line:?}", number + 1);
            match fields.as_slice() {
                ["title", title] => schedule.title = title.to_string(),
                ["lanes", lanes @ ..] if !lanes.is_empty() => {
                    schedule.lanes = lanes.iter().map(|lane| lane.to_string()).collect();
                }
                ["beside", beside] => schedule.beside = beside.to_string(),
                ["step", lane, does, beside, note] => {
                    let lane: usize = lane.parse().map_err(|_| wrong())?;
                    if lane >= schedule.lanes.len() {
                        return Err(format!("{}: no lane {lane}", wrong()));
                    }
                    schedule.steps.push(ScheduleStep {
                        lane,
                        does: does.to_string(),
                        beside: beside.to_string(),
                        note: note.to_string(),
                    });
                }
                ["end", end] => schedule.end = end.to_string(),
                _ => return Err(wrong()),
            }
        }
        if schedule.lanes.is_empty() || schedule.steps.is_empty() {
            return Err("a schedule needs its lanes and at least one step".to_string());
        }
        Ok(schedule)
    }
}

/// Greedy word wrap, for what a learner reads within 80 columns: xtask's reports and the models'
/// messages both use it. A word longer than `width` gets a line of its own.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_word_boundaries_within_the_width() {
        assert_eq!(
            wrap("with the lock, every interleaving ends at 0", 20),
            ["with the lock, every", "interleaving ends at", "0"]
        );
        assert_eq!(
            wrap("a_very_long_word_indeed x", 5),
            ["a_very_long_word_indeed", "x"]
        );
        assert!(wrap("", 5).is_empty());
    }
}
