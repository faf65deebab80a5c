//! Object identity: `ObjRef` (group, kind, namespace, name) and the table of kinds the doctor knows.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

const KNOWN_GROUPS: &[&str] =
    &["", GATEWAY_GROUP, "mcp.kuadrant.io", "mcp.kagenti.com", "discovery.k8s.io", "networking.istio.io"];
const KNOWN_KINDS: &[&str] = &[
    "HTTPRoute",
    "Gateway",
    "GatewayClass",
    "ListenerSet",
    "ReferenceGrant",
    "Service",
    "EndpointSlice",
    "Secret",
    "Namespace",
    "MCPServer",
    "MCPServerRegistration",
    "MCPGatewayExtension",
];

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
    intern(s, KNOWN_KINDS)
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

impl Kind {
    /// Classifies an `apiVersion`/`kind` pair; `None` for kinds the doctor ignores.
    pub fn classify(api_version: &str, kind: &str) -> Option<Kind> {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let mcp = matches!(group, "mcp.kagenti.com" | "mcp.kuadrant.io");
        Some(match (group, kind) {
            (_, "MCPServer" | "MCPServerRegistration") if mcp => Kind::Registration,
            (_, "MCPGatewayExtension") if mcp => Kind::Extension,
            (GATEWAY_GROUP, "HTTPRoute") => Kind::HttpRoute,
            (GATEWAY_GROUP, "Gateway") => Kind::Gateway,
            (GATEWAY_GROUP, "GatewayClass") => Kind::GatewayClass,
            (GATEWAY_GROUP, "ListenerSet") | ("gateway.networking.x-k8s.io", "XListenerSet") => {
                Kind::ListenerSet
            }
            (GATEWAY_GROUP, "ReferenceGrant") => Kind::ReferenceGrant,
            ("", "Service") => Kind::Service,
            ("discovery.k8s.io", "EndpointSlice") => Kind::EndpointSlice,
            ("", "Secret") => Kind::Secret,
            ("", "Namespace") => Kind::Namespace,
            _ => return None,
        })
    }

    /// `group/kind` of a classified pair as a static string (store keys need no allocation).
    pub fn group_kind(group: &str, kind: &str) -> &'static str {
        match (group, kind) {
            ("mcp.kagenti.com", "MCPServer") => "mcp.kagenti.com/MCPServer",
            ("mcp.kagenti.com", "MCPServerRegistration") => "mcp.kagenti.com/MCPServerRegistration",
            ("mcp.kagenti.com", "MCPGatewayExtension") => "mcp.kagenti.com/MCPGatewayExtension",
            ("mcp.kuadrant.io", "MCPServerRegistration") => "mcp.kuadrant.io/MCPServerRegistration",
            ("mcp.kuadrant.io", "MCPGatewayExtension") => "mcp.kuadrant.io/MCPGatewayExtension",
            ("gateway.networking.x-k8s.io", "XListenerSet") => "gateway.networking.x-k8s.io/XListenerSet",
            (GATEWAY_GROUP, "HTTPRoute") => "gateway.networking.k8s.io/HTTPRoute",
            (GATEWAY_GROUP, "Gateway") => "gateway.networking.k8s.io/Gateway",
            (GATEWAY_GROUP, "GatewayClass") => "gateway.networking.k8s.io/GatewayClass",
            (GATEWAY_GROUP, "ListenerSet") => "gateway.networking.k8s.io/ListenerSet",
            (GATEWAY_GROUP, "ReferenceGrant") => "gateway.networking.k8s.io/ReferenceGrant",
            ("", "Service") => "/Service",
            ("discovery.k8s.io", "EndpointSlice") => "discovery.k8s.io/EndpointSlice",
            ("", "Secret") => "/Secret",
            ("", "Namespace") => "/Namespace",
            _ => "?",
        }
    }

    /// `(apiVersion, kind)` of the kinds every Kubernetes API server serves at one version (the
    /// others are looked up by discovery).
    pub fn builtin(self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Kind::Service => ("v1", "Service"),
            Kind::Secret => ("v1", "Secret"),
            Kind::Namespace => ("v1", "Namespace"),
            Kind::EndpointSlice => ("discovery.k8s.io/v1", "EndpointSlice"),
            _ => return None,
        })
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        !matches!(self, Kind::GatewayClass | Kind::Namespace)
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
            group: intern(group, KNOWN_GROUPS),
            kind: intern(kind, KNOWN_KINDS),
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
