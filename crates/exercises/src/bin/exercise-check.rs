//! The checker `cargo xtask learn` runs: `exercise-check <name> [--variant yours|starter|solution|wrong]`,
//! or `exercise-check --list`.
//!
//! Built normally it runs the exercise's plain checks; built with `RUSTFLAGS="--cfg loom"`, its
//! loom models. It prints what went wrong, in the exercise's words, and exits 0 when the checks
//! pass, 1 when they fail, 3 when the code reached a `todo!()` (not done yet), 2 on a usage error.

use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use exercises::catalogue::{self, Variant};

/// Every panic while the checks ran: its message and where it was raised. The hook below keeps
/// them off stderr; the checker says what they mean instead.
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// A liveness guard, not a timing check: plain checks that have not finished by then are waiting
/// for something that never comes. Loom's searches end by themselves (a deadlock, or its cap on
/// the steps of one execution), so their guard is only against a search far larger than the
/// exercise's.
#[cfg(not(loom))]
const PLAIN_DEADLINE: Duration = Duration::from_secs(30);
#[cfg(loom)]
const MODEL_DEADLINE: Duration = Duration::from_secs(120);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|arg| arg == "--list") {
        for exercise in catalogue::EXERCISES {
            println!("{}", exercise.name);
        }
        return ExitCode::SUCCESS;
    }
    let (name, variant) = match args.as_slice() {
        [name] => (name, Variant::Yours),
        [name, flag, variant] if flag == "--variant" => match Variant::parse(variant) {
            Some(variant) => (name, variant),
            None => return usage(&format!("no version `{variant}`")),
        },
        _ => return usage("expected an exercise's name"),
    };
    let Some(exercise) = catalogue::find(name) else {
        return usage(&format!("no exercise `{name}`"));
    };
    std::panic::set_hook(Box::new(|info| {
        let message = exercises::panic_message(info.payload()).to_string();
        let place = info
            .location()
            .map(|at| format!("{}:{}", tidy(at.file()), at.line()))
            .unwrap_or_default();
        PANICS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((message, place));
    }));
    #[cfg(not(loom))]
    let (check, deadline, what) = (exercise.plain, PLAIN_DEADLINE, "plain checks");
    #[cfg(loom)]
    let (check, deadline, what) = (exercise.model, MODEL_DEADLINE, "loom models");
    let (send, receive) = mpsc::channel();
    let checker = std::thread::Builder::new()
        .name("checker".into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| check(variant));
            let _ = send.send(outcome);
        })
        .expect("failed to spawn the checker's thread");
    let outcome = match receive.recv_timeout(deadline) {
        Ok(outcome) => outcome,
        Err(_) => {
            println!(
                "{}",
                exercises::check::wrap(&format!(
                    "The {what} did not finish within {} s: a thread is still waiting for \
                     something that never comes. The likely causes: a deadlock; a lock taken \
                     again on a thread that already holds it (Rust's Mutex is not reentrant, \
                     unlike Python's RLock: locking it again, or calling a function that \
                     locks it, while a guard of it lives waits forever); a join of a thread \
                     that never ends; or a loop over a channel whose senders are never all \
                     dropped.{}",
                    deadline.as_secs(),
                    STALLED_UNDER_LOOM
                ))
            );
            // The stuck threads cannot be stopped; the process ends with them.
            std::process::exit(1);
        }
    };
    let _ = checker.join();
    let panics = PANICS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    if let Some((_, place)) = panics
        .iter()
        .find(|(message, _)| message.starts_with("not yet implemented"))
    {
        println!("Not done yet: {place} still says todo!().");
        return ExitCode::from(3);
    }
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(what)) => {
            println!("{}", exercises::check::wrap(&what));
            ExitCode::FAILURE
        }
        Err(_) => {
            // A model that refused to run (one of loom's search settings is set) says so.
            if let Some((refusal, _)) = panics
                .iter()
                .find(|(message, _)| message.starts_with("refused to run the loom models"))
            {
                println!("{refusal}");
                return ExitCode::FAILURE;
            }
            let (message, place) = panics
                .into_iter()
                .find(|(message, _)| message != exercises_failed())
                .unwrap_or_else(|| ("(no message)".into(), String::new()));
            println!(
                "{}",
                exercises::check::wrap(&format!(
                    "Your code panicked at {place}:\n\n    {message}\n\nA thread's panic \
                     is reported, never swallowed: the checks call your functions, and a \
                     panic in one of their threads ends the check."
                ))
            );
            ExitCode::FAILURE
        }
    }
}

/// What else stalls a model: loom runs every thread of a model on one OS thread, so a lock or a
/// wait of std's (not the lesson's facade) that blocks stops them all.
#[cfg(loom)]
const STALLED_UNDER_LOOM: &str = " In the loom models, a std lock, channel or thread used \
    instead of the lesson's facade (`<lesson>::sync`) can block every thread at once: take \
    them from the facade, as the exercise's file says.";
#[cfg(not(loom))]
const STALLED_UNDER_LOOM: &str = "";

/// The model's own stop signal, not a panic of your code.
#[cfg(loom)]
fn exercises_failed() -> &'static str {
    exercises::check::model::FAILED
}

/// The plain checks raise no stop signal of their own.
#[cfg(not(loom))]
fn exercises_failed() -> &'static str {
    ""
}

/// `crates/exercises/src/yours/../named_workers.rs` as `crates/exercises/src/named_workers.rs`.
fn tidy(file: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in file.split('/') {
        match part {
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

fn usage(message: &str) -> ExitCode {
    eprintln!(
        "error: {message}\nusage: exercise-check <name> [--variant yours|starter|solution|wrong]\n       \
         exercise-check --list"
    );
    ExitCode::from(2)
}
