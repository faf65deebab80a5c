//! `dump`: what a live diagnosis reads, written as YAML, diagnoses offline to the same verdicts,
//! codes and blamed objects, and never carries a Secret's value.

use super::cluster_support::doctor_env;
use super::scenarios::{FILES_ONLY, all, case_objects, targeted_args};
use super::support::fake_apiserver::{FakeApiServer, Options};
use super::support::{Run, run};

/// Verdict per server, and every finding's code, severity and blamed object.
/// The exit code, and each finding by the rule that breaks (its cause, else its code): offline,
/// without the served API versions, the candidate releases can be wider than live, and a rule
/// lowered for "not main" live is lowered for "some releases" offline, with the same severity.
fn outcome(out: &Run) -> (i32, Vec<String>) {
    let rule =
        |f: &serde_json::Value| if f["cause"].is_null() { f["code"].clone() } else { f["cause"].clone() };
    let report = out.json();
    let mut said = Vec::new();
    for s in report["servers"].as_array().into_iter().flatten() {
        said.push(format!("{} {}: {}", s["ref"]["namespace"], s["ref"]["name"], s["verdict"]));
        for f in s["findings"].as_array().into_iter().flatten() {
            said.push(format!("  {} {} on {}", rule(f), f["severity"], f["object"]));
        }
    }
    for f in report["findings"].as_array().into_iter().flatten() {
        said.push(format!("{} {} on {}", rule(f), f["severity"], f["object"]));
    }
    said.sort();
    (out.code, said)
}

/// `kubectl mcp-doctor dump ARGS --kubeconfig …` against `server`.
fn dump(server: &FakeApiServer, args: &[&str]) -> Run {
    let kubeconfig = server.kubeconfig.display().to_string();
    let mut all = vec!["dump"];
    all.extend_from_slice(args);
    all.extend(["--kubeconfig", &kubeconfig]);
    run(&all)
}

fn dump_to_file(server: &FakeApiServer, args: &[String], dir: &std::path::Path) -> std::path::PathBuf {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dump(server, &args);
    assert_eq!(out.code, 0, "dump {args:?}: {}{}", out.stdout, out.stderr);
    let path = dir.join("dump.yaml");
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

#[test]
fn a_dump_diagnoses_offline_as_the_live_cluster_does() {
    let dir = tempfile::tempdir().unwrap();
    let (mut runs, mut failures) = (0, Vec::new());
    for (name, expect) in all() {
        if FILES_ONLY.contains(&name.as_str()) {
            continue;
        }
        for (case, file) in expect.cases() {
            let objects = case_objects(&name, &expect, case, file);
            let server = FakeApiServer::start(objects.clone(), Options::default());
            let mut targets = targeted_args(case, &objects);
            targets.push(vec!["-A".to_string()]);
            for target in targets {
                // The diagnosis flags (--mcp-gateway-version, ...) go to both runs, not to dump.
                let split = target.iter().position(|a| a.starts_with("--")).unwrap_or(target.len());
                let (select, flags) = target.split_at(split);
                let path = dump_to_file(&server, select, dir.path());
                let mut live_args: Vec<&str> = target.iter().map(String::as_str).collect();
                live_args.extend(["-o", "json"]);
                let live = outcome(&doctor_env(&server, &live_args, &[]));
                let mut offline_args = vec!["-f", path.to_str().unwrap()];
                offline_args.extend(select.iter().map(String::as_str).filter(|a| *a != "-A"));
                offline_args.extend(flags.iter().map(String::as_str));
                offline_args.extend(["-o", "json"]);
                let offline = outcome(&run(&offline_args));
                runs += 1;
                if live != offline {
                    failures.push(format!(
                        "{name}/{file} {target:?}:\n  live    {live:#?}\n  offline {offline:#?}"
                    ));
                }
            }
        }
    }
    assert!(runs >= 150, "only {runs} dumps");
    assert!(failures.is_empty(), "{} of {runs} dumps differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_dump_holds_no_secret_value_and_says_what_it_is() {
    let mut objects = super::cluster_support::scenario_objects("r20-credential-key-missing", "fixed.yaml");
    for o in &mut objects {
        if o["kind"] == "Secret" {
            o["data"] = serde_json::json!({"token": "U0VOVElORUwtREFUQQ=="});
            o["stringData"] = serde_json::json!({"other": "SENTINEL-STRING-DATA"});
            o["metadata"]["annotations"] = serde_json::json!({
                "kubectl.kubernetes.io/last-applied-configuration": "{\"stringData\":{\"token\":\"SENTINEL-LAST-APPLIED\"}}"
            });
        }
    }
    let server = FakeApiServer::start(objects, Options::default());
    let out = dump(&server, &["weather", "-n", "team-a"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for sentinel in ["U0VOVElORUwtREFUQQ==", "SENTINEL-STRING-DATA", "SENTINEL-LAST-APPLIED", "managedFields"]
    {
        assert!(!out.stdout.contains(sentinel), "the dump holds {sentinel}:\n{}", out.stdout);
    }
    assert!(out.stdout.starts_with("# kubectl mcp-doctor "), "{}", out.stdout);
    assert!(out.stdout.contains("# mcp-gateway release: "), "{}", out.stdout);
    assert!(out.stdout.contains("kind: Secret"), "the Secret's names and keys are kept:\n{}", out.stdout);
}
