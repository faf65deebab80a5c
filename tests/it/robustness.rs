//! Bad input, broken clusters and secrets: every case ends with a clear message and the right
//! exit code, names the file (and line), never panics, never hangs, never leaks a credential.

use super::cluster_support::{doctor_env, scenario_objects};
use super::support::fake_apiserver::{Deny, FakeApiServer, Fault, FaultKind, Options};
use super::support::{Run, root, run_env, run_in};
use serde_json::json;
use std::time::Duration;

fn in_dir(files: &[(&str, &[u8])], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    run_in(dir.path(), args, None)
}

fn no_panic(out: &Run) {
    assert!(!out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"), "{}", out.stderr);
}

/// Exit 2 with `kubectl mcp-doctor: FILE:LINE: ...` (or `FILE: ...` when no line applies).
fn unreadable(out: &Run, file: &str, line: Option<u32>) {
    no_panic(out);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let prefix = match line {
        Some(l) => format!("kubectl mcp-doctor: {file}:{l}: "),
        None => format!("kubectl mcp-doctor: {file}: "),
    };
    assert!(out.stderr.starts_with(&prefix), "want {prefix:?}, got {}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn invalid_yaml_syntax() {
    unreadable(
        &in_dir(&[("a.yaml", b"kind: Service\nmetadata: {name: [x\n")], &["-f", "a.yaml"]),
        "a.yaml",
        Some(2),
    );
}

#[test]
fn tabs_for_indentation() {
    unreadable(
        &in_dir(&[("a.yaml", b"kind: Service\nmetadata:\n\tname: x\n")], &["-f", "a.yaml"]),
        "a.yaml",
        Some(3),
    );
}

#[test]
fn garbage_bytes() {
    let mut bytes = b"apiVersion: v1\nkind: Service\n".to_vec();
    bytes.extend([0xc3, 0x28, 0xff, 0x00, b'\n']);
    unreadable(&in_dir(&[("a.yaml", &bytes)], &["-f", "a.yaml"]), "a.yaml", Some(3));
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..14 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let out = in_dir(&[("bomb.yaml", text.as_bytes())], &["-f", "bomb.yaml"]);
    no_panic(&out);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("kubectl mcp-doctor: bomb.yaml:"), "{}", out.stderr);
}

#[test]
fn deeply_nested_documents_are_refused() {
    let text = format!("kind: Service\nspec: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let out = in_dir(&[("deep.yaml", text.as_bytes())], &["-f", "deep.yaml"]);
    unreadable(&out, "deep.yaml", Some(2));
}

#[test]
fn scalars_and_lists_at_the_top_level() {
    let out =
        in_dir(&[("s.yaml", b"kind: Service\nmetadata: {name: a}\n---\njust text\n")], &["-f", "s.yaml"]);
    unreadable(&out, "s.yaml", Some(4));
    assert!(out.stderr.contains("document 2 is a scalar"), "{}", out.stderr);
    let out = in_dir(&[("l.yaml", b"- a\n- b\n")], &["-f", "l.yaml"]);
    unreadable(&out, "l.yaml", Some(1));
    assert!(out.stderr.contains("a list, not a Kubernetes object"), "{}", out.stderr);
}

#[test]
fn objects_without_kind_api_version_or_name_are_findings_with_their_line() {
    let text = b"metadata: {name: no-kind}\n---\nkind: Service\nmetadata: {name: no-version}\n---\napiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n";
    let out = in_dir(&[("a.yaml", text)], &["-f", "a.yaml", "-o", "json"]);
    no_panic(&out);
    assert_eq!(out.code, 0, "no registration, nothing broken: {}", out.stdout);
    let report = out.json();
    let findings = report["findings"].as_array().unwrap();
    let lines: Vec<(String, u64)> = findings
        .iter()
        // Without kind or apiVersion: unidentified (MCPD0007); without a name: malformed, off
        // every chain (MCPD0009). Both warnings.
        .filter(|f| (f["code"] == "MCPD0007" || f["code"] == "MCPD0009") && f["severity"] == "warning")
        .map(|f| (f["field"].as_str().unwrap().to_string(), f["origin"]["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        lines,
        vec![("kind".to_string(), 1), ("apiVersion".to_string(), 3), ("metadata.name".to_string(), 6)],
        "{findings:#?}"
    );
}

#[test]
fn fields_of_the_wrong_type_become_findings_and_the_diagnosis_goes_on() {
    let base = std::fs::read_to_string(root().join("tests/scenarios/_base/platform.yaml")).unwrap();
    let good =
        std::fs::read_to_string(root().join("tests/scenarios/strategy-namespace-per-server/fixed.yaml"))
            .unwrap();
    let bad = "apiVersion: v1\nkind: Service\nmetadata: {name: abc, namespace: team-a}\nspec:\n  ports:\n  - port: abc\n---\napiVersion: mcp.kuadrant.io/v1\nkind: MCPServerRegistration\nmetadata: {name: str, namespace: team-a}\nspec:\n  targetRef: some-string\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: seven, namespace: team-a}\nspec:\n  parentRefs: 7\n";
    let out = in_dir(
        &[("base.yaml", base.as_bytes()), ("good.yaml", good.as_bytes()), ("bad.yaml", bad.as_bytes())],
        &["-A", "-f", "base.yaml", "-f", "good.yaml", "-f", "bad.yaml", "-o", "json"],
    );
    no_panic(&out);
    let report = out.json();
    assert_eq!(report["summary"]["healthy"], 2, "the good servers are still diagnosed");
    let malformed: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        // On the chain MCPD0001; off every chain MCPD0009 with MCPD0001 as its cause.
        .filter(|f| f["code"] == "MCPD0001" || f["cause"] == "MCPD0001")
        .map(|f| {
            (
                f["object"]["name"].as_str().unwrap().to_string(),
                f["field"].as_str().unwrap().to_string(),
                f["origin"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // `at:` is the line of the field, not of the object.
    assert!(malformed.contains(&("abc".into(), "spec.ports[0].port".into(), 6)), "{malformed:?}");
    assert!(malformed.contains(&("str".into(), "spec.targetRef".into(), 12)), "{malformed:?}");
    assert!(malformed.contains(&("seven".into(), "spec.parentRefs".into(), 18)), "{malformed:?}");
    assert_eq!(out.code, 1, "the malformed registration is an error");
}

#[test]
fn empty_files_and_folders() {
    unreadable(&in_dir(&[("empty.yaml", b"")], &["-f", "empty.yaml"]), "empty.yaml", None);
    unreadable(
        &in_dir(&[("only-comments.yaml", b"# nothing\n---\n")], &["-f", "only-comments.yaml"]),
        "only-comments.yaml",
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    unreadable(&run_in(dir.path(), &["-f", "empty"], None), "empty", None);
    unreadable(&run_in(dir.path(), &["-f", "-"], Some(b"")), "-", None);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_named_and_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("b.yaml", dir.path().join("a.yaml")).unwrap();
    std::os::unix::fs::symlink("a.yaml", dir.path().join("b.yaml")).unwrap();
    let out = run_in(dir.path(), &["-f", "a.yaml"], None);
    unreadable(&out, "a.yaml", None);
    assert!(out.stderr.contains("symlink loop"), "{}", out.stderr);
    // A folder that links to itself is read once.
    std::fs::create_dir(dir.path().join("m")).unwrap();
    std::fs::write(
        dir.path().join("m/svc.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("m/up")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("m/self")).unwrap();
    let out = run_in(dir.path(), &["-f", "m", "-o", "json"], None);
    no_panic(&out);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn files_of_hundreds_of_megabytes_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("huge.yaml")).unwrap();
    file.set_len(600 * 1024 * 1024).unwrap(); // sparse: costs no disk
    let out = run_in(dir.path(), &["-f", "huge.yaml"], None);
    unreadable(&out, "huge.yaml", None);
    assert!(out.stderr.contains("larger than 512 MiB"), "{}", out.stderr);
}

#[test]
fn a_large_dump_within_the_limit_is_read() {
    // About 20,000 objects as one `kind: List` (what `kubectl get -A -o yaml` writes): the parser
    // budgets scale with the input, and every registration is diagnosed.
    use super::support::synthetic::{Size, cluster};
    let objects = cluster(Size::objects(20_000));
    let list = json!({"apiVersion": "v1", "kind": "List", "items": objects});
    let yaml = serde_saphyr::to_string(&list).unwrap();
    let out = in_dir(&[("big.yaml", yaml.as_bytes())], &["-A", "-f", "big.yaml", "-o", "json"]);
    no_panic(&out);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["summary"]["servers"], report["summary"]["healthy"]);
    assert!(report["summary"]["servers"].as_u64().unwrap() >= 1_000);
}

// ---------------------------------------------------------------- broken clusters

fn fault(verb: &'static str, plural: &'static str, what: FaultKind, times: usize) -> Fault {
    Fault { on: Deny { verb, plural, namespace: None }, what, times }
}

fn healthy_objects() -> Vec<serde_json::Value> {
    scenario_objects("backend-service-not-found", "fixed.yaml")
}

#[test]
fn a_request_slower_than_the_timeout_makes_its_links_unknown() {
    let opts = Options {
        faults: vec![fault("get", "services", FaultKind::Delay(Duration::from_secs(4)), 0)],
        ..Options::default()
    };
    let server = FakeApiServer::start(healthy_objects(), opts);
    let started = std::time::Instant::now();
    let out =
        doctor_env(&server, &["weather", "-n", "team-a", "--request-timeout", "500ms", "-o", "json"], &[]);
    no_panic(&out);
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    let finding = &report["servers"][0]["findings"][0];
    assert_eq!(finding["code"], "MCPD0006");
    assert!(finding["message"].as_str().unwrap().contains("no answer within 0.5s"), "{finding}");
    // Three bounded attempts, not the 4 s the server would take each time (reported, not asserted tightly).
    assert!(started.elapsed() < Duration::from_secs(12), "took {:?}", started.elapsed());
}

#[test]
fn too_many_requests_is_retried_then_succeeds() {
    let opts =
        Options { faults: vec![fault("get", "services", FaultKind::Status(429), 2)], ..Options::default() };
    let server = FakeApiServer::start(healthy_objects(), opts);
    let out = doctor_env(&server, &["weather", "-n", "team-a"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(server.requests().iter().filter(|r| r.contains("/services/weather")).count(), 3);
}

#[test]
fn server_errors_after_retries_are_unknown() {
    let opts =
        Options { faults: vec![fault("get", "httproutes", FaultKind::Status(500), 0)], ..Options::default() };
    let server = FakeApiServer::start(healthy_objects(), opts);
    let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", "json"], &[]);
    assert_eq!(out.code, 3, "{}", out.stdout);
    let message = out.json()["servers"][0]["findings"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("HTTP 500") && message.contains("after 3 attempts"), "{message}");
}

#[test]
fn a_connection_dropped_mid_list_is_retried() {
    let opts =
        Options { faults: vec![fault("list", "endpointslices", FaultKind::Drop, 1)], ..Options::default() };
    let server = FakeApiServer::start(healthy_objects(), opts);
    let out = doctor_env(&server, &["weather", "-n", "team-a"], &[]);
    no_panic(&out);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let opts =
        Options { faults: vec![fault("list", "endpointslices", FaultKind::Drop, 0)], ..Options::default() };
    let server = FakeApiServer::start(healthy_objects(), opts);
    let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", "json"], &[]);
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["servers"][0]["findings"][0]["code"], "MCPD0006");
}

#[test]
fn an_expired_continue_token_restarts_the_list_once() {
    let objects = scenario_objects("strategy-namespace-per-server", "fixed.yaml");
    let opts = Options {
        page_size: 1,
        faults: vec![fault("list", "services", FaultKind::GoneOnContinue, 1)],
        ..Options::default()
    };
    let server = FakeApiServer::start(objects.clone(), opts);
    let out = doctor_env(&server, &["-A", "-o", "json"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["summary"]["healthy"], 2);
    let opts = Options {
        page_size: 1,
        faults: vec![fault("list", "services", FaultKind::GoneOnContinue, 0)],
        ..Options::default()
    };
    let server = FakeApiServer::start(objects, opts);
    let out = doctor_env(&server, &["-A", "-o", "json"], &[]);
    assert_eq!(out.code, 3, "{}", out.stdout);
    assert!(out.stdout.contains("HTTP 410"), "{}", out.stdout);
}

#[test]
fn objects_in_an_unexpected_version_are_findings() {
    let opts = Options {
        faults: vec![fault("get", "mcpserverregistrations", FaultKind::Version("mcp.kuadrant.io/v9"), 0)],
        ..Options::default()
    };
    let server = FakeApiServer::start(healthy_objects(), opts);
    let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", "json"], &[]);
    no_panic(&out);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let f = &out.json()["findings"][0];
    assert_eq!(f["code"], "MCPD0001");
    assert!(f["message"].as_str().unwrap().contains("unknown API version mcp.kuadrant.io/v9"), "{f}");
}

#[test]
fn a_crd_installed_but_not_served_makes_its_links_unknown() {
    let mut objects = scenario_objects("pitfall-missing-reference-grant", "fixed.yaml");
    objects.retain(|o| o["kind"] != "ReferenceGrant" || o["metadata"]["namespace"] != "backends");
    let opts = Options {
        faults: vec![fault("list", "referencegrants", FaultKind::Status(404), 0)],
        ..Options::default()
    };
    let server = FakeApiServer::start(objects, opts);
    let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", "json"], &[]);
    assert_eq!(out.code, 3, "{}", out.stdout);
    assert!(out.stdout.contains("does not serve referencegrants"), "{}", out.stdout);
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_promptly_with_130() {
    let opts = Options {
        faults: vec![fault("get", "httproutes", FaultKind::Delay(Duration::from_secs(30)), 0)],
        ..Options::default()
    };
    let server = FakeApiServer::start(healthy_objects(), opts);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-mcp_doctor"))
        .args([
            "--kubeconfig",
            &server.kubeconfig.display().to_string(),
            "weather",
            "-n",
            "team-a",
            "--request-timeout",
            "60s",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let started = std::time::Instant::now();
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(status.code(), Some(130));
}

// ---------------------------------------------------------------- secrets and tickets

const SENTINELS: &[&str] = &["SENTINEL", "U0VOVElORUw", "s3cr3t-kubeconfig-token"];

fn planted() -> Vec<serde_json::Value> {
    let mut objects = scenario_objects("r20-credential-key-missing", "broken.yaml");
    for o in &mut objects {
        if o["kind"] == "Secret" {
            o["data"] = json!({"api-key": "U0VOVElORUwtREFUQQ=="});
            o["stringData"] = json!({"other": "SENTINEL-STRING-DATA"});
            o["metadata"]["annotations"] = json!({"kubectl.kubernetes.io/last-applied-configuration": "{\"stringData\":{\"api-key\":\"SENTINEL-LAST-APPLIED\"}}"});
        }
        if o["kind"] == "HTTPRoute" {
            o["metadata"]["managedFields"] =
                json!([{"manager": "SENTINEL-MANAGER", "fieldsV1": {"f:spec": {}}}]);
            o["metadata"]["annotations"] = json!({"kubectl.kubernetes.io/last-applied-configuration": "{\"note\":\"SENTINEL-ROUTE-LAST-APPLIED\"}"});
        }
    }
    objects
}

fn assert_clean(what: &str, out: &Run) {
    for s in SENTINELS {
        assert!(!out.stdout.contains(s) && !out.stderr.contains(s), "{what} leaks {s}");
    }
}

#[test]
fn no_output_format_leaks_secret_data_tokens_managed_fields_or_last_applied() {
    let formats = ["text", "wide", "json", "yaml", "markdown", "dot", "mermaid"];
    let objects = planted();
    let dir = tempfile::tempdir().unwrap();
    let text: String =
        objects.iter().map(|o| format!("---\n{}\n", serde_json::to_string(o).unwrap())).collect();
    std::fs::write(dir.path().join("in.yaml"), text).unwrap();
    for format in formats {
        for extra in [&[][..], &["weather", "-n", "team-a"][..]] {
            let mut args = vec!["-f", "in.yaml", "-o", format];
            args.extend_from_slice(extra);
            let out = run_in(dir.path(), &args, None);
            assert_eq!(out.code, 1, "files -o {format}: {}", out.stderr);
            assert_clean(&format!("files -o {format}"), &out);
        }
    }
    let opts = Options { token: "s3cr3t-kubeconfig-token".into(), ..Options::default() };
    let server = FakeApiServer::start(objects, opts);
    for format in formats {
        let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", format], &[]);
        assert_eq!(out.code, 1, "cluster -o {format}: {}", out.stderr);
        assert_clean(&format!("cluster -o {format}"), &out);
        let out = doctor_env(&server, &["-A", "-o", format, "--redact"], &[]);
        assert_clean(&format!("cluster -A -o {format} --redact"), &out);
    }
    // The error path does not print the token either.
    let text = std::fs::read_to_string(&server.kubeconfig)
        .unwrap()
        .replace("s3cr3t-kubeconfig-token", "s3cr3t-kubeconfig-token-wrong");
    std::fs::write(&server.kubeconfig, text).unwrap();
    let out = doctor_env(&server, &["weather", "-n", "team-a"], &[]);
    assert_eq!(out.code, 2);
    assert_clean("401", &out);
    let _ = run_env; // keep the helper import used on every platform
}
