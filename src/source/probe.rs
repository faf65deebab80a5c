//! `--probe`: asks the mcp-gateway broker what it knows of a registration, through the API
//! server's service proxy (`/api/v1/namespaces/NS/services/SVC:PORT/proxy/status/NS/NAME`), so that
//! it works from a laptop with nothing but the kubeconfig. One GET per registration, 5 s at most.

use crate::model::ObjRef;
use crate::snapshot::{BrokerAnswer, BrokerSaid, BrokerStatus};
use serde_json::Value;
use std::time::Duration;

/// The bound on one probe request.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// A registration to ask about, and the broker Service to ask.
#[derive(Debug, Clone)]
pub struct Target {
    /// The registration's namespace.
    pub namespace: String,
    /// The registration's name.
    pub name: String,
    /// The broker Service's namespace (the extension's).
    pub service_namespace: String,
    /// The broker Service's name.
    pub service: &'static str,
    /// Its port.
    pub port: u16,
}

impl Target {
    /// The proxy path of the broker's status of this registration.
    pub fn path(&self) -> String {
        format!(
            "/api/v1/namespaces/{}/services/{}:{}/proxy/status/{}/{}",
            self.service_namespace, self.service, self.port, self.namespace, self.name
        )
    }

    /// The proxy path of the broker's whole status (every server it serves).
    fn all_path(&self) -> String {
        format!(
            "/api/v1/namespaces/{}/services/{}:{}/proxy/status",
            self.service_namespace, self.service, self.port
        )
    }

    /// The broker's name of the server.
    fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    fn service_ref(&self) -> ObjRef {
        ObjRef::new("", "Service", &self.service_namespace, self.service)
    }
}

/// Asks one broker about `targets` (which share it): `/status/<ns>/<name>` for one registration,
/// the whole `/status` once for several. Never fails: what went wrong is the answer.
pub async fn ask(client: &kube::Client, targets: &[Target]) -> Vec<((String, String), BrokerAnswer)> {
    let Some(first) = targets.first() else { return Vec::new() };
    let path = if targets.len() == 1 { first.path() } else { first.all_path() };
    let answer = match tokio::time::timeout(PROBE_TIMEOUT, get(client, &path)).await {
        Err(_) => Err(format!("no answer within {}s", PROBE_TIMEOUT.as_secs())),
        Ok(answer) => answer,
    };
    targets
        .iter()
        .map(|t| {
            let said = match &answer {
                Err(e) => BrokerSaid::Failed(e.clone()),
                Ok((code, body)) => interpret(*code, body, &t.key()),
            };
            (
                (t.namespace.clone(), t.name.clone()),
                BrokerAnswer { service: t.service_ref(), port: t.port, said },
            )
        })
        .collect()
}

/// One GET, its HTTP code and body, whatever the code.
async fn get(client: &kube::Client, path: &str) -> Result<(u16, String), String> {
    let request = http::Request::get(path)
        .header(http::header::ACCEPT, "application/json")
        .body(kube::client::Body::from(Vec::new()))
        .map_err(|e| format!("bad request path {path}: {e}"))?;
    let response = client.send(request).await.map_err(|e| e.to_string())?;
    let code = response.status().as_u16();
    let bytes = response.into_body().collect_bytes().await.map_err(|e| e.to_string())?;
    Ok((code, String::from_utf8_lossy(&bytes).into_owned()))
}

/// The value at a JSON pointer, `Null` when there is none.
fn at<'v>(v: &'v Value, pointer: &str) -> &'v Value {
    v.pointer(pointer).unwrap_or(&Value::Null)
}

/// The message of the API server's own `Status` body, when the body is one.
fn api_status(body: &str) -> Option<(String, Value)> {
    let v: Value = serde_json::from_str(body).ok()?;
    (at(&v, "/kind") == "Status").then(|| (at(&v, "/message").as_str().unwrap_or_default().to_string(), v))
}

/// What an answer means. `key` is the broker's name of the server (`namespace/name`).
pub fn interpret(code: u16, body: &str, key: &str) -> BrokerSaid {
    let text = || body.trim().chars().take(300).collect::<String>();
    match (code, api_status(body)) {
        (200, _) => match serde_json::from_str::<Value>(body) {
            Ok(v) => status_of(&v, key).map_or_else(
                || BrokerSaid::NotLoaded(format!("the status lists no server {key}")),
                BrokerSaid::Status,
            ),
            Err(e) => BrokerSaid::Failed(format!("the broker's answer is not JSON: {e}")),
        },
        (403, Some((message, _))) => BrokerSaid::Forbidden(message),
        // The API server's 404 names the Service; the broker's names the server.
        (404, Some((message, v))) if at(&v, "/details/kind") == "services" => {
            BrokerSaid::Unreachable(message)
        }
        (404, _) => BrokerSaid::NotLoaded(text()),
        (503, Some((message, _))) => BrokerSaid::Unreachable(message),
        (503, None) => BrokerSaid::Unreachable(text()),
        (code, Some((message, _))) => BrokerSaid::Failed(format!("HTTP {code}: {message}")),
        (code, None) => BrokerSaid::Failed(format!("HTTP {code}: {}", text())),
    }
}

/// The entry of server `key` in a `/status` answer: the answer itself, or one of its `servers`.
fn status_of(v: &Value, key: &str) -> Option<BrokerStatus> {
    let named = |s: &&Value| {
        at(s, "/name") == key || at(s, "/id").as_str().is_some_and(|id| id.starts_with(&format!("{key}:")))
    };
    let entry = match at(v, "/servers").as_array() {
        Some(servers) => servers.iter().find(named)?,
        None if v.get("ready").is_some() => v,
        None => return None,
    };
    let text = |v: &Value| v.as_str().map(str::to_string);
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| text(t).or_else(|| text(at(t, "/name"))).or_else(|| text(at(t, "/toolName"))))
            .collect()
    };
    let p = at(entry, "/protocolValidation");
    let protocol_mismatch = (at(p, "/isValid") == false).then(|| {
        (
            text(at(p, "/supportedVersion")).unwrap_or_default(),
            text(at(p, "/expectedVersion")).unwrap_or_default(),
        )
    });
    Some(BrokerStatus {
        ready: at(entry, "/ready").as_bool().unwrap_or(false),
        message: text(at(entry, "/message")).unwrap_or_default(),
        tools: at(entry, "/totalTools").as_u64().unwrap_or(0),
        prompts: at(entry, "/totalPrompts").as_u64().unwrap_or(0),
        invalid_tools: names(at(entry, "/invalidToolList")),
        protocol_mismatch,
        conflicts: conflicts(at(v, "/toolConflicts"), key),
    })
}

/// The tool names in `toolConflicts` that involve server `key` (entries that name no servers
/// are kept: the broker listed them for the server asked about).
fn conflicts(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            let servers = at(c, "/servers").as_array().or(at(c, "/serverNames").as_array());
            servers.is_none_or(|s| {
                s.iter().any(|n| n.as_str().is_some_and(|n| n == key || n.starts_with(&format!("{key}:"))))
            })
        })
        .filter_map(|c| {
            c.as_str().or(at(c, "/toolName").as_str()).or(at(c, "/name").as_str()).map(str::to_string)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ready_server_gives_its_counts() {
        let body = r#"{"servers":[{"id":"mcp-test/weather:weather_:weather.mcp.local","name":"mcp-test/weather","ready":true,"message":"server added successfully","totalTools":7,"totalPrompts":0,"invalidTools":0}]}"#;
        let BrokerSaid::Status(s) = interpret(200, body, "mcp-test/weather") else { panic!("not a status") };
        assert!(s.ready);
        assert_eq!((s.tools, s.prompts), (7, 0));
    }

    #[test]
    fn the_api_servers_404_is_the_service_the_brokers_is_the_server() {
        let api = r#"{"kind":"Status","message":"services \"mcp-gateway\" not found","reason":"NotFound","details":{"name":"mcp-gateway","kind":"services"},"code":404}"#;
        assert!(matches!(interpret(404, api, "a/b"), BrokerSaid::Unreachable(m) if m.contains("not found")));
        let broker = "Server 'a/b' not found in status";
        assert_eq!(interpret(404, broker, "a/b"), BrokerSaid::NotLoaded(broker.into()));
    }

    #[test]
    fn protocol_invalid_tools_and_conflicts_are_read() {
        let body = r#"{"ready":false,"message":"failed to initialize","protocolValidation":{"isValid":false,"supportedVersion":"2024-11-05","expectedVersion":"2025-11-25"},"invalidToolList":["bad tool"],"toolConflicts":[{"toolName":"get_weather","servers":["a/b","c/d"]},{"toolName":"other","servers":["c/d","e/f"]}]}"#;
        let BrokerSaid::Status(s) = interpret(200, body, "a/b") else { panic!("not a status") };
        assert_eq!(s.protocol_mismatch, Some(("2024-11-05".into(), "2025-11-25".into())));
        assert_eq!(s.invalid_tools, ["bad tool"]);
        assert_eq!(s.conflicts, ["get_weather"]);
    }

    #[test]
    fn garbage_is_a_failure_not_a_panic() {
        assert!(matches!(interpret(200, "<html>", "a/b"), BrokerSaid::Failed(_)));
        assert!(matches!(interpret(502, "bad gateway", "a/b"), BrokerSaid::Failed(m) if m.contains("502")));
    }
}
