//! `cargo xtask run-all`: every lesson and its whole-program example, live, each checked against
//! its transcript.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;

use crate::docs;
use crate::lessons::{self, Lesson, Program};
use crate::mistakes;
use crate::workspace::{Result, Workspace, drain};

/// How one lesson's run ended.
enum Verdict {
    Matched,
    Blessed,
    Failed,
}

/// Builds and runs each lesson's programs (its examples that keep a transcript, then its binary
/// with its default arguments), streaming their output, and compares each one's stdout with its
/// transcript. `bless` rewrites the transcripts that differ.
pub fn run_all(ws: &Workspace, bless: bool) -> Result {
    let lessons = lessons::discover(ws)?;
    // The appendices' examples: run and checked after the lessons, as theirs are.
    let appendices = lessons::appendices(ws)?;
    let mut build = vec!["build", "--bins", "--examples"];
    for lesson in lessons.iter().chain(&appendices) {
        build.extend(["-p", &lesson.name]);
    }
    ws.cargo(&build)?;

    let mut verdicts = Vec::new();
    for lesson in &lessons {
        // The book's chapter number, so that run-all and the book name a lesson alike.
        println!("\n==> chapter {}: {}", lesson.order, lesson.name);
        for program in lesson.programs()? {
            let verdict = run_one(ws, &program, bless).unwrap_or_else(|error| {
                println!("FAILED {}: {error}", program.command());
                Verdict::Failed
            });
            verdicts.push(verdict);
        }
    }
    for appendix in &appendices {
        println!("\n==> an appendix's examples: {}", appendix.name);
        for program in appendix.programs()? {
            let verdict = run_one(ws, &program, bless).unwrap_or_else(|error| {
                println!("FAILED {}: {error}", program.command());
                Verdict::Failed
            });
            verdicts.push(verdict);
        }
    }
    // The docs quote the lessons' and the appendices' crates alike.
    let lessons: Vec<Lesson> = lessons.into_iter().chain(appendices).collect();

    let mut stale = Vec::new();
    let blocks: [(&str, &str, docs::Fill); 3] = [
        ("transcript", "text", &|words| {
            transcript_block(ws, &lessons, words).map(Some)
        }),
        ("code", "rust", &|words| code_block(ws, words).map(Some)),
        ("mistakes", "text", &|words| {
            mistakes::block(ws, words).map(Some)
        }),
    ];
    for (kind, lang, fill) in blocks {
        stale.extend(docs::sync(ws, kind, lang, fill, bless)?);
    }
    stale.extend(crate::bench::sync_page(ws, bless)?);
    for message in &stale {
        println!("\n{message}");
    }
    if !stale.is_empty() {
        println!(
            "If you changed a lesson's code, that change may be the cause: read the\n\
             differences above first. --bless is for a change you meant: if it was one, and\n\
             the new output is right, regenerate the docs' copies: cargo xtask run-all --bless"
        );
    }
    // Each `rust` block of a lesson's chapter and of its appendix must be an excerpt of the
    // lesson's `.rs` files.
    // The proofs chapter and its appendix quote every lesson: their blocks must be an excerpt of
    // some lesson's files.
    let mut misquoted = 0;
    let mut every_source = Vec::new();
    for lesson in &lessons {
        rust_sources(&lesson.dir, &mut every_source)?;
    }
    for page in ["docs/proofs.md", "docs/deeper/proofs.md"] {
        // Chapter 3 and its appendix must exist: a renamed page must not be checked as empty.
        let text =
            fs::read_to_string(ws.root.join(page)).map_err(|error| format!("{page}: {error}"))?;
        for block in docs::unquoted_rust_blocks(&text, &every_source) {
            println!("\n{page}: this `rust` block is in no lesson under crates/:\n{block}");
            misquoted += 1;
        }
    }
    for lesson in &lessons {
        let mut sources = Vec::new();
        rust_sources(&lesson.dir, &mut sources)?;
        for page in [
            format!("docs/{}.md", lesson.name),
            format!("docs/deeper/{}.md", lesson.name),
        ] {
            // A page that does not exist quotes nothing.
            let text = fs::read_to_string(ws.root.join(&page)).unwrap_or_default();
            for block in docs::unquoted_rust_blocks(&text, &sources) {
                println!(
                    "\n{page}: this `rust` block is not in crates/{}/:\n{block}",
                    lesson.name
                );
                misquoted += 1;
            }
        }
    }

    let count = |wanted: fn(&Verdict) -> bool| verdicts.iter().filter(|v| wanted(v)).count();
    let failed = count(|v| matches!(v, Verdict::Failed));
    let blessed = count(|v| matches!(v, Verdict::Blessed));
    let appendices = lessons.iter().filter(|lesson| lesson.appendix).count();
    let mut summary = format!(
        "\nrun-all: {} programs of {} lessons and {appendices} appendix run, {} matched, \
         {failed} failed",
        verdicts.len(),
        lessons.len() - appendices,
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
        (n, _, _) => Err(format!("{n} program(s) failed")),
    }
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

/// Runs one program, echoing its stdout line by line as it arrives, and checks it.
fn run_one(ws: &Workspace, program: &Program, bless: bool) -> Result<Verdict> {
    println!("$ {}", program.command());
    io::stdout().flush().map_err(|e| e.to_string())?;
    let mut args = vec!["run", "--quiet"];
    args.extend(program.args.iter().map(String::as_str));
    let mut child = ws
        .command(&args)
        // A lesson's panics are part of what it shows (an example panics on purpose, and says
        // so): their one-line message, not a backtrace a learner's RUST_BACKTRACE would add.
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        // Collected and shown after the program: streamed, it would land among the stdout lines
        // in whatever order the two pipes were read, differently from run to run.
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start cargo run: {e}"))?;
    let stderr = drain(child.stderr.take());
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
        println!(); // keep the verdict off the program's unfinished last line
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    let stderr = stderr.join().unwrap_or_default();
    if !stderr.is_empty() {
        println!("(and on stderr, which its transcript does not hold:)");
        for line in stderr.lines() {
            match line {
                "" => println!(),
                line => println!("    {line}"),
            }
        }
    }
    if !status.success() {
        return Err(format!("`{}` failed ({status})", program.command()));
    }

    let path = &program.transcript;
    let shown = ws.show(path);
    let header = format!("$ {}\n", program.command());
    let expected_stdout = match fs::read_to_string(path) {
        Ok(text) => match text.strip_prefix(&header) {
            Some(stdout) => Some(stdout.to_string()),
            None => {
                let first = header.trim_end();
                return Err(format!("{shown} must start with the line `{first}`"));
            }
        },
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(format!("cannot read {shown}: {error}")),
    };
    if let Some(expected) = &expected_stdout
        && same_output(expected, &actual, program.any_order)
    {
        println!("ok: matches {shown}");
        return Ok(Verdict::Matched);
    }
    if bless {
        // Any order is right for such a lesson, so store one that does not change from run to run.
        let stdout = if program.any_order {
            sorted_lines(&actual).concat()
        } else {
            actual
        };
        fs::write(path, format!("{header}{stdout}"))
            .map_err(|e| format!("cannot write {shown}: {e}"))?;
        println!("blessed: wrote {shown}");
        return Ok(Verdict::Blessed);
    }
    match expected_stdout {
        None => println!(
            "FAILED {}: there is no transcript {shown}",
            program.command()
        ),
        Some(expected) => {
            println!(
                "FAILED {}: its stdout differs from {shown} (< expected, > this run)",
                program.command()
            );
            if program.any_order {
                println!("(its lines may come in any order; these differ in more than order)");
            }
            println!("{}", crate::docs::diff(&expected, &actual));
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

/// The text of a `transcript <lesson>` block in the docs, that lesson's `output.txt`; or of a
/// `transcript <lesson> <example>` block, that example's `examples/<example>.txt`.
fn transcript_block(ws: &Workspace, lessons: &[Lesson], words: &[&str]) -> Result<String> {
    let (name, example) = match words {
        [name] => (name, None),
        [name, example] => (name, Some(example)),
        _ => {
            return Err(format!(
                "a transcript block names a lesson and maybe an example, not {words:?}"
            ));
        }
    };
    let lesson = lessons
        .iter()
        .find(|lesson| lesson.name == *name)
        .ok_or(format!("no lesson `{name}`"))?;
    let path = match example {
        None => lesson.transcript(),
        Some(example) => lesson.dir.join("examples").join(format!("{example}.txt")),
    };
    fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", ws.show(&path)))
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
