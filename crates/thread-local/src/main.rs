//! `cargo run -p thread-local -- [STUDENTS]...`: each student greeted from a thread of its own.

use std::io;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use thread_local::sync::{Arc, Mutex};
use thread_local::{LocalSchool, MAX_STUDENTS, run};

/// One global name, one value per thread: each thread binds its student in a thread-local, then
/// greets the student it reads back, never another thread's.
///
/// The greetings come from different threads, so their order changes from run to run.
#[derive(Parser)]
#[command(version, max_term_width = 80, after_help = AFTER_HELP)]
struct Cli {
    /// The students, one thread each, named by position: Thread-A, Thread-B, ... Thread-Z
    /// (so at most 26). Each name must be non-blank and one line.
    #[arg(value_name = "STUDENTS", default_values = ["Alice", "Bob"], value_parser = parse_student)]
    students: Vec<String>,
}

const AFTER_HELP: &str = "\
Exit status: 0 when every student was greeted; 1 when a thread found no student, panicked, or \
could not write its greeting (say, stdout is a closed pipe), with an `error:` line on stderr \
naming the first such thread in student order; 2 for a usage error.";

/// Checks one student's name: not blank, and one line (each greeting is one line of output, and
/// the transcript check compares lines). clap puts the argument's name in front of the message.
fn parse_student(name: &str) -> Result<String, String> {
    if name.trim().is_empty() {
        // clap shows the value, blanks and all, in quotes before this.
        return Err("a student needs a name".to_string());
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "a student's name must be one line without control characters (got {name:?})"
        ));
    }
    Ok(name.to_owned())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.students.len() > MAX_STUDENTS {
        Cli::command()
            .error(
                ErrorKind::TooManyValues,
                format!(
                    "too many [STUDENTS]: got {}, at most {MAX_STUDENTS} (threads are named Thread-A..=Thread-Z)",
                    cli.students.len()
                ),
            )
            .exit();
    }
    let out = Arc::new(Mutex::new(io::stdout()));
    match run::<LocalSchool, _>(&cli.students, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
