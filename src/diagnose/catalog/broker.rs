//! The wording of the broker findings (MCPD100x, `--probe`): each code's message and fix, from
//! the broker's answer and the registration's credential.

use super::Code;
use crate::diagnose::{Finding, Fix};
use crate::model::ObjRef;
use crate::snapshot::BrokerStatus;

/// MCPD1002: the broker answered 404 (`message`) for the registration.
pub fn not_loaded(reg: &ObjRef, broker: &ObjRef, message: &str) -> Finding {
    Finding::new(
        Code::BrokerNotLoaded,
        reg.clone(),
        "",
        format!(
            "the broker {} has not loaded {reg}: it answered {message:?}; the config Secret mcp-gateway-config in namespace {} reaches the broker within about a minute of a change",
            broker.ns_name(),
            broker.namespace
        ),
        Fix::say(format!(
            "Probe again in a minute; if it persists, check the server's entry in Secret {}/mcp-gateway-config and the controller's logs.",
            broker.namespace
        )),
    )
}

/// MCPD1004: the broker reports tools of the registration that collide with another server's.
pub fn tool_conflict(reg: &ObjRef, conflicts: &[String]) -> Finding {
    Finding::new(
        Code::BrokerToolConflict,
        reg.clone(),
        "",
        format!("tools of {reg} have the names of another server's tools: {}", conflicts.join(", ")),
        Fix::catalog(Code::BrokerToolConflict),
    )
}

/// MCPD1005: the broker dropped these tools of the registration as invalid.
pub fn invalid_tools(reg: &ObjRef, tools: &[String]) -> Finding {
    Finding::new(
        Code::BrokerInvalidTools,
        reg.clone(),
        "",
        format!("the broker dropped invalid tools of {reg}: {}", tools.join(", ")),
        Fix::say(format!("Fix the definitions of {} in the MCP server.", tools.join(", "))),
    )
}

/// The registration's credential, as the fix for a refused one names it (MCPD1001).
pub struct Credential<'a> {
    /// The Secret and key `spec.credentialRef` names, if it names one.
    pub secret: Option<(&'a ObjRef, &'a str)>,
    /// The label the newest candidate release requires of it.
    pub label: Option<&'a str>,
}

/// MCPD1001: the broker's `/status` says the server is not ready; the fix goes by the cause its
/// message names.
pub fn not_ready(reg: &ObjRef, broker: &ObjRef, s: &BrokerStatus, credential: Credential) -> Finding {
    let mut message =
        format!("the broker {} does not serve the tools of {reg}: {:?}", broker.ns_name(), s.message);
    if let Some((have, want)) = &s.protocol_mismatch {
        message.push_str(&format!("; the server speaks MCP {have}, the broker expects {want}"));
    }
    Finding::new(Code::BrokerNotReady, reg.clone(), "", message, Fix::say(not_ready_fix(s, credential)))
}

/// The fix for a broker error, by its cause.
fn not_ready_fix(s: &BrokerStatus, credential: Credential) -> String {
    let m = s.message.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if let Some((have, want)) = &s.protocol_mismatch {
        return format!(
            "Upgrade the MCP server (its SDK) to protocol version {want}; it answers with {have}."
        );
    }
    if any(&["401", "403", "unauthorized", "forbidden"]) {
        let label = credential.label.map_or(String::new(), |l| format!(", labelled {l}=true,"));
        return match credential.secret {
            Some((secret, key)) => format!(
                "The upstream refused the broker's credential: make sure Secret {}{label} holds a valid token under key {key}.",
                secret.ns_name()
            ),
            None => format!(
                "The upstream wants a credential: create a Secret holding the token{label} and set spec.credentialRef to it."
            ),
        };
    }
    if any(&["connection refused", "timeout", "deadline exceeded", "no such host", "connect"]) {
        return "The broker cannot reach the server: check the backend Service's ready endpoints and that the backendRef port is the one the server listens on.".to_string();
    }
    if !s.invalid_tools.is_empty() {
        return format!("Fix the invalid tools of the MCP server: {}.", s.invalid_tools.join(", "));
    }
    "Act on the broker's message; the MCP server's logs tell the rest.".to_string()
}

/// MCPD1003: the broker Service cannot be reached (`message`); `owner` is the extension that
/// serves the registration.
pub fn unreachable(owner: &ObjRef, broker: &ObjRef, message: &str) -> Finding {
    Finding::new(
        Code::BrokerUnreachable,
        owner.clone(),
        "",
        format!("the broker Service {} cannot be reached: {message}", broker.ns_name()),
        Fix::say(format!(
            "Check the extension's Ready condition and the broker in namespace {ns}: kubectl get deploy,svc,endpointslices -n {ns} -l app.kubernetes.io/name=mcp-gateway",
            ns = broker.namespace
        ))
        .target(broker.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_credential_names_the_secret_its_key_and_label() {
        let (reg, broker) =
            (ObjRef::route("team-a", "weather"), ObjRef::service("mcp-system", "mcp-gateway"));
        let s = BrokerStatus { message: "401 Unauthorized".into(), ..BrokerStatus::default() };
        let secret = ObjRef::secret("team-a", "weather-token");
        let credential =
            Credential { secret: Some((&secret, "token")), label: Some("mcp.kuadrant.io/secret") };
        let f = not_ready(&reg, &broker, &s, credential);
        assert!(f.fix.summary.contains("Secret team-a/weather-token, labelled mcp.kuadrant.io/secret=true, holds a valid token under key token"), "{}", f.fix.summary);
        let s = BrokerStatus { message: "dial tcp: connection refused".into(), ..BrokerStatus::default() };
        let f = not_ready(&reg, &broker, &s, Credential { secret: None, label: None });
        assert!(f.fix.summary.contains("cannot reach the server"), "{}", f.fix.summary);
    }
}
