//! The catalog drives the docs and is covered by scenarios.

use super::scenarios;
use super::support::run;
use mcp_doctor::diagnose::CATALOG;
use std::collections::BTreeSet;

#[test]
fn docs_findings_md_is_generated_from_the_catalog() {
    super::support::generated_file("docs/findings.md", &mcp_doctor::render::explain::findings_markdown());
}

#[test]
fn every_code_is_explained() {
    for c in CATALOG {
        assert!(c.why.len() > 40 && c.fix.len() > 20 && !c.title.is_empty(), "{} lacks an explanation", c.id);
        let out = run(&["explain", c.id]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains(c.name) && out.stdout.contains(c.why),
            "explain {}: {}",
            c.id,
            out.stdout
        );
    }
}

/// Codes only a live cluster produces; `tests/it/cluster.rs` asserts each of them.
/// `MCPD10xx` come from the broker (`--probe`, `tests/it/probe.rs`).
const CLUSTER_ONLY: &[&str] =
    &["MCPD0005", "MCPD0006", "MCPD1001", "MCPD1002", "MCPD1003", "MCPD1004", "MCPD1005"];

#[test]
fn every_code_is_produced_by_a_scenario() {
    let mut covered: BTreeSet<String> = scenarios::all()
        .into_iter()
        .flat_map(|(_, e)| e.broken.findings.into_iter().map(|f| f.code))
        .collect();
    covered.extend(CLUSTER_ONLY.iter().map(|c| c.to_string()));
    let missing: Vec<&str> = CATALOG.iter().map(|c| c.id).filter(|id| !covered.contains(*id)).collect();
    assert!(missing.is_empty(), "codes no scenario produces: {missing:?}");
}

#[test]
fn every_code_has_a_broken_and_fixed_example_from_a_scenario_that_produces_it() {
    let scenarios = scenarios::all();
    for c in CATALOG {
        let Some(files) = mcp_doctor::diagnose::examples::example(c.code) else {
            assert!(CLUSTER_ONLY.contains(&c.id), "{} has no example", c.id);
            continue;
        };
        let (_, expect) = scenarios
            .iter()
            .find(|(n, _)| n == files.scenario)
            .unwrap_or_else(|| panic!("{}: no scenario {}", c.id, files.scenario));
        assert!(
            expect.broken.findings.iter().any(|f| f.code == c.id),
            "{}: scenario {} does not produce it",
            c.id,
            files.scenario
        );
        let out = run(&["explain", c.id]);
        assert!(out.stdout.contains("\nExample:\n") && !out.stdout.contains("tests/"), "{}", out.stdout);
        // The example shows the lines that differ: a scenario that only lacks an object has a
        // "Fixed:" side alone.
        assert!(
            out.stdout.contains("Broken:") || out.stdout.contains("Fixed:"),
            "{}: no example diff in\n{}",
            c.id,
            out.stdout
        );
    }
}

#[test]
fn a_scenario_is_the_example_of_a_code_it_produces() {
    for (name, expect) in scenarios::all() {
        if let Some(code) = &expect.example {
            assert!(
                expect.broken.findings.iter().any(|f| &f.code == code),
                "{name}/expect.yaml: example: {code}, but its broken run does not report it"
            );
        }
    }
}

#[test]
fn an_example_whose_objects_are_right_shows_the_two_command_lines() {
    // A NAME in the wrong namespace: the files are the same, the command line differs.
    let out = run(&["explain", "MCPD0002"]);
    let example = out.stdout.split("\nExample:\n").nth(1).unwrap_or_default();
    assert!(
        example.contains("Broken:\n    kubectl mcp-doctor weather -n team-b")
            && example.contains("Fixed:\n    kubectl mcp-doctor weather -n team-a"),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_accepts_names_and_rejects_unknown_codes() {
    let out = run(&["explain", "backend-ref-not-permitted"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("MCPD0601 backend-ref-not-permitted (error)"), "{}", out.stdout);
    let out = run(&["explain", "MCPD9999"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unknown finding code"), "{}", out.stderr);
    let out = run(&["explain", "--list"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout.lines().count(), CATALOG.len());
}
