//! greet-students: each thread greets its own student, in the order of the names.

use crate::check::{self, Outcome};

/// `run(names, pause)`'s type.
pub type Run = fn(&[&str], fn()) -> Vec<String>;

/// The functions the exercise asks for.
pub struct Api {
    /// `run(names, pause)`: the greetings.
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
                 in the order of the names and collect the JoinHandles in order."
            ));
        }
    }
    Ok(())
}

/// Three students on real threads, 5 times.
pub fn plain(api: Api) -> Outcome {
    let names = ["Alice", "Bob", "Cid"];
    for _ in 0..5 {
        judge(&names, &(api.run)(&names, pause))?;
    }
    Ok(())
}

/// Two students, in every interleaving loom explores.
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    let names = ["Alice", "Bob"];
    let explored = check::model::explore(None, move |execution| {
        check::record();
        let greetings = (api.run)(&names, pause);
        let events = check::take();
        judge(&names, &greetings).map_err(|what| {
            format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution} (each thread binds its student before it pauses, and reads it back after)"),
                    &["Thread-A", "Thread-B"],
                    "",
                    &events,
                    &[],
                    &format!("greetings: {greetings:?}"),
                ))
            )
        })
    });
    explored.map(|_| ()).map_err(super::stopped)
}
