//! greet-students: each thread greets its own student, in the order of the names.

use crate::check::{self, Outcome};

/// `run(names, pause, greet)`'s type.
pub type Run = fn(&[&str], fn(), fn(&str) -> String) -> Vec<String>;

/// The functions the exercise asks for.
pub struct Api {
    /// `run(names, pause, greet)`: the greetings.
    pub run: Run,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::greet_students::Api {
            run: $($module)::+::run,
        }
    };
}
pub(crate) use api;

/// The check's `pause`: a step where loom may switch threads, noted for the timeline.
fn pause() {
    check::note("pauses", "");
    super::switch_point();
    check::note("resumes", "");
}

/// The check's `greet`: the line, noted for the timeline with the student it greets.
fn greet(student: &str) -> String {
    check::note(format!("greets {student}"), "");
    format!("Hello, {student} (in {})", check::current_thread())
}

fn judge(names: &[&str], greetings: &[String]) -> Outcome {
    let expected: Vec<String> = names
        .iter()
        .zip('A'..='Z')
        .map(|(name, letter)| format!("Hello, {name} (in Thread-{letter})"))
        .collect();
    if greetings.len() != expected.len() {
        return Err(format!(
            "run returned {} greetings for {} names: {greetings:?}.",
            greetings.len(),
            names.len()
        ));
    }
    for (got, want) in greetings.iter().zip(&expected) {
        if got != want {
            return Err(format!(
                "Expected {want:?}, got {got:?}. A thread greets the student it bound itself: \
                 if it read another's, the slot is shared (keep it in a thread_local!); if the \
                 order or the thread's name is off, name the threads Thread-A, Thread-B, ... \
                 in the order of the names and collect the JoinHandles in order. (Each thread \
                 binds its student before it pauses, and reads it back after.)"
            ));
        }
    }
    Ok(())
}

/// Three students on real threads, 5 times.
pub fn plain(api: Api) -> Outcome {
    let names = ["Alice", "Bob", "Cid"];
    for _ in 0..5 {
        judge(&names, &(api.run)(&names, pause, greet))?;
    }
    Ok(())
}

/// Two students, in every interleaving loom explores.
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    let names = ["Alice", "Bob"];
    // Std's, kept across executions: did one thread pause while the other was paused?
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = std::sync::Arc::clone(&reached);
    let explored = check::model::explore(None, move |execution| {
        check::record();
        let greetings = (api.run)(&names, pause, greet);
        let events = check::take();
        if super::interleaved(&events, "pauses", "resumes") {
            seen.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        judge(&names, &greetings).map_err(|what| {
            format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &["Thread-A", "Thread-B"],
                    "",
                    &events,
                    &[],
                    &format!("greetings: {greetings:?}"),
                ))
            )
        })
    });
    let executions = explored.map_err(super::stopped)?;
    match reached.load(std::sync::atomic::Ordering::Relaxed) {
        true => Ok(()),
        false => Err(super::not_interleaved(
            executions,
            "did both threads pause before either resumed",
        )),
    }
}
