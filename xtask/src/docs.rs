//! Generated blocks in `docs/*.md` and `docs/deeper/*.md`: text the code produced, embedded so it cannot drift.
//!
//! ````markdown
//! <!-- generated: transcript lock-balance -->
//! ```text
//! $ cargo run -p lock-balance
//! 0
//! ```
//! <!-- end generated -->
//! ````
//!
//! The words after `generated:` name the source: `transcript <lesson>` (its `output.txt`, filled
//! by `run-all`; `transcript <lesson> <example>`, that example's `examples/<example>.txt`),
//! `code <path>` (a source file without its `//!` header, filled by `run-all`), or
//! `proof <lesson> <model> <key>` (a figure a loom model reported, filled by `prove`), or
//! `mistakes <lesson>` (that lesson's entries in the catalogue of mistakes, filled by `run-all`;
//! `mistakes <lesson> lesson` or `facade`, those in its own code or in its facade alone),
//! or `bench <what>` (docs/performance.md's run and its figures, Markdown unfenced: bench.rs).
//!
//! A figure of one line can also stand inside a line, a table's cell say, where a fenced block
//! would be a grey box for a single number:
//!
//! ```markdown
//! | 1 | <!-- generated: proof lock-balance some_model executions -->81<!-- end generated --> |
//! ```
//!
//! Both forms render in mdBook and on GitHub alike, which show neither comment. A `code` block of
//! a whole program that needs nothing but std is fenced `rust`, so the book gives it the Rust
//! Playground's Run button; any other is `rust,noplayground`.

use std::fs;
use std::path::PathBuf;

use pretty_assertions::StrComparison;

use crate::workspace::{Result, Workspace};

const BEGIN: &str = "<!-- generated: ";
const END: &str = "<!-- end generated -->";

/// What a block holds: its text, or `None` to leave the block as it is (its source was not run).
pub type Fill<'a> = &'a dyn Fn(&[&str]) -> Result<Option<String>>;

/// Checks (or, with `bless`, rewrites) every block whose source starts with `kind`, fenced as
/// `lang`. `fill` gets the source's words after `kind`. Returns one message per stale block.
pub fn sync(
    ws: &Workspace,
    kind: &str,
    lang: &str,
    fill: Fill,
    bless: bool,
) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for path in pages(ws)? {
        let shown = ws.show(&path);
        let text = fs::read_to_string(&path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let (new_text, changes) =
            fill_blocks(&text, kind, lang, fill).map_err(|e| format!("{shown}: {e}"))?;
        if changes.is_empty() {
            continue;
        }
        if bless {
            fs::write(&path, new_text).map_err(|e| format!("cannot write {shown}: {e}"))?;
            for (line, source, _) in &changes {
                eprintln!("blessed {shown}:{line} ({source})");
            }
        } else {
            for (line, source, diff) in changes {
                stale.push(format!(
                    "{shown}:{line}: the block `{source}` is stale\n{diff}"
                ));
            }
        }
    }
    Ok(stale)
}

/// The pages of the book: the chapters, `docs/*.md`, then their appendices, `docs/deeper/*.md`.
pub fn pages(ws: &Workspace) -> Result<Vec<PathBuf>> {
    let mut pages = Vec::new();
    for dir in [ws.root.join("docs"), ws.root.join("docs").join("deeper")] {
        if pages.is_empty() || dir.is_dir() {
            let mut found: Vec<_> = fs::read_dir(&dir)
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
                .collect();
            found.sort();
            pages.extend(found);
        }
    }
    Ok(pages)
}

/// The `rust` blocks of a lesson's chapter (fenced `rust`, or `rust,<attributes>` such as
/// `rust,noplayground`) that are not word for word in any of the lesson's source files: the
/// chapter shows the code that is compiled, or this names what drifted.
pub fn unquoted_rust_blocks<'a>(chapter: &'a str, sources: &[String]) -> Vec<&'a str> {
    const OPEN: &str = "```rust";
    let mut unquoted = Vec::new();
    let mut rest = chapter;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let info_end = after.find('\n').unwrap_or(after.len());
        let info = &after[..info_end];
        if !(info.is_empty() || info.starts_with(',')) {
            rest = after; // ```rustc or the like: not a rust block
            continue;
        }
        let body = &after[(info_end + 1).min(after.len())..];
        let end = body.find("```\n").unwrap_or(body.len());
        let block = &body[..end];
        if !sources.iter().any(|source| source.contains(block)) {
            unquoted.push(block);
        }
        rest = &body[end..];
    }
    unquoted
}

/// A changed block: its line, its source, and a diff of old against new.
type Change = (usize, String, String);

/// The fence's info string for a block of `lang`: a `rust` block the Rust Playground cannot run
/// (not a whole program, or one that needs more than std) is `rust,noplayground`, so that the
/// book gives it no Run button.
fn fence(lang: &str, body: &str) -> String {
    if lang == "rust" && !runs_on_the_playground(body) {
        return "rust,noplayground".to_string();
    }
    lang.to_string()
}

/// A whole program (it has `fn main`) whose every `use` is of std.
fn runs_on_the_playground(code: &str) -> bool {
    let mut lines = code.lines();
    lines.clone().any(|line| line.starts_with("fn main("))
        && lines.all(|line| !line.trim_start().starts_with("use ") || line.contains("use std::"))
}

/// Refills the figures that stand inside `line` (`BEGIN source -->value END`), pushing the line
/// as refilled to `out`; a figure there must be one line.
fn fill_inline(
    line: &str,
    number: usize,
    kind: &str,
    fill: Fill,
    out: &mut String,
    changes: &mut Vec<Change>,
) -> Result {
    let mut rest = line;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let source_end = after
            .find("-->")
            .ok_or(format!("line {number}: a `{BEGIN}` without its `-->`"))?;
        let source = after[..source_end].trim();
        let value_start = &after[source_end + 3..];
        let value_end = value_start.find(END).ok_or(format!(
            "line {number}: `{source}` has no `{END}` on its line"
        ))?;
        let old = &value_start[..value_end];
        out.push_str(&rest[..start + BEGIN.len() + source_end + 3]);
        let words: Vec<&str> = source.split_whitespace().collect();
        let new = match words.first() == Some(&kind) {
            true => fill(&words[1..]).map_err(|e| format!("line {number}: {e}"))?,
            false => None,
        };
        match new.map(|value| value.trim().to_string()) {
            Some(value) if value.contains('\n') => {
                return Err(format!(
                    "line {number}: `{source}` is a figure of several lines: give it a block"
                ));
            }
            Some(value) if value != old => {
                let diff = diff(old, &value);
                changes.push((number, source.to_string(), diff));
                out.push_str(&value);
            }
            _ => out.push_str(old),
        }
        out.push_str(END);
        rest = &value_start[value_end + END.len()..];
    }
    out.push_str(rest);
    Ok(())
}

/// Returns the text with every `kind` block refilled, and what changed.
fn fill_blocks(text: &str, kind: &str, lang: &str, fill: Fill) -> Result<(String, Vec<Change>)> {
    let mut out = String::new();
    let mut changes = Vec::new();
    let mut lines = text.split_inclusive('\n').enumerate();
    while let Some((index, line)) = lines.next() {
        if !line.starts_with(BEGIN) && line.contains(BEGIN) {
            fill_inline(line, index + 1, kind, fill, &mut out, &mut changes)?;
            continue;
        }
        out.push_str(line);
        let Some(source) = line
            .trim_end()
            .strip_prefix(BEGIN)
            .and_then(|rest| rest.strip_suffix("-->"))
        else {
            continue;
        };
        let words: Vec<&str> = source.split_whitespace().collect();
        if words.first() != Some(&kind) {
            continue;
        }
        let mut old = String::new();
        loop {
            match lines.next() {
                Some((_, line)) if line.trim_end() == END => break,
                Some((_, line)) => old.push_str(line),
                None => {
                    return Err(format!(
                        "line {}: `{}` has no `{END}`",
                        index + 1,
                        line.trim_end()
                    ));
                }
            }
        }
        let new = match fill(&words[1..]).map_err(|e| format!("line {}: {e}", index + 1))? {
            Some(body) => {
                let body = body.trim_end_matches('\n');
                match lang {
                    // Markdown (a table, a paragraph): blank lines keep it a block of its own.
                    "" => format!("\n{body}\n\n"),
                    _ => format!("```{}\n{body}\n```\n", fence(lang, body)),
                }
            }
            None => old.clone(),
        };
        if old != new {
            let diff = diff(&old, &new);
            changes.push((index + 1, source.trim().to_string(), diff));
        }
        out.push_str(&new);
        out.push_str(END);
        out.push('\n');
    }
    Ok((out, changes))
}

/// pretty_assertions' diff of `old` and `new`, without escape codes when colour is off
/// (main turns it off unless both streams are terminals). Its word-level highlights write their
/// codes whatever yansi's switch says, so they are taken out here.
pub fn diff(old: &str, new: &str) -> String {
    let diff = StrComparison::new(old, new).to_string();
    if yansi::is_enabled() {
        return diff;
    }
    let mut plain = String::with_capacity(diff.len());
    let mut chars = diff.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // `ESC [ parameters final-byte`: skip to the final byte, `@` to `~`.
            chars.by_ref().skip(1).find(|c| ('@'..='~').contains(c));
        } else {
            plain.push(c);
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Title\n\n<!-- generated: transcript demo -->\n```text\nold\n```\n<!-- end generated -->\nafter\n";

    #[test]
    fn refills_a_stale_block_and_keeps_the_rest() {
        let (text, changes) = fill_blocks(DOC, "transcript", "text", &|words| {
            Ok(Some(format!("new {}", words[0])))
        })
        .unwrap();
        assert_eq!(text, DOC.replace("old", "new demo"));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].1, "transcript demo");
    }

    #[test]
    fn an_unfenced_block_is_markdown_between_blank_lines() {
        let doc = "<!-- generated: bench table -->\n\n| a |\n\n<!-- end generated -->\n";
        let refill = |body: &'static str| move |_: &[&str]| Ok(Some(body.to_string()));
        let (text, changes) = fill_blocks(doc, "bench", "", &refill("| a |\n")).unwrap();
        assert_eq!((text.as_str(), changes.len()), (doc, 0));
        let (text, _) = fill_blocks(doc, "bench", "", &refill("| b |")).unwrap();
        assert_eq!(text, doc.replace("| a |", "| b |"));
    }

    #[test]
    fn a_fresh_block_is_no_change() {
        let (text, changes) =
            fill_blocks(DOC, "transcript", "text", &|_| Ok(Some("old".to_string()))).unwrap();
        assert_eq!((text.as_str(), changes.len()), (DOC, 0));
    }

    #[test]
    fn a_source_that_was_not_run_leaves_its_block_alone() {
        let (text, changes) = fill_blocks(DOC, "transcript", "text", &|_| Ok(None)).unwrap();
        assert_eq!((text.as_str(), changes.len()), (DOC, 0));
    }

    #[test]
    fn blocks_of_another_kind_are_left_alone() {
        let (text, changes) =
            fill_blocks(DOC, "proof", "text", &|_| Err("not called".to_string())).unwrap();
        assert_eq!((text.as_str(), changes.len()), (DOC, 0));
    }

    #[test]
    fn a_rust_block_must_be_an_excerpt_of_a_source_file() {
        let sources = ["fn main() {\n    let n = 0;\n    println!(\"{n}\");\n}\n".to_string()];
        let chapter = "```rust\n    let n = 0;\n```\ntext\n```rust\n    let n = 1;\n```\n```text\nlet n = 2;\n```\n";
        assert_eq!(
            unquoted_rust_blocks(chapter, &sources),
            ["    let n = 1;\n"]
        );
    }

    #[test]
    fn a_figure_inside_a_line_is_refilled_in_place() {
        let doc = "| 1 | <!-- generated: proof demo a -->80<!-- end generated --> |\n";
        let (text, changes) = fill_blocks(doc, "proof", "text", &|words| {
            Ok(Some(format!("{}1\n", words[1])))
        })
        .unwrap();
        assert_eq!(text, doc.replace("80", "a1"));
        assert_eq!(changes.len(), 1);
        let error = fill_blocks(doc, "proof", "text", &|_| Ok(Some("1\n2".into())));
        assert!(error.unwrap_err().contains("several lines"));
    }

    #[test]
    fn only_a_std_only_whole_program_gets_the_playground() {
        assert_eq!(fence("rust", "use std::thread;\n\nfn main() {}\n"), "rust");
        assert_eq!(
            fence("rust", "use thread_basics::Sink;\nfn main() {}"),
            "rust,noplayground"
        );
        assert_eq!(
            fence("rust", "#[cfg(loom)]\npub use loom::thread;"),
            "rust,noplayground"
        );
        assert_eq!(fence("text", "fn main() {}"), "text");
    }

    #[test]
    fn a_rust_block_with_attributes_is_checked_too() {
        let sources = ["let n = 0;\n".to_string()];
        let chapter = "```rust,noplayground\nlet n = 1;\n```\n";
        assert_eq!(unquoted_rust_blocks(chapter, &sources), ["let n = 1;\n"]);
    }

    #[test]
    fn an_unclosed_block_is_an_error() {
        let error = fill_blocks(
            "<!-- generated: transcript demo -->\n```text\n",
            "transcript",
            "text",
            &|_| Ok(None),
        );
        assert!(error.err().unwrap().contains("has no"));
    }

    /// Redirected output carries no escape codes, the word-level highlights' included.
    #[test]
    fn a_diff_has_no_escape_codes_when_colour_is_off() {
        yansi::disable();
        let diff = super::diff(
            "a teller that sends only +n\n",
            "the tellers send only +n\n",
        );
        assert!(!diff.contains('\x1b'), "{diff:?}");
        assert!(diff.contains("teller") && diff.contains('<') && diff.contains('>'));
    }
}
