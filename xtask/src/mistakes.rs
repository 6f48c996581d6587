//! `cargo xtask break`: the catalogue of mistakes a learner makes, each caught by a proof.
//!
//! A mistake is a patch against its lesson's own files, `crates/<lesson>/mistakes/<name>.diff`,
//! made with `git diff`, under a header of `# key: value` lines:
//!
//! ```text
//! # mistake: the lock taken to read the balance, then again to write it
//! # python: with lock: b = balance
//! # caught-by: with_the_lock_every_thread_finds_the_balance_at_zero
//! # not-caught-by: with_the_lock_every_explored_interleaving_ends_at_zero_2_iterations
//! # why: each line is whole, and + n, - n commute
//! ```
//!
//! `mistake` (one) and `caught-by` (one or more) are required; `python`, `not-caught-by` and `why`
//! may repeat, one line each. A `caught-by` model must fail with a counterexample; a
//! `not-caught-by` model must pass: the catalogue's claims are checked, not just stated.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::lessons;
use crate::prove::{self, DocFigures, Row};
use crate::workspace::{Result, Workspace};

/// One entry of the catalogue.
pub struct Mistake {
    /// The lesson it breaks: `lock-balance`.
    pub lesson: String,
    /// The patch's file name without `.diff`: `lock-too-small`.
    pub name: String,
    /// `crates/<lesson>/mistakes/<name>.diff`.
    pub patch: PathBuf,
    /// What the mistake is, in a learner's words.
    pub what: String,
    /// The Python it corresponds to, a line each; empty where there is none.
    pub python: Vec<String>,
    /// The models that must fail on it, each with a counterexample.
    pub caught_by: Vec<String>,
    /// The models that must still pass: what they cannot see, said and checked.
    pub not_caught_by: Vec<String>,
    /// Why, in a few lines.
    pub why: Vec<String>,
    /// It breaks the proofs, not the program (`# breaks: the proofs`): listed with chapter 3 and
    /// the appendices (`mistakes <lesson> proofs`), not in the lesson's chapter.
    pub breaks_the_proofs: bool,
    /// Its patch changes only the lesson's facade (`src/sync.rs`, `src/sync/`): a mistake in the
    /// scaffolding the proofs stand on, shown in an appendix, not in the chapter's Try it.
    pub facade: bool,
}

/// Where a mistake is made, and so which block of the docs lists it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// In the lesson's own code: its chapter's Try it.
    Lesson,
    /// In its proofs (`# breaks: the proofs`): chapter 3 and the appendices.
    Proofs,
    /// In its facade only (`src/sync.rs`, `src/sync/`): an appendix.
    Facade,
}

impl Mistake {
    /// Which block of the docs lists it.
    pub fn kind(&self) -> Kind {
        if self.breaks_the_proofs {
            Kind::Proofs
        } else if self.facade {
            Kind::Facade
        } else {
            Kind::Lesson
        }
    }

    /// `lesson/name`, as a learner types it.
    pub fn id(&self) -> String {
        format!("{}/{}", self.lesson, self.name)
    }

    /// Its lesson's folder, `crates/<lesson>`: what `--apply` changes and `git checkout` undoes.
    fn folder(&self) -> String {
        format!("crates/{}", self.lesson)
    }

    /// The models to run: those that must catch it, then those that must not.
    fn models(&self) -> Vec<String> {
        self.caught_by
            .iter()
            .chain(&self.not_caught_by)
            .cloned()
            .collect()
    }
}

/// Every lesson's mistakes, in lesson order, then by name.
pub fn catalogue(ws: &Workspace) -> Result<Vec<Mistake>> {
    let mut mistakes = Vec::new();
    for lesson in lessons::discover(ws)? {
        let dir = lesson.dir.join("mistakes");
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut patches: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "diff"))
            .collect();
        // By name: `fetch-add` before `fetch-add-first-line-only` (sorting paths would put the
        // `-` of the second before the `.` of the first).
        patches.sort_by(|a, b| a.file_stem().cmp(&b.file_stem()));
        for patch in patches {
            let text = fs::read_to_string(&patch)
                .map_err(|e| format!("cannot read {}: {e}", ws.show(&patch)))?;
            let name = patch
                .file_stem()
                .and_then(|stem| stem.to_str())
                .ok_or(format!("{}: a name that is not UTF-8", ws.show(&patch)))?
                .to_string();
            let mistake = parse(&lesson.name, &name, &patch, &text)
                .map_err(|e| format!("{}: {e}", ws.show(&patch)))?;
            mistakes.push(mistake);
        }
    }
    Ok(mistakes)
}

/// Reads an entry's header: the `# key: value` lines before the patch.
fn parse(lesson: &str, name: &str, patch: &Path, text: &str) -> Result<Mistake> {
    let mut mistake = Mistake {
        lesson: lesson.to_string(),
        name: name.to_string(),
        patch: patch.to_path_buf(),
        what: String::new(),
        python: Vec::new(),
        caught_by: Vec::new(),
        not_caught_by: Vec::new(),
        why: Vec::new(),
        breaks_the_proofs: false,
        facade: false,
    };
    for (number, line) in text.lines().enumerate() {
        if !line.starts_with('#') {
            break;
        }
        let (key, value) = line
            .strip_prefix("# ")
            .and_then(|header| header.split_once(": "))
            .ok_or(format!("line {}: not `# key: value`", number + 1))?;
        // A `python` line keeps its indentation: it is code.
        let value = match key {
            "python" => value.trim_end().to_string(),
            _ => value.trim().to_string(),
        };
        match key {
            "mistake" if !mistake.what.is_empty() => {
                return Err(format!(
                    "line {}: a second `mistake` line; the entry says what it is once",
                    number + 1
                ));
            }
            "mistake" => mistake.what = value,
            "python" => mistake.python.push(value),
            "caught-by" => mistake.caught_by.push(value),
            "not-caught-by" => mistake.not_caught_by.push(value),
            "why" => mistake.why.push(value),
            "breaks" => {
                mistake.breaks_the_proofs = match value.as_str() {
                    "the proofs" => true,
                    "the lesson" => false,
                    _ => {
                        return Err(format!(
                            "line {}: `breaks: {value}`: it breaks `the lesson` or `the proofs`",
                            number + 1
                        ));
                    }
                }
            }
            _ => {
                return Err(format!(
                    "line {}: `{key}` is not a key an entry has (once: mistake; any number: \
                     python, caught-by, not-caught-by, why; breaks)",
                    number + 1
                ));
            }
        }
    }
    if mistake.what.is_empty() || mistake.caught_by.is_empty() {
        return Err("the header needs a `# mistake:` line and a `# caught-by:` line".into());
    }
    let changed = changed_files(text);
    if changed.is_empty() {
        return Err("no patch after the header (make one with `git diff`)".into());
    }
    // `--apply` checks, and `git checkout` undoes, the lesson's folder: the patch stays in it.
    let folder = format!("{}/", mistake.folder());
    if let Some(outside) = changed.iter().find(|file| !file.starts_with(&folder)) {
        return Err(format!(
            "the patch changes {outside}, outside {folder}: a mistake changes its own lesson only"
        ));
    }
    let sync = format!("{}src/sync", folder);
    mistake.facade = changed.iter().all(|file| {
        file.strip_prefix(&sync)
            .is_some_and(|rest| rest == ".rs" || rest.starts_with('/'))
    });
    Ok(mistake)
}

/// The files a patch changes, as `git diff` names them (`+++ b/<path>`), relative to the root.
fn changed_files(patch: &str) -> Vec<&str> {
    patch
        .lines()
        .filter_map(|line| line.strip_prefix("+++ b/"))
        .collect()
}

/// A usage error (exit 2) unless `id` names an entry; it lists the valid ones.
pub fn find(ws: &Workspace, id: &str) -> Result<Mistake> {
    let mistakes = catalogue(ws)?;
    let ids: Vec<String> = mistakes.iter().map(Mistake::id).collect();
    mistakes
        .into_iter()
        .find(|mistake| mistake.id() == id)
        .ok_or(format!(
            "no mistake `{id}` in the catalogue; the mistakes are:\n  {}",
            ids.join("\n  ")
        ))
}

/// `cargo xtask break`: the catalogue.
pub fn list(ws: &Workspace) -> Result {
    println!("The mistakes, each caught by a proof:\n");
    print!("{}", listing(&catalogue(ws)?));
    println!(
        "\nEach is made in a copy of the workspace under target/, never in your files.\n\
         Add --apply to make it in your own files and fix it by hand."
    );
    Ok(())
}

/// The command that shows each mistake, and what it is: the listing, and the chapters' copies of
/// it (`<!-- generated: mistakes <lesson> -->`, filled by `run-all`).
pub fn listing(mistakes: &[Mistake]) -> String {
    mistakes
        .iter()
        .map(|mistake| format!("cargo xtask break {}\n    {}\n", mistake.id(), mistake.what))
        .collect()
}

/// A chapter's block `mistakes <lesson>` (or `mistakes <lesson> lesson`): that lesson's entries
/// that break the lesson's own code, for its chapter's Try it; `mistakes <lesson> proofs`, those
/// that break its proofs (`# breaks: the proofs`), for chapter 3 and the appendices; `mistakes
/// <lesson> facade`, those that change only its facade (`src/sync.rs`, `src/sync/`), for an
/// appendix: a mistake in the scaffolding the proofs stand on is no mistake a learner makes in
/// the lesson.
pub fn block(ws: &Workspace, words: &[&str]) -> Result<String> {
    let (lesson, kind) = match words {
        [lesson] | [lesson, "lesson"] => (lesson, Kind::Lesson),
        [lesson, "proofs"] => (lesson, Kind::Proofs),
        [lesson, "facade"] => (lesson, Kind::Facade),
        _ => {
            return Err(format!(
                "a mistakes block names one lesson, then `lesson`, `proofs`, `facade` or \
                 nothing, not {words:?}"
            ));
        }
    };
    let mistakes: Vec<Mistake> = catalogue(ws)?
        .into_iter()
        .filter(|mistake| mistake.lesson == *lesson && mistake.kind() == kind)
        .collect();
    if mistakes.is_empty() {
        let which = match kind {
            Kind::Lesson => "",
            Kind::Proofs => "that break its proofs",
            Kind::Facade => "in its facade",
        };
        return Err(format!(
            "the catalogue has no mistakes for `{lesson}` {which}"
        ));
    }
    Ok(listing(&mistakes))
}

/// `cargo xtask break <lesson>/<mistake>`: shows the mistake, applies it to the scratch copy,
/// runs the models its entry names there, and shows what they found. `Err` when it was not
/// caught as the catalogue says.
pub fn show(ws: &Workspace, mistake: &Mistake) -> Result {
    // Within 80 columns where the words allow: the title and the why are wrapped here.
    let title = format!("{}: {}", mistake.id(), mistake.what);
    println!("{}", figures::wrap(&title, 80).join("\n    "));
    if !mistake.python.is_empty() {
        println!("\nIn Python:\n    {}", mistake.python.join("\n    "));
    }
    if !mistake.why.is_empty() {
        println!("\n{}", figures::wrap(&mistake.why.join(" "), 80).join("\n"));
    }
    println!(
        "\nThe change, made in a copy of the workspace under {}\n({}):\n",
        ws.show(&scratch_root(ws)),
        ws.show(&mistake.patch)
    );
    let text = fs::read_to_string(&mistake.patch).map_err(|e| e.to_string())?;
    // From `--- a/<file>` on: the header was shown above, and git's own lines say nothing here.
    for line in text.lines().skip_while(|line| !line.starts_with("--- ")) {
        println!("    {line}");
    }
    println!(
        "\nNow the proofs that must catch it run there: each should say FAILED, and here\n\
         that is the point.\n"
    );
    checked(ws, mistake, true)?;
    println!(
        "Make it in your own files, and fix it by hand:\n    cargo xtask break {} --apply",
        mistake.id()
    );
    Ok(())
}

/// Checks the mistake in the scratch copy ([`check`]) and prints the models' report and the
/// verdict; unless `verbose`, only one line for a mistake caught as its entry says (its failing
/// models would fill a log with "FAILED"). `Err` says why it is not caught as its entry says, or
/// why it could not be checked.
fn checked(ws: &Workspace, mistake: &Mistake, verbose: bool) -> Result {
    let (report, problems) = check(ws, mistake, verbose)
        .map_err(|error| format!("{} could not be checked: {error}", mistake.id()))?;
    if !verbose {
        if problems.is_empty() {
            // The name, then what it is: two lines, each within 80 columns where it can be.
            println!("caught  {}\n        {}", mistake.id(), mistake.what);
            return Ok(());
        }
        println!("\n==> break {}: {}", mistake.id(), mistake.what);
    }
    print!("{}", report.text);
    if !problems.is_empty() {
        return Err(format!(
            "{} is NOT caught as {} says:\n  {}",
            mistake.id(),
            ws.show(&mistake.patch),
            problems.join("\n  ")
        ));
    }
    // A line per model: the names are long, and the verdict stays within 80 columns.
    println!(
        "\nbreak: caught. Failed with a counterexample, as they must (here a failing proof\n\
         is the point):\n    {}",
        mistake.caught_by.join("\n    ")
    );
    if !mistake.not_caught_by.is_empty() {
        println!(
            "Passed, as the entry requires:\n    {}",
            mistake.not_caught_by.join("\n    ")
        );
    }
    Ok(())
}

/// `cargo xtask break --all`, a step of `cargo xtask test`: every entry, each caught by the
/// models it names, each failure with its counterexample, each `not-caught-by` model passing;
/// two lines per mistake caught as its entry says, unless `verbose`.
pub fn check_all(ws: &Workspace, verbose: bool) -> Result {
    let mistakes = catalogue(ws)?;
    let mut failures = Vec::new();
    if !verbose {
        println!(
            "Each mistake is made in a copy of the workspace; its proofs must fail there. \
             Details: cargo xtask break --all --verbose"
        );
    }
    for mistake in &mistakes {
        if verbose {
            println!("\n==> break {}: {}", mistake.id(), mistake.what);
        }
        // One entry that cannot be checked (a stale patch, a build error) does not stop the rest.
        if let Err(message) = checked(ws, mistake, verbose) {
            println!("\nbreak: {message}");
            failures.push(message);
        }
    }
    println!(
        "\nbreak: {} of {} mistakes caught as the catalogue says",
        mistakes.len() - failures.len(),
        mistakes.len()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// Applies the mistake to the scratch copy, runs its models there (the build's and each model's
/// progress shown if `progress`), and says what differs from its entry (nothing, when it is caught
/// as the catalogue says).
fn check(
    ws: &Workspace,
    mistake: &Mistake,
    progress: bool,
) -> Result<(prove::Report, Vec<String>)> {
    let copy = scratch(ws)?;
    // The copy is of the working tree, so that an entry can be checked before it is committed;
    // a learner's leftover mistake would then be checked along with this one.
    let changed = uncommitted(ws, &mistake.folder())?;
    if let Some(changes) = &changed {
        eprintln!(
            "warning: {folder} differs from its last commit, and the copy has those changes too; \
             if a mistake made with --apply is still there, undo it first (git checkout -- \
             {folder}):\n{changes}",
            folder = mistake.folder()
        );
    }
    git_apply(&copy.root, &mistake.patch, &ws.show(&mistake.patch)).map_err(|error| {
        match changed {
            // The patch is made against the committed lesson, not against those changes.
            Some(_) => format!("it cannot be made on top of the changes above. {error}"),
            None => error,
        }
    })?;
    let lessons: Vec<_> = lessons::discover(&copy)?
        .into_iter()
        .filter(|lesson| lesson.name == mistake.lesson)
        .collect();
    let rows = prove::run(&copy, &lessons, Some(&mistake.models()), progress).map_err(|error| {
        format!(
            "{} with {} applied: {error}",
            mistake.lesson,
            ws.show(&mistake.patch)
        )
    })?;
    let report = prove::report(&copy, &lessons, &rows, DocFigures::Ignore)?;
    Ok((report, problems(mistake, &rows)))
}

/// What the models' verdicts say against the entry's claims: each `caught-by` model failed with a
/// counterexample, each `not-caught-by` model passed.
fn problems(mistake: &Mistake, rows: &[Row]) -> Vec<String> {
    let caught = mistake.caught_by.iter().map(|model| (model, true));
    let claims = caught.chain(mistake.not_caught_by.iter().map(|model| (model, false)));
    let problem = |(model, caught): (&String, bool)| {
        let Some(row) = rows.iter().find(|row| &row.model == model) else {
            return Some(format!("{model} did not run"));
        };
        match (caught, row.passed) {
            (true, true) => Some(format!(
                "{model} passed, but the entry says it catches this"
            )),
            (true, false) if !row.failure().contains("counterexample:") => {
                Some(format!("{model} failed without a counterexample"))
            }
            (false, false) => Some(format!(
                "{model} failed, but the entry says it cannot catch this mistake"
            )),
            _ => None,
        }
    };
    claims.filter_map(problem).collect()
}

/// Where the scratch copy of the workspace lives: `<target>/break/workspace`.
fn scratch_root(ws: &Workspace) -> PathBuf {
    ws.target_dir().join("break").join("workspace")
}

/// The scratch copy, made equal to the workspace's files as git sees them (tracked, and untracked
/// but not ignored: no `target/`, no `.venv/`), each written only where it differs, so cargo
/// rebuilds only what a mistake changed. It builds into a target folder of its own, shared by
/// every mistake: a lesson copied there has the same name and the same path inside its workspace
/// as the real one, and cargo could take one's build for the other's if they shared a folder.
fn scratch(ws: &Workspace) -> Result<Workspace> {
    let root = scratch_root(ws);
    let listed = git(&ws.root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .map_err(|e| format!("cargo xtask break needs git, to copy and patch the lesson: {e}"))?;
    if !listed.status.success() {
        return Err(format!(
            "cargo xtask break needs the repo as a git checkout; git said: {}",
            String::from_utf8_lossy(&listed.stderr).trim_end()
        ));
    }
    // Every path the copy keeps, its folders included, so that `remove_others` can take away
    // what a previous mistake added and the workspace does not have.
    let mut wanted = BTreeSet::from([root.clone()]);
    for file in String::from_utf8_lossy(&listed.stdout).split('\0') {
        let source = ws.root.join(file);
        if file.is_empty() || !source.is_file() {
            continue; // the end of the list, or a tracked file deleted from the working tree
        }
        let copy = root.join(file);
        let bytes =
            fs::read(&source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        if fs::read(&copy).ok().as_deref() != Some(&bytes[..]) {
            let folder = copy.parent().unwrap_or(&root);
            fs::create_dir_all(folder)
                .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
            fs::write(&copy, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", copy.display()))?;
        }
        wanted.extend(
            copy.ancestors()
                .take_while(|path| *path != root)
                .map(Path::to_path_buf),
        );
    }
    remove_others(&root, &wanted)?;
    Ok(ws.copy_at(root, ws.target_dir().join("break").join("target")))
}

/// Removes what is in `dir` and not in `wanted`.
fn remove_others(dir: &Path, wanted: &BTreeSet<PathBuf>) -> Result {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if wanted.contains(&path) {
            if path.is_dir() {
                remove_others(&path, wanted)?;
            }
        } else if path.is_dir() {
            fs::remove_dir_all(&path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        } else {
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// `git apply <patch>` in `root`, and a check that every file it names did change: git skips,
/// with success, a path outside the folder it runs in when it finds a repository above it (the
/// scratch copy sits in the repo's `target/`), so the copy's parent is a ceiling it does not
/// search past. `shown` names the patch in messages.
fn git_apply(root: &Path, patch: &Path, shown: &str) -> Result {
    let text = fs::read_to_string(patch).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let files = changed_files(&text);
    let before: Vec<Option<Vec<u8>>> = files.iter().map(|f| fs::read(root.join(f)).ok()).collect();
    let mut git = git(root);
    git.env("GIT_CEILING_DIRECTORIES", root.parent().unwrap_or(root));
    let output = git
        .args(["apply", "--whitespace=nowarn"])
        .arg(patch)
        .output()
        .map_err(|e| format!("could not run git to apply {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{shown} no longer applies to the lesson's files: the code it changes has changed \
             since it was made. Make the mistake again by hand and save it with `git diff` under \
             the same header. git said:\n{}",
            String::from_utf8_lossy(&output.stderr).trim_end()
        ));
    }
    for (file, before) in files.iter().zip(before) {
        if fs::read(root.join(file)).ok() == before {
            return Err(format!(
                "git applied {shown} without changing {file} in {}: nothing was made",
                root.display()
            ));
        }
    }
    Ok(())
}

/// `git status` of a lesson's folder: `None` when it is as committed.
fn uncommitted(ws: &Workspace, folder: &str) -> Result<Option<String>> {
    let status = git(&ws.root)
        .args(["status", "--porcelain", "--", folder])
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if !status.status.success() {
        return Err(format!(
            "git status failed: {}",
            String::from_utf8_lossy(&status.stderr).trim_end()
        ));
    }
    let changes = String::from_utf8_lossy(&status.stdout)
        .trim_end()
        .to_string();
    Ok((!changes.is_empty()).then_some(changes))
}

/// `git`, in `dir`, ignoring a `GIT_DIR` or `GIT_WORK_TREE` set by whoever runs xtask.
fn git(dir: &Path) -> Command {
    let mut git = Command::new("git");
    git.current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    git
}

/// `cargo xtask break <lesson>/<mistake> --apply`: makes the mistake in the working tree, for a
/// learner to fix by hand. Refuses if the lesson has uncommitted changes, so that git can undo it.
pub fn apply(ws: &Workspace, mistake: &Mistake) -> Result {
    let folder = mistake.folder();
    if let Some(changes) = uncommitted(ws, &folder)
        .map_err(|e| format!("--apply needs the repo as a git checkout, to undo it with: {e}"))?
    {
        return Err(format!(
            "{folder} has uncommitted changes; commit or stash them first (git stash), so that \
             the mistake can be undone alone:\n{changes}"
        ));
    }
    git_apply(&ws.root, &mistake.patch, &ws.show(&mistake.patch))?;
    println!("Made the mistake {}: {}", mistake.id(), mistake.what);
    let models: Vec<String> = mistake
        .caught_by
        .iter()
        .map(|model| format!(" --model {model}"))
        .collect();
    println!(
        "\nSee the proofs catch it, and after your fix see them pass:\n    cargo xtask prove {}{}",
        mistake.lesson,
        models.concat()
    );
    println!("See what changed: git diff -- {folder}\nOr undo it: git checkout -- {folder}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "\
# mistake: the lock left out
# python: change_it(n)
# caught-by: proof_a
# not-caught-by: proof_b
# why: b looks elsewhere
diff --git a/crates/l/src/lib.rs b/crates/l/src/lib.rs
--- a/crates/l/src/lib.rs
+++ b/crates/l/src/lib.rs
@@ -1 +1 @@
-fn a() {}
+fn b() {}
";

    fn mistake() -> Mistake {
        parse("l", "no-lock", Path::new("no-lock.diff"), PATCH).expect("a valid entry")
    }

    fn row(model: &str, passed: bool, output: &str) -> Row {
        Row::new("l", model, passed, output)
    }

    #[test]
    fn reads_an_entrys_header() {
        let mistake = mistake();
        assert_eq!(mistake.id(), "l/no-lock");
        assert_eq!(mistake.what, "the lock left out");
        assert_eq!(mistake.python, ["change_it(n)"]);
        assert_eq!(mistake.caught_by, ["proof_a"]);
        assert_eq!(mistake.not_caught_by, ["proof_b"]);
        assert_eq!(mistake.models(), ["proof_a", "proof_b"]);
        assert!(
            !mistake.breaks_the_proofs,
            "an entry breaks the lesson unless it says"
        );
        let in_the_proofs = PATCH.replace("# why:", "# breaks: the proofs\n# why:");
        let parsed = parse("l", "x", Path::new("x.diff"), &in_the_proofs).expect("valid");
        assert!(parsed.breaks_the_proofs);
        let neither = PATCH.replace("# why:", "# breaks: the docs\n# why:");
        let error = parse("l", "x", Path::new("x.diff"), &neither)
            .err()
            .expect("refused");
        assert!(error.contains("`the lesson` or `the proofs`"), "{error}");
        assert!(!mistake.facade, "lib.rs is the lesson, not its facade");
        let in_the_facade = PATCH.replace("crates/l/src/lib.rs", "crates/l/src/sync/channel.rs");
        let in_the_facade = parse("l", "x", Path::new("x.diff"), &in_the_facade).unwrap();
        assert!(in_the_facade.facade);
    }

    #[test]
    fn an_entry_with_a_bad_header_no_patch_or_a_patch_outside_its_lesson_is_refused() {
        let without_model = PATCH.replace("# caught-by: proof_a\n", "");
        let unknown_key = PATCH.replace("# why:", "# because:");
        let header_only: String = PATCH.lines().take(5).map(|l| format!("{l}\n")).collect();
        let twice = PATCH.replace("# python:", "# mistake:");
        let bare_hash = PATCH.replace("# python: change_it(n)", "#");
        let outside_the_lesson = PATCH.replace("+++ b/crates/l/", "+++ b/crates/other/");
        for text in [
            without_model,
            unknown_key,
            header_only,
            twice,
            bare_hash,
            outside_the_lesson,
        ] {
            assert!(
                parse("l", "x", Path::new("x.diff"), &text).is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn caught_only_when_its_model_fails_with_a_counterexample_and_the_other_passes() {
        let panicked = "thread 'proof_a' panicked at proofs.rs:1:1:\nended at 5\n\ncounterexample: \
                        execution 19, step by step:\n";
        let caught = [row("proof_a", false, panicked), row("proof_b", true, "")];
        assert_eq!(problems(&mistake(), &caught), Vec::<String>::new());

        let uncaught = [row("proof_a", true, ""), row("proof_b", true, "")];
        assert_eq!(
            problems(&mistake(), &uncaught),
            ["proof_a passed, but the entry says it catches this"]
        );

        let bare = "thread 'proof_a' panicked at proofs.rs:1:1:\nended at 5\n";
        let without_schedule = [row("proof_a", false, bare), row("proof_b", true, "")];
        assert_eq!(
            problems(&mistake(), &without_schedule),
            ["proof_a failed without a counterexample"]
        );

        let both_fail = [row("proof_a", false, panicked), row("proof_b", false, bare)];
        assert_eq!(
            problems(&mistake(), &both_fail),
            ["proof_b failed, but the entry says it cannot catch this mistake"]
        );
    }

    /// A copy of a one-lesson workspace, in a folder of its own inside a git repository, as the
    /// scratch copy sits inside the repo's `target/`: `(repository, copy)`.
    fn scratch_dir(name: &str) -> (PathBuf, PathBuf) {
        let repo = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&repo);
        let dir = repo.join("target").join("copy");
        fs::create_dir_all(dir.join("crates/l/src")).unwrap();
        let init = git(&repo).args(["init", "--quiet"]).status().unwrap();
        assert!(init.success(), "git init");
        (repo, dir)
    }

    #[test]
    fn a_patch_applies_to_the_copy_though_it_sits_inside_a_repository() {
        let (repo, dir) = scratch_dir("applies");
        fs::write(dir.join("crates/l/src/lib.rs"), "fn a() {}\n").unwrap();
        let patch = dir.join("no-lock.diff");
        fs::write(&patch, PATCH).unwrap();
        git_apply(&dir, &patch, "crates/l/mistakes/no-lock.diff").expect("applies");
        assert_eq!(
            fs::read_to_string(dir.join("crates/l/src/lib.rs")).unwrap(),
            "fn b() {}\n"
        );
        fs::remove_dir_all(&repo).unwrap();
    }

    #[test]
    fn a_patch_that_no_longer_applies_is_an_error_naming_its_file() {
        let (repo, dir) = scratch_dir("stale");
        fs::write(dir.join("crates/l/src/lib.rs"), "fn changed() {}\n").unwrap();
        let patch = dir.join("no-lock.diff");
        fs::write(&patch, PATCH).unwrap();
        let error = git_apply(&dir, &patch, "crates/l/mistakes/no-lock.diff")
            .expect_err("the file it changes has changed");
        assert!(
            error.starts_with("crates/l/mistakes/no-lock.diff no longer applies"),
            "{error}"
        );
        assert!(
            error.contains("crates/l/src/lib.rs"),
            "git's words name the file: {error}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("crates/l/src/lib.rs")).unwrap(),
            "fn changed() {}\n",
            "nothing is half-applied"
        );
        fs::remove_dir_all(&repo).unwrap();
    }
}
