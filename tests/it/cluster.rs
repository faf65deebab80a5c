//! The live-cluster front end against the fake API server: RBAC-aware verdicts, discovery of what
//! is installed, served versions, connection failures, and the economy of targeted reads.

use super::cluster_support::{doctor_env, scenario_objects};
use super::support::fake_apiserver::{Deny, FakeApiServer, Options, all_resources};
use super::support::{Run, bin_dir, place_binary, root, run_in};
use serde_json::{Value, json};

fn doctor(server: &FakeApiServer, args: &[&str]) -> Run {
    doctor_env(server, args, &[])
}

fn codes(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["servers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["findings"].as_array().cloned().unwrap_or_default())
        .chain(report["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| f["code"].as_str().unwrap_or_default().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn forbidden_reference_grant_read_makes_the_verdict_unknown_and_names_the_permission() {
    let opts = Options {
        deny: vec![Deny { verb: "list", plural: "referencegrants", namespace: Some("backends") }],
        ..Options::default()
    };
    let server =
        FakeApiServer::start(scenario_objects("pitfall-missing-reference-grant", "fixed.yaml"), opts);
    let out = doctor(&server, &["weather", "-n", "team-a", "-o", "json"]);
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["servers"][0]["verdict"], "unknown");
    let finding = report["servers"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "MCPD0005")
        .cloned()
        .expect("read-forbidden finding");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("list referencegrants in namespace backends"), "{message}");
    assert!(message.contains("gateway.networking.k8s.io"), "{message}");
    let role: Value = serde_saphyr::from_str(finding["fix"]["yaml"].as_str().unwrap()).unwrap();
    assert_eq!(
        (&role["kind"], &role["metadata"]["namespace"]),
        (&json!("Role"), &json!("backends")),
        "{role}"
    );
    let rule = &role["rules"][0];
    assert_eq!(rule["apiGroups"], json!(["gateway.networking.k8s.io"]), "{role}");
    assert_eq!(rule["resources"], json!(["referencegrants"]), "{role}");
    assert_eq!(rule["verbs"], json!(["get", "list"]), "{role}");
    let link = report["servers"][0]["chain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["state"] == "unknown")
        .cloned()
        .unwrap();
    assert!(link["evidence"].as_str().unwrap().contains("forbidden"), "{link}");
    // The same cluster with the permission: healthy.
    let server = FakeApiServer::start(
        scenario_objects("pitfall-missing-reference-grant", "fixed.yaml"),
        Options::default(),
    );
    assert_eq!(doctor(&server, &["weather", "-n", "team-a"]).code, 0);
}

#[test]
fn a_read_that_keeps_failing_is_unknown_after_retries() {
    let opts = Options {
        fail: vec![(Deny { verb: "list", plural: "endpointslices", namespace: None }, 503)],
        ..Options::default()
    };
    let server = FakeApiServer::start(scenario_objects("backend-service-not-found", "fixed.yaml"), opts);
    let out = doctor(&server, &["weather", "-n", "team-a", "-o", "json", "--request-timeout", "2s"]);
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(codes(&report), vec!["MCPD0006"]);
    let slices = server.requests().iter().filter(|r| r.contains("/endpointslices")).count();
    assert_eq!(slices, 3, "three attempts: {:?}", server.requests());
}

#[test]
fn status_answers_when_the_gateway_cannot_be_read() {
    let mut objects = scenario_objects("status-stale-route", "fixed.yaml");
    for o in &mut objects {
        if o["kind"] == "HTTPRoute" {
            o["metadata"]["generation"] = json!(3);
        }
    }
    let opts = Options {
        deny: vec![Deny { verb: "get", plural: "gateways", namespace: None }],
        ..Options::default()
    };
    let server = FakeApiServer::start(objects, opts);
    let out = doctor(&server, &["weather", "-n", "team-a", "-o", "json"]);
    let report = out.json();
    let chain = report["servers"][0]["chain"].as_array().unwrap();
    assert!(
        chain
            .iter()
            .any(|l| l["evidence"].as_str().unwrap().contains("verdict rests on status: Accepted=True")),
        "{chain:#?}"
    );
    assert_eq!(report["servers"][0]["verdict"], "unknown", "the extension's listener cannot be checked");
    assert_eq!(out.code, 3);
}

#[test]
fn gateway_api_not_installed_is_one_clear_paragraph() {
    let opts = Options {
        resources: all_resources().into_iter().filter(|r| r.group != "gateway.networking.k8s.io").collect(),
        ..Options::default()
    };
    let server = FakeApiServer::start(scenario_objects("backend-service-not-found", "fixed.yaml"), opts);
    let out = doctor(&server, &["weather", "-n", "team-a"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("the Gateway API is not installed")
            && out.stderr.contains("kubectl api-resources"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn no_registration_crd_is_one_clear_paragraph() {
    let opts = Options {
        resources: all_resources().into_iter().filter(|r| !r.group.starts_with("mcp.")).collect(),
        ..Options::default()
    };
    let server = FakeApiServer::start(Vec::new(), opts);
    let out = doctor(&server, &["-A"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the mcp-gateway is not installed"), "{}", out.stderr);
}

#[test]
fn reference_grants_served_only_as_v1beta1_are_read_there() {
    let opts = Options {
        resources: all_resources()
            .into_iter()
            .filter(|r| !(r.kind == "ReferenceGrant" && r.version == "v1"))
            .collect(),
        ..Options::default()
    };
    let server =
        FakeApiServer::start(scenario_objects("pitfall-missing-reference-grant", "fixed.yaml"), opts);
    let out = doctor(&server, &["weather", "-n", "team-a", "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["metadata"]["apis"]["ReferenceGrant"], json!(["gateway.networking.k8s.io/v1beta1"]));
    assert!(server.requests().iter().any(|r| {
        r.starts_with("GET /apis/gateway.networking.k8s.io/v1beta1/namespaces/backends/referencegrants")
    }));
    // And the missing grant is still found through v1beta1.
    let server = FakeApiServer::start(
        scenario_objects("pitfall-missing-reference-grant", "broken.yaml"),
        Options {
            resources: all_resources()
                .into_iter()
                .filter(|r| !(r.kind == "ReferenceGrant" && r.version == "v1"))
                .collect(),
            ..Options::default()
        },
    );
    let out = doctor(&server, &["weather", "-n", "team-a", "-o", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(codes(&out.json()), vec!["MCPD0601"]);
}

#[test]
fn two_registration_generations_served_side_by_side_are_both_diagnosed() {
    let mut objects = scenario_objects("backend-service-not-found", "fixed.yaml");
    let legacy = scenario_objects("r01-mcpserver-next-to-kuadrant-install", "broken.yaml")
        .into_iter()
        .filter(|o| o["kind"] == "MCPServer")
        .map(|mut o| {
            o["metadata"]["name"] = json!("legacy");
            o
        });
    objects.extend(legacy);
    let server = FakeApiServer::start(objects, Options::default());
    let out = doctor(&server, &["-n", "team-a", "-o", "json"]);
    let report = out.json();
    let refs: Vec<(String, String)> = report["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["ref"]["apiVersion"].as_str().unwrap().to_string(),
                s["ref"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        refs,
        vec![
            ("mcp.kagenti.com/v1alpha1".into(), "legacy".into()),
            ("mcp.kuadrant.io/v1".into(), "weather".into())
        ]
    );
    assert_eq!(report["servers"][0]["generation"], "mcp-gateway v0.1–v0.4.1");
    assert_eq!(report["metadata"]["mcpGateway"]["candidates"], serde_json::json!(["v0.8.0", "v0.9.0"]));
    assert_eq!(report["servers"][0]["verdict"], "broken", "ignored by the v0.6+ controller");
    assert_eq!(report["servers"][1]["verdict"], "healthy");
    let apis = &report["metadata"]["apis"];
    assert!(apis["MCPServerRegistration"].as_array().unwrap().len() >= 2, "{apis}");
    assert_eq!(out.code, 1);
}

#[test]
fn an_unreachable_server_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(&kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:9\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n").unwrap();
    let out = run_in(dir.path(), &["--kubeconfig", "config", "weather", "--request-timeout", "2s"], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("kubectl mcp-doctor: cannot reach the Kubernetes API server at http://127.0.0.1:9"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}

#[test]
fn https_with_the_generated_ca_and_token_works_and_bad_credentials_do_not() {
    let objects = scenario_objects("backend-service-not-found", "fixed.yaml");
    let server = FakeApiServer::start(objects.clone(), Options { tls: true, ..Options::default() });
    assert!(server.url.starts_with("https://"));
    let out = doctor(&server, &["weather", "-n", "team-a"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);

    let text = std::fs::read_to_string(&server.kubeconfig)
        .unwrap()
        .replace("token: test-token-0123", "token: wrong");
    std::fs::write(&server.kubeconfig, text).unwrap();
    let out = doctor(&server, &["weather", "-n", "team-a"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("401 Unauthorized"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("wrong") && !out.stderr.contains("test-token"),
        "no token in errors: {}",
        out.stderr
    );

    let other = FakeApiServer::start(objects, Options { tls: true, ..Options::default() });
    let text = std::fs::read_to_string(&other.kubeconfig).unwrap();
    let ca_of_other = text.lines().find(|l| l.contains("certificate-authority:")).unwrap().to_string();
    let mine = std::fs::read_to_string(&server.kubeconfig).unwrap();
    let mine_ca = mine.lines().find(|l| l.contains("certificate-authority:")).unwrap().to_string();
    std::fs::write(
        &server.kubeconfig,
        mine.replace(&mine_ca, &ca_of_other).replace("token: wrong", "token: test-token-0123"),
    )
    .unwrap();
    let out = doctor(&server, &["weather", "-n", "team-a"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("TLS error"), "{}", out.stderr);
}

#[test]
fn context_flag_and_context_namespace_are_honoured() {
    let server =
        FakeApiServer::start(scenario_objects("backend-service-not-found", "fixed.yaml"), Options::default());
    let text = std::fs::read_to_string(&server.kubeconfig).unwrap();
    let text = text.replace(
        "    namespace: default\ncurrent-context: fake",
        "    namespace: team-a\ncurrent-context: missing",
    );
    std::fs::write(&server.kubeconfig, text).unwrap();
    let out = doctor(&server, &["weather", "--context", "fake", "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.json()["servers"][0]["ref"]["namespace"],
        "team-a",
        "the context's namespace is the default"
    );
    assert_eq!(out.json()["metadata"]["source"]["context"], "fake");
}

#[test]
fn legacy_discovery_and_pagination_give_the_same_verdict() {
    let opts = Options { legacy_discovery: true, page_size: 2, ..Options::default() };
    let server = FakeApiServer::start(scenario_objects("strategy-namespace-per-server", "broken.yaml"), opts);
    let out = doctor(&server, &["-A", "-o", "json"]);
    assert_eq!(out.code, 1);
    let report = out.json();
    assert_eq!(report["summary"]["servers"], 2);
    assert_eq!(report["summary"]["broken"], 2);
    let requests = server.requests();
    assert!(requests.iter().any(|r| r.contains("continue=page-2")), "paginated: {requests:?}");
    assert!(
        requests.iter().any(|r| r == "GET /apis/gateway.networking.k8s.io/v1"),
        "legacy discovery: {requests:?}"
    );
}

/// The platform-sized cluster of the performance issue (10,000 Services and EndpointSlices, 2,000
/// routes and registrations, 50 Gateways, 200 ReferenceGrants): one registration is diagnosed
/// with a handful of targeted requests and no cluster-wide list of the big kinds.
#[test]
fn one_registration_in_a_big_cluster_takes_a_handful_of_requests() {
    use super::support::synthetic::{Size, cluster};
    let server = FakeApiServer::start(cluster(Size::platform()), Options::default());
    let out = doctor(&server, &["bench-target", "-n", "tenant-0", "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["servers"][0]["verdict"], "healthy");
    let requests = server.requests();
    eprintln!("{} requests:\n{}", requests.len(), requests.join("\n"));
    assert!(requests.len() <= 15, "{} requests: {requests:#?}", requests.len());
    for r in &requests {
        let cluster_wide =
            !r.contains("/namespaces/") && !r.ends_with("/apis") && !r.contains("/gatewayclasses/");
        if cluster_wide {
            assert!(r.contains("/mcpgatewayextensions"), "only extensions are listed across namespaces: {r}");
        }
    }
}

#[test]
fn kubectl_finds_the_plugin_on_path() {
    let Some(kubectl) = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|p| p.join("kubectl"))
        .find(|p| p.is_file())
    else {
        super::support::skipped("kubectl is not installed, plugin dispatch not tested");
        return;
    };
    let dir = bin_dir();
    place_binary(dir.path(), "kubectl-mcp_doctor");
    let path = std::env::join_paths(
        [dir.path().to_path_buf()]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let list = std::process::Command::new(&kubectl)
        .args(["plugin", "list", "--name-only"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&list.stdout).contains("kubectl-mcp_doctor"),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );

    let server = FakeApiServer::start(
        scenario_objects("pitfall-missing-reference-grant", "broken.yaml"),
        Options { tls: true, ..Options::default() },
    );
    let out = std::process::Command::new(&kubectl)
        .args(["mcp-doctor", "weather", "-n", "team-a", "--kubeconfig"])
        .arg(&server.kubeconfig)
        .env("PATH", &path)
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("MCPD0601 backend-ref-not-permitted") && stdout.contains("BROKEN"), "{stdout}");
}

/// `-A` reads every kind with one paginated LIST across all namespaces, and nothing object by
/// object but the Secrets a registration names (their values are not listed cluster-wide).
#[test]
fn all_namespaces_uses_one_list_per_kind() {
    let mut objects = scenario_objects("strategy-namespace-per-server", "fixed.yaml");
    objects.extend(
        scenario_objects("r20-credential-key-missing", "fixed.yaml")
            .into_iter()
            .filter(|o| o["kind"] == "Secret" || o["metadata"]["namespace"] == "team-a"),
    );
    for o in &mut objects {
        if o["kind"] == "MCPServerRegistration" && o["metadata"]["namespace"] == "team-a" {
            o["spec"]["prefix"] = json!("team_a_weather_");
        }
    }
    let server = FakeApiServer::start(objects, Options { page_size: 2, ..Options::default() });
    let out = doctor(&server, &["-A", "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["summary"]["servers"], 3);
    let requests = server.requests();
    let mut first_pages = std::collections::BTreeMap::new();
    for r in &requests {
        let path = r.trim_start_matches("GET ").split('?').next().unwrap().to_string();
        if r.contains("limit=") && !r.contains("continue=") {
            *first_pages.entry(path.clone()).or_insert(0) += 1;
            assert!(!path.contains("/namespaces/"), "lists are cluster-wide with -A: {r}");
        } else if !r.contains("continue=") && path != "/apis" {
            assert!(path.contains("/secrets/"), "only Secrets are read one by one: {r}");
        }
    }
    assert!(first_pages.values().all(|n| *n == 1), "one LIST per resource: {first_pages:#?}");
    for plural in
        ["mcpserverregistrations", "httproutes", "gateways", "services", "endpointslices", "referencegrants"]
    {
        assert!(first_pages.keys().any(|p| p.ends_with(plural)), "{plural} listed: {first_pages:#?}");
    }
    assert!(requests.iter().any(|r| r.contains("continue=")), "paginated");
}

/// `-A` lists Services and EndpointSlices once the routes are read, and keeps only those of the
/// names routes send traffic to, in every namespace: the Service that exists elsewhere is still
/// named in the BackendNotFound message.
#[test]
fn all_namespaces_reads_services_after_routes_and_still_sees_them_elsewhere() {
    let mut objects = scenario_objects("backend-service-not-found", "broken.yaml");
    objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-b"}}));
    for (ns, name) in [("team-b", "weather"), ("team-a", "unrelated")] {
        objects
            .push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"app": name}, "ports": [{"name": "http", "port": 8000}]}}));
    }
    let server = FakeApiServer::start(objects, Options::default());
    let out = doctor(&server, &["-A", "-o", "json"]);
    super::support::assert_backend_found_elsewhere(&out, "team-b");
    let requests = server.requests();
    let at = |plural: &str| requests.iter().position(|r| r.split('?').next().unwrap().ends_with(plural));
    let (routes, services) = (at("/httproutes").unwrap(), at("/services").unwrap());
    assert!(routes < services, "Services are listed after the routes: {requests:#?}");
}

/// However many Secrets a scan names, the doctor keeps at most 16 requests in flight (client-go's
/// burst is 10): the API server is not flooded, and every Secret is still read.
#[test]
fn a_scan_naming_many_secrets_keeps_requests_in_flight_bounded() {
    use super::support::fake_apiserver::{Fault, FaultKind};
    let mut objects = scenario_objects("r20-credential-key-missing", "fixed.yaml");
    for i in 0..40 {
        objects.push(json!({"apiVersion": "mcp.kuadrant.io/v1", "kind": "MCPServerRegistration",
            "metadata": {"name": format!("weather-{i}"), "namespace": "team-a"},
            "spec": {"targetRef": {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "weather"},
                     "prefix": format!("weather_{i}_"), "credentialRef": {"name": format!("weather-token-{i}"), "key": "api-key"}}}));
        objects.push(json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": format!("weather-token-{i}"), "namespace": "team-a", "labels": {"mcp.kuadrant.io/secret": "true"}},
            "type": "Opaque", "stringData": {"api-key": "REDACTED-TEST-VALUE"}}));
    }
    let slow_secrets = Fault {
        on: Deny { verb: "get", plural: "secrets", namespace: None },
        what: FaultKind::Delay(std::time::Duration::from_millis(40)),
        times: 0,
    };
    let server = FakeApiServer::start(objects, Options { faults: vec![slow_secrets], ..Options::default() });
    let out = doctor(&server, &["-A", "-o", "json"]);
    assert_ne!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["summary"]["servers"], 41);
    let secrets = server.requests().iter().filter(|r| r.contains("/secrets/weather-token")).count();
    assert_eq!(secrets, 41, "every named Secret is read");
    let most = server.max_in_flight();
    assert!((2..=16).contains(&most), "requests in flight at once: {most}");
}

/// The namespace pitfalls and typos, diagnosed by name on a cluster: once a GET comes back 404
/// the doctor looks where the object might be (a few requests more than the healthy twin, none on
/// the healthy path) and says what it says from files.
#[test]
fn a_broken_link_looks_for_the_object_elsewhere_with_at_most_three_more_requests() {
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        // (scenario, namespace, code, what the message says, the search request)
        (
            "pitfall-route-in-another-namespace",
            "mcp-system",
            "MCPD0103",
            "an HTTPRoute of that name exists in namespace team-a",
            "/httproutes?limit=500&fieldSelector=metadata.name%3Dweather",
        ),
        (
            "r05-target-route-typo",
            "team-a",
            "MCPD0103",
            "HTTPRoutes in team-a: weather",
            "/namespaces/team-a/httproutes?limit=500",
        ),
        (
            "pitfall-parent-ref-without-namespace",
            "team-a",
            "MCPD0206",
            "Gateway mcp-gateway lives in namespace gateway-system",
            "/v1/gateways?limit=500",
        ),
        (
            "r06-parent-gateway-typo",
            "team-a",
            "MCPD0206",
            "Gateways in the cluster: gateway-system/mcp-gateway",
            "/v1/gateways?limit=500",
        ),
        (
            "pitfall-reference-grant-in-source-namespace",
            "team-a",
            "MCPD0602",
            "ReferenceGrant team-a/allow-team-a-routes would permit it",
            "/namespaces/team-a/referencegrants?limit=500",
        ),
        (
            "r18-credential-secret-not-found",
            "team-a",
            "MCPD0701",
            "a Secret of that name exists in namespace mcp-system",
            "/api/v1/secrets?limit=500&fieldSelector=metadata.name%3Dweather-token",
        ),
        (
            "gateway-class-not-found",
            "team-a",
            "MCPD0305",
            "classes in the cluster: istio",
            "/gatewayclasses?limit=500",
        ),
    ];
    for (scenario, ns, code, says, search) in cases {
        let run = |file: &str, ns: &str| {
            let server = FakeApiServer::start(scenario_objects(scenario, file), Options::default());
            let out = doctor(&server, &["weather", "-n", ns, "-o", "json"]);
            (out, server.requests())
        };
        let (broken, asked) = run("broken.yaml", ns);
        // The healthy twin of the first pitfall has its registration next to the route.
        let fixed_ns = if *scenario == "pitfall-route-in-another-namespace" { "team-a" } else { ns };
        let (fixed, healthy_asked) = run("fixed.yaml", fixed_ns);
        assert_eq!((broken.code, fixed.code), (1, 0), "{scenario}: {}{}", broken.stdout, broken.stderr);
        let finding = broken.json()["servers"][0]["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["code"] == *code).cloned())
            .unwrap_or_else(|| panic!("{scenario}: no {code} in {}", broken.stdout));
        let message = finding["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{scenario}: {message}");
        assert!(asked.iter().any(|r| r.contains(search)), "{scenario}: no search {search} in {asked:#?}");
        let searches = |requests: &[String]| {
            requests
                .iter()
                .filter(|r| {
                    r.contains("fieldSelector")
                        || r.contains("/v1/gateways?")
                        || r.contains("/gatewayclasses?")
                })
                .count()
        };
        assert_eq!(searches(&healthy_asked), 0, "{scenario}: the healthy path searches: {healthy_asked:#?}");
        assert!(
            healthy_asked.len() <= 15,
            "{scenario}: {} requests on the healthy path",
            healthy_asked.len()
        );
        assert!(
            asked.len() <= healthy_asked.len() + 3,
            "{scenario}: {} requests broken, {} healthy:\n{asked:#?}",
            asked.len(),
            healthy_asked.len()
        );
    }
}

/// A search the API server refuses changes no verdict: the link is still broken, and the chain
/// says the doctor could not look elsewhere.
#[test]
fn a_refused_search_is_said_in_the_chain_and_changes_no_verdict() {
    let opts = Options {
        deny: vec![Deny { verb: "list", plural: "gateways", namespace: None }],
        ..Options::default()
    };
    let server =
        FakeApiServer::start(scenario_objects("pitfall-parent-ref-without-namespace", "broken.yaml"), opts);
    let out = doctor(&server, &["weather", "-n", "team-a"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("not found; not looked for elsewhere: forbidden to list gateways across namespaces"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("MCPD0801"), "a refused search is no forbidden read:\n{}", out.stdout);
}

/// `--what-if`: the grant a finding suggests, checked against the cluster before it is applied:
/// the server that is broken on the cluster is healthy with the file laid over it, the report
/// says it is a what-if, and nothing but GETs reached the API server.
#[test]
fn what_if_checks_a_fix_against_the_cluster_without_writing() {
    let server = FakeApiServer::start(
        scenario_objects("pitfall-missing-reference-grant", "broken.yaml"),
        Options::default(),
    );
    let live = doctor(&server, &["weather", "-n", "team-a", "-o", "json"]);
    assert_eq!(live.code, 1, "{}", live.stdout);
    let fixed = scenario_objects("pitfall-missing-reference-grant", "fixed.yaml");
    let grant = fixed
        .iter()
        .find(|o| o["kind"] == "ReferenceGrant" && o["metadata"]["namespace"] != "gateway-system");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grant.yaml");
    std::fs::write(&path, serde_json::to_string(grant.expect("the twin's grant")).unwrap()).unwrap();
    let path = path.display().to_string();
    let out = doctor(&server, &["weather", "-n", "team-a", "--what-if", &path, "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["servers"][0]["verdict"], "healthy");
    assert_eq!(out.json()["metadata"]["source"]["whatIf"][0], path.as_str());
    let text = doctor(&server, &["weather", "-n", "team-a", "--what-if", &path]);
    assert!(text.stdout.contains(&format!("what-if: assuming {path} applied")), "{}", text.stdout);
    assert!(server.requests().iter().all(|r| r.starts_with("GET ")), "{:#?}", server.requests());
}
