//! API discovery: which group/versions/resources the cluster serves (aggregated discovery v2, or
//! the legacy per-group documents), and which resource to read for each kind the doctor needs.

use crate::model::Kind;
use crate::model::objref::RESOURCES;
use serde_json::Value;
use std::collections::BTreeMap;

/// One served resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResource {
    /// Group (`""` for core).
    pub group: String,
    /// Version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Plural resource name.
    pub plural: String,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
}

impl ApiResource {
    /// `group/version`, or `version` for core.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.clone() } else { format!("{}/{}", self.group, self.version) }
    }

    /// The URL path of the collection (`namespace` `None` = all namespaces or cluster-scoped).
    pub fn path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{base}/namespaces/{ns}/{}", self.plural),
            None => format!("{base}/{}", self.plural),
        }
    }
}

/// The groups discovery looks at: those of the registry's discovered, non-built-in resources.
pub fn groups() -> Vec<&'static str> {
    let mut groups: Vec<&'static str> = Vec::new();
    for r in RESOURCES.iter().filter(|r| r.discovered && !r.builtin) {
        if !groups.contains(&r.group) {
            groups.push(r.group);
        }
    }
    groups
}

/// What the cluster serves.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Served versions per group, most preferred first.
    pub groups: BTreeMap<String, Vec<String>>,
    /// Resources of the groups in `groups()`, in version-preference order.
    pub resources: Vec<ApiResource>,
}

impl Discovery {
    /// Parses an aggregated discovery document (`APIGroupDiscoveryList`).
    pub fn from_aggregated(doc: &Value) -> Discovery {
        let mut d = Discovery::default();
        for item in doc.pointer("/items").and_then(Value::as_array).into_iter().flatten() {
            let group =
                item.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string();
            let mut versions = Vec::new();
            for v in item.pointer("/versions").and_then(Value::as_array).into_iter().flatten() {
                let version = v.pointer("/version").and_then(Value::as_str).unwrap_or_default().to_string();
                versions.push(version.clone());
                if !groups().contains(&group.as_str()) {
                    continue;
                }
                for r in v.pointer("/resources").and_then(Value::as_array).into_iter().flatten() {
                    let kind = r.pointer("/responseKind/kind").and_then(Value::as_str).unwrap_or_default();
                    d.resources.push(ApiResource {
                        group: group.clone(),
                        version: version.clone(),
                        kind: kind.to_string(),
                        plural: r
                            .pointer("/resource")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        namespaced: r.pointer("/scope").and_then(Value::as_str) != Some("Cluster"),
                    });
                }
            }
            d.groups.insert(group, versions);
        }
        d
    }

    /// Parses a legacy `APIGroupList`: the served versions, preferred first.
    pub fn from_group_list(doc: &Value) -> Discovery {
        let mut d = Discovery::default();
        for g in doc.pointer("/groups").and_then(Value::as_array).into_iter().flatten() {
            let name = g.pointer("/name").and_then(Value::as_str).unwrap_or_default().to_string();
            let preferred =
                g.pointer("/preferredVersion/version").and_then(Value::as_str).unwrap_or_default();
            let mut versions: Vec<String> = g
                .pointer("/versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.pointer("/version").and_then(Value::as_str).map(str::to_string))
                .collect();
            versions.sort_by_key(|v| v != preferred);
            d.groups.insert(name, versions);
        }
        d
    }

    /// Adds the resources of one legacy `APIResourceList` of `group/version`.
    pub fn add_resource_list(&mut self, group: &str, version: &str, doc: &Value) {
        for r in doc.pointer("/resources").and_then(Value::as_array).into_iter().flatten() {
            let plural = r.pointer("/name").and_then(Value::as_str).unwrap_or_default();
            if plural.contains('/') {
                continue;
            }
            self.resources.push(ApiResource {
                group: group.into(),
                version: version.into(),
                kind: r.pointer("/kind").and_then(Value::as_str).unwrap_or_default().into(),
                plural: plural.into(),
                namespaced: r.pointer("/namespaced").and_then(Value::as_bool).unwrap_or(true),
            });
        }
    }

    /// The preferred served resource of `group`/`kind`.
    fn preferred(&self, group: &str, kind: &str) -> Option<ApiResource> {
        let versions = self.groups.get(group)?;
        versions.iter().find_map(|v| {
            self.resources.iter().find(|r| r.group == group && r.version == *v && r.kind == kind).cloned()
        })
    }

    /// The resources to read for `kind`: one per API group (and kind) that serves it; the
    /// built-in kinds at their fixed version.
    pub fn resources_for(&self, kind: Kind) -> Vec<ApiResource> {
        kind.resources()
            .filter(|r| r.discovered)
            .filter_map(|r| match (r.builtin, r.versions.first()) {
                (true, Some(version)) => Some(ApiResource {
                    group: r.group.into(),
                    version: (*version).into(),
                    kind: r.name.into(),
                    plural: r.plural.into(),
                    namespaced: kind.namespaced(),
                }),
                _ => self.preferred(r.group, r.name),
            })
            .collect()
    }

    /// Served versions of the doctor's groups, for the report's `metadata.apis`.
    pub fn served(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in &self.resources {
            // The API versions of the custom kinds (the built-in ones are fixed).
            if crate::model::objref::resource(&r.group, &r.kind).is_some_and(|known| !known.builtin) {
                let e = out.entry(r.kind.clone()).or_default();
                let v = r.api_version();
                if !e.contains(&v) {
                    e.push(v);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn aggregated_discovery_prefers_the_first_version() {
        let doc = json!({"kind": "APIGroupDiscoveryList", "items": [
            {"metadata": {"name": "gateway.networking.k8s.io"}, "versions": [
                {"version": "v1", "resources": [{"resource": "httproutes", "responseKind": {"kind": "HTTPRoute"}, "scope": "Namespaced"}]},
                {"version": "v1beta1", "resources": [
                    {"resource": "httproutes", "responseKind": {"kind": "HTTPRoute"}, "scope": "Namespaced"},
                    {"resource": "referencegrants", "responseKind": {"kind": "ReferenceGrant"}, "scope": "Namespaced"}]}]}]});
        let d = Discovery::from_aggregated(&doc);
        assert_eq!(d.resources_for(Kind::HttpRoute)[0].version, "v1");
        assert_eq!(d.resources_for(Kind::ReferenceGrant)[0].version, "v1beta1");
        assert!(d.resources_for(Kind::Registration).is_empty());
        assert_eq!(
            d.resources_for(Kind::ReferenceGrant)[0].path(Some("ns")),
            "/apis/gateway.networking.k8s.io/v1beta1/namespaces/ns/referencegrants"
        );
    }
}
