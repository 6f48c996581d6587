//! The lessons: every crate under `crates/`, in the order its `[package.metadata.lesson]` gives;
//! and the programs of each that `run-all` checks. A crate marked `[package.metadata.examples]
//! appendix = true` is not a lesson but an appendix's examples: `run-all` runs and checks them
//! after the lessons; it has no binary, proofs, mistakes or place in the lesson order.

use std::fs;
use std::path::PathBuf;

use crate::workspace::{Result, Workspace};

/// One lesson crate.
pub struct Lesson {
    /// The package name, which is also its folder name: `lock-balance`.
    pub name: String,
    /// `crates/<name>`.
    pub dir: PathBuf,
    /// Its place in `run-all` and `prove`: its chapter's number in the book, which run-all prints.
    pub order: i64,
    /// Its stdout lines come from several threads, in an order the scheduler picks: the transcript
    /// check compares them as a multiset, so it accepts every permutation of the expected lines.
    /// Only for a lesson where every permutation is a valid output (each line from its own
    /// thread, with no order between the threads).
    pub any_order: bool,
    /// An appendix's crate of examples, not a lesson: its programs are its examples only.
    pub appendix: bool,
}

impl Lesson {
    /// The expected transcript: the command line, then the lesson's stdout.
    pub fn transcript(&self) -> PathBuf {
        self.dir.join("output.txt")
    }

    /// The loom models.
    pub fn proofs(&self) -> PathBuf {
        self.dir.join("tests").join("proofs.rs")
    }

    /// What `run-all` runs and checks: each example that keeps a transcript beside it
    /// (`examples/<name>.txt`, e.g. the chapter's whole program), then the lesson's binary.
    pub fn programs(&self) -> Result<Vec<Program>> {
        let examples = self.dir.join("examples");
        let mut names = Vec::new();
        if let Ok(entries) = fs::read_dir(&examples) {
            for entry in entries {
                let path = entry.map_err(|e| e.to_string())?.path();
                if path.extension().is_some_and(|ext| ext == "txt") {
                    let stem = path.file_stem().and_then(|s| s.to_str());
                    names.push(stem.ok_or("an example's name is not UTF-8")?.to_string());
                }
            }
        }
        names.sort();
        let mut programs: Vec<Program> = names
            .into_iter()
            .map(|name| Program {
                args: vec![
                    "-p".into(),
                    self.name.clone(),
                    "--example".into(),
                    name.clone(),
                ],
                transcript: examples.join(format!("{name}.txt")),
                any_order: self.any_order,
            })
            .collect();
        if self.appendix {
            return Ok(programs);
        }
        programs.push(Program {
            args: vec!["-p".into(), self.name.clone()],
            transcript: self.transcript(),
            any_order: self.any_order,
        });
        Ok(programs)
    }
}

/// A program `run-all` runs, and the transcript its stdout must match.
pub struct Program {
    /// What follows `cargo run`: `-p thread-basics`, or `-p thread-basics --example whole`.
    pub args: Vec<String>,
    /// The command line, then the program's stdout.
    pub transcript: PathBuf,
    /// Compare the lines as a multiset: its lesson's [`Lesson::any_order`].
    pub any_order: bool,
}

impl Program {
    /// What a learner types to run it.
    pub fn command(&self) -> String {
        format!("cargo run {}", self.args.join(" "))
    }
}

/// The section that marks a crate under `crates/` as not a lesson: crates/exercises.
pub const EXERCISES: &str = "[package.metadata.exercises]";

/// Every lesson under `crates/`, in lesson order. A new crate there is picked up as it is.
pub fn discover(ws: &Workspace) -> Result<Vec<Lesson>> {
    let (lessons, _) = discover_all(ws)?;
    Ok(lessons)
}

/// Every appendix's crate of examples under `crates/`, by name.
pub fn appendices(ws: &Workspace) -> Result<Vec<Lesson>> {
    let (_, mut appendices) = discover_all(ws)?;
    appendices.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(appendices)
}

/// The lessons, in lesson order, and the appendices' crates.
fn discover_all(ws: &Workspace) -> Result<(Vec<Lesson>, Vec<Lesson>)> {
    let crates = ws.root.join("crates");
    let mut lessons = Vec::new();
    for entry in
        fs::read_dir(&crates).map_err(|e| format!("cannot read {}: {e}", crates.display()))?
    {
        let dir = entry.map_err(|e| e.to_string())?.path();
        let manifest_path = dir.join("Cargo.toml");
        if !manifest_path.is_file() {
            continue;
        }
        let manifest = fs::read_to_string(&manifest_path)
            .map_err(|e| format!("cannot read {}: {e}", ws.show(&manifest_path)))?;
        // The exercises crate (`cargo xtask learn`) lives under crates/ but is not a lesson.
        if manifest.lines().any(|line| line.trim() == EXERCISES) {
            continue;
        }
        let lesson = read_manifest(&manifest, dir)
            .map_err(|e| format!("{}: {e}", ws.show(&manifest_path)))?;
        lessons.push(lesson);
    }
    let (appendices, mut lessons): (Vec<_>, Vec<_>) =
        lessons.into_iter().partition(|lesson| lesson.appendix);
    lessons.sort_by_key(|lesson| lesson.order);
    if let Some(pair) = lessons
        .windows(2)
        .find(|pair| pair[0].order == pair[1].order)
    {
        return Err(format!(
            "lessons {} and {} both have order = {}: give each its own place",
            pair[0].name, pair[1].name, pair[0].order
        ));
    }
    Ok((lessons, appendices))
}

/// Reads the few keys xtask needs. Deliberately a tiny reader for `key = value` lines, not a TOML
/// parser: it understands the manifests in this repo and says so plainly when it meets anything else.
fn read_manifest(manifest: &str, dir: PathBuf) -> Result<Lesson> {
    const METADATA: &str = "[package.metadata.lesson]";
    const EXAMPLES: &str = "[package.metadata.examples]";
    let (mut name, mut order, mut any_order, mut appendix) = (None, None, false, false);
    let mut section = "";
    // No key xtask reads can hold a `#`, so everything from one on is a comment.
    for line in manifest
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
    {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match (section, key) {
            ("[package]", "name") => name = Some(value.trim_matches('"').to_string()),
            (METADATA, "order") => {
                order =
                    Some(value.parse().map_err(|_| {
                        format!("`order = {value}` in {METADATA} is not an integer")
                    })?)
            }
            (METADATA, "any-order") => {
                any_order = value.parse().map_err(|_| {
                    format!("`any-order = {value}` in {METADATA} is not true or false")
                })?
            }
            (METADATA, _) => {
                return Err(format!(
                    "unknown key `{key}` in {METADATA} (known: order, any-order)"
                ));
            }
            (EXAMPLES, "appendix") => {
                appendix = value.parse().map_err(|_| {
                    format!("`appendix = {value}` in {EXAMPLES} is not true or false")
                })?
            }
            (EXAMPLES, _) => {
                return Err(format!(
                    "unknown key `{key}` in {EXAMPLES} (known: appendix)"
                ));
            }
            _ => {}
        }
    }
    let name = name.ok_or("no `name` in [package]")?;
    if appendix && order.is_some() {
        return Err(format!(
            "an appendix's examples (appendix = true in {EXAMPLES}) are not a lesson: \
             remove {METADATA}"
        ));
    }
    // An appendix has no place in the lesson order.
    let order = if appendix { Some(0) } else { order };
    let order = order.ok_or(format!(
        "no `order = N` under {METADATA}: add it, so xtask knows where the lesson goes"
    ))?;
    if dir.file_name().and_then(|n| n.to_str()) != Some(name.as_str()) {
        return Err(format!(
            "the package is `{name}`: its folder must be crates/{name}"
        ));
    }
    Ok(Lesson {
        name,
        dir,
        order,
        any_order,
        appendix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[package]
name = "thread-local"
version.workspace = true

[package.metadata.lesson]
# Lines from two threads: any order = any-order.
order = 3 # the third
any-order = true

[dependencies]
clap.workspace = true
"#;

    #[test]
    fn reads_name_order_and_any_order() {
        let lesson = read_manifest(MANIFEST, PathBuf::from("crates/thread-local")).unwrap();
        assert_eq!(
            (lesson.name.as_str(), lesson.order, lesson.any_order),
            ("thread-local", 3, true)
        );
    }

    #[test]
    fn a_lesson_without_order_is_an_error_that_says_what_to_add() {
        let manifest = MANIFEST.replace("order = 3", "");
        let error = read_manifest(&manifest, PathBuf::from("crates/thread-local"))
            .err()
            .unwrap();
        assert!(error.contains("no `order = N`"), "{error}");
    }

    #[test]
    fn an_appendix_needs_no_order_and_runs_only_its_examples() {
        let manifest = MANIFEST.replace(
            "[package.metadata.lesson]\n# Lines from two threads: any order = any-order.\norder = 3 # the third\nany-order = true",
            "[package.metadata.examples]\nappendix = true",
        );
        let dir = PathBuf::from("crates/thread-local");
        let appendix = read_manifest(&manifest, dir.clone()).unwrap();
        let lesson = read_manifest(MANIFEST, dir).unwrap();
        assert!(appendix.appendix && !lesson.appendix);
        // No examples here (the tests run in xtask/): the lesson still has its binary.
        assert_eq!(lesson.programs().unwrap().len(), 1);
        assert_eq!(appendix.programs().unwrap().len(), 0);
    }

    #[test]
    fn an_appendix_is_not_also_a_lesson() {
        let both = format!("{MANIFEST}\n[package.metadata.examples]\nappendix = true\n");
        let error = read_manifest(&both, PathBuf::from("crates/thread-local"))
            .err()
            .unwrap();
        assert!(error.contains("not a lesson"), "{error}");
    }

    #[test]
    fn the_folder_must_be_named_for_the_package() {
        let error = read_manifest(MANIFEST, PathBuf::from("crates/other"))
            .err()
            .unwrap();
        assert!(error.contains("crates/thread-local"), "{error}");
    }
}
