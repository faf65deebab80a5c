//! The command line: inputs (files, folders, stdin, lists, JSON), unreadable input, usage errors.

use super::support::{run, run_in, scenarios_dir};

fn healthy_input() -> String {
    let base = std::fs::read_to_string(scenarios_dir().join("_base/platform.yaml")).unwrap();
    let server =
        std::fs::read_to_string(scenarios_dir().join("backend-service-not-found/fixed.yaml")).unwrap();
    format!("{base}\n---\n{server}")
}

#[test]
fn reads_stdin_with_dash() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["-f", "-", "-o", "json"], Some(healthy_input().as_bytes()));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["summary"]["healthy"], 1);
    assert_eq!(out.json()["metadata"]["source"]["files"][0], "-");
}

#[test]
fn reads_folders_recursively_and_ignores_other_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    let input = healthy_input();
    let (first, second) = input.split_once("\n---\n").unwrap();
    std::fs::write(dir.path().join("a/platform.yml"), first).unwrap();
    std::fs::write(dir.path().join("a/b/server.yaml"), second).unwrap();
    std::fs::write(dir.path().join("a/notes.txt"), "not: [yaml").unwrap();
    let out = run_in(dir.path(), &["-f", "a", "-o", "json"], None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["metadata"]["source"]["files"].as_array().unwrap().len(), 2);
}

#[test]
fn reads_kubectl_list_dumps_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut items = Vec::new();
    for doc in healthy_input().split("\n---\n") {
        let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(doc).unwrap();
        items.extend(docs.into_iter().filter(|d| d.is_object()));
    }
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    std::fs::write(dir.path().join("dump.json"), serde_json::to_string_pretty(&list).unwrap()).unwrap();
    let out = run_in(dir.path(), &["-f", "dump.json", "-o", "json"], None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["summary"]["healthy"], 1);
}

#[test]
fn missing_file_exits_2_naming_it() {
    let out = run(&["-f", "does/not/exist.yaml"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.trim(), "kubectl mcp-doctor: does/not/exist.yaml: no such file or directory");
    assert!(out.stdout.is_empty());
}

#[test]
fn invalid_yaml_exits_2_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: [oops\n")
        .unwrap();
    let out = run_in(dir.path(), &["-f", "bad.yaml"], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.starts_with("kubectl mcp-doctor: bad.yaml:"), "{}", out.stderr);
    let line: u32 = out
        .stderr
        .trim_start_matches("kubectl mcp-doctor: bad.yaml:")
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((4..=5).contains(&line), "{}", out.stderr);
}

#[test]
fn binary_garbage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.yaml"), [0x6b, 0x3a, 0x20, 0xff, 0xfe, 0x00, 0x0a]).unwrap();
    let out = run_in(dir.path(), &["-f", "x.yaml"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("x.yaml:1: not UTF-8"), "{}", out.stderr);
}

#[test]
fn no_input_is_a_usage_error() {
    let out = run(&[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("pass -f PATH"), "{}", out.stderr);
    let out = run(&["-f", "x", "--bogus"]);
    assert_eq!(out.code, 2);
}

#[test]
fn namespace_defaults_objects_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let text = healthy_input().replace("  namespace: team-a\n", "");
    std::fs::write(dir.path().join("in.yaml"), text).unwrap();
    let out = run_in(dir.path(), &["weather", "-n", "team-a", "-f", "in.yaml", "-o", "json"], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.json()["servers"][0]["ref"]["namespace"], "team-a");
    // Without -n the objects land in "default", where the registration is then diagnosed.
    let out = run_in(dir.path(), &["-f", "in.yaml", "-o", "json"], None);
    assert_eq!(out.json()["servers"][0]["ref"]["namespace"], "default");
}

#[test]
fn yaml_output_is_the_same_report() {
    // A broken scan: servers, findings, fixes with YAML in them, and the summary.
    let args = ["-f", "tests/scenarios/strategy-hybrid/broken.yaml", "-o"];
    let yaml = run(&[&args[..], &["yaml"]].concat());
    let json = run(&[&args[..], &["json"]].concat());
    assert_eq!((yaml.code, json.code), (1, 1), "{}{}", yaml.stdout, yaml.stderr);
    let from_yaml: serde_json::Value = serde_saphyr::from_str(&yaml.stdout).unwrap();
    let from_json = json.json();
    assert_eq!(from_yaml, from_json);
    assert!(from_json["servers"].as_array().is_some_and(|s| s.len() > 1), "{from_json:#}");
}

#[test]
fn secret_values_never_reach_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(
        "{}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: weather-token\n  namespace: team-a\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{{\"stringData\":{{\"token\":\"SENTINEL-LAST-APPLIED\"}}}}'\ntype: Opaque\ndata:\n  token: U0VOVElORUwtREFUQQ==\nstringData:\n  other: SENTINEL-STRING-DATA\n",
        healthy_input().replace(
            "  prefix: weather_\n",
            "  prefix: weather_\n  credentialRef:\n    name: weather-token\n    key: missing-key\n"
        )
    );
    std::fs::write(dir.path().join("in.yaml"), input).unwrap();
    for format in ["text", "json", "yaml"] {
        let out = run_in(dir.path(), &["weather", "-n", "team-a", "-f", "in.yaml", "-o", format], None);
        assert_eq!(out.code, 1, "{format}: the missing key is an error\n{}", out.stdout);
        assert!(
            out.stdout.contains("missing key missing-key") && out.stdout.contains("other, token"),
            "{format}: key names are shown\n{}",
            out.stdout
        );
        for sentinel in ["SENTINEL", "U0VOVElORUwtREFUQQ"] {
            assert!(
                !out.stdout.contains(sentinel) && !out.stderr.contains(sentinel),
                "{format} leaks {sentinel}"
            );
        }
    }
}

#[test]
fn help_names_every_kubectl_style_flag() {
    let out = run(&["--help"]);
    assert_eq!(out.code, 0);
    for flag in [
        "--namespace",
        "--all-namespaces",
        "--filename",
        "--kubeconfig",
        "--context",
        "--cluster",
        "--user",
        "--request-timeout",
        "--selector",
        "--output",
        "--fail-on",
        "--suppress",
        "--redact",
        "--color",
        "--summary",
    ] {
        assert!(out.stdout.contains(flag), "--help lacks {flag}");
    }
    insta::assert_snapshot!(out.stdout);
}

/// Files mode frees the Services no route names before diagnosing, but keeps every Service of a
/// named one, in any namespace: the one in another namespace is still pointed at.
#[test]
fn a_missing_backend_still_points_at_the_service_of_that_name_elsewhere() {
    let base = std::fs::read_to_string(scenarios_dir().join("_base/platform.yaml")).unwrap();
    let broken =
        std::fs::read_to_string(scenarios_dir().join("backend-service-not-found/broken.yaml")).unwrap();
    let elsewhere = "apiVersion: v1\nkind: Service\nmetadata: {name: weather, namespace: team-b}\nspec:\n  ports: [{port: 8000}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: unrelated, namespace: team-a}\nspec:\n  ports: [{port: 8000}]\n";
    let input = format!("{base}\n---\n{broken}\n---\n{elsewhere}");
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["-A", "-f", "-", "-o", "json"], Some(input.as_bytes()));
    super::support::assert_backend_found_elsewhere(&out, "team-b");
}
