//! What ships: the krew manifest follows krew's rules and the crate version, the README's
//! commands work as written, and `-o json` validates against the published JSON Schema.

use super::cluster_support::{doctor_env, scenario_objects};
use super::support::fake_apiserver::{Deny, FakeApiServer, Options};
use super::support::{root, run};
use serde_json::Value;

fn yaml(path: &str) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(root().join(path)).unwrap()).unwrap()
}

#[test]
fn krew_manifest_follows_krew_rules_and_the_crate_version() {
    let m = yaml("krew-manifest.yaml");
    assert_eq!(m["apiVersion"], "krew.googlecontainertools.github.com/v1alpha2");
    assert_eq!(m["kind"], "Plugin");
    assert_eq!(m["metadata"]["name"], "mcp-doctor");
    let spec = &m["spec"];
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(spec["version"], version.as_str(), "spec.version must equal Cargo.toml's version");
    assert!(spec["homepage"].as_str().unwrap().starts_with("https://"));
    assert!(spec["shortDescription"].as_str().unwrap().len() <= 50);
    let description = spec["description"].as_str().unwrap();
    assert!(description.lines().all(|l| l.len() <= 80), "description wrapped at 80 columns");
    let caveats = spec["caveats"].as_str().unwrap();
    for needed in ["get", "list", "httproutes", "referencegrants", "secrets", "endpointslices"] {
        assert!(caveats.contains(needed), "caveats name the read permissions: {needed}");
    }
    let platforms = spec["platforms"].as_array().unwrap();
    let mut seen: Vec<(String, String)> = Vec::new();
    for p in platforms {
        let labels = &p["selector"]["matchLabels"];
        let (os, arch) =
            (labels["os"].as_str().unwrap().to_string(), labels["arch"].as_str().unwrap().to_string());
        let uri = p["uri"].as_str().unwrap();
        let windows = os == "windows";
        assert!(uri.starts_with("https://") && uri.contains(&version), "{uri}");
        assert!(uri.ends_with(if windows { ".zip" } else { ".tar.gz" }), "{uri}");
        let sha = p["sha256"].as_str().unwrap();
        assert!(
            sha.len() == 64 && sha.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
            "lowercase sha256: {sha}"
        );
        let bin = if windows { "kubectl-mcp_doctor.exe" } else { "kubectl-mcp_doctor" };
        assert_eq!(p["bin"], bin);
        let froms: Vec<&str> =
            p["files"].as_array().unwrap().iter().map(|f| f["from"].as_str().unwrap()).collect();
        assert!(froms.contains(&bin) && froms.contains(&"LICENSE"), "{froms:?}");
        seen.push((os, arch));
    }
    seen.sort();
    let want: Vec<(String, String)> = [
        ("darwin", "amd64"),
        ("darwin", "arm64"),
        ("linux", "amd64"),
        ("linux", "arm64"),
        ("windows", "amd64"),
    ]
    .iter()
    .map(|(o, a)| (o.to_string(), a.to_string()))
    .collect();
    assert_eq!(seen, want);
    let template = std::fs::read_to_string(root().join(".krew.yaml")).unwrap();
    assert_eq!(template.matches("addURIAndSha").count(), 5, "the release template covers the same platforms");
}

#[test]
fn readme_commands_work_as_written() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("    kubectl mcp-doctor -A -f examples/\n"), "the run command");
    assert!(readme.contains("    cargo test\n"), "the test command");
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.contains("cargo test"), ".ci/run runs the README's test command");
    let out = run(&["-A", "-f", "examples/"]);
    assert_eq!(out.code, 1, "the examples hold broken servers\n{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("6 server(s): 3 healthy, 3 broken"), "{}", out.stdout);
    // The pasted output is the real output.
    let pasted = readme
        .split("$ kubectl mcp-doctor -A -f examples/ --summary\n")
        .nth(1)
        .and_then(|r| r.split("```").next())
        .expect("pasted example");
    let real = run(&["-A", "-f", "examples/", "--summary"]);
    assert_eq!(pasted, real.stdout, "README's pasted output is stale");
    let pasted = readme
        .split("$ kubectl mcp-doctor news -n news -f examples/\n")
        .nth(1)
        .and_then(|r| r.split("```").next())
        .expect("pasted tree");
    assert_eq!(
        pasted,
        run(&["news", "-n", "news", "-f", "examples/"]).stdout,
        "README's pasted tree is stale"
    );
}

/// Validates `report` against docs/report.schema.json made strict: the published schema lets
/// readers accept fields added later, the test holds the schema to describe every field.
fn validate(report: &Value) {
    let text = std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap();
    assert!(text.contains(r#""additionalProperties": true"#), "the published schema allows added fields");
    let strict = text.replace(r#""additionalProperties": true"#, r#""additionalProperties": false"#);
    let schema: Value = serde_json::from_str(&strict).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(report).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn json_output_validates_against_the_schema() {
    for args in [
        vec!["-A", "-f", "examples/", "-o", "json"],
        vec![
            "-f",
            "tests/scenarios/_base/platform.yaml",
            "-f",
            "tests/scenarios/input-registration-not-found/broken.yaml",
            "weather",
            "-n",
            "team-b",
            "-o",
            "json",
        ],
        vec![
            "-f",
            "tests/scenarios/input-malformed-route/broken.yaml",
            "-o",
            "json",
            "--suppress",
            "MCPD0001",
        ],
    ] {
        let out = run(&args);
        validate(&out.json());
    }
    let opts = Options {
        deny: vec![Deny { verb: "list", plural: "referencegrants", namespace: Some("backends") }],
        ..Options::default()
    };
    let server =
        FakeApiServer::start(scenario_objects("pitfall-missing-reference-grant", "fixed.yaml"), opts);
    let out = doctor_env(&server, &["-A", "-o", "json"], &[]);
    validate(&out.json());
    // A broken report does not validate once a contract field is renamed.
    let mut bad = run(&["-A", "-f", "examples/", "-o", "json"]).json();
    bad["servers"][0]["verdict"] = Value::String("sick".into());
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap())
            .unwrap();
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&bad));
}

#[test]
fn docs_rbac_yaml_is_generated_from_the_kind_registry() {
    super::support::generated_file("docs/rbac.yaml", &mcp_doctor::render::rbac::rbac_yaml());
}

/// docs/rbac.yaml grants every read of the kind registry (get and list on each discovered
/// resource): a kind added to the registry without its RBAC fails here.
#[test]
fn rbac_yaml_grants_every_read_of_the_kind_registry() {
    let text = std::fs::read_to_string(root().join("docs/rbac.yaml")).unwrap();
    let docs = mcp_doctor::source::files::parse("rbac.yaml", text.as_bytes()).unwrap();
    let role =
        docs.objects.iter().map(|o| &o.value).find(|v| v["kind"] == "ClusterRole").expect("a ClusterRole");
    let rules = role["rules"].as_array().unwrap();
    let grants = |group: &str, plural: &str, verb: &str| {
        rules.iter().any(|r| {
            let has = |field: &str, want: &str| r[field].as_array().unwrap().iter().any(|v| v == want);
            has("apiGroups", group) && has("resources", plural) && has("verbs", verb)
        })
    };
    for r in mcp_doctor::model::objref::RESOURCES.iter().filter(|r| r.discovered) {
        for verb in ["get", "list"] {
            assert!(
                grants(r.group, r.plural, verb),
                "docs/rbac.yaml does not grant {verb} on {}.{}",
                r.plural,
                r.group
            );
        }
    }
    assert!(grants("", "services/proxy", "get"), "the optional --probe rule");
}
