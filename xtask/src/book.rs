//! `cargo xtask book`: the chapters in `docs/` as an mdBook, built with a pinned mdbook; with
//! `--test`, the built book checked in headless Chromium.
//!
//! The book is built into `target/book/docs/`, and every file under `crates/` that a chapter
//! links to (`../crates/...`, as GitHub resolves it from `docs/`) is copied to
//! `target/book/crates/`: the book's folder sits beside them as `docs/` sits beside `crates/` in
//! the repo, so the same relative link works on GitHub, in the book over HTTP, and from disk.
//!
//! The browser tests are `xtask/book-test/book.test.mjs` and `panels.test.mjs` (the "Be the
//! scheduler" panels, checked against the lessons and the proofs' figures), run by Node's own
//! test runner with the `playwright-core` package (no browser of its own: it drives the
//! system's Chromium). It is installed with `npm ci` into `target/book-test/`, so nothing of it
//! is built by `cargo xtask run-all` or any cargo build.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::workspace::{Result, Workspace, run};

/// The mdbook the book is built with, installed into `target/tools/` when absent.
pub const MDBOOK_VERSION: &str = "0.5.4";
/// The browser tests, their package and its lock file, in `xtask/book-test/`.
const TEST_FILES: [&str; 4] = [
    "book.test.mjs",
    "panels.test.mjs",
    "package.json",
    "package-lock.json",
];
/// The browser tests `node --test` runs: the whole book, then the scheduler panels.
const TESTS: [&str; 2] = ["book.test.mjs", "panels.test.mjs"];
/// Where a browser is looked for when `$CHROMIUM` is not set (Debian's package first).
const BROWSERS: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "chrome"];

/// Builds the book (installing mdbook first if needed) and says where it is; with `test`, then
/// runs the browser test, which is skipped with a message on a machine without Chromium or Node.js
/// unless `$CI` is set, where it is required.
pub fn book(ws: &Workspace, test: bool) -> Result {
    let started = Instant::now();
    let mdbook = mdbook(ws)?;
    let out = ws.target_dir().join("book");
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("cannot remove {}: {e}", out.display()))?;
    }
    let book = out.join("docs");
    run(
        Command::new(&mdbook)
            .arg("build")
            .arg(ws.root.join("docs"))
            .arg("--dest-dir")
            .arg(&book),
        "mdbook build docs",
    )?;
    let copied = copy_linked_sources(ws, &out)?;
    println!(
        "\nThe book is in {}: open {} (and {copied} linked source file(s) beside it, in {})",
        book.display(),
        book.join("index.html").display(),
        out.join("crates").display()
    );
    eprintln!(
        "cargo xtask book: built in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if test {
        browser_test(ws, &out)?;
    }
    Ok(())
}

/// The pinned mdbook: `target/tools/bin/mdbook` if it is that version, else installed there with
/// `cargo install --locked` (built in `target/tools/build/`, kept for the next install).
fn mdbook(ws: &Workspace) -> Result<PathBuf> {
    let tools = ws.target_dir().join("tools");
    let binary = tools
        .join("bin")
        .join(format!("mdbook{}", env::consts::EXE_SUFFIX));
    let wanted = format!("mdbook v{MDBOOK_VERSION}");
    let version = || {
        Command::new(&binary)
            .arg("--version")
            .output()
            .ok()
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    if version().as_deref() == Some(wanted.as_str()) {
        return Ok(binary);
    }
    eprintln!(
        "==> installing mdbook {MDBOOK_VERSION} into {} (once; a few minutes)",
        tools.display()
    );
    let started = Instant::now();
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    run(
        Command::new(cargo)
            .current_dir(&ws.root)
            .env("CARGO_TARGET_DIR", tools.join("build"))
            .args(["install", "--locked", "--force", "--no-default-features"])
            .args(["--features", "search", "--root"])
            .arg(&tools)
            .arg(format!("mdbook@{MDBOOK_VERSION}")),
        &format!("cargo install mdbook@{MDBOOK_VERSION}"),
    )?;
    eprintln!(
        "==> mdbook {MDBOOK_VERSION} installed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    match version() {
        Some(version) if version == wanted => Ok(binary),
        other => Err(format!(
            "{} says {other:?}, not {wanted:?}",
            binary.display()
        )),
    }
}

/// Copies each file under `crates/` that a page of `docs/` links to into `out/crates/`; returns
/// how many. A link to a file that does not exist is an error here already.
fn copy_linked_sources(ws: &Workspace, out: &Path) -> Result<usize> {
    let mut copied = 0;
    for page in crate::docs::pages(ws)? {
        let text = fs::read_to_string(&page).map_err(|e| format!("{}: {e}", page.display()))?;
        let dir = page.parent().expect("a page is in a folder");
        for target in link_targets(&text) {
            let path = normalize(&dir.join(target));
            let Ok(inside) = path.strip_prefix(ws.root.join("crates")) else {
                continue;
            };
            let to = out.join("crates").join(inside);
            fs::create_dir_all(to.parent().expect("a file is in a folder"))
                .map_err(|e| format!("cannot create a folder for {}: {e}", to.display()))?;
            fs::copy(&path, &to).map_err(|e| {
                format!(
                    "{} links to {target}, which cannot be copied: {e}",
                    ws.show(&page)
                )
            })?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// The targets of a page's inline links, `[text](target)`, less any `#anchor`, that are files
/// (not `http...` or `#...`).
fn link_targets(text: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("](") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or("");
        if !(target.is_empty() || target.contains("://") || target.contains(' ')) {
            targets.push(target);
        }
        rest = &rest[end..];
    }
    targets
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// How to run the browser test, for the message that says it was skipped (80 columns).
const HOW_TO_RUN: &str = "To run it, install Chromium and Node.js 20 or newer (on Debian: \
apt-get install -y\nchromium nodejs npm), or point $CHROMIUM at a Chromium or Chrome binary; \
then run\ncargo xtask book --test";

/// Runs `xtask/book-test/book.test.mjs` against the book in `out` (see the module's doc).
fn browser_test(ws: &Workspace, out: &Path) -> Result {
    let in_ci = env::var_os("CI").is_some_and(|value| !value.is_empty() && value != "false");
    let chromium = env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| BROWSERS.iter().find_map(|name| on_path(name)));
    let node = on_path("node");
    let npm = on_path("npm");
    let (Some(chromium), Some(node), Some(npm)) = (&chromium, &node, &npm) else {
        let missing: Vec<&str> = [
            (chromium.is_none(), "Chromium"),
            (node.is_none(), "node"),
            (npm.is_none(), "npm"),
        ]
        .into_iter()
        .filter_map(|(absent, name)| absent.then_some(name))
        .collect();
        let missing = format!("{} not found", missing.join(", "));
        if in_ci {
            return Err(format!(
                "the browser test of the book is required in CI ($CI is set): \
                 {missing}.\n{HOW_TO_RUN}"
            ));
        }
        println!("\nSKIPPED the browser test of the book: {missing}.\n{HOW_TO_RUN}");
        return Ok(());
    };
    let started = Instant::now();
    let dir = ws.target_dir().join("book-test");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let source = ws.root.join("xtask").join("book-test");
    let lock = fs::read(source.join("package-lock.json")).unwrap_or_default();
    let installed = fs::read(dir.join("package-lock.json")).unwrap_or_default();
    let fresh = lock == installed && dir.join("node_modules").join("playwright-core").is_dir();
    for file in TEST_FILES {
        // A new file, not a write into the old one: a target/ copied with hard links (cp -al)
        // would otherwise see the write in every copy.
        let _ = fs::remove_file(dir.join(file));
        fs::copy(source.join(file), dir.join(file))
            .map_err(|e| format!("cannot copy xtask/book-test/{file}: {e}"))?;
    }
    if !fresh {
        run(
            Command::new(npm)
                .current_dir(&dir)
                .args(["ci", "--no-audit", "--no-fund"]),
            "npm ci (in target/book-test)",
        )?;
    }
    println!("\n==> the browser test, in {}", chromium.display());
    let result = run(
        Command::new(node)
            .current_dir(&dir)
            .args(["--test", "--test-reporter=spec"])
            .args(TESTS)
            .env("BOOK_ROOT", out)
            // The panels' test checks their lines against the lessons' sources.
            .env("REPO_ROOT", &ws.root)
            .env("CHROMIUM", chromium),
        "node --test book.test.mjs panels.test.mjs (the browser tests of the book)",
    );
    eprintln!(
        "cargo xtask book: the browser test took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    result
}

/// The first `name` in `$PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_links_that_name_files_are_found() {
        let text = "[a](../crates/x.rs) [b](#here) [c](https://e.org/x) [d](other.md#part)";
        assert_eq!(link_targets(text), ["../crates/x.rs", "other.md"]);
        assert_eq!(
            normalize(Path::new("/r/docs/deeper/../../crates/x.rs")),
            Path::new("/r/crates/x.rs")
        );
    }
}
