//! `cargo run -p thread-local -- [STUDENTS]...`: each student greeted from a thread of its own.

use std::io;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use thread_local::{LocalSchool, MAX_STUDENTS, parse_student, run};

/// One global name, one value per thread: each thread binds its student in a thread-local, then
/// greets the student it reads back, never another thread's.
///
/// The greetings come from different threads, so their order changes from run to run.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// The students, one thread each, named by position: Thread-A, Thread-B, ... Thread-Z
    /// (so at most 26). Each name must be non-empty and one line.
    #[arg(value_name = "STUDENTS", default_values = ["Alice", "Bob"], value_parser = parse_student)]
    students: Vec<String>,
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
    match run::<LocalSchool, _>(&cli.students, io::stdout()) {
        Ok(_stdout) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
