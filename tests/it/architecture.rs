//! The pure core (graph, diagnose, render) never does I/O.

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

#[test]
fn pure_core_does_no_io() {
    let mut files = Vec::new();
    for dir in ["src/graph", "src/diagnose", "src/render", "src/model"] {
        files_under(&root().join(dir), &mut files);
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
