//! `cargo xtask run-all`: every lesson, live, checked against its transcript.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;

use pretty_assertions::StrComparison;

use crate::docs;
use crate::lessons::{self, Lesson};
use crate::workspace::{Result, Workspace};

/// How one lesson's run ended.
enum Verdict {
    Matched,
    Blessed,
    Failed,
}

/// Builds and runs each lesson with its default arguments, streaming its output, and compares the
/// stdout with the lesson's `output.txt`. `bless` rewrites the transcripts that differ.
pub fn run_all(ws: &Workspace, bless: bool) -> Result {
    let lessons = lessons::discover(ws)?;
    let mut build = vec!["build"];
    for lesson in &lessons {
        build.extend(["-p", &lesson.name]);
    }
    ws.cargo(&build)?;

    let mut verdicts = Vec::new();
    for (i, lesson) in lessons.iter().enumerate() {
        println!("\n==> lesson {}/{}: {}", i + 1, lessons.len(), lesson.name);
        let verdict = run_one(ws, lesson, bless).unwrap_or_else(|error| {
            println!("FAILED {}: {error}", lesson.name);
            Verdict::Failed
        });
        verdicts.push(verdict);
    }

    let transcript = |words: &[&str]| transcript_block(ws, &lessons, words).map(Some);
    let mut stale = docs::sync(ws, "transcript", "text", &transcript, bless)?;
    stale.extend(docs::sync(
        ws,
        "code",
        "rust",
        &|words| code_block(ws, words).map(Some),
        bless,
    )?);
    for message in &stale {
        println!("\n{message}");
    }
    if !stale.is_empty() {
        println!("To regenerate the docs' copies: cargo xtask run-all --bless");
    }
    let mut misquoted = 0;
    for lesson in &lessons {
        for block in misquotes(ws, lesson)? {
            println!(
                "\ndocs/{}.md: this `rust` block is not in crates/{}/:\n{block}",
                lesson.name, lesson.name
            );
            misquoted += 1;
        }
    }

    let count = |wanted: fn(&Verdict) -> bool| verdicts.iter().filter(|v| wanted(v)).count();
    let failed = count(|v| matches!(v, Verdict::Failed));
    let blessed = count(|v| matches!(v, Verdict::Blessed));
    let mut summary = format!(
        "\nrun-all: {} lessons run, {} matched, {failed} failed",
        lessons.len(),
        count(|v| matches!(v, Verdict::Matched))
    );
    if bless {
        summary.push_str(&format!(", {blessed} blessed"));
    }
    println!("{summary}");
    match (failed, stale.len(), misquoted) {
        (0, 0, 0) => Ok(()),
        (0, 0, n) => Err(format!(
            "{n} rust block(s) in docs/ quote no source: fix the chapter"
        )),
        (0, n, _) => Err(format!("{n} stale generated block(s) in docs/")),
        (n, _, _) => Err(format!("{n} lesson(s) failed")),
    }
}

/// The `rust` blocks of `docs/<lesson>.md` that are not excerpts of the lesson's `.rs` files.
fn misquotes(ws: &Workspace, lesson: &Lesson) -> Result<Vec<String>> {
    let chapter_path = ws.root.join("docs").join(format!("{}.md", lesson.name));
    let Ok(chapter) = fs::read_to_string(&chapter_path) else {
        return Ok(Vec::new()); // a lesson without a chapter quotes nothing
    };
    let mut sources = Vec::new();
    rust_sources(&lesson.dir, &mut sources)?;
    let unquoted = docs::unquoted_rust_blocks(&chapter, &sources);
    Ok(unquoted.into_iter().map(str::to_string).collect())
}

/// Every `.rs` file under `dir`, read.
fn rust_sources(dir: &Path, sources: &mut Vec<String>) -> Result {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            rust_sources(&path, sources)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            sources.push(
                fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
            );
        }
    }
    Ok(())
}

/// Runs one lesson, echoing its stdout line by line as it arrives, and checks it.
fn run_one(ws: &Workspace, lesson: &Lesson, bless: bool) -> Result<Verdict> {
    println!("$ {}", lesson.command());
    io::stdout().flush().map_err(|e| e.to_string())?;
    let mut child = ws
        .command(&["run", "--quiet", "-p", &lesson.name])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start cargo run: {e}"))?;
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut actual = String::new();
    loop {
        let start = actual.len();
        let read = stdout
            .read_line(&mut actual)
            .map_err(|e| format!("reading its stdout: {e}"))?;
        if read == 0 {
            break;
        }
        print!("{}", &actual[start..]);
        io::stdout().flush().map_err(|e| e.to_string())?;
    }
    if !actual.is_empty() && !actual.ends_with('\n') {
        println!(); // keep the verdict off the lesson's unfinished last line
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("`{}` failed ({status})", lesson.command()));
    }

    let path = lesson.transcript();
    let shown = ws.show(&path);
    let header = format!("$ {}\n", lesson.command());
    let expected = match fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(format!("cannot read {shown}: {error}")),
    };
    let expected_stdout = match expected.as_deref().map(|text| text.strip_prefix(&header)) {
        Some(Some(stdout)) => Some(stdout),
        Some(None) => {
            return Err(format!(
                "{shown} must start with the line `{}`",
                header.trim_end()
            ));
        }
        None => None,
    };
    if expected_stdout.is_some_and(|expected| same_output(expected, &actual, lesson.any_order)) {
        println!("ok: matches {shown}");
        return Ok(Verdict::Matched);
    }
    if bless {
        // Any order is right for such a lesson, so store one that does not change from run to run.
        let stdout = if lesson.any_order {
            sorted_lines(&actual).concat()
        } else {
            actual
        };
        fs::write(&path, format!("{header}{stdout}"))
            .map_err(|e| format!("cannot write {shown}: {e}"))?;
        println!("blessed: wrote {shown}");
        return Ok(Verdict::Blessed);
    }
    match expected_stdout {
        None => println!("FAILED {}: there is no transcript {shown}", lesson.name),
        Some(expected) => {
            println!(
                "FAILED {}: its stdout differs from {shown} (< expected, > this run)",
                lesson.name
            );
            if lesson.any_order {
                println!("(its lines may come in any order; these differ in more than order)");
            }
            println!("{}", StrComparison::new(expected, &actual));
        }
    }
    println!("If the new output is right, accept it: cargo xtask run-all --bless");
    Ok(Verdict::Failed)
}

/// Equal, or for a lesson whose lines come from several threads, equal up to the order of lines.
fn same_output(expected: &str, actual: &str, any_order: bool) -> bool {
    if !any_order {
        return expected == actual;
    }
    sorted_lines(expected) == sorted_lines(actual)
}

/// The lines of `text`, each with its newline, sorted.
fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.sort_unstable();
    lines
}

/// The text of a `transcript <lesson>` block in the docs: that lesson's `output.txt`.
fn transcript_block(ws: &Workspace, lessons: &[Lesson], words: &[&str]) -> Result<String> {
    let [name] = words else {
        return Err(format!(
            "a transcript block names one lesson, not {words:?}"
        ));
    };
    let lesson = lessons
        .iter()
        .find(|lesson| lesson.name == *name)
        .ok_or(format!("no lesson `{name}`"))?;
    fs::read_to_string(lesson.transcript())
        .map_err(|e| format!("cannot read {}: {e}", ws.show(&lesson.transcript())))
}

/// The text of a `code <path>` block in the docs: that file, less its leading `//!` lines.
fn code_block(ws: &Workspace, words: &[&str]) -> Result<String> {
    let [path] = words else {
        return Err(format!("a code block names one file, not {words:?}"));
    };
    let text =
        fs::read_to_string(ws.root.join(path)).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(without_header(&text).to_string())
}

/// The file after its `//!` header and the blank lines that follow it.
fn without_header(text: &str) -> &str {
    let mut rest = text;
    while let Some(line) = rest.split_inclusive('\n').next() {
        if !(line.starts_with("//!") || line.trim().is_empty()) {
            break;
        }
        rest = &rest[line.len()..];
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::{same_output, without_header};

    #[test]
    fn a_code_block_drops_only_the_module_header() {
        let file = "//! The facade.\n//!\n\n#[cfg(loom)]\n//! not a header any more\nuse loom;\n";
        assert_eq!(
            without_header(file),
            "#[cfg(loom)]\n//! not a header any more\nuse loom;\n"
        );
    }

    #[test]
    fn ordered_output_must_match_exactly() {
        assert!(same_output("a\nb\n", "a\nb\n", false));
        assert!(!same_output("a\nb\n", "b\na\n", false));
    }

    #[test]
    fn any_order_accepts_every_order_of_the_same_lines_and_nothing_else() {
        assert!(same_output("a\nb\n", "b\na\n", true));
        assert!(
            !same_output("a\nb\n", "a\na\n", true),
            "a repeated line is not a reordering"
        );
        assert!(
            !same_output("a\nb\n", "a\nb\nb\n", true),
            "an extra line is not a reordering"
        );
        assert!(
            !same_output("a\nb\n", "a\nB\n", true),
            "one changed character fails"
        );
        assert!(
            !same_output("a\nb\n", "a\nb", true),
            "a missing final newline fails"
        );
    }
}
