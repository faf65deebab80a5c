//! The house rules: layers only look down (model → snapshot → source → graph → diagnose →
//! render → cli), I/O stays in `source/` and the runner (lib.rs, main.rs), every module says what
//! it owns.

use super::support::root;

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layers, lowest first: a module may use its own layer and those before it.
const LAYERS: &[&str] = &["model", "snapshot", "source", "graph", "diagnose", "render", "cli"];

/// The layer of a file under `src/` (`None` for the runner: lib.rs, main.rs).
fn layer_of(file: &std::path::Path) -> Option<&'static str> {
    let rel = file.strip_prefix(root().join("src")).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
    LAYERS.iter().copied().find(|l| *l == first)
}

/// The top-level modules a file names as `crate::X` (in `use` lines and in paths).
fn crate_modules_named(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .match_indices("crate::")
        .filter(|(i, _)| !text[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(i, m)| text[i + m.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn layers_only_look_down() {
    let mut files = Vec::new();
    files_under(&root().join("src"), &mut files);
    let mut seen_edges = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let Some(layer) = layer_of(file) else { continue };
        let rank = LAYERS.iter().position(|l| *l == layer).unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        for used in crate_modules_named(&text) {
            let Some(used_rank) = LAYERS.iter().position(|l| *l == used) else { continue };
            seen_edges += 1;
            if used_rank > rank {
                wrong.push(format!("{} ({layer}) uses crate::{used}", file.display()));
            }
        }
    }
    // The scan sees the real imports (diagnose uses graph, snapshot and model, and so on).
    assert!(seen_edges > 40, "only {seen_edges} imports between modules found: is the scan broken?");
    assert!(wrong.is_empty(), "imports that look up a layer:\n{}", wrong.join("\n"));
}

#[test]
fn the_layer_scan_sees_an_upward_import() {
    assert_eq!(
        crate_modules_named("use crate::graph::get;\nlet x = crate::diagnose::Scope::default();"),
        ["diagnose", "graph"]
    );
    assert!(crate_modules_named("use mcp_doctor::graph;").is_empty());
}

#[test]
fn pure_core_does_no_io() {
    let mut files = Vec::new();
    for dir in ["src/graph", "src/diagnose", "src/render", "src/model", "src/snapshot.rs", "src/cli.rs"] {
        let path = root().join(dir);
        if path.is_dir() {
            files_under(&path, &mut files);
        } else {
            files.push(path);
        }
    }
    assert!(files.len() > 10, "expected the core modules, found {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for banned in ["std::fs", "tokio", "kube::", "std::net", "std::process", "std::io::stdin"] {
            assert!(
                !text.contains(banned),
                "{} mentions {banned}: I/O belongs in src/source/",
                file.display()
            );
        }
    }
}

#[test]
fn every_module_says_what_it_owns() {
    let mut files = Vec::new();
    files_under(&root().join("src"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("//!"), "{} has no //! line", file.display());
    }
}

/// The lines of each function in `text` (from its `fn` line to the closing brace at its indent).
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim_start();
        let t = t.strip_prefix("pub ").or_else(|| t.strip_prefix("pub(crate) ")).unwrap_or(t);
        let t = t.strip_prefix("async ").or_else(|| t.strip_prefix("const ")).unwrap_or(t);
        let Some(rest) = t.strip_prefix("fn ") else { continue };
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let close = format!("{}}}", " ".repeat(indent));
        let end = lines[i + 1..]
            .iter()
            .position(|l| *l == close || l.starts_with(&format!("{close} ")))
            .map(|n| i + 1 + n);
        if let Some(end) = end {
            out.push((name, end - i + 1));
        }
    }
    out
}

/// Functions short enough to read at once: none over 100 lines in `src/`.
#[test]
fn no_function_is_over_100_lines() {
    let mut files = Vec::new();
    files_under(&root().join("src"), &mut files);
    let mut long = Vec::new();
    let mut seen = 0;
    for file in &files {
        for (name, n) in function_lengths(&std::fs::read_to_string(file).unwrap()) {
            seen += 1;
            if n > 100 {
                long.push(format!("{}: {name} ({n} lines)", file.display()));
            }
        }
    }
    assert!(seen > 300, "only {seen} functions found: is the scan broken?");
    assert!(long.is_empty(), "functions over 100 lines:\n{}", long.join("\n"));
    assert_eq!(function_lengths("fn a() {\n    x\n}\n"), [("a".to_string(), 3)]);
}

/// The calls that word a finding: only the catalog's constructors make them (`finding.rs`
/// defines them).
fn words_a_finding(text: &str) -> bool {
    ["Finding::new(", "Fix::say(", ".lowered("].iter().any(|call| text.contains(call))
}

/// One source for each finding's wording: analyzers pass typed data to the constructor of a
/// code in `src/diagnose/catalog/`, which alone writes messages and fixes.
#[test]
fn findings_are_worded_in_the_catalog_only() {
    let mut files = Vec::new();
    files_under(&root().join("src"), &mut files);
    let catalog = root().join("src/diagnose/catalog");
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&catalog) && !f.ends_with("diagnose/finding.rs"))
        .filter(|f| words_a_finding(&std::fs::read_to_string(f).unwrap()))
        .map(|f| f.display().to_string())
        .collect();
    assert!(outside.is_empty(), "findings worded outside src/diagnose/catalog/: {outside:?}");
    assert!(words_a_finding("walk.find(Finding::new(Code::X, me, \"\", m, fix))"));
}

/// A code added to the catalog table without its constructor fails here.
#[test]
fn every_code_has_a_constructor_in_the_catalog() {
    let mut files = Vec::new();
    files_under(&root().join("src/diagnose/catalog"), &mut files);
    let constructors: String = files
        .iter()
        .filter(|f| !f.ends_with("mod.rs"))
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let missing: Vec<&str> = mcp_doctor::diagnose::CATALOG
        .iter()
        .filter(|c| !constructors.contains(&format!("Code::{:?}", c.code)))
        .map(|c| c.id)
        .collect();
    assert!(missing.is_empty(), "codes without a constructor in src/diagnose/catalog/: {missing:?}");
}

/// Every module of graph/ and diagnose/ with code of its own has unit tests on small snapshots
/// (the `testing` helpers are what they use).
#[test]
fn every_graph_and_diagnose_module_has_unit_tests() {
    let mut files = Vec::new();
    files_under(&root().join("src/graph"), &mut files);
    files_under(&root().join("src/diagnose"), &mut files);
    let untested: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("testing.rs"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("fn ") && !text.contains("#[cfg(test)]")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(files.len() > 20, "only {} files found: is the scan broken?", files.len());
    assert!(untested.is_empty(), "modules without unit tests: {untested:?}");
}
