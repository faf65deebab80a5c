//! Lenient typed views of the Kubernetes and Gateway API objects on a registration's chain.
//!
//! Every defaulted field is an `Option` or defaults to empty: the API server applies CRD defaults on
//! admission, files on disk do not, and the graph applies the Gateway API defaults itself. Enum-like
//! fields stay strings so that an unknown value is a finding, not a decode error.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A small string map (labels, annotations, selectors) stored as a sorted vector: objects carry one
/// or two entries, for which a `BTreeMap` allocates room for eleven.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrMap(Vec<(String, String)>);

impl StrMap {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&String> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().and_then(|i| self.0.get(i)).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`.
    pub fn insert(&mut self, key: String, value: String) {
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps the entries whose key satisfies `keep`.
    pub fn retain_keys(&mut self, keep: impl Fn(&str) -> bool) {
        self.0.retain(|(k, _)| keep(k));
        self.0.shrink_to_fit();
    }
}

impl FromIterator<(String, String)> for StrMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut v: Vec<(String, String)> = iter.into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|a, b| a.0 == b.0);
        v.shrink_to_fit();
        StrMap(v)
    }
}

impl<'de> Deserialize<'de> for StrMap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, String>::deserialize(deserializer)?.into_iter().collect())
    }
}

/// `metadata` of any object: what every object needs inline, and the rest boxed, since most
/// objects of a large cluster carry none of it (or none the doctor reads).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "MetaFields")]
pub struct Meta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (filled from `-n` or `default` when absent).
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: StrMap,
    /// `metadata.generation`, set by the API server.
    pub generation: Option<i64>,
    more: Option<Box<MetaMore>>,
}

/// The `metadata` fields few objects carry.
#[derive(Debug, Clone, Default)]
struct MetaMore {
    annotations: StrMap,
    creation_timestamp: Option<String>,
    uid: Option<String>,
    deletion_timestamp: Option<String>,
    finalizers: Vec<String>,
}

/// `metadata` as written.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct MetaFields {
    name: String,
    namespace: String,
    labels: StrMap,
    annotations: StrMap,
    generation: Option<i64>,
    creation_timestamp: Option<String>,
    uid: Option<String>,
    deletion_timestamp: Option<String>,
    finalizers: Vec<String>,
}

impl From<MetaFields> for Meta {
    fn from(m: MetaFields) -> Meta {
        let more = MetaMore {
            annotations: m.annotations,
            creation_timestamp: m.creation_timestamp,
            uid: m.uid,
            deletion_timestamp: m.deletion_timestamp,
            finalizers: m.finalizers,
        };
        let mut meta = Meta {
            name: m.name,
            namespace: m.namespace,
            labels: m.labels,
            generation: m.generation,
            more: None,
        };
        meta.set_more(more);
        meta
    }
}

/// The annotation that silences the doctor's findings on the object that carries it (the only
/// annotation the doctor keeps).
pub const SUPPRESS_ANNOTATION: &str = "mcp-doctor.kuadrant.io/suppress";

static NO_ANNOTATIONS: StrMap = StrMap(Vec::new());

impl Meta {
    fn set_more(&mut self, more: MetaMore) {
        let empty = more.annotations.is_empty()
            && more.creation_timestamp.is_none()
            && more.uid.is_none()
            && more.deletion_timestamp.is_none()
            && more.finalizers.is_empty();
        self.more = (!empty).then(|| Box::new(more));
    }

    /// `metadata.annotations`.
    pub fn annotations(&self) -> &StrMap {
        self.more.as_ref().map_or(&NO_ANNOTATIONS, |m| &m.annotations)
    }

    /// `metadata.creationTimestamp` (RFC 3339), set by the API server.
    pub fn creation_timestamp(&self) -> Option<&str> {
        self.more.as_ref().and_then(|m| m.creation_timestamp.as_deref())
    }

    /// `metadata.uid`.
    pub fn uid(&self) -> Option<&str> {
        self.more.as_ref().and_then(|m| m.uid.as_deref())
    }

    /// `metadata.deletionTimestamp`.
    pub fn deletion_timestamp(&self) -> Option<&str> {
        self.more.as_ref().and_then(|m| m.deletion_timestamp.as_deref())
    }

    /// `metadata.finalizers`.
    pub fn finalizers(&self) -> &[String] {
        self.more.as_ref().map_or(&[], |m| m.finalizers.as_slice())
    }

    /// Drops the metadata no analyzer reads for objects of `kind`, so that a large cluster's
    /// Services do not carry their labels and every object its `last-applied-configuration`:
    /// labels matter on Namespaces (listener selectors), EndpointSlices (their Service),
    /// registrations (`-l`) and Secrets (credential labels); the only annotation read is the
    /// doctor's own suppress annotation; uid and creation time order registrations and extensions;
    /// deletion and finalizers are checked on registrations (finalizers on extensions too).
    pub fn keep_only_what_is_read(&mut self, kind: super::Kind) {
        let read = kind.metadata_read();
        if !read.labels {
            self.labels = StrMap::default();
        }
        let Some(mut more) = self.more.take() else { return };
        more.annotations.retain_keys(|k| k == SUPPRESS_ANNOTATION);
        if !read.identity {
            more.uid = None;
            more.creation_timestamp = None;
        }
        if !read.deletion {
            more.deletion_timestamp = None;
        }
        if !read.finalizers {
            more.finalizers = Vec::new();
        }
        self.set_more(*more);
    }
}

/// A `metav1.Condition`, tolerant of missing fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Condition {
    /// Condition type (`Accepted`, `Ready`, ...).
    #[serde(rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// Machine-readable reason.
    pub reason: String,
    /// Human-readable message.
    pub message: String,
    /// Generation of the spec the condition describes.
    pub observed_generation: Option<i64>,
}

/// Finds the condition of `type_` in a condition list.
pub fn condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// `metav1.LabelSelector`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LabelSelector {
    /// Labels that must be equal.
    pub match_labels: BTreeMap<String, String>,
    /// Set-based requirements.
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LabelSelectorRequirement {
    /// Label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub operator: String,
    /// Values for `In`/`NotIn`.
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Whether `labels` satisfy the selector; an unknown operator matches nothing.
    pub fn matches(&self, labels: &StrMap) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|e| {
                let value = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => value.is_some_and(|v| e.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !e.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

/// `HTTPRoute` spec and status.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HttpRoute {
    /// `spec`.
    pub spec: HttpRouteSpec,
    /// `status`.
    pub status: RouteStatus,
}

/// `HTTPRoute.spec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpRouteSpec {
    /// `parentRefs`.
    pub parent_refs: Vec<ParentRef>,
    /// `hostnames`.
    pub hostnames: Vec<String>,
    /// `rules`.
    pub rules: Vec<HttpRouteRule>,
}

/// One `HTTPRoute` rule (only what the chain needs).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HttpRouteRule {
    /// `backendRefs`.
    pub backend_refs: Vec<BackendRef>,
}

/// A `parentRef` as written (defaults are applied by the graph).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct ParentRef {
    /// Group, default `gateway.networking.k8s.io`.
    pub group: Option<String>,
    /// Kind, default `Gateway`.
    pub kind: Option<String>,
    /// Namespace, default the route's.
    pub namespace: Option<String>,
    /// Parent name.
    pub name: String,
    /// Listener name.
    pub section_name: Option<String>,
    /// Listener port.
    pub port: Option<i64>,
}

/// A `backendRef` as written (defaults are applied by the graph).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BackendRef {
    /// Group, default core (`""`).
    pub group: Option<String>,
    /// Kind, default `Service`.
    pub kind: Option<String>,
    /// Target name.
    pub name: String,
    /// Namespace, default the route's.
    pub namespace: Option<String>,
    /// Port (required for Services).
    pub port: Option<i64>,
    /// Weight, default 1.
    pub weight: Option<i64>,
}

/// Route `status`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RouteStatus {
    /// One entry per (parentRef, controller).
    pub parents: Vec<RouteParentStatus>,
}

/// One `status.parents[]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RouteParentStatus {
    /// The parentRef the entry describes.
    pub parent_ref: ParentRef,
    /// The controller that wrote it.
    pub controller_name: String,
    /// `Accepted`, `ResolvedRefs`, ...
    pub conditions: Vec<Condition>,
}

/// `Gateway` spec and status.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Gateway {
    /// `spec`.
    pub spec: GatewaySpec,
    /// `status`.
    pub status: GatewayStatus,
}

/// `Gateway.spec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GatewaySpec {
    /// `gatewayClassName`.
    pub gateway_class_name: String,
    /// `listeners`.
    pub listeners: Vec<Listener>,
    /// `allowedListeners` (ListenerSets), default `from: None`.
    pub allowed_listeners: Option<AllowedListeners>,
}

/// `Gateway.spec.allowedListeners`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AllowedListeners {
    /// `namespaces`.
    pub namespaces: Option<FromNamespaces>,
}

/// A listener of a Gateway or ListenerSet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Listener {
    /// Listener name (the `sectionName` routes use).
    pub name: String,
    /// Hostname; absent matches every host.
    pub hostname: Option<String>,
    /// Port.
    pub port: i64,
    /// Protocol (`HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`, or a custom one).
    pub protocol: String,
    /// `allowedRoutes`, default `namespaces.from: Same`.
    pub allowed_routes: Option<AllowedRoutes>,
}

/// `listeners[].allowedRoutes`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AllowedRoutes {
    /// Which namespaces may attach routes.
    pub namespaces: Option<FromNamespaces>,
    /// Which route kinds may attach.
    pub kinds: Option<Vec<RouteGroupKind>>,
}

/// `{from, selector}` of `allowedRoutes.namespaces` and `allowedListeners.namespaces`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FromNamespaces {
    /// `Same` (default), `All`, `Selector` (and `None` for listeners).
    pub from: Option<String>,
    /// Label selector for `from: Selector`.
    pub selector: Option<LabelSelector>,
}

/// `allowedRoutes.kinds[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RouteGroupKind {
    /// Group, default `gateway.networking.k8s.io`.
    pub group: Option<String>,
    /// Route kind.
    pub kind: String,
}

/// `Gateway.status`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewayStatus {
    /// `Accepted`, `Programmed`, ...
    pub conditions: Vec<Condition>,
    /// Per-listener status.
    pub listeners: Vec<ListenerStatus>,
}

/// `status.listeners[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListenerStatus {
    /// Listener name.
    pub name: String,
    /// Routes attached to it.
    pub attached_routes: Option<i64>,
    /// Listener conditions.
    pub conditions: Vec<Condition>,
}

/// `ListenerSet` (a set of listeners attached to a Gateway).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListenerSet {
    /// `spec`.
    pub spec: ListenerSetSpec,
}

/// `ListenerSet.spec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListenerSetSpec {
    /// The Gateway the listeners attach to.
    pub parent_ref: ParentRef,
    /// Listeners.
    pub listeners: Vec<Listener>,
}

/// `GatewayClass`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatewayClass {
    /// `spec`.
    pub spec: GatewayClassSpec,
    /// `status`.
    pub status: ConditionsStatus,
}

/// `GatewayClass.spec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GatewayClassSpec {
    /// The controller that implements the class.
    pub controller_name: String,
}

/// A status that holds only conditions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConditionsStatus {
    /// Conditions.
    pub conditions: Vec<Condition>,
}

/// `ReferenceGrant` (v1 and v1beta1 share the schema).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReferenceGrant {
    /// `spec`.
    pub spec: ReferenceGrantSpec,
}

/// `ReferenceGrant.spec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReferenceGrantSpec {
    /// Trusted referrers.
    pub from: Vec<GrantFrom>,
    /// Objects of the grant's namespace that may be referenced.
    pub to: Vec<GrantTo>,
}

/// `ReferenceGrant.spec.from[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GrantFrom {
    /// Referrer group.
    pub group: String,
    /// Referrer kind.
    pub kind: String,
    /// Referrer namespace.
    pub namespace: String,
}

/// `ReferenceGrant.spec.to[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GrantTo {
    /// Target group (`""` for core).
    pub group: String,
    /// Target kind.
    pub kind: String,
    /// Target name; absent or empty = every object of that kind.
    pub name: Option<String>,
}

/// core `Service`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Service {
    /// `spec`.
    pub spec: ServiceSpec,
}

/// `Service.spec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServiceSpec {
    /// `ClusterIP` (default), `NodePort`, `LoadBalancer`, `ExternalName`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Ports.
    pub ports: Vec<ServicePort>,
    /// Target host of an `ExternalName` Service.
    pub external_name: Option<String>,
    /// Pod selector; absent for selector-less Services with manual EndpointSlices.
    pub selector: Option<StrMap>,
}

/// `Service.spec.ports[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServicePort {
    /// Port name.
    pub name: Option<String>,
    /// Service port (what a backendRef's `port` names).
    pub port: i64,
    /// Application protocol.
    pub app_protocol: Option<String>,
}

/// `discovery.k8s.io/v1` `EndpointSlice`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EndpointSlice {
    /// Endpoints.
    pub endpoints: Vec<Endpoint>,
}

/// One endpoint of an EndpointSlice.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Endpoint {
    /// Addresses.
    pub addresses: Vec<String>,
    /// Readiness.
    pub conditions: EndpointConditions,
}

/// `endpoints[].conditions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EndpointConditions {
    /// `ready`; absent means ready ("unknown state should be interpreted as ready").
    pub ready: Option<bool>,
}

impl Endpoint {
    /// Whether traffic may be sent to this endpoint.
    pub fn is_ready(&self) -> bool {
        self.conditions.ready.unwrap_or(true)
    }
}

/// core `Secret`: only its type and the names of its keys. Values are never decoded or kept.
#[derive(Debug, Clone, Default)]
pub struct SecretKeys {
    /// `type`.
    pub type_: Option<String>,
    /// Names of the keys in `data` and `stringData`.
    pub keys: Vec<String>,
}

/// core `Namespace` (only labels matter, and they live in `Meta`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Namespace {}

/// `MCPGatewayExtension` of any generation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Extension {
    /// `spec`.
    pub spec: ExtensionSpec,
    /// `status`.
    pub status: ConditionsStatus,
}

/// `MCPGatewayExtension.spec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExtensionSpec {
    /// The Gateway (and listener) it serves.
    pub target_ref: ExtensionTargetRef,
    /// Public host, required when the listener has no hostname.
    pub public_host: Option<String>,
    /// The Secret with the key that signs trusted headers (`key`), unless generated.
    pub trusted_headers_key: Option<TrustedHeadersKey>,
    /// The Secret with the session store's connection string.
    pub session_store: Option<SessionStore>,
}

/// `MCPGatewayExtension.spec.trustedHeadersKey`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TrustedHeadersKey {
    /// Secret name.
    pub secret_name: Option<String>,
    /// Whether the controller generates the key (a bool or `Enabled` depending on the release).
    pub generate: Option<serde_json::Value>,
}

/// `MCPGatewayExtension.spec.sessionStore`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SessionStore {
    /// Secret name.
    pub secret_name: Option<String>,
}

/// `MCPGatewayExtension.spec.targetRef`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExtensionTargetRef {
    /// Group (always `gateway.networking.k8s.io`).
    pub group: Option<String>,
    /// Kind (always `Gateway`).
    pub kind: Option<String>,
    /// Gateway name.
    pub name: String,
    /// Gateway namespace; not defaulted by the controller.
    pub namespace: Option<String>,
    /// Listener name (required since v0.5.1).
    pub section_name: Option<String>,
}
