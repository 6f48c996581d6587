//! The compile errors the crate's docs quote, checked against the real compiler: rustdoc checks a
//! `compile_fail` example's error code only on nightly, so on stable this test does it.
#![cfg(not(loom))]

use std::path::Path;
use std::process::{Command, Output};

/// Compiles `file` (relative to the crate) as the docs' examples are (edition 2024, a binary).
fn rustc(file: &str, emit: &str, out: &Path) -> Output {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string()))
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "bin",
            "--error-format",
            "short",
        ])
        .arg(format!("--emit={emit}"))
        .arg("-o")
        .arg(out)
        .arg(source)
        .output()
        .expect("rustc runs")
}

/// The error codes in rustc's short output, in order.
fn error_codes(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|line| line.split_once(": error[")?.1.split_once(']'))
        .map(|(code, _)| code.to_string())
        .collect()
}

fn out(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

#[test]
fn two_closures_changing_one_local_do_not_compile() {
    let output = rustc(
        "tests/compile_fail/shared_local.rs",
        "metadata",
        &out("shared_local.rmeta"),
    );
    assert!(!output.status.success());
    assert_eq!(error_codes(&output), ["E0373", "E0499", "E0373", "E0502"]);
}

#[test]
fn a_static_mut_without_unsafe_does_not_compile() {
    let output = rustc(
        "tests/compile_fail/static_mut.rs",
        "metadata",
        &out("static_mut.rmeta"),
    );
    assert!(!output.status.success());
    // Four in `change_it`, one in the `println!`.
    assert_eq!(error_codes(&output), ["E0133"; 5]);
}

/// `Rc` is chapter 15's way to share a value, and `thread::spawn` refuses it: not `Send`.
#[test]
fn an_rc_cannot_be_sent_to_another_thread() {
    let output = rustc(
        "tests/compile_fail/rc_shared.rs",
        "metadata",
        &out("rc_shared.rmeta"),
    );
    assert!(!output.status.success());
    assert_eq!(error_codes(&output), ["E0277"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`Rc<std::sync::Mutex<i64>>` cannot be sent between threads safely"),
        "{stderr}"
    );
}

/// An `Arc` is `Send` only if what it holds is `Sync`, and a `RefCell` is not.
#[test]
fn an_arc_of_a_refcell_cannot_be_sent_to_another_thread() {
    let output = rustc(
        "tests/compile_fail/arc_refcell.rs",
        "metadata",
        &out("arc_refcell.rmeta"),
    );
    assert!(!output.status.success());
    assert_eq!(error_codes(&output), ["E0277"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`RefCell<i64>` cannot be shared between threads safely"),
        "{stderr}"
    );
}

/// E0373's suggestion, `move ||`, compiles (`examples/move_copies.rs`, which cargo builds as an
/// example), and prints 0 because nothing is shared: each closure changes its own copy of the
/// `i64`. Built here with rustc so that the test can run it.
#[test]
fn with_move_each_thread_changes_its_own_copy() {
    let binary = out("move_copies");
    let output = rustc("examples/move_copies.rs", "link", &binary);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let run = Command::new(&binary).output().expect("the example runs");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "0\n");
}
