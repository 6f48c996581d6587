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
//! `mistakes <lesson>` (that lesson's entries in the catalogue of mistakes, filled by `run-all`).

use std::fs;
use std::path::{Path, PathBuf};

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
    // The chapters, and their appendices in docs/deeper/.
    let mut paths = markdown_files(&ws.root.join("docs"))?;
    let deeper = ws.root.join("docs").join("deeper");
    if deeper.is_dir() {
        paths.extend(markdown_files(&deeper)?);
    }
    let mut stale = Vec::new();
    for path in paths {
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

/// The `.md` files directly in `dir`, sorted.
fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<_> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The `rust` blocks of a lesson's chapter that are not word for word in any of the lesson's
/// source files: the chapter shows the code that is compiled, or this names what drifted.
pub fn unquoted_rust_blocks<'a>(chapter: &'a str, sources: &[String]) -> Vec<&'a str> {
    const OPEN: &str = "```rust\n";
    let mut unquoted = Vec::new();
    let mut rest = chapter;
    while let Some(start) = rest.find(OPEN) {
        let body = &rest[start + OPEN.len()..];
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

/// Returns the text with every `kind` block refilled, and what changed.
fn fill_blocks(text: &str, kind: &str, lang: &str, fill: Fill) -> Result<(String, Vec<Change>)> {
    let mut out = String::new();
    let mut changes = Vec::new();
    let mut lines = text.split_inclusive('\n').enumerate();
    while let Some((index, line)) = lines.next() {
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
            Some(body) => format!("```{lang}\n{}\n```\n", body.trim_end_matches('\n')),
            None => old.clone(),
        };
        if old != new {
            let diff = StrComparison::new(&old, &new).to_string();
            changes.push((index + 1, source.trim().to_string(), diff));
        }
        out.push_str(&new);
        out.push_str(END);
        out.push('\n');
    }
    Ok((out, changes))
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
    fn an_unclosed_block_is_an_error() {
        let error = fill_blocks(
            "<!-- generated: transcript demo -->\n```text\n",
            "transcript",
            "text",
            &|_| Ok(None),
        );
        assert!(error.err().unwrap().contains("has no"));
    }
}
