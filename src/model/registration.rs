//! One internal view of "an MCP server registration" across every API generation, with the
//! generation recorded; which releases serve a generation and how their rules differ live in
//! `release.rs`.

use super::objects::ConditionsStatus;
use serde::{Deserialize, Serialize};

/// The API generation a registration object was written for (`mcp-gateway.md` §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Generation {
    /// `mcp.kagenti.com/v1alpha1` `MCPServer` (mcp-gateway v0.1 – v0.4.1).
    KagentiMcpServer,
    /// `mcp.kagenti.com/v1alpha1` `MCPServerRegistration` (v0.4.2 – v0.5.x).
    KagentiRegistration,
    /// `mcp.kuadrant.io/v1alpha1` `MCPServerRegistration` (v0.6 – v0.7; deprecated in v0.8).
    KuadrantV1alpha1,
    /// `mcp.kuadrant.io/v1` `MCPServerRegistration` (v0.8+).
    KuadrantV1,
}

impl Generation {
    /// The generation current releases serve and fixes create.
    pub const NEWEST: Generation = Generation::KuadrantV1;

    /// The generation of an `apiVersion`/`kind` pair, `None` for unknown versions.
    pub fn of(api_version: &str, kind: &str) -> Option<Generation> {
        Some(match (api_version, kind) {
            ("mcp.kagenti.com/v1alpha1", "MCPServer") => Generation::KagentiMcpServer,
            ("mcp.kagenti.com/v1alpha1", "MCPServerRegistration") => Generation::KagentiRegistration,
            ("mcp.kuadrant.io/v1alpha1", "MCPServerRegistration") => Generation::KuadrantV1alpha1,
            ("mcp.kuadrant.io/v1", "MCPServerRegistration") => Generation::KuadrantV1,
            _ => return None,
        })
    }

    /// API group of the generation.
    pub fn group(self) -> &'static str {
        match self {
            Generation::KagentiMcpServer | Generation::KagentiRegistration => "mcp.kagenti.com",
            Generation::KuadrantV1alpha1 | Generation::KuadrantV1 => "mcp.kuadrant.io",
        }
    }

    /// `apiVersion` of the generation.
    pub fn api_version(self) -> &'static str {
        match self {
            Generation::KagentiMcpServer | Generation::KagentiRegistration => "mcp.kagenti.com/v1alpha1",
            Generation::KuadrantV1alpha1 => "mcp.kuadrant.io/v1alpha1",
            Generation::KuadrantV1 => "mcp.kuadrant.io/v1",
        }
    }

    /// Kind of the generation.
    pub fn kind(self) -> &'static str {
        match self {
            Generation::KagentiMcpServer => "MCPServer",
            _ => "MCPServerRegistration",
        }
    }
}

/// A registration of any generation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Registration {
    /// `spec`.
    pub spec: RegistrationSpec,
    /// `status`.
    pub status: ConditionsStatus,
}

/// `spec` of every generation (fields absent in a generation stay `None`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RegistrationSpec {
    /// The HTTPRoute that fronts the server.
    pub target_ref: Option<TargetRef>,
    /// Tool prefix (gen 1-3, pruned from v0.7 on).
    pub tool_prefix: Option<String>,
    /// Tool prefix (v0.7+).
    pub prefix: Option<String>,
    /// MCP path on the upstream, default `/mcp`.
    pub path: Option<String>,
    /// `Enabled` (default) or `Disabled` (v0.7+).
    pub state: Option<String>,
    /// Credential Secret (boxed, like the CA Secret: most registrations have neither).
    pub credential_ref: Option<Box<SecretKeyRef>>,
    /// CA certificate Secret (v0.7+).
    pub ca_cert_secret_ref: Option<Box<SecretKeyRef>>,
}

/// `spec.targetRef`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TargetRef {
    /// Group, default `gateway.networking.k8s.io`.
    pub group: Option<String>,
    /// Kind, default `HTTPRoute`.
    pub kind: Option<String>,
    /// Route name.
    pub name: String,
    /// Ignored by current controllers, rejected by old ones when it differs.
    pub namespace: Option<String>,
}

/// `{name, key}` reference to a Secret in the registration's namespace.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SecretKeyRef {
    /// Secret name.
    pub name: String,
    /// Key; default `token` (credential) or `ca.crt` (CA).
    pub key: Option<String>,
}

impl Registration {
    /// The prefix the user wrote, whichever field holds it (for display and fixes).
    pub fn written_prefix(&self) -> Option<&str> {
        self.spec.prefix.as_deref().or(self.spec.tool_prefix.as_deref()).filter(|p| !p.is_empty())
    }

    /// The prefix the controller of the newest of `releases` reads: the field that release's
    /// schema keeps (the other is pruned by the API server).
    pub fn prefix_on(&self, releases: super::Releases) -> Option<&str> {
        match releases.newest().map(super::Release::prefix_field) {
            Some("toolPrefix") => self.spec.tool_prefix.as_deref(),
            _ => self.spec.prefix.as_deref(),
        }
        .filter(|p| !p.is_empty())
    }
}
