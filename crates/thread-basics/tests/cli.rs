//! The real binary: its transcript on the process's real main thread, its flags, and a stdout
//! that fails, in the main thread or in `LoopThread`.
#![cfg(not(loom))]

use std::process::Output;

use pretty_assertions::assert_eq;

const BIN: &str = env!("CARGO_BIN_EXE_thread-basics");

fn run(args: &[&str]) -> Output {
    cli_checks::run(BIN, args)
}

#[test]
fn binary_prints_output_txt_on_its_main_thread() {
    // No pause: the output is the same, only sooner.
    let output = run(&["--interval-ms", "0"]);
    assert!(output.status.success(), "{output:?}");
    let expected: String = include_str!("../output.txt")
        .lines()
        .skip(1)
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
}

/// Both flags refuse anything but a whole number in their range with one message, which names
/// the flag and gives the range, and nothing runs.
#[test]
fn invalid_values_exit_2_naming_the_flag_and_the_range() {
    let flags: [(&str, &str, &[&str]); 2] = [
        ("--ticks <N>", "0..=1000", &["1001", "abc", "2.5"]),
        ("--interval-ms <MS>", "0..=10000", &["10001", "1s", "0.5"]),
    ];
    for (flag, range, own) in flags {
        cli_checks::refuses_bad_numbers(BIN, flag, range, own);
    }
}

#[test]
fn the_ends_of_each_range_are_accepted() {
    for args in [
        ["--ticks", "0", "--interval-ms", "0"],
        ["--ticks", "1000", "--interval-ms", "0"],
        // No tick, so no pause of 10 s.
        ["--ticks", "0", "--interval-ms", "10000"],
    ] {
        let output = run(&args);
        assert!(output.status.success(), "{args:?}: {output:?}");
    }
    let output = run(&["--ticks", "1000", "--interval-ms", "0"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1000 + 4);
    assert!(stdout.contains("thread LoopThread >>> 1000\n"));
}

#[test]
fn help_gives_the_ranges_and_defaults() {
    cli_checks::help_holds(
        BIN,
        &[
            "--ticks <N>",
            "0..=1000",
            "[default: 5]",
            "--interval-ms <MS>",
            "0..=10000",
            "[default: 1000]",
            "Exit status: 0 when both threads printed all their lines; 1 when LoopThread panicked or \
             a line could not be written",
            "2 for a usage error",
        ],
    );
}

/// A stdout that fails, each run repeated: `/dev/full` (the main thread's first line fails), a
/// capped file (a line of `LoopThread` fails). A closed pipe is in `closed_pipe.rs`. Linux only:
/// `/dev/full`, and the messages of its errnos.
#[cfg(target_os = "linux")]
mod stdout_fails {
    use std::fs::{self, File};
    use std::process::{Command, Stdio};

    use pretty_assertions::assert_eq;

    use super::BIN;
    use cli_checks::{TRIES, dev_full, elide_id_and_location, fails_the_same_way};

    /// `/dev/full` as stdout: every write fails with "no space left", so the main thread's first
    /// line does, before `LoopThread` is started. An `error:` line and status 1, never a panic
    /// (status 101).
    #[test]
    fn a_stdout_that_is_full_exits_1_naming_the_main_thread() {
        fails_the_same_way(
            BIN,
            &["--interval-ms", "0"],
            dev_full,
            "error: thread 'main' failed printing a line: No space left on device (os error 28)\n",
        );
    }

    /// Makes LoopThread's writes fail part way, deterministically, without a flag for it: stdout is
    /// a file and the shell caps the size of any file the process writes (`ulimit -f 1`: 512 or
    /// 1024 bytes, depending on the shell), with the signal that cap sends ignored, so a write past
    /// the cap fails with EFBIG. The main thread's first line fits under the cap; with 100 ticks
    /// the output does not, so the failing write is always one of LoopThread's. Stderr is a pipe,
    /// which no such cap applies to.
    ///
    /// LoopThread's panic is reported twice, by design: by std's panic hook, as any panic is, and
    /// by the program, from `join`'s `Err`, as the `error:` line.
    #[test]
    fn a_loop_thread_whose_stdout_fails_exits_1_naming_the_thread() {
        let path =
            std::env::temp_dir().join(format!("thread-basics-cli-{}.out", std::process::id()));
        for _ in 0..TRIES {
            let output = Command::new("sh")
                .args(["-c", r#"trap "" XFSZ; ulimit -f 1; exec "$0" "$@""#, BIN])
                .args(["--ticks", "100", "--interval-ms", "0"])
                .stdout(Stdio::from(File::create(&path).unwrap()))
                .env("RUST_BACKTRACE", "0")
                .output()
                .unwrap();
            let stdout = fs::read_to_string(&path).unwrap();
            let stderr = String::from_utf8(output.stderr).unwrap();

            assert_eq!(
                elide_id_and_location(&stderr),
                "\n\
                 thread 'LoopThread' (<id>) panicked at <file>:<line>:<column>:\n\
                 failed printing a line: File too large (os error 27)\n\
                 note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
                 error: thread 'LoopThread' panicked: failed printing a line: File too large (os error 27)\n"
            );
            assert_eq!(output.status.code(), Some(1), "{stderr}");
            assert!(
                stdout.starts_with("thread main is running...\nthread LoopThread is running...\n")
            );
            assert!(
                !stdout.contains("ended."),
                "neither thread got to its last line:\n{stdout}"
            );
        }
        fs::remove_file(&path).unwrap();
    }
}
