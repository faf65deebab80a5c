//! Object identity: `ObjRef` (group, kind, namespace, name) and the table of kinds the doctor knows.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

const KNOWN_API_VERSIONS: &[&str] = &[
    "v1",
    "gateway.networking.k8s.io/v1",
    "gateway.networking.k8s.io/v1beta1",
    "discovery.k8s.io/v1",
    "mcp.kuadrant.io/v1",
    "mcp.kuadrant.io/v1alpha1",
    "mcp.kagenti.com/v1alpha1",
];

/// An `apiVersion` without an allocation when it is a common one.
pub fn intern_api_version(s: &str) -> Cow<'static, str> {
    intern(s, KNOWN_API_VERSIONS)
}

/// A kind without an allocation when the doctor knows it.
pub fn intern_kind(s: &str) -> Cow<'static, str> {
    match RESOURCES.iter().find(|r| r.name == s) {
        Some(r) => Cow::Borrowed(r.name),
        None => Cow::Owned(s.to_string()),
    }
}

/// A group the doctor knows, as a static borrow.
fn resource_by_group(group: &str) -> Option<&'static str> {
    RESOURCES.iter().map(|r| r.group).chain(["networking.istio.io"]).find(|g| *g == group)
}

/// A known string as a static borrow (no allocation), anything else owned.
fn intern(s: &str, known: &'static [&'static str]) -> Cow<'static, str> {
    match known.iter().find(|k| **k == s) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(s.to_string()),
    }
}

/// The API group of the Gateway API.
pub const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// The kinds the doctor reads. Anything else in the input is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Kind {
    /// An MCP server registration of any generation (`MCPServer` or `MCPServerRegistration`).
    Registration,
    /// `MCPGatewayExtension` of `mcp.kagenti.com` or `mcp.kuadrant.io`.
    Extension,
    /// `gateway.networking.k8s.io` `HTTPRoute`.
    HttpRoute,
    /// `gateway.networking.k8s.io` `Gateway`.
    Gateway,
    /// `gateway.networking.k8s.io` `GatewayClass`.
    GatewayClass,
    /// `gateway.networking.k8s.io` `ListenerSet` (and the experimental `XListenerSet`).
    ListenerSet,
    /// `gateway.networking.k8s.io` `ReferenceGrant` (v1 or v1beta1).
    ReferenceGrant,
    /// core `Service`.
    Service,
    /// `discovery.k8s.io` `EndpointSlice`.
    EndpointSlice,
    /// core `Secret` (metadata and key names only).
    Secret,
    /// core `Namespace`.
    Namespace,
}

/// One resource the doctor reads: the one description of a served kind (the model is kube-rs's
/// `ApiResource`). Classification, store keys, discovery, the read planner, `kubectl` commands
/// in fixes and the test suite's fake API server all derive from `RESOURCES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// What the doctor makes of it.
    pub kind: Kind,
    /// API group (`""` for core).
    pub group: &'static str,
    /// Kind as served.
    pub name: &'static str,
    /// Plural, as in URL paths and `kubectl get`.
    pub plural: &'static str,
    /// `group/kind`, a store key.
    pub group_kind: &'static str,
    /// The versions the doctor knows, newest first (discovery decides which is read).
    pub versions: &'static [&'static str],
    /// Served at a fixed version by every Kubernetes API server (not looked up by discovery).
    pub builtin: bool,
    /// Read by discovery (an alias such as `XListenerSet` is classified, never read).
    pub discovered: bool,
}

macro_rules! resource {
    ($kind:ident, $group:literal, $name:literal, $plural:literal, [$($v:literal),*], $builtin:literal, $discovered:literal) => {
        Resource {
            kind: Kind::$kind,
            group: $group,
            name: $name,
            plural: $plural,
            group_kind: concat!($group, "/", $name),
            versions: &[$($v),*],
            builtin: $builtin,
            discovered: $discovered,
        }
    };
}

/// Every resource the doctor reads, by kind; within a kind, the order reads go in (newest API
/// group first).
pub static RESOURCES: &[Resource] = &[
    resource!(
        Registration,
        "mcp.kuadrant.io",
        "MCPServerRegistration",
        "mcpserverregistrations",
        ["v1", "v1alpha1"],
        false,
        true
    ),
    resource!(
        Registration,
        "mcp.kagenti.com",
        "MCPServerRegistration",
        "mcpserverregistrations",
        ["v1alpha1"],
        false,
        true
    ),
    resource!(Registration, "mcp.kagenti.com", "MCPServer", "mcpservers", ["v1alpha1"], false, true),
    resource!(
        Extension,
        "mcp.kuadrant.io",
        "MCPGatewayExtension",
        "mcpgatewayextensions",
        ["v1", "v1alpha1"],
        false,
        true
    ),
    resource!(
        Extension,
        "mcp.kagenti.com",
        "MCPGatewayExtension",
        "mcpgatewayextensions",
        ["v1alpha1"],
        false,
        true
    ),
    resource!(
        HttpRoute,
        "gateway.networking.k8s.io",
        "HTTPRoute",
        "httproutes",
        ["v1", "v1beta1"],
        false,
        true
    ),
    resource!(Gateway, "gateway.networking.k8s.io", "Gateway", "gateways", ["v1", "v1beta1"], false, true),
    resource!(
        GatewayClass,
        "gateway.networking.k8s.io",
        "GatewayClass",
        "gatewayclasses",
        ["v1"],
        false,
        true
    ),
    resource!(ListenerSet, "gateway.networking.k8s.io", "ListenerSet", "listenersets", ["v1"], false, true),
    resource!(
        ListenerSet,
        "gateway.networking.x-k8s.io",
        "XListenerSet",
        "xlistenersets",
        ["v1alpha1"],
        false,
        false
    ),
    resource!(
        ReferenceGrant,
        "gateway.networking.k8s.io",
        "ReferenceGrant",
        "referencegrants",
        ["v1", "v1beta1"],
        false,
        true
    ),
    resource!(Service, "", "Service", "services", ["v1"], true, true),
    resource!(EndpointSlice, "discovery.k8s.io", "EndpointSlice", "endpointslices", ["v1"], true, true),
    resource!(Secret, "", "Secret", "secrets", ["v1"], true, true),
    resource!(Namespace, "", "Namespace", "namespaces", ["v1"], true, true),
];

/// The resource of `group`/`kind`, when the doctor reads it.
pub fn resource(group: &str, kind: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|r| r.group == group && r.name == kind)
}

/// Every kind, in the order of the `Kind` enum.
pub const KINDS: [Kind; 11] = [
    Kind::Registration,
    Kind::Extension,
    Kind::HttpRoute,
    Kind::Gateway,
    Kind::GatewayClass,
    Kind::ListenerSet,
    Kind::ReferenceGrant,
    Kind::Service,
    Kind::EndpointSlice,
    Kind::Secret,
    Kind::Namespace,
];

impl Kind {
    /// Classifies an `apiVersion`/`kind` pair; `None` for kinds the doctor ignores.
    pub fn classify(api_version: &str, kind: &str) -> Option<Kind> {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        resource(group, kind).map(|r| r.kind)
    }

    /// `group/kind` of a classified pair as a static string (store keys need no allocation).
    pub fn group_kind(group: &str, kind: &str) -> &'static str {
        resource(group, kind).map_or("?", |r| r.group_kind)
    }

    /// The resources this kind is read from, newest API group first.
    pub fn resources(self) -> impl Iterator<Item = &'static Resource> {
        RESOURCES.iter().filter(move |r| r.kind == self)
    }

    /// `(apiVersion, kind)` of the kinds every Kubernetes API server serves at one version (the
    /// others are looked up by discovery).
    pub fn builtin(self) -> Option<(&'static str, &'static str)> {
        let r = self.resources().find(|r| r.builtin)?;
        let version = r.versions.first()?;
        let api_version = match r.group {
            "" => version,
            _ => concat_static(r.group, version)?,
        };
        Some((api_version, r.name))
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::GatewayClass | Kind::Namespace)
    }

    /// What the analyzers read of this kind's metadata besides namespace and name; the rest is
    /// dropped as objects are decoded. A new kind must say (the match is exhaustive).
    pub fn metadata_read(self) -> MetadataRead {
        let none = MetadataRead::default();
        match self {
            // Labels: `-l`; uid and creation time: the older of two; deletion: stuck finalizers;
            // finalizers also tell releases apart.
            Kind::Registration => {
                MetadataRead { labels: true, identity: true, deletion: true, finalizers: true }
            }
            Kind::Extension => MetadataRead { identity: true, finalizers: true, ..none },
            // Selector namespaces, `kubernetes.io/service-name`, the credential label.
            Kind::Namespace | Kind::EndpointSlice | Kind::Secret => MetadataRead { labels: true, ..none },
            Kind::HttpRoute
            | Kind::Gateway
            | Kind::GatewayClass
            | Kind::ListenerSet
            | Kind::ReferenceGrant
            | Kind::Service => none,
        }
    }

    /// How a scan of every namespace (`-A`) reads this kind. A new kind must say.
    pub fn scan_read(self) -> ScanRead {
        match self {
            Kind::Registration => ScanRead::Selected,
            Kind::Extension
            | Kind::HttpRoute
            | Kind::Gateway
            | Kind::GatewayClass
            | Kind::ListenerSet
            | Kind::ReferenceGrant
            | Kind::Namespace => ScanRead::ListFirst,
            Kind::Service | Kind::EndpointSlice => ScanRead::ListAfterRoutes,
            Kind::Secret => ScanRead::ByName,
        }
    }
}

/// What the analyzers read of a kind's metadata.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetadataRead {
    /// `metadata.labels`.
    pub labels: bool,
    /// `metadata.uid` and `creationTimestamp`.
    pub identity: bool,
    /// `metadata.deletionTimestamp`.
    pub deletion: bool,
    /// `metadata.finalizers`.
    pub finalizers: bool,
}

/// How a scan of every namespace reads a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanRead {
    /// Listed with `-l` applied: the registrations.
    Selected,
    /// Listed whole in the first wave.
    ListFirst,
    /// Listed once the routes say which names matter.
    ListAfterRoutes,
    /// Read by name, as chains name them (Secrets: never listed).
    ByName,
}

/// `group/version` for the built-in groups with a group (`discovery.k8s.io/v1`).
fn concat_static(group: &str, version: &str) -> Option<&'static str> {
    KNOWN_API_VERSIONS.iter().copied().find(|v| v.split_once('/') == Some((group, version)))
}

impl ObjRef {
    /// The resource to name in a `kubectl` command: `plural.group` (`httproutes.gateway.networking.k8s.io`),
    /// `plural` for the core group; the kind itself for a kind the doctor does not read.
    pub fn kubectl_resource(&self) -> String {
        match (resource(&self.group, &self.kind), self.group.is_empty()) {
            (Some(r), true) => r.plural.to_string(),
            (Some(r), false) => format!("{}.{}", r.plural, r.group),
            (None, _) => self.kind.to_lowercase(),
        }
    }
}

/// The identity of one object: what a finding blames and what a chain link points at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjRef {
    /// API group, empty for the core group (the groups the doctor knows are not allocated).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub group: Cow<'static, str>,
    /// Kind as written in manifests (`HTTPRoute`, `MCPServerRegistration`).
    pub kind: Cow<'static, str>,
    /// Namespace, empty for cluster-scoped objects.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Object name.
    pub name: String,
}

impl ObjRef {
    /// Builds a reference from its parts.
    pub fn new(group: &str, kind: &str, namespace: &str, name: &str) -> Self {
        ObjRef {
            group: match resource_by_group(group) {
                Some(g) => Cow::Borrowed(g),
                None => Cow::Owned(group.to_string()),
            },
            kind: intern_kind(kind),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// `HTTPRoute` in `namespace`.
    pub fn route(namespace: &str, name: &str) -> Self {
        Self::new(GATEWAY_GROUP, "HTTPRoute", namespace, name)
    }

    /// `Gateway` in `namespace`.
    pub fn gateway(namespace: &str, name: &str) -> Self {
        Self::new(GATEWAY_GROUP, "Gateway", namespace, name)
    }

    /// core `Service` in `namespace`.
    pub fn service(namespace: &str, name: &str) -> Self {
        Self::new("", "Service", namespace, name)
    }

    /// core `Secret` in `namespace`.
    pub fn secret(namespace: &str, name: &str) -> Self {
        Self::new("", "Secret", namespace, name)
    }

    /// `ReferenceGrant` in `namespace`.
    pub fn reference_grant(namespace: &str, name: &str) -> Self {
        Self::new(GATEWAY_GROUP, "ReferenceGrant", namespace, name)
    }

    /// `namespace/name`, or `name` for cluster-scoped objects.
    pub fn ns_name(&self) -> String {
        if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }
}

impl fmt::Display for ObjRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.ns_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_generation_and_ignores_the_rest() {
        for (v, k) in [
            ("mcp.kagenti.com/v1alpha1", "MCPServer"),
            ("mcp.kagenti.com/v1alpha1", "MCPServerRegistration"),
            ("mcp.kuadrant.io/v1alpha1", "MCPServerRegistration"),
            ("mcp.kuadrant.io/v1", "MCPServerRegistration"),
        ] {
            assert_eq!(Kind::classify(v, k), Some(Kind::Registration), "{v} {k}");
        }
        assert_eq!(
            Kind::classify("gateway.networking.k8s.io/v1beta1", "ReferenceGrant"),
            Some(Kind::ReferenceGrant)
        );
        assert_eq!(Kind::classify("v1", "Service"), Some(Kind::Service));
        assert_eq!(Kind::classify("apps/v1", "Deployment"), None);
        assert_eq!(Kind::classify("example.com/v1", "Service"), None);
    }
}

#[cfg(test)]
mod registry {
    use super::*;

    /// Every kind has its resources, and each resource is its kind's: a kind added to the enum
    /// without its entries (or an entry of the wrong kind) fails here.
    #[test]
    fn every_kind_is_in_the_registry() {
        for kind in KINDS {
            assert!(kind.resources().any(|r| r.discovered), "{kind:?} has no resource to read");
            for r in kind.resources() {
                assert_eq!(Kind::classify(&format!("{}/{}", r.group, r.versions[0]), r.name), Some(kind));
                assert_eq!(r.group_kind, format!("{}/{}", r.group, r.name));
            }
        }
        assert_eq!(
            KINDS.len(),
            RESOURCES.iter().map(|r| r.kind).collect::<std::collections::BTreeSet<_>>().len()
        );
        assert_eq!(Kind::builtin(Kind::EndpointSlice), Some(("discovery.k8s.io/v1", "EndpointSlice")));
        assert_eq!(Kind::builtin(Kind::Service), Some(("v1", "Service")));
        assert_eq!(Kind::builtin(Kind::Gateway), None);
    }

    #[test]
    fn kubectl_names_the_resource_with_its_group() {
        assert_eq!(ObjRef::route("a", "b").kubectl_resource(), "httproutes.gateway.networking.k8s.io");
        assert_eq!(ObjRef::service("a", "b").kubectl_resource(), "services");
        let reg = ObjRef::new("mcp.kagenti.com", "MCPServer", "a", "b");
        assert_eq!(reg.kubectl_resource(), "mcpservers.mcp.kagenti.com");
    }
}
