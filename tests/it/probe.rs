//! `--probe`: the broker's own answer through the API server's service proxy, at the end of a
//! healthy configuration chain: ready with counts, an upstream error, an unknown server, a refused
//! proxy, a broker without its Service; and no proxy request without the flag.

use super::cluster_support::{doctor_env, scenario_objects};
use super::support::Run;
use super::support::fake_apiserver::{BrokerReply, Deny, FakeApiServer, Options};
use serde_json::{Value, json};

const STATUS_PATH: &str = "/status/team-a/weather";

/// A healthy install (`pitfall-missing-reference-grant`'s twin) with the broker Service the
/// controller creates in the extension's namespace, and a broker that answers `reply`.
fn cluster(reply: Option<(u16, Value)>, with_service: bool, deny: Vec<Deny>) -> FakeApiServer {
    let mut objects = scenario_objects("pitfall-missing-reference-grant", "fixed.yaml");
    if with_service {
        objects.extend(broker_service());
    }
    let broker = reply
        .into_iter()
        .map(|(code, body)| BrokerReply { path: STATUS_PATH.into(), code, body: body.to_string() })
        .collect();
    FakeApiServer::start(objects, Options { broker, deny, ..Options::default() })
}

/// The Service and endpoints the controller creates for the broker in the extension's namespace.
fn broker_service() -> [Value; 2] {
    [
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "mcp-gateway", "namespace": "mcp-system"},
            "spec": {"ports": [{"name": "http", "port": 8080}]}}),
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "mcp-gateway-abcde", "namespace": "mcp-system", "labels": {"kubernetes.io/service-name": "mcp-gateway"}},
            "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.9"], "conditions": {"ready": true}}]}),
    ]
}

fn status(ready: bool, message: &str) -> Value {
    json!({"id": "team-a/weather:weather_:weather.mcp.local", "name": "team-a/weather", "ready": ready, "message": message,
           "totalTools": 7, "totalPrompts": 0, "invalidTools": 0,
           "protocolValidation": {"isValid": true, "supportedVersion": "2025-11-25", "expectedVersion": "2025-11-25"}})
}

fn probe(server: &FakeApiServer, output: &str) -> Run {
    doctor_env(server, &["weather", "-n", "team-a", "--probe", "-o", output], &[])
}

fn proxied(server: &FakeApiServer) -> Vec<String> {
    server.requests().into_iter().filter(|r| r.contains("/proxy/")).collect()
}

fn broker_link(report: &Value) -> Value {
    broker_link_of(&report["servers"][0])
}

fn broker_link_of(server: &Value) -> Value {
    let chain = server["chain"].as_array().unwrap();
    chain
        .iter()
        .find(|l| l["relation"].as_str().unwrap().starts_with("broker"))
        .cloned()
        .expect("a broker link")
}

#[test]
fn a_ready_broker_gives_the_tool_and_prompt_counts() {
    let server = cluster(Some((200, status(true, "server added successfully"))), true, Vec::new());
    let out = probe(&server, "json");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["servers"][0]["verdict"], "healthy");
    assert_eq!(broker_link(&report)["state"], "ok");
    assert_eq!(
        proxied(&server),
        [format!("GET /api/v1/namespaces/mcp-system/services/mcp-gateway:8080/proxy{STATUS_PATH}")]
    );
    let text = probe(&server, "text");
    assert!(text.stdout.contains("ready: 7 tools, 0 prompts"), "{}", text.stdout);
}

#[test]
fn an_upstream_that_answers_401_is_broken_with_the_brokers_message() {
    let message =
        "failed to connect to upstream mcp team-a/weather:weather_:weather.mcp.local : 401 Unauthorized";
    let server = cluster(Some((200, status(false, message))), true, Vec::new());
    let out = probe(&server, "json");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    let finding = &report["servers"][0]["findings"][0];
    assert_eq!(finding["code"], "MCPD1001", "{report:#}");
    assert!(finding["message"].as_str().unwrap().contains("401 Unauthorized"), "{finding:#}");
    assert!(finding["fix"]["summary"].as_str().unwrap().contains("credential"), "{finding:#}");
    assert_eq!(broker_link(&report)["state"], "fail");
    insta::assert_snapshot!(probe(&server, "text").stdout);
}

#[test]
fn a_server_the_broker_does_not_know_is_not_loaded_yet() {
    let server = cluster(None, true, Vec::new());
    let out = probe(&server, "json");
    assert_eq!(out.code, 0, "a warning: {}{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["servers"][0]["verdict"], "degraded");
    let finding = &report["servers"][0]["findings"][0];
    assert_eq!(finding["code"], "MCPD1002", "{report:#}");
    assert!(finding["message"].as_str().unwrap().contains("mcp-gateway-config"), "{finding:#}");
}

#[test]
fn a_forbidden_proxy_leaves_the_broker_unknown_and_names_the_permission() {
    let deny = vec![Deny { verb: "get", plural: "services/proxy", namespace: None }];
    let server = cluster(Some((200, status(true, "ok"))), true, deny);
    let out = probe(&server, "json");
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["servers"][0]["verdict"], "unknown");
    assert_eq!(broker_link(&report)["state"], "unknown");
    let finding = &report["servers"][0]["findings"][0];
    assert_eq!(finding["code"], "MCPD0005", "{report:#}");
    assert!(finding["fix"]["yaml"].as_str().unwrap().contains("services/proxy"), "{finding:#}");
}

#[test]
fn a_broker_without_its_service_is_a_finding_on_the_extension() {
    let server = cluster(Some((200, status(true, "ok"))), false, Vec::new());
    let out = probe(&server, "json");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    let finding = &report["servers"][0]["findings"][0];
    assert_eq!(finding["code"], "MCPD1003", "{report:#}");
    assert_eq!(finding["object"]["kind"], "MCPGatewayExtension");
    assert_eq!(finding["fix"]["target"]["name"], "mcp-gateway");
}

#[test]
fn without_probe_nothing_goes_through_the_proxy() {
    let server = cluster(Some((200, status(true, "ok"))), true, Vec::new());
    let out = doctor_env(&server, &["weather", "-n", "team-a", "-o", "json"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(proxied(&server).is_empty(), "{:#?}", server.requests());
    let chain = out.json()["servers"][0]["chain"].to_string();
    assert!(!chain.contains("broker"), "{chain}");
}

#[test]
fn tool_conflicts_and_dropped_tools_are_warnings_that_name_the_tools() {
    let mut answer = status(true, "server added successfully");
    answer["invalidToolList"] = json!(["Bad Tool"]);
    let body = json!({"servers": [answer], "toolConflicts": [{"toolName": "get_forecast", "servers": ["team-a/weather", "team-b/forecast"]}]});
    let server = cluster(Some((200, body)), true, Vec::new());
    let out = probe(&server, "json");
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["servers"][0]["verdict"], "degraded");
    let findings = report["servers"][0]["findings"].as_array().unwrap();
    let said = |code: &str, tool: &str| {
        findings.iter().any(|f| f["code"] == code && f["message"].as_str().unwrap().contains(tool))
    };
    assert!(said("MCPD1004", "get_forecast") && said("MCPD1005", "Bad Tool"), "{findings:#?}");
}

/// A scan asks each broker once, for its whole status, and reads every server from it.
#[test]
fn a_scan_asks_each_broker_once() {
    let mut objects = scenario_objects("pitfall-missing-reference-grant", "fixed.yaml");
    let mut second = objects.iter().find(|o| o["kind"] == "MCPServerRegistration").unwrap().clone();
    second["metadata"]["name"] = json!("weather-eu");
    second["spec"]["prefix"] = json!("weather_eu_");
    objects.push(second);
    objects.extend(broker_service());
    let mut eu = status(true, "server added successfully");
    eu["name"] = json!("team-a/weather-eu");
    eu["totalTools"] = json!(3);
    let body = json!({"servers": [status(true, "server added successfully"), eu]});
    let reply = BrokerReply { path: "/status".into(), code: 200, body: body.to_string() };
    let server = FakeApiServer::start(objects, Options { broker: vec![reply], ..Options::default() });
    let out = doctor_env(&server, &["-A", "--probe", "-o", "json"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        proxied(&server),
        ["GET /api/v1/namespaces/mcp-system/services/mcp-gateway:8080/proxy/status"]
    );
    let report = out.json();
    let evidence: Vec<Value> =
        report["servers"].as_array().unwrap().iter().map(|s| broker_link_of(s)["evidence"].clone()).collect();
    assert_eq!(
        evidence,
        [json!("ready: 7 tools, 0 prompts"), json!("ready: 3 tools, 0 prompts")],
        "{report:#}"
    );
}
