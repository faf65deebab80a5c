//! Before and after `kubectl apply`: `--what-if` checks files against the live cluster without
//! writing, `--wait` diagnoses again until a rollout settles or the time is up.

use super::cluster_support::{doctor_env, scenario_objects};
use super::support::fake_apiserver::{FakeApiServer, Options};
use super::support::{Run, root};
use serde_json::Value;
use std::time::Duration;

fn doctor(server: &FakeApiServer, args: &[&str]) -> Run {
    doctor_env(server, args, &[])
}

fn is(o: &Value, kind: &str, namespace: &str, name: &str) -> bool {
    o["kind"] == kind && o["metadata"]["namespace"] == namespace && o["metadata"]["name"] == name
}

/// Writes `objects` as one YAML stream in a new folder; returns the folder and the file's path.
fn write_yaml(objects: &[&Value]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("change.yaml");
    let docs: Vec<String> = objects.iter().map(|o| serde_saphyr::to_string(o).unwrap()).collect();
    std::fs::write(&path, docs.join("---\n")).unwrap();
    (dir, path.display().to_string())
}

/// The cluster of `pitfall-parent-ref-without-namespace` without team-a's registration and route,
/// and those two objects from `file` of the scenario.
fn cluster_without_the_change(file: &str) -> (FakeApiServer, Vec<Value>) {
    let changed = |o: &Value| {
        is(o, "HTTPRoute", "team-a", "weather") || is(o, "MCPServerRegistration", "team-a", "weather")
    };
    let (change, cluster): (Vec<Value>, Vec<Value>) =
        scenario_objects("pitfall-parent-ref-without-namespace", file).into_iter().partition(changed);
    assert_eq!(change.len(), 2, "the scenario's registration and route");
    (FakeApiServer::start(cluster, Options::default()), change)
}

/// A new registration and its route, only in the files, are diagnosed against the cluster's
/// Gateway, Service and endpoints.
#[test]
fn what_if_diagnoses_a_new_server_against_the_clusters_gateway() {
    let (server, change) = cluster_without_the_change("fixed.yaml");
    let (_dir, path) = write_yaml(&change.iter().collect::<Vec<_>>());
    let out = doctor(&server, &["weather", "-n", "team-a", "--what-if", &path, "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["servers"][0]["verdict"], "healthy", "{report:#}");
    let chain = report["servers"][0]["chain"].as_array().unwrap();
    assert!(
        chain.iter().any(|l| l["to"]["kind"] == "Gateway" && l["to"]["namespace"] == "gateway-system"),
        "the cluster's Gateway is on the chain: {chain:#?}"
    );
    assert!(server.requests().iter().all(|r| r.starts_with("GET ")), "{:#?}", server.requests());
}

/// A route in the files whose parentRef lacks its namespace is broken against the cluster, the fix
/// names the namespace where the cluster's Gateway lives, and the finding points at the file.
#[test]
fn what_if_route_without_the_gateway_namespace_is_broken_with_the_fix() {
    let (server, change) = cluster_without_the_change("broken.yaml");
    let (_dir, path) = write_yaml(&change.iter().collect::<Vec<_>>());
    let out = doctor(&server, &["weather", "-n", "team-a", "--what-if", &path, "-o", "json"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    let finding = &report["servers"][0]["findings"][0];
    assert_eq!(finding["code"], "MCPD0206", "{report:#}");
    assert_eq!(finding["object"]["name"], "weather");
    let fix = finding["fix"].to_string();
    assert!(fix.contains("namespace: gateway-system"), "{fix}");
    assert_eq!(finding["origin"]["file"], path.as_str(), "{finding:#}");
    assert!(server.requests().iter().all(|r| r.starts_with("GET ")), "{:#?}", server.requests());
}

/// The grant that `pitfall-missing-reference-grant` lacks.
fn missing_grant() -> Value {
    scenario_objects("pitfall-missing-reference-grant", "fixed.yaml")
        .into_iter()
        .find(|o| o["kind"] == "ReferenceGrant" && o["metadata"]["namespace"] != "gateway-system")
        .expect("the twin's grant")
}

/// Rounds so far: each reads the route once.
fn rounds(server: &FakeApiServer) -> usize {
    server.requests().iter().filter(|r| r.contains("/httproutes/weather")).count()
}

/// A rollout: the grant reaches the cluster while the doctor waits; the wait ends healthy, exit 0,
/// without waiting out its time.
#[test]
fn wait_ends_healthy_when_the_grant_arrives() {
    let server = FakeApiServer::start(
        scenario_objects("pitfall-missing-reference-grant", "broken.yaml"),
        Options::default(),
    );
    let out = std::thread::scope(|scope| {
        scope.spawn(|| {
            // The grant arrives once a first round has seen the route broken.
            while rounds(&server) == 0 {
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(1500));
            server.apply(missing_grant());
        });
        doctor(&server, &["weather", "-n", "team-a", "--wait", "2m", "-o", "json"])
    });
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["servers"][0]["verdict"], "healthy");
    let rounds = rounds(&server);
    assert!((2..=5).contains(&rounds), "rounds at 0 s, 1 s, 3 s and the full one that confirms: {rounds}");
    assert!(out.stderr.is_empty(), "no progress lines when stderr is no terminal: {}", out.stderr);
}

/// A wait that times out prints the diagnosis a one-shot run prints, exits 1, and polls gently.
#[test]
fn wait_that_times_out_prints_the_diagnosis_and_exits_1() {
    let server = FakeApiServer::start(
        scenario_objects("pitfall-missing-reference-grant", "broken.yaml"),
        Options::default(),
    );
    let once = doctor(&server, &["weather", "-n", "team-a"]);
    let before = server.requests().len();
    let out = doctor(&server, &["weather", "-n", "team-a", "--wait", "6s"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, once.stdout, "the last diagnosis, as a one-shot run prints it");
    let requests = server.requests().len() - before;
    let rounds = rounds(&server) - 1;
    eprintln!("a 6-second wait: {rounds} rounds, {requests} requests");
    // Rounds at 0, 1, 3 and 6 s; a slow machine fits fewer in.
    assert!((2..=4).contains(&rounds), "rounds at 0, 1, 3 and 6 s: {rounds}");
    assert!(requests <= 49, "{requests} requests: {:#?}", &server.requests()[before..]);
}

/// Ctrl-C during a wait prints the last diagnosis and exits 130.
#[test]
fn interrupted_wait_prints_the_last_diagnosis_and_exits_130() {
    let server = FakeApiServer::start(
        scenario_objects("pitfall-missing-reference-grant", "broken.yaml"),
        Options::default(),
    );
    let kubeconfig = server.kubeconfig.display().to_string();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-mcp_doctor"))
        .args(["--kubeconfig", &kubeconfig, "weather", "-n", "team-a", "--wait", "2m", "-o", "json"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the first round has read the registration, interrupt.
    for _ in 0..100 {
        if rounds(&server) > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["servers"][0]["verdict"], "broken");
}

/// Files do not change while one waits: `--wait` with `-f` is a usage error.
#[test]
fn wait_with_files_is_a_usage_error() {
    let out = super::support::run(&["-f", "examples/", "--wait", "5s"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("--wait"), "{}", out.stderr);
}

/// `--what-if -` reads stdin, next to a file: the route from one, the registration from the other.
#[test]
fn what_if_reads_stdin_next_to_files() {
    let (server, change) = cluster_without_the_change("fixed.yaml");
    let (route, registration): (Vec<&Value>, Vec<&Value>) =
        change.iter().partition(|o| o["kind"] == "HTTPRoute");
    let (_dir, path) = write_yaml(&registration);
    let kubeconfig = server.kubeconfig.display().to_string();
    let stdin = serde_saphyr::to_string(route[0]).unwrap();
    let args = [
        "--kubeconfig",
        &kubeconfig,
        "weather",
        "-n",
        "team-a",
        "--what-if",
        "-",
        "--what-if",
        &path,
        "-o",
        "json",
    ];
    let out = super::support::run_in(&root(), &args, Some(stdin.as_bytes()));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["metadata"]["source"]["whatIf"], serde_json::json!(["-", path]));
}

/// `--wait` on a scan that is already settled: one round, no waiting, exit 0.
#[test]
fn a_settled_scan_waits_for_nothing() {
    let server = FakeApiServer::start(
        scenario_objects("pitfall-missing-reference-grant", "fixed.yaml"),
        Options::default(),
    );
    let out = doctor(&server, &["-A", "--wait", "2m", "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.json()["summary"]["healthy"], 1);
    let registration_lists =
        server.requests().iter().filter(|r| r.contains("/mcpserverregistrations?")).count();
    assert!(registration_lists <= 3, "one round (a list per served group): {:#?}", server.requests());
}
