//! Scenario tests: every folder of `tests/scenarios/` holds a broken input and its healthy twin,
//! and `expect.yaml` says what the doctor must find. Each run asserts the verdict, the exit code,
//! the blamed object, the reason and that a fix is given.

use super::support::fake_apiserver::{FakeApiServer, Options};
use super::support::{run, scenarios_dir};
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub summary: String,
    /// The code whose `explain` example this scenario is (`build.rs` embeds it).
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub base: Vec<String>,
    pub broken: Case,
    pub fixed: Option<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub args: Vec<String>,
    /// Verdict of every diagnosed server; `none` when no server is diagnosed.
    pub verdict: String,
    pub exit: i32,
    #[serde(default)]
    pub findings: Vec<ExpectedFinding>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFinding {
    pub code: String,
    pub object: String,
    /// The reason the finding must carry (`~` for none). Required: every scenario pins it.
    pub reason: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    /// The code of the rule that breaks, for a finding lowered to a warning (`MCPD0208`, ...).
    #[serde(default)]
    pub cause: Option<String>,
}

impl Expect {
    /// The broken case and its healthy twin, with the file each reads by default.
    pub fn cases(&self) -> Vec<(&Case, &'static str)> {
        let mut cases = vec![(&self.broken, "broken.yaml")];
        cases.extend(self.fixed.as_ref().map(|f| (f, "fixed.yaml")));
        cases
    }
}

/// Every scenario folder with its parsed expectations.
pub fn all() -> Vec<(String, Expect)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(scenarios_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('_') || !dir.is_dir() {
            continue;
        }
        let text = std::fs::read_to_string(dir.join("expect.yaml"))
            .unwrap_or_else(|e| panic!("{name}/expect.yaml: {e}"));
        let expect: Expect =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}/expect.yaml: {e}"));
        out.push((name, expect));
    }
    out
}

fn object_display(v: &Value) -> String {
    let ns = v["namespace"].as_str().unwrap_or("");
    let name = v["name"].as_str().unwrap_or("");
    let kind = v["kind"].as_str().unwrap_or("");
    if ns.is_empty() { format!("{kind} {name}") } else { format!("{kind} {ns}/{name}") }
}

/// Where a case's objects come from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// `-f` files.
    Files,
    /// The fake API server, serving the same objects.
    Cluster,
}

/// The objects of a case, as the fake API server serves them.
pub fn case_objects(scenario: &str, expect: &Expect, case: &Case, default_file: &str) -> Vec<Value> {
    let mut paths: Vec<std::path::PathBuf> =
        expect.base.iter().map(|b| scenarios_dir().join("_base").join(b)).collect();
    let files = if case.files.is_empty() { vec![default_file.to_string()] } else { case.files.clone() };
    paths.extend(files.iter().map(|f| scenarios_dir().join(scenario).join(f)));
    let mut out = Vec::new();
    for p in paths {
        let bytes = std::fs::read(&p).unwrap();
        let loaded = mcp_doctor::source::files::parse(&p.display().to_string(), &bytes).unwrap();
        out.extend(loaded.objects.into_iter().map(|o| o.value));
    }
    out
}

fn run_case(
    scenario: &str,
    dir: &Path,
    expect: &Expect,
    case: &Case,
    default_file: &str,
    mode: Mode,
) -> Vec<String> {
    let rel = |f: &str| format!("tests/scenarios/{scenario}/{f}");
    let mut args: Vec<String> = Vec::new();
    let files = if case.files.is_empty() { vec![default_file.to_string()] } else { case.files.clone() };
    let _server;
    match mode {
        Mode::Files => {
            for b in &expect.base {
                args.push("-f".into());
                args.push(format!("tests/scenarios/_base/{b}"));
            }
            for f in &files {
                assert!(dir.join(f).exists(), "{scenario}: {f} missing");
                args.push("-f".into());
                args.push(rel(f));
            }
        }
        Mode::Cluster => {
            let server =
                FakeApiServer::start(case_objects(scenario, expect, case, default_file), Options::default());
            args.push("--kubeconfig".into());
            args.push(server.kubeconfig.display().to_string());
            if case.args.is_empty() {
                args.push("-A".into());
            }
            _server = server;
        }
    }
    args.extend(case.args.iter().cloned());
    args.extend(["-o".to_string(), "json".to_string()]);
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&argv);
    let ctx = format!("scenario {scenario} ({default_file}, {mode:?}), args {args:?}");
    assert_eq!(out.code, case.exit, "{ctx}: exit code\nstdout: {}\nstderr: {}", out.stdout, out.stderr);
    let report = out.json();
    let servers = report["servers"].as_array().cloned().unwrap_or_default();
    if case.verdict == "none" {
        assert!(servers.is_empty(), "{ctx}: expected no server, got {servers:?}");
    } else {
        assert!(!servers.is_empty(), "{ctx}: no server diagnosed");
        for s in &servers {
            assert_eq!(
                s["verdict"],
                case.verdict.as_str(),
                "{ctx}: verdict of {}\n{}",
                s["ref"],
                serde_json::to_string_pretty(&s["findings"]).unwrap()
            );
        }
    }
    let mut findings: Vec<Value> =
        servers.iter().flat_map(|s| s["findings"].as_array().cloned().unwrap_or_default()).collect();
    findings.extend(report["findings"].as_array().cloned().unwrap_or_default());
    for want in &case.findings {
        let found = findings
            .iter()
            .find(|f| f["code"] == want.code.as_str() && object_display(&f["object"]) == want.object);
        let Some(f) = found else {
            let got: Vec<String> = findings
                .iter()
                .map(|f| format!("{} {} [{}]", f["code"], object_display(&f["object"]), f["reason"]))
                .collect();
            panic!("{ctx}: expected {} on {}, got {got:#?}", want.code, want.object);
        };
        assert_eq!(f["reason"].as_str(), want.reason.as_deref(), "{ctx}: reason of {}", want.code);
        if let Some(sev) = &want.severity {
            assert_eq!(f["severity"], sev.as_str(), "{ctx}: severity of {}", want.code);
        }
        assert_eq!(f["cause"].as_str(), want.cause.as_deref(), "{ctx}: cause of {}", want.code);
        assert!(
            f["fix"]["summary"].as_str().is_some_and(|s| s.len() > 10),
            "{ctx}: {} has no fix",
            want.code
        );
        let name = want.object.rsplit_once(' ').map_or("", |(_, n)| n.rsplit('/').next().unwrap_or(""));
        assert!(
            name == "*" || f["message"].as_str().is_some_and(|m| m.contains(name)),
            "{ctx}: message of {} does not name the object: {}",
            want.code,
            f["message"]
        );
    }
    // Fixes you can apply: YAML is a complete object (`kubectl apply -f -`), or comes with the
    // command that makes the change, or is what the manifest must say for an object the API
    // server refuses as it is.
    for f in &findings {
        let fix = &f["fix"];
        let Some(yaml) = fix["yaml"].as_str() else { continue };
        let complete =
            ["apiVersion:", "kind:", "metadata:"].iter().all(|k| yaml.lines().any(|l| l.starts_with(k)));
        let applied = fix["command"].as_str().is_some_and(|c| c.starts_with("kubectl "));
        let manifest = fix["summary"].as_str().is_some_and(|s| s.contains("in the manifest"));
        assert!(
            complete || applied || manifest,
            "{ctx}: {} has a YAML fragment and no way to apply it: {fix:#}",
            f["code"]
        );
    }
    // One severity per code: the catalog's, whatever the context.
    for f in &findings {
        let info =
            mcp_doctor::diagnose::Code::find(f["code"].as_str().unwrap_or_default()).expect("a catalog code");
        assert_eq!(
            f["severity"],
            info.severity.as_str(),
            "{ctx}: {} with another severity than its catalog's",
            info.id
        );
    }
    // Every error is one the scenario expects: a broken run names all it breaks, nothing more.
    let unexpected: Vec<String> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter(|f| {
            !case
                .findings
                .iter()
                .any(|w| f["code"] == w.code.as_str() && object_display(&f["object"]) == w.object)
        })
        .map(|f| format!("{} {} [{}]", f["code"], object_display(&f["object"]), f["message"]))
        .collect();
    assert!(unexpected.is_empty(), "{ctx}: errors the scenario does not expect: {unexpected:#?}");
    if case.exit == 0 {
        let noisy: Vec<&Value> = findings.iter().filter(|f| f["severity"] != "info").collect();
        assert!(
            noisy.is_empty() || case.verdict == "degraded",
            "{ctx}: healthy twin has findings {noisy:#?}"
        );
    }
    case.findings.iter().map(|f| f.code.clone()).collect()
}

/// Scenarios that only exist as files: a cluster cannot hold two definitions of one object, the
/// fake API server serves every API generation, so a v1alpha1 object pinned to v0.6.x comes back
/// as v1 (the per-release fixtures of `releases.rs` cover v0.6.x clusters), and a cluster always
/// answers a read of Services, so a partial dump is a files-only condition.
/// Inputs no cluster can hold: a duplicate object, an object without a kind, v1alpha1 objects
/// pinned to v0.6 next to a server that serves every generation, a dump without Services; and a
/// malformed object off the chain, which a targeted cluster read never reads; a spec the API
/// server's schema refuses (a cluster's objects passed it).
pub const FILES_ONLY: &[&str] = &[
    "input-route-refused-by-the-schema",
    "input-duplicate-object",
    "input-object-without-kind",
    "input-malformed-object-off-chain",
    "v07-prefix-on-v0.6",
    "v09-state-pruned-before-v0.7",
    "input-partial-dump-without-services",
];

fn check_all(mode: Mode) {
    let scenarios = all();
    assert!(scenarios.len() >= 40, "only {} scenarios", scenarios.len());
    let mut failures = Vec::new();
    for (name, expect) in &scenarios {
        let dir = scenarios_dir().join(name);
        for (case, file) in expect.cases() {
            if mode == Mode::Cluster && FILES_ONLY.contains(&name.as_str()) {
                continue;
            }
            let result = std::panic::catch_unwind(|| run_case(name, &dir, expect, case, file, mode));
            if let Err(e) = result {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
                failures.push(msg.unwrap_or_else(|| format!("{name}/{file} panicked")));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenario runs failed:\n\n{}",
        failures.len(),
        scenarios.len() * 2,
        failures.join("\n\n")
    );
}

#[test]
fn every_scenario_gives_its_verdict_blames_the_object_and_fixes_it() {
    check_all(Mode::Files);
}

#[test]
fn every_scenario_gives_the_same_verdicts_from_the_fake_api_server() {
    check_all(Mode::Cluster);
}

#[test]
fn every_scenario_has_a_healthy_twin() {
    for (name, expect) in all() {
        let fixed = expect.fixed.unwrap_or_else(|| panic!("{name} has no healthy twin"));
        assert_eq!(fixed.exit, 0, "{name}: the twin must exit 0");
        assert!(!expect.summary.is_empty());
    }
}

/// What a run says that must not depend on where the objects came from: per error finding, its
/// code, the blamed object and the namespaces its message and fix name.
fn errors_and_namespaces(report: &Value, namespaces: &[String]) -> Vec<String> {
    let servers = report["servers"].as_array().cloned().unwrap_or_default();
    let mut findings: Vec<Value> =
        servers.iter().flat_map(|s| s["findings"].as_array().cloned().unwrap_or_default()).collect();
    findings.extend(report["findings"].as_array().cloned().unwrap_or_default());
    let mut out: Vec<String> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            let text = format!("{} {}", f["message"], f["fix"]);
            let named: Vec<&str> = namespaces
                .iter()
                .filter(|ns| {
                    text.match_indices(ns.as_str()).any(|(i, _)| {
                        let word = |c: char| c.is_ascii_alphanumeric() || c == '-';
                        let before = text[..i].chars().next_back().is_none_or(|c| !word(c));
                        let after = text[i + ns.len()..].chars().next().is_none_or(|c| !word(c));
                        before && after
                    })
                })
                .map(String::as_str)
                .collect();
            format!("{} on {} naming [{}]", f["code"], object_display(&f["object"]), named.join(", "))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The `NAME -n NS` runs of a case: its own when it names a registration, else one per
/// registration in its objects.
pub fn targeted_args(case: &Case, objects: &[Value]) -> Vec<Vec<String>> {
    if case.args.first().is_some_and(|a| !a.starts_with('-')) {
        return vec![case.args.clone()];
    }
    objects
        .iter()
        .filter(|o| matches!(o["kind"].as_str(), Some("MCPServerRegistration" | "MCPServer")))
        .filter_map(|o| {
            let name = o.pointer("/metadata/name")?.as_str()?.to_string();
            let ns = o.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("default");
            let mut args = vec![name, "-n".to_string(), ns.to_string()];
            args.extend(case.args.iter().cloned());
            Some(args)
        })
        .collect()
}

#[test]
fn every_scenario_blames_the_same_objects_and_namespaces_from_files_and_from_a_cluster() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for (name, expect) in all() {
        if FILES_ONLY.contains(&name.as_str()) {
            continue;
        }
        for (case, file) in expect.cases() {
            let objects = case_objects(&name, &expect, case, file);
            let mut namespaces: Vec<String> = objects
                .iter()
                .filter_map(|o| o.pointer("/metadata/namespace").and_then(Value::as_str))
                .chain(std::iter::once("default"))
                .map(str::to_string)
                .collect();
            namespaces.sort();
            namespaces.dedup();
            let files = if case.files.is_empty() { vec![file.to_string()] } else { case.files.clone() };
            let mut file_args: Vec<String> = Vec::new();
            for b in &expect.base {
                file_args.extend(["-f".to_string(), format!("tests/scenarios/_base/{b}")]);
            }
            for f in &files {
                file_args.extend(["-f".to_string(), format!("tests/scenarios/{name}/{f}")]);
            }
            let server = FakeApiServer::start(objects.clone(), Options::default());
            let cluster_args = vec!["--kubeconfig".to_string(), server.kubeconfig.display().to_string()];
            // Each registration by name, and a scan (`-A` on the cluster, everything in the files).
            let mut targets: Vec<(Vec<String>, Vec<String>)> =
                targeted_args(case, &objects).into_iter().map(|t| (t.clone(), t)).collect();
            if case.args.first().is_none_or(|a| a.starts_with('-')) {
                let mut all = vec!["-A".to_string()];
                all.extend(case.args.iter().cloned());
                targets.push((case.args.clone(), all));
            }
            for (file_target, cluster_target) in targets {
                let said = |base: &[String], target: &[String]| {
                    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
                    args.extend(target.iter().map(String::as_str));
                    args.extend(["-o", "json"]);
                    let out = run(&args);
                    (out.code, errors_and_namespaces(&out.json(), &namespaces))
                };
                runs += 1;
                let from_files = said(&file_args, &file_target);
                let from_cluster = said(&cluster_args, &cluster_target);
                if from_files != from_cluster {
                    failures.push(format!(
                        "{name}/{file} {}:\n  files   exit {} {:#?}\n  cluster exit {} {:#?}",
                        cluster_target.join(" "),
                        from_files.0,
                        from_files.1,
                        from_cluster.0,
                        from_cluster.1
                    ));
                }
            }
        }
    }
    assert!(runs >= 100, "only {runs} targeted runs");
    assert!(failures.is_empty(), "{} of {runs} runs differ:\n{}", failures.len(), failures.join("\n"));
}
