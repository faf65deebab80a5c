//! The permissions the doctor needs, as typed RBAC objects built from the kind registry: the
//! ClusterRole of `docs/rbac.yaml` and the Role a refused read or probe asks for.

use super::objref::RESOURCES;
use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule, Role};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The name of the ClusterRole (and its binding) that grants every read.
pub const READ_ROLE: &str = "mcp-doctor-read";

/// A rule granting `verbs` on `resources` of `groups`.
pub fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> PolicyRule {
    let owned = |items: &[&str]| Some(items.iter().map(|s| s.to_string()).collect());
    PolicyRule {
        api_groups: owned(groups),
        resources: owned(resources),
        verbs: owned(verbs).unwrap_or_default(),
        ..Default::default()
    }
}

/// Get and list on every resource of the kind registry, one rule per API group (registry order).
fn registry_rules() -> Vec<PolicyRule> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in RESOURCES.iter().filter(|r| r.discovered) {
        match groups.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, plurals)) if plurals.contains(&r.plural) => {}
            Some((_, plurals)) => plurals.push(r.plural),
            None => groups.push((r.group, vec![r.plural])),
        }
    }
    groups.into_iter().map(|(g, plurals)| rule(&[g], &plurals, &["get", "list"])).collect()
}

/// Release detection (optional): the mcp-gateway CRDs and the controller's Deployment.
fn release_rules() -> Vec<PolicyRule> {
    vec![
        rule(&["apiextensions.k8s.io"], &["customresourcedefinitions"], &["get"]),
        rule(&["apps"], &["deployments"], &["list"]),
    ]
}

/// `--probe` (optional): get on the proxy of Services, of `service` only when one is given.
pub fn probe_rule(service: Option<&str>) -> PolicyRule {
    let names = service.map(|s| vec![s.to_string()]);
    PolicyRule { resource_names: names, ..rule(&[""], &["services/proxy"], &["get"]) }
}

/// The ClusterRole that grants every read, the probe included.
pub fn read_cluster_role() -> ClusterRole {
    let mut rules = registry_rules();
    rules.extend(release_rules());
    rules.push(probe_rule(None));
    ClusterRole { metadata: meta(READ_ROLE, None), rules: Some(rules), ..Default::default() }
}

/// A Role in `namespace`, or a ClusterRole without one, granting `rules`, as a manifest.
pub fn role(name: &str, namespace: Option<&str>, rules: Vec<PolicyRule>) -> serde_json::Value {
    let value = match namespace {
        Some(ns) => serde_json::to_value(Role { metadata: meta(name, Some(ns)), rules: Some(rules) }),
        None => serde_json::to_value(ClusterRole {
            metadata: meta(name, None),
            rules: Some(rules),
            ..Default::default()
        }),
    };
    value.unwrap_or_default()
}

fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_role_grants_get_and_list_on_every_registry_resource() {
        let role = read_cluster_role();
        let rules = role.rules.unwrap_or_default();
        for r in RESOURCES.iter().filter(|r| r.discovered) {
            let granted = rules.iter().any(|rule| {
                rule.api_groups.iter().flatten().any(|g| g == r.group)
                    && rule.resources.iter().flatten().any(|p| p == r.plural)
                    && ["get", "list"].iter().all(|v| rule.verbs.iter().any(|w| w == v))
            });
            assert!(granted, "{}.{}", r.plural, r.group);
        }
    }

    #[test]
    fn a_namespaced_role_has_its_namespace_and_kind() {
        let role = role("probe", Some("mcp-system"), vec![probe_rule(Some("mcp-gateway"))]);
        assert_eq!(role["kind"], "Role");
        assert_eq!(role["apiVersion"], "rbac.authorization.k8s.io/v1");
        assert_eq!(role["metadata"]["namespace"], "mcp-system");
        assert_eq!(role["rules"][0]["resourceNames"][0], "mcp-gateway");
    }
}
