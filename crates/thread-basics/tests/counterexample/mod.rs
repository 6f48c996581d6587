//! How the thread-basics models see which thread printed each line, and how a failing one shows
//! it: a writer that notes the printing thread of every line, the lines of an execution with the
//! first one out of place marked, the transcripts reached, and the contrast's execution as a
//! picture for `cargo xtask prove`.
//!
//! A module of `tests/proofs.rs` (a `mod.rs` in a folder, so that cargo does not take it for a
//! test of its own).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use thread_basics::{LOOP_THREAD, UNNAMED};

/// The transcripts of a model, with the position (1-based) of the main thread's last line.
pub(crate) fn listing(transcripts: &BTreeSet<Vec<String>>, main_ended: &str) -> String {
    let mut listing = String::new();
    for lines in transcripts {
        let at = lines.iter().position(|line| line == main_ended).unwrap() + 1;
        writeln!(listing, "main's last line is line {at} of {}:", lines.len()).unwrap();
        for line in lines {
            writeln!(listing, "    {line}").unwrap();
        }
    }
    listing
}

/// A writer for the sink that also notes which loom thread printed each line, in a std
/// thread-local: loom runs all its threads on this one OS thread, and the log is no loom
/// operation, so it changes no schedule (the model still runs 1 execution).
pub(crate) struct Printed;

std::thread_local! {
    static PRINTED: std::cell::RefCell<Vec<(String, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Printed {
    /// A fresh log, and the writer that fills it.
    pub(crate) fn record() -> Printed {
        PRINTED.with(|log| log.borrow_mut().clear());
        Printed
    }

    /// (thread, line) for every line printed since [`Printed::record`], in order.
    pub(crate) fn take() -> Vec<(String, String)> {
        PRINTED.with(|log| std::mem::take(&mut *log.borrow_mut()))
    }
}

impl std::io::Write for Printed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let thread = loom::thread::current();
        let thread = thread.name().unwrap_or(UNNAMED).to_string();
        let text = String::from_utf8_lossy(buf);
        PRINTED.with(|log| {
            let mut log = log.borrow_mut();
            for line in text.lines() {
                log.push((thread.clone(), line.to_string()));
            }
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The lines an execution printed, in order, each with the thread that printed it, the first one
/// out of place marked with the line that belonged there.
pub(crate) fn counterexample(
    execution: u64,
    printed: &[(String, String)],
    expected: &[String],
) -> String {
    let mut out = format!(
        "counterexample: execution {execution}, the lines in the order printed:\n{:>4}  {:<12}line\n",
        "line", "printed by"
    );
    let mut marked = false;
    for (number, (thread, line)) in printed.iter().enumerate() {
        let note = match expected.get(number) {
            Some(right) if right == line => String::new(),
            _ if marked => String::new(),
            right => {
                marked = true;
                match right {
                    // On a line of its own, under the line it marks: within 80 columns.
                    Some(right) => {
                        format!("\n      ^ out of place: `{right}` belongs here")
                    }
                    None => "\n      ^ out of place: nothing belongs here".to_string(),
                }
            }
        };
        writeln!(out, "{:>4}  {thread:<12}{line}{note}", number + 1).unwrap();
    }
    if !marked {
        if let Some(right) = expected.get(printed.len()) {
            writeln!(
                out,
                "      (missing from line {}: `{right}`, and what follows)",
                printed.len() + 1
            )
            .unwrap();
        }
    }
    out.trim_end().to_string()
}

/// The contrast's picture: of `runs` (every execution's printed lines, in loom's order), the
/// executions in which main ended before LoopThread, the one with the fewest switches between the
/// threads (the first such, in loom's order, on a tie), drawn; `None` if there is none.
pub(crate) fn picture(
    runs: &[Vec<(String, String)>],
    main_ended: &str,
) -> Option<figures::Schedule> {
    let chosen = runs
        .iter()
        .filter(|printed| main_ends_first(printed, main_ended))
        .min_by_key(|printed| figures::switches(printed.iter().map(|(thread, _)| thread)))?;
    Some(drawn(chosen, main_ended))
}

/// Did the main thread print its last line before LoopThread printed its own?
fn main_ends_first(printed: &[(String, String)], main_ended: &str) -> bool {
    let loop_ended = format!("thread {LOOP_THREAD} ended.");
    let at = |wanted: &str| printed.iter().position(|(_, line)| line == wanted);
    matches!((at(main_ended), at(&loop_ended)), (Some(main), Some(others)) if main < others)
}

/// An execution's printed lines as a [`figures::Schedule`]: a lane per thread, each line's number
/// beside it, main's last line noted when it comes before LoopThread's lines end.
fn drawn(printed: &[(String, String)], main_ended: &str) -> figures::Schedule {
    // The lanes, by the name each thread prints itself with.
    let threads = [UNNAMED, LOOP_THREAD];
    let at = printed
        .iter()
        .position(|(_, line)| line == main_ended)
        .expect("an execution in which main printed its last line");
    let still_to_come = printed[at..]
        .iter()
        .filter(|(thread, _)| thread == LOOP_THREAD)
        .count();
    let steps = printed
        .iter()
        .enumerate()
        .map(|(number, (thread, line))| figures::ScheduleStep {
            lane: threads
                .iter()
                .position(|lane| lane == thread)
                .expect("main or LoopThread"),
            does: line.clone(),
            beside: format!("{}", number + 1),
            note: match (number == at, still_to_come) {
                (true, n) if n > 0 => format!(
                    "main's last line, and {n} line{} of LoopThread's still to come",
                    if n == 1 { "" } else { "s" }
                ),
                _ => String::new(),
            },
        })
        .collect();
    figures::Schedule {
        title: "\"ended.\" before join: main's last line, printed while LoopThread runs"
            .to_string(),
        lanes: threads
            .map(|thread| match thread {
                UNNAMED => format!("main thread ({UNNAMED})"),
                _ => thread.to_string(),
            })
            .to_vec(),
        beside: "line".to_string(),
        steps,
        end: format!(
            "main's last line is line {} of {}: it ended before LoopThread did",
            at + 1,
            printed.len()
        ),
    }
}

/// Lines for a failure message, one a line and indented; "(none)" when there are none.
pub(crate) fn indented(lines: &[String]) -> String {
    if lines.is_empty() {
        return "    (none)".to_string();
    }
    lines
        .iter()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
