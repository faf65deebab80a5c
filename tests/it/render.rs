//! Rendered output users paste and read: text trees, scan tables, markdown tickets, graphs, colour,
//! redaction, suppression, label selection, completion. Snapshots run with colour off.

use super::cluster_support::{doctor_env, scenario_objects};
use super::support::fake_apiserver::{Deny, FakeApiServer, Options};
use super::support::{bin_dir, output_of_copied, place_binary, root, run, run_env};

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1795622400");

fn files(scenario: &str, file: &str, extra: &[&str]) -> super::support::Run {
    let path = format!("tests/scenarios/{scenario}/{file}");
    let mut args = vec!["-f", "tests/scenarios/_base/platform.yaml", "-f", &path];
    args.extend_from_slice(extra);
    run_env(&root(), &args, None, &[EPOCH])
}

fn port_filter(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..at + 10]);
        let tail = &rest[at + 10..];
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        out.push_str("PORT");
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn text_of_a_healthy_server() {
    insta::assert_snapshot!(
        files("backend-service-not-found", "fixed.yaml", &["weather", "-n", "team-a"]).stdout
    );
}

#[test]
fn text_of_a_parent_ref_without_namespace() {
    insta::assert_snapshot!(
        files("pitfall-parent-ref-without-namespace", "broken.yaml", &["weather", "-n", "team-a"]).stdout
    );
}

#[test]
fn text_and_json_of_an_unknown_server() {
    let opts = Options {
        deny: vec![Deny { verb: "list", plural: "referencegrants", namespace: Some("backends") }],
        ..Options::default()
    };
    let server =
        FakeApiServer::start(scenario_objects("pitfall-missing-reference-grant", "fixed.yaml"), opts);
    let out = doctor_env(&server, &["weather", "-n", "team-a"], &[]);
    assert_eq!(out.code, 3);
    insta::assert_snapshot!("unknown_text", port_filter(&out.stdout));
    let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", "json"], &[]);
    insta::assert_snapshot!("unknown_json", port_filter(&out.stdout));
    let out = doctor_env(&server, &["-n", "team-a", "-o", "wide"], &[]);
    insta::assert_snapshot!("unknown_wide", port_filter(&out.stdout));
    let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", "markdown"], &[EPOCH]);
    insta::assert_snapshot!("unknown_markdown", port_filter(&out.stdout));
}

#[test]
fn json_wide_and_markdown_of_a_healthy_server() {
    let json = files("backend-service-not-found", "fixed.yaml", &["weather", "-n", "team-a", "-o", "json"]);
    assert_eq!(json.code, 0);
    insta::assert_snapshot!("healthy_json", json.stdout);
    insta::assert_snapshot!(
        "healthy_wide",
        files("backend-service-not-found", "fixed.yaml", &["-o", "wide"]).stdout
    );
    insta::assert_snapshot!(
        "healthy_markdown",
        files("backend-service-not-found", "fixed.yaml", &["weather", "-n", "team-a", "-o", "markdown"])
            .stdout
    );
}

#[test]
fn wide_table_of_a_scan() {
    let out = run_env(
        &root(),
        &["-f", "tests/scenarios/strategy-hybrid/broken.yaml", "-o", "wide", "--summary"],
        None,
        &[],
    );
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn markdown_of_a_broken_server_is_a_complete_ticket() {
    let out = files(
        "pitfall-missing-reference-grant",
        "broken.yaml",
        &["weather", "-n", "team-a", "-o", "markdown", "--color", "always"],
    );
    assert_eq!(out.code, 1);
    let md = &out.stdout;
    assert!(!md.contains('\u{1b}'), "no colour codes in markdown");
    for needle in [
        "mcp.kuadrant.io/v1",
        "HTTPRoute team-a/weather",
        "RefNotPermitted",
        "MCPD0601",
        "kind: ReferenceGrant",
        "2026-11-25T16:00:00Z",
        "<details>",
    ] {
        assert!(md.contains(needle), "markdown lacks {needle}:\n{md}");
    }
    insta::assert_snapshot!(md);
}

#[test]
fn markdown_from_a_cluster_has_the_kubernetes_version_and_no_secret_values() {
    let mut objects = scenario_objects("r20-credential-key-missing", "broken.yaml");
    for o in &mut objects {
        if o["kind"] == "Secret" {
            o["metadata"]["annotations"] = serde_json::json!({"kubectl.kubernetes.io/last-applied-configuration": "{\"stringData\":{\"api-key\":\"SENTINEL-LAST\"}}"});
            o["metadata"]["managedFields"] = serde_json::json!([{"manager": "SENTINEL-MANAGER"}]);
            o["data"] = serde_json::json!({"api-key": "U0VOVElORUwtREFUQQ=="});
        }
    }
    let server = FakeApiServer::start(objects, Options::default());
    let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", "markdown"], &[EPOCH]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("| Kubernetes | v1.32.0-fake |"), "{}", out.stdout);
    assert!(out.stdout.contains("kind: Secret") && out.stdout.contains("api-key"), "the key name is shown");
    for sentinel in [
        "SENTINEL",
        "U0VOVElORUwtREFUQQ",
        "REDACTED-TEST-VALUE",
        "managedFields:",
        "last-applied-configuration:",
    ] {
        assert!(!out.stdout.contains(sentinel), "markdown leaks {sentinel}");
    }
}

#[test]
fn redact_replaces_every_name_and_prints_the_mapping_to_stderr_only() {
    let out = files(
        "pitfall-missing-reference-grant",
        "broken.yaml",
        &["weather", "-n", "team-a", "-o", "markdown", "--redact"],
    );
    assert_eq!(out.code, 1);
    for name in [
        "team-a",
        "weather",
        "backends",
        "gateway-system",
        "/mcp-gateway",
        "mcp-system",
        "mcp.local",
        "allow-team-a-to-weather",
    ] {
        assert!(!out.stdout.contains(name), "redacted output still contains {name}");
    }
    assert!(out.stderr.contains("team-a") && out.stderr.contains("ns-"), "{}", out.stderr);
    let again = files(
        "pitfall-missing-reference-grant",
        "broken.yaml",
        &["weather", "-n", "team-a", "-o", "markdown", "--redact"],
    );
    assert_eq!(out.stdout, again.stdout, "stable hashes");
}

#[test]
fn colour_is_on_only_when_asked_and_never_in_json() {
    let colored = files(
        "pitfall-missing-reference-grant",
        "broken.yaml",
        &["weather", "-n", "team-a", "--color", "always"],
    );
    assert!(colored.stdout.contains("\u{1b}[31"), "red for the broken link");
    insta::assert_snapshot!("colour_on", colored.stdout);
    let auto = files("pitfall-missing-reference-grant", "broken.yaml", &["weather", "-n", "team-a"]);
    assert!(!auto.stdout.contains('\u{1b}'), "auto: not a terminal");
    let json = files(
        "pitfall-missing-reference-grant",
        "broken.yaml",
        &["weather", "-n", "team-a", "--color", "always", "-o", "json"],
    );
    assert!(!json.stdout.contains('\u{1b}'));
}

#[test]
fn scan_lists_each_server_once_and_fail_on_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for (scenario, file) in [
        ("strategy-namespace-per-server", "fixed.yaml"),
        ("r02-tool-prefix-on-kuadrant", "broken.yaml"),
        ("pitfall-missing-reference-grant", "broken.yaml"),
    ] {
        text.push_str(
            &std::fs::read_to_string(root().join(format!("tests/scenarios/{scenario}/{file}"))).unwrap(),
        );
        text.push_str("\n---\n");
    }
    // r02 and the pitfall both define team-a/weather: the later definition wins, as with kubectl apply.
    std::fs::write(dir.path().join("all.yaml"), &text).unwrap();
    let out = run_env(dir.path(), &["-A", "-f", "all.yaml", "-o", "json"], None, &[]);
    let report = out.json();
    let names: Vec<String> = report["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!("{}/{}", s["ref"]["namespace"].as_str().unwrap(), s["ref"]["name"].as_str().unwrap())
        })
        .collect();
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(names, unique, "each server once");
    assert_eq!(report["summary"]["servers"], names.len());
    let s = &report["summary"];
    assert_eq!(
        s["healthy"].as_u64().unwrap()
            + s["broken"].as_u64().unwrap()
            + s["degraded"].as_u64().unwrap()
            + s["unknown"].as_u64().unwrap(),
        names.len() as u64
    );

    let healthy_and_degraded = run_env(
        &root(),
        &[
            "-A",
            "-f",
            "tests/scenarios/_base/platform.yaml",
            "-f",
            "tests/scenarios/r02-tool-prefix-on-kuadrant/broken.yaml",
        ],
        None,
        &[],
    );
    assert_eq!(healthy_and_degraded.code, 0, "warnings do not fail by default");
    let strict = run_env(
        &root(),
        &[
            "-A",
            "-f",
            "tests/scenarios/_base/platform.yaml",
            "-f",
            "tests/scenarios/r02-tool-prefix-on-kuadrant/broken.yaml",
            "--fail-on",
            "warning",
        ],
        None,
        &[],
    );
    assert_eq!(strict.code, 1, "--fail-on warning");
    assert!(
        healthy_and_degraded.stdout.contains("degraded") && healthy_and_degraded.stdout.contains("NAMESPACE"),
        "{}",
        healthy_and_degraded.stdout
    );
}

#[test]
fn suppressed_findings_are_counted_not_dropped() {
    let out = files(
        "pitfall-missing-reference-grant",
        "broken.yaml",
        &["weather", "-n", "team-a", "-o", "json", "--suppress", "MCPD06*=team-a/*"],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    let report = out.json();
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(report["servers"][0]["suppressed"][0]["code"], "MCPD0601");
    let bad = files("pitfall-missing-reference-grant", "broken.yaml", &["--suppress", "MCPD9999"]);
    assert_eq!(bad.code, 2);

    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/scenarios/r13-no-ready-endpoints/broken.yaml")).unwrap().replace(
        "  name: weather\n  namespace: team-a\nspec:\n  selector:",
        "  name: weather\n  namespace: team-a\n  annotations:\n    mcp-doctor.kuadrant.io/suppress: 'MCPD0505: scaled to zero at night'\nspec:\n  selector:",
    );
    assert!(text.contains("scaled to zero"));
    std::fs::write(dir.path().join("in.yaml"), text).unwrap();
    let base = root().join("tests/scenarios/_base/platform.yaml").display().to_string();
    let out = run_env(dir.path(), &["-f", &base, "-f", "in.yaml", "-o", "json"], None, &[]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.json()["summary"]["suppressed"], 1);
}

#[test]
fn selector_filters_registrations_by_label() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("tests/scenarios/strategy-namespace-per-server/fixed.yaml"))
            .unwrap()
            .replace(
                "kind: MCPServerRegistration\nmetadata:\n  name: news\n",
                "kind: MCPServerRegistration\nmetadata:\n  name: news\n  labels:\n    tier: gold\n",
            );
    std::fs::write(dir.path().join("in.yaml"), text).unwrap();
    let out = run_env(dir.path(), &["-A", "-f", "in.yaml", "-l", "tier=gold", "-o", "json"], None, &[]);
    let report = out.json();
    assert_eq!(report["summary"]["servers"], 1, "{report}");
    assert_eq!(report["servers"][0]["ref"]["name"], "news");
    assert_eq!(run_env(dir.path(), &["-A", "-f", "in.yaml", "-l", "tier in gold"], None, &[]).code, 2);
}

#[test]
fn graphs_mark_the_broken_link() {
    let dot = files("pitfall-missing-reference-grant", "broken.yaml", &["-o", "dot"]).stdout;
    assert!(
        dot.starts_with("digraph mcp_doctor {")
            && dot.contains("color=red")
            && dot.contains("backendRefs[0]"),
        "{dot}"
    );
    let mermaid = files("pitfall-missing-reference-grant", "broken.yaml", &["-o", "mermaid"]).stdout;
    assert!(
        mermaid.starts_with("flowchart LR")
            && mermaid.contains("linkStyle")
            && mermaid.contains("✗ backendRefs[0]"),
        "{mermaid}"
    );
}

#[test]
fn completion_scripts_and_the_kubectl_helper() {
    let bash = run(&["completion", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("kubectl-mcp_doctor") && bash.stdout.contains("--kubeconfig"));
    for shell in ["zsh", "fish"] {
        assert_eq!(run(&["completion", shell]).code, 0);
    }
    let dir = bin_dir();
    let bin = place_binary(dir.path(), "kubectl-mcp_doctor");
    let out = output_of_copied(std::process::Command::new(&bin).args(["completion", "kubectl"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let helper = dir.path().join("kubectl_complete-mcp_doctor");
    assert!(helper.is_file());
    let flags = output_of_copied(std::process::Command::new(&helper).args(["--kube"]));
    assert_eq!(String::from_utf8_lossy(&flags.stdout), "--kubeconfig\n:4\n");
    let server = FakeApiServer::start(
        scenario_objects("strategy-namespace-per-server", "fixed.yaml"),
        Options::default(),
    );
    let kubeconfig = server.kubeconfig.display().to_string();
    let names = std::process::Command::new(&helper)
        .args(["--kubeconfig", &kubeconfig, "-n", "news", ""])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&names.stdout), "news\n:4\n");
    let outputs = std::process::Command::new(&helper).args(["-o", "m"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&outputs.stdout), "markdown\nmermaid\n:4\n");
    let codes = std::process::Command::new(&helper).args(["explain", "MCPD060"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&codes.stdout), "MCPD0601\nMCPD0602\n:4\n");
}

/// A scan fits a screen: the table, the totals, one line per error or warning, and the way to
/// one server's chain; `--details` prints the chains instead.
#[test]
fn a_scan_prints_one_line_per_finding_and_details_on_request() {
    let out = run(&["-A", "-f", "examples/"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("scan_lines", out.stdout);
    assert!(out.stdout.lines().count() <= 30, "{}", out.stdout);
    assert!(!out.stdout.contains("fix:"), "no fixes in the compact scan:\n{}", out.stdout);
    let details = run(&["-A", "-f", "examples/", "--details"]);
    assert_eq!(details.stdout.matches("): BROKEN").count(), 3, "{}", details.stdout);
    assert!(details.stdout.contains("fix:"), "{}", details.stdout);
}

/// No registration in scope: kubectl's one line on stderr, nothing else, exit 0.
#[test]
fn a_scan_that_finds_nothing_says_so_on_stderr() {
    let out = run(&["-A", "-f", "examples/", "-l", "tier=gold"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "No MCP server registrations found in the input matching tier=gold.\n");
    let json = run(&["-A", "-f", "examples/", "-l", "tier=gold", "-o", "json"]);
    assert_eq!(json.json()["findings"][0]["code"], "MCPD0003", "the report still carries it");
}

/// A terminal whose locale is not UTF-8 gets ASCII symbols; a UTF-8 one (or none said) the usual.
#[test]
fn a_locale_without_utf8_gets_ascii_symbols() {
    let args = ["news", "-n", "news", "-f", "examples/"];
    let c = run_env(&root(), &args, None, &[("LC_ALL", "C")]);
    assert_eq!(c.code, 1);
    assert!(c.stdout.is_ascii(), "{}", c.stdout);
    assert!(c.stdout.contains("x parentRefs[0] -> Gateway news/mcp-gateway"), "{}", c.stdout);
    let utf8 = run_env(&root(), &args, None, &[("LC_ALL", "C"), ("LANG", "C.UTF-8")]);
    assert!(utf8.stdout.is_ascii(), "LC_ALL wins over LANG");
    let utf8 = run_env(&root(), &args, None, &[("LANG", "en_US.UTF-8")]);
    assert!(utf8.stdout.contains("✗ parentRefs[0] → Gateway"), "{}", utf8.stdout);
}

/// `--redact` on the examples: user data goes (names, namespaces, hosts, file paths), product and
/// controller words stay, and the table's columns line up again.
#[test]
fn redact_takes_user_data_keeps_product_words_and_realigns_the_table() {
    let scan = run(&["-A", "-f", "examples/", "--redact", "--summary"]);
    let one = run(&["news", "-n", "news", "-f", "examples/", "--redact"]);
    let wide = run(&["-A", "-f", "examples/", "--redact", "-o", "wide", "--details"]);
    for out in [&scan, &one, &wide] {
        for gone in
            ["gateway-system", "billing-backend", "weather", "news/", "mcp.local", "examples/", "broken.yaml"]
        {
            assert!(!out.stdout.contains(gone), "{gone} left in:\n{}", out.stdout);
        }
        for kept in ["mcp-gateway release:", "--mcp-gateway-version"] {
            assert!(out.stdout.contains(kept), "{kept} lost:\n{}", out.stdout);
        }
    }
    assert!(scan.stdout.contains("MCPServerRegistration/v1"), "{}", scan.stdout);
    assert!(one.stdout.contains("mcp.kuadrant.io/v1, mcp-gateway v0.8.0+"), "{}", one.stdout);
    assert!(wide.stdout.contains("istio.io/gateway-controller"), "{}", wide.stdout);
    let table: Vec<&str> = scan.stdout.lines().take_while(|l| !l.is_empty()).collect();
    // A column starts where a character follows two spaces.
    let starts = |l: &str| -> Vec<usize> {
        let b = l.as_bytes();
        (2..b.len()).filter(|&i| b[i] != b' ' && b[i - 1] == b' ' && b[i - 2] == b' ').collect()
    };
    let header = starts(table[0]);
    assert_eq!(header.len(), 6, "{}", table[0]);
    for row in &table[1..] {
        assert_eq!(starts(row)[..5], header[..5], "columns line up:\n{}", scan.stdout);
    }
}

/// `at:` is the line of the field (the port on line 53, not the route on line 38), and for a grant
/// to move, the grant's line.
#[test]
fn at_points_at_the_field_and_at_the_grant_to_move() {
    let report = run(&["-A", "-f", "examples/", "-o", "json"]).json();
    let origin = |code: &str| {
        let servers = report["servers"].as_array().unwrap();
        let f = servers
            .iter()
            .flat_map(|s| s["findings"].as_array().unwrap())
            .find(|f| f["code"] == code)
            .unwrap();
        (f["origin"]["file"].as_str().unwrap().to_string(), f["origin"]["line"].as_u64().unwrap())
    };
    assert_eq!(origin("MCPD0504"), ("examples/single-namespace/broken.yaml".to_string(), 53));
    let text = std::fs::read_to_string(root().join("examples/hybrid/broken.yaml")).unwrap();
    let (file, line) = origin("MCPD0602");
    assert_eq!(file, "examples/hybrid/broken.yaml");
    let at = text.lines().skip(line as usize - 1).take(2).collect::<Vec<_>>().join("\n");
    assert!(at.contains("kind: ReferenceGrant"), "at: {line} is not the grant:\n{at}");
}

/// Every output format has its snapshot of one broken server: a format added to `Output` without
/// one fails here (in CI, insta refuses a missing snapshot).
#[test]
fn every_output_format_renders_a_broken_server() {
    use clap::ValueEnum;
    for format in mcp_doctor::cli::Output::value_variants() {
        let name = format.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
        let out = files(
            "pitfall-missing-reference-grant",
            "broken.yaml",
            &["weather", "-n", "team-a", "-o", &name],
        );
        assert_eq!((out.code, out.stderr.as_str()), (1, ""), "-o {name}");
        insta::assert_snapshot!(format!("format_{name}"), out.stdout);
    }
}
