//! The wording of the Secret findings (MCPD070x), for the registration's credential and CA Secrets
//! and the extension's own: each code's message and fix, from the typed data its analyzer passes.
//! Only key names are ever passed: no value can reach a message.

use super::Code;
use crate::diagnose::{Finding, Fix};
use crate::model::ObjRef;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// A Secret an object names: who names it, in which field, what it is for, the key it needs and
/// the label the controller requires.
#[derive(Clone, Copy)]
pub struct Needed<'a> {
    /// The registration or extension that names it.
    pub owner: &'a ObjRef,
    /// The Secret.
    pub secret: &'a ObjRef,
    /// What it is for: "credential secret", "session store secret".
    pub what: &'a str,
    /// The key the owner reads.
    pub key: &'a str,
    /// The label the running release requires (`mcp.kuadrant.io/secret`).
    pub label: &'a str,
}

/// MCPD0701: the Secret does not exist (`field` names it); `elsewhere` are the namespaces that
/// hold one of that name. The fix is the Secret to create, with a placeholder value.
pub fn not_found(need: &Needed, field: &str, elsewhere: &[String]) -> Finding {
    let (name, ns) = (&need.secret.name, &need.secret.namespace);
    let hint = match elsewhere {
        [] => String::new(),
        _ => format!(
            "; a Secret of that name exists in namespace {} (it must be in {ns})",
            elsewhere.join(", ")
        ),
    };
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(ns.clone()),
            labels: Some([(need.label.to_string(), "true".to_string())].into()),
            ..Default::default()
        },
        type_: Some("Opaque".to_string()),
        string_data: Some([(need.key.to_string(), "<value>".to_string())].into()),
        ..Default::default()
    };
    Finding::new(
        Code::SecretNotFound,
        need.owner.clone(),
        field,
        format!("{} {name} of {} not found in namespace {ns}{hint}", need.what, need.owner),
        Fix::say(format!(
            "Create Secret {name} in namespace {ns} with label {}=true and key {}.",
            need.label, need.key
        ))
        .target(need.secret.clone())
        .object(&secret),
    )
}

/// MCPD0702: the Secret lacks the required label; `other` is the label of another release it
/// carries instead.
pub fn label_missing(need: &Needed, other: Option<&str>) -> Finding {
    let (name, ns, label) = (&need.secret.name, &need.secret.namespace, need.label);
    let hint = other
        .map_or(String::new(), |l| format!(" (it carries {l}, the label of another mcp-gateway release)"));
    Finding::new(
        Code::SecretLabelMissing,
        need.secret.clone(),
        "metadata.labels",
        format!("{} {name} of {} is missing required label {label}=true{hint}", need.what, need.owner),
        Fix::say(format!("Label the Secret {label}=true."))
            .command(format!("kubectl label secret {name} -n {ns} {label}=true")),
    )
}

/// MCPD0703: the Secret has no such key (`keys` are the ones it has); `key_field` is the owner's
/// field that names the key, when it has one.
pub fn key_missing(need: &Needed, field: &str, keys: &[String], key_field: Option<&str>) -> Finding {
    let (name, key) = (&need.secret.name, need.key);
    let keys = if keys.is_empty() { "none".to_string() } else { keys.join(", ") };
    let fix = match key_field {
        Some(k) => format!("Add key {key} to Secret {name}, or set {k} to an existing key."),
        None => format!("Add key {key} to Secret {name}."),
    };
    Finding::new(
        Code::SecretKeyMissing,
        need.owner.clone(),
        field,
        format!("{} {name} of {} is missing key {key} (keys: {keys})", need.what, need.owner),
        Fix::say(fix),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_to_create_has_the_label_the_key_and_a_placeholder_value() {
        let (owner, secret) = (ObjRef::route("team-a", "weather"), ObjRef::secret("team-a", "weather-token"));
        let need = Needed {
            owner: &owner,
            secret: &secret,
            what: "credential secret",
            key: "token",
            label: "mcp.kuadrant.io/secret",
        };
        let f = not_found(&need, "spec.credentialRef.name", &["team-b".to_string()]);
        assert!(f.message.contains("exists in namespace team-b (it must be in team-a)"), "{}", f.message);
        let made: serde_json::Value =
            serde_saphyr::from_str(f.fix.yaml.as_deref().unwrap_or_default()).expect("YAML");
        assert_eq!(made["metadata"]["labels"]["mcp.kuadrant.io/secret"], "true");
        assert_eq!(made["stringData"]["token"], "<value>");
    }

    #[test]
    fn a_missing_key_lists_the_keys_there_are_and_the_field_to_change() {
        let (owner, secret) = (ObjRef::route("team-a", "weather"), ObjRef::secret("team-a", "ca"));
        let need = Needed {
            owner: &owner,
            secret: &secret,
            what: "CA certificate secret",
            key: "ca.crt",
            label: "l",
        };
        let f = key_missing(
            &need,
            "spec.caCertSecretRef.key",
            &["tls.crt".into()],
            Some("spec.caCertSecretRef.key"),
        );
        assert!(f.message.contains("(keys: tls.crt)"), "{}", f.message);
        assert!(f.fix.summary.contains("set spec.caCertSecretRef.key"), "{}", f.fix.summary);
    }
}
