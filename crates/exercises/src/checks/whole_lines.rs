//! whole-lines: every line whole, each thread's lines in order; in the models, in every
//! interleaving loom explores.

use crate::check::{self, Outcome};

/// The shared output the exercise's threads write to: a `String` whose every write is noted,
/// with the thread that made it, for the timeline.
#[derive(Debug, Default)]
pub struct Transcript {
    text: String,
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `piece` (`out.write(piece)`).
    pub fn write(&mut self, piece: &str) {
        check::note(format!("writes {piece:?}"), "");
        self.text.push_str(piece);
    }

    /// Everything written so far (`out.getvalue()`).
    pub fn text(&self) -> String {
        self.text.clone()
    }
}

/// The functions the exercise asks for.
pub struct Api {
    /// `run(ticks)`: the two threads' text.
    pub run: fn(u32) -> String,
}

/// An [`Api`] from a version of the exercise's file.
macro_rules! api {
    ($($module:ident)::+) => {
        $crate::checks::whole_lines::Api {
            run: $($module)::+::run,
        }
    };
}
pub(crate) use api;

const THREADS: [&str; 2] = ["Thread-1", "Thread-2"];

/// What is wrong with the text, if anything.
fn judge(text: &str, ticks: u32) -> Outcome {
    let mut next = [1; THREADS.len()];
    for line in text.lines() {
        let whose = THREADS.iter().position(|name| {
            line.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(" >>> "))
                .and_then(|n| n.parse::<u32>().ok())
                .is_some()
        });
        let Some(thread) = whose else {
            return Err(format!(
                "The line {line:?} is not whole: another thread's piece came between the two \
                 halves of a line. Hold the lock (one guard) for both writes of a line."
            ));
        };
        let n: u32 = line.rsplit(' ').next().unwrap_or("").parse().unwrap_or(0);
        if n != next[thread] {
            return Err(format!(
                "{} wrote {line:?} where it should have written {} >>> {}: each thread \
                 counts from 1 to ticks, in order.",
                THREADS[thread], THREADS[thread], next[thread]
            ));
        }
        next[thread] += 1;
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(format!("The text ends in the middle of a line: {text:?}."));
    }
    if let Some(thread) = next.iter().position(|&n| n != ticks + 1) {
        return Err(format!(
            "{} wrote {} lines, not {ticks}: the text was {text:?}. Did run join both threads \
             before it read the transcript?",
            THREADS[thread],
            next[thread] - 1
        ));
    }
    Ok(())
}

/// Three ticks per thread, on real threads.
pub fn plain(api: Api) -> Outcome {
    judge(&(api.run)(3), 3)
}

/// One tick per thread, in every interleaving loom explores; both threads' lines come first in
/// some execution (the search covered both orders).
#[cfg(loom)]
pub fn model(api: Api) -> Outcome {
    use std::sync::{Arc, Mutex};
    let firsts: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&firsts);
    let explored = check::model::explore(None, move |execution| {
        check::record();
        let text = (api.run)(1);
        let events = check::take();
        if let Err(what) = judge(&text, 1) {
            // The first write that lands inside another thread's line.
            let mark = events
                .windows(3)
                .position(|w| w[0].thread == w[2].thread && w[1].thread != w[0].thread)
                .map(|at| check::Mark {
                    step: at + 1,
                    note: "inside the other thread's line".to_string(),
                });
            return Err(format!(
                "{what}\n\n{}",
                check::timeline(&check::schedule(
                    &format!("counterexample: execution {execution}"),
                    &THREADS,
                    "",
                    &events,
                    mark.as_slice(),
                    &format!("text: {text:?}"),
                ))
            ));
        }
        let first = text.split(' ').next().unwrap_or("").to_string();
        let mut firsts = seen.lock().unwrap();
        if !firsts.contains(&first) {
            firsts.push(first);
        }
        Ok(())
    });
    match explored {
        Ok(executions) if firsts.lock().unwrap().len() < 2 => Err(format!(
            "In the {executions} executions loom explored, only {} wrote first: did run \
             start both threads before joining either? {}",
            firsts.lock().unwrap().join(" and "),
            super::FACADE
        )),
        Ok(_) => Ok(()),
        Err(stop) => Err(crate::checks::stopped(stop)),
    }
}
