//! The compile error the chapter quotes, checked against the real compiler: a plain `static`
//! must be `Sync`, and a `RefCell` is not. (rustdoc checks a `compile_fail` example's error code
//! only on nightly, so on stable this test does it.)
#![cfg(not(loom))]

use std::path::Path;
use std::process::Command;

#[test]
fn a_plain_static_refcell_does_not_compile() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compile_fail/static_refcell.rs");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("static_refcell.rmeta");
    let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string()))
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "bin",
            "--emit=metadata",
            "-o",
        ])
        .arg(out)
        .arg(source)
        .output()
        .expect("rustc runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for part in [
        "error[E0277]: `RefCell<Option<String>>` cannot be shared between threads safely",
        "shared static variables must have a type that implements `Sync`",
    ] {
        assert!(stderr.contains(part), "{part:?} not in {stderr}");
    }
}
