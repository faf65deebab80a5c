//! Dev-time check against the Gateway API conformance corpus (`../shared/conformance`, not part of
//! this repository): for every HTTPRoute row of `expected.json`, the engine's attachment
//! (`Accepted`) and `ResolvedRefs` verdicts must match. Skipped, saying so, when the corpus is absent.

use mcp_doctor::graph::{Attachment, Graph};
use mcp_doctor::snapshot::Snapshot;
use serde_json::Value;
use std::path::PathBuf;

/// Where the corpus may be: `MCPD_CONFORMANCE_DIR`, else `../shared/conformance` next to the
/// repository.
fn corpus_candidates() -> Vec<PathBuf> {
    let candidates = [
        std::env::var_os("MCPD_CONFORMANCE_DIR").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance")),
    ];
    candidates.into_iter().flatten().collect()
}

fn corpus() -> Option<PathBuf> {
    corpus_candidates().into_iter().find(|p| p.join("expected.json").is_file())
}

fn load(dir: &std::path::Path, files: &[&str], placeholders: &serde_json::Map<String, Value>) -> Snapshot {
    let mut raw = Vec::new();
    for f in files {
        let mut text = std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        for (k, v) in placeholders {
            text = text.replace(k, v.as_str().unwrap_or_default());
        }
        let loaded = mcp_doctor::source::files::parse(f, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        raw.extend(loaded.objects);
    }
    Snapshot::build(raw, "default")
}

fn split_ref(s: &str) -> (String, String, String) {
    let (kind, rest) = s.split_once(' ').unwrap();
    let (ns, name) = rest.split_once('/').unwrap();
    (kind.to_string(), ns.to_string(), name.to_string())
}

#[test]
fn attachment_verdicts_match_the_conformance_corpus() {
    let Some(dir) = corpus() else {
        let tried: Vec<String> = corpus_candidates().iter().map(|p| p.display().to_string()).collect();
        super::support::skipped(&format!(
            "Gateway API conformance corpus not found at {} (set MCPD_CONFORMANCE_DIR)",
            tried.join(" or ")
        ));
        return;
    };
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let placeholders = expected["placeholders"].as_object().unwrap();
    let always: Vec<&str> =
        expected["alwaysInclude"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let (mut checked, mut failures) = (0, Vec::new());
    for test in expected["tests"].as_array().unwrap() {
        let name = test["name"].as_str().unwrap();
        let mut files = always.clone();
        files.extend(test["manifests"].as_array().unwrap().iter().filter_map(Value::as_str));
        let snap = load(&dir, &files, placeholders);
        let graph = Graph::new(&snap);
        for row in test["routeParents"].as_array().unwrap() {
            let (kind, ns, route_name) = split_ref(row["route"].as_str().unwrap());
            if kind != "HTTPRoute" {
                continue;
            }
            let route = mcp_doctor::snapshot::get(&snap.routes, &ns, &route_name)
                .unwrap_or_else(|| panic!("{name}: no route {ns}/{route_name}"));
            let (pkind, pns, pname) = split_ref(row["parent"].as_str().unwrap());
            let section = row["sectionName"].as_str();
            let evals: Vec<_> = graph
                .attachments(route)
                .into_iter()
                .filter(|e| e.target.kind == pkind && e.target.namespace == pns && e.target.name == pname)
                .filter(|e| section.is_none_or(|s| e.parent_ref.section_name.as_deref() == Some(s)))
                .collect();
            let accepted_any =
                evals.iter().any(|e| matches!(e.attachment, Attachment::Evaluated { reason: None, .. }));
            let reason = evals.iter().find_map(|e| match &e.attachment {
                Attachment::Evaluated { reason: Some(r), .. } => Some(r.as_str()),
                _ => None,
            });
            for cond in row["conditions"].as_array().unwrap() {
                let (ctype, status, want_reason) =
                    (cond[0].as_str().unwrap(), cond[1].as_str().unwrap(), cond[2].as_str().unwrap());
                checked += 1;
                let (got_status, got_reason) = match ctype {
                    "Accepted" => {
                        if accepted_any {
                            ("True", "Accepted")
                        } else {
                            ("False", reason.unwrap_or("<no parent>"))
                        }
                    }
                    "ResolvedRefs" => match graph.resolved_refs(route) {
                        None => ("True", "ResolvedRefs"),
                        Some(r) => ("False", r),
                    },
                    _ => continue,
                };
                if got_status != status || (want_reason != "*" && got_reason != want_reason) {
                    failures.push(format!("{name}: {} -> {} [{section:?}] {ctype}: want {status}/{want_reason}, got {got_status}/{got_reason}", row["route"], row["parent"]));
                }
            }
        }
        for route_ref in test["noAcceptedParents"].as_array().unwrap().iter().filter_map(Value::as_str) {
            let (kind, ns, route_name) = split_ref(route_ref);
            if kind != "HTTPRoute" {
                continue;
            }
            let route = mcp_doctor::snapshot::get(&snap.routes, &ns, &route_name).unwrap();
            checked += 1;
            if graph
                .attachments(route)
                .iter()
                .any(|e| matches!(e.attachment, Attachment::Evaluated { reason: None, .. }))
            {
                failures.push(format!("{name}: {route_ref} must have no accepted parent"));
            }
        }
        for row in test["unresolvedParents"].as_array().into_iter().flatten() {
            let (_, ns, route_name) = split_ref(row["route"].as_str().unwrap());
            let (_, pns, pname) = split_ref(row["parent"].as_str().unwrap());
            let route = mcp_doctor::snapshot::get(&snap.routes, &ns, &route_name).unwrap();
            checked += 1;
            let ok = graph.attachments(route).iter().any(|e| {
                e.target.namespace == pns
                    && e.target.name == pname
                    && matches!(e.attachment, Attachment::ParentNotFound)
            });
            if !ok {
                failures.push(format!("{name}: {} -> {} must be unresolved", row["route"], row["parent"]));
            }
        }
    }
    eprintln!("conformance: {checked} HTTPRoute expectations checked, {} failed", failures.len());
    assert!(checked > 80, "only {checked} expectations checked");
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}
