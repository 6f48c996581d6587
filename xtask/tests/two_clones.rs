//! One xtask binary, two clones: each command acts on the clone it is run in.
//!
//! With one `CARGO_TARGET_DIR` for two clones, cargo builds xtask once and runs that binary in
//! both, so the repo xtask acts on must come from where it is run, not from where it was built.
//! Here the one binary this test was built with runs in two copies of the repo.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const LESSON_FILE: &str = "crates/thread-basics/src/lib.rs";

#[test]
fn break_apply_changes_only_the_clone_it_is_run_in() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("two_clones");
    let _ = fs::remove_dir_all(&scratch);
    let [a, b] = ["a", "b"].map(|name| clone(repo, &scratch.join(name)));
    let before = fs::read_to_string(a.join(LESSON_FILE)).unwrap();

    // Run from a folder inside clone B, as a learner would from `crates/`.
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["break", "thread-basics/no-join", "--apply"])
        .current_dir(b.join("crates"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo xtask break --apply failed in clone B:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Compared, not diffed: the whole lesson file would bury the message.
    let changed = |clone: &Path| fs::read_to_string(clone.join(LESSON_FILE)).unwrap() != before;
    assert!(
        !changed(&a),
        "clone A's {LESSON_FILE} changed, but the command ran in clone B"
    );
    assert!(
        changed(&b),
        "clone B, where the command ran, still has its {LESSON_FILE} unchanged"
    );
}

/// A copy of the files git tracks in `repo`, committed in a repository of its own at `to`.
fn clone(repo: &Path, to: &Path) -> PathBuf {
    let listed = git(repo).args(["ls-files", "-z"]).output().unwrap();
    assert!(
        listed.status.success(),
        "git ls-files failed in {}",
        repo.display()
    );
    for file in String::from_utf8(listed.stdout)
        .unwrap()
        .split_terminator('\0')
    {
        let target = to.join(file);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        // A file deleted in the working tree but still tracked is skipped.
        if repo.join(file).is_file() {
            fs::copy(repo.join(file), &target).unwrap();
        }
    }
    for args in [
        &["init", "--quiet"][..],
        &["add", "--all"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "--quiet",
            "-m",
            "copy",
        ],
    ] {
        let status = git(to).args(args).status().unwrap();
        assert!(status.success(), "git {args:?} failed in {}", to.display());
    }
    to.to_path_buf()
}

/// git in `dir`, never reaching past it into an enclosing repository.
fn git(dir: &Path) -> Command {
    let mut git = Command::new("git");
    git.current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    git
}
