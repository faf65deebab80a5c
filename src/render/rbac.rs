//! `docs/rbac.yaml`: the ClusterRole of every read (from the kind registry) and a binding to
//! adapt, with the comments that say which rules are optional.

use crate::model::rbac::{READ_ROLE, read_cluster_role};
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

const ROLE_HEADER: &str = "\
# Generated from the kind registry (src/model/rbac.rs) by `MCPD_BLESS=1 cargo test`; do not edit.
#
# Read-only permissions kubectl mcp-doctor needs to diagnose registrations in every namespace.
# Secrets are read for metadata and key names only; their values never leave the process.
# For one team, the same rules in a Role of their namespace (plus get on the Gateway's namespace
# objects) let the doctor finish; where a read is refused, the doctor says which one and marks
# the links that needed it `unknown`.
# Optional rules: customresourcedefinitions and deployments serve release detection (without
# them the doctor keeps every release the API versions allow); services/proxy serves --probe
# (narrow it with resourceNames: [\"mcp-gateway\"] in a Role of each extension's namespace).
";

const BINDING_HEADER: &str = "\
# Bind it to whoever runs the doctor: a user (as your cluster names them), a group, or the
# ServiceAccount of a CI job. `kubectl auth can-i list httproutes -A --as USER` checks it.
";

/// The text of `docs/rbac.yaml`.
pub fn rbac_yaml() -> String {
    let binding = ClusterRoleBinding {
        metadata: ObjectMeta { name: Some(READ_ROLE.to_string()), ..Default::default() },
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_string(),
            kind: "ClusterRole".to_string(),
            name: READ_ROLE.to_string(),
        },
        subjects: Some(vec![
            Subject {
                kind: "User".to_string(),
                api_group: Some("rbac.authorization.k8s.io".to_string()),
                name: "jane@example.com".to_string(),
                namespace: None,
            },
            Subject {
                kind: "ServiceAccount".to_string(),
                api_group: None,
                name: "mcp-doctor".to_string(),
                namespace: Some("ci".to_string()),
            },
        ]),
    };
    format!("{ROLE_HEADER}{}---\n{BINDING_HEADER}{}", yaml(&read_cluster_role()), yaml(&binding))
}

fn yaml(value: &impl serde::Serialize) -> String {
    serde_saphyr::to_string(value).unwrap_or_default()
}
