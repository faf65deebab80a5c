//! The immutable set of objects one diagnosis looks at, decoded into typed views and keyed by
//! namespace and name. Building it never fails: an object that does not decode is kept as a
//! `Malformed` entry (with the field that broke) so that the analyzers can report it.

use crate::model::EndpointSlice;
use crate::model::release::Clue;
use crate::model::{
    Extension, Gateway, GatewayClass, Generation, HttpRoute, Kind, ListenerSet, Meta, Namespace, ObjRef,
    ReferenceGrant, Registration, SecretKeys, Service,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Where an object came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Origin {
    /// File path as given (`-` for stdin), shared by every object of the file.
    pub file: std::sync::Arc<str>,
    /// 1-based line of the object's first key.
    pub line: u64,
}

/// One object as read, before decoding.
#[derive(Debug, Clone)]
pub struct RawObject {
    /// The object as generic JSON.
    pub value: Value,
    /// File and line, in files mode.
    pub origin: Option<Origin>,
}

/// A decoded object: metadata, typed view, and where it came from.
#[derive(Debug, Clone)]
pub struct Obj<T> {
    /// `apiVersion` as written.
    pub api_version: std::borrow::Cow<'static, str>,
    /// `kind` as written.
    pub kind: std::borrow::Cow<'static, str>,
    /// `metadata`.
    pub meta: Meta,
    /// The typed view.
    pub view: T,
    /// File and line, in files mode.
    pub origin: Option<Origin>,
}

impl<T> Obj<T> {
    /// The object's identity.
    pub fn objref(&self) -> ObjRef {
        ObjRef::new(self.group(), &self.kind, &self.meta.namespace, &self.meta.name)
    }

    /// The object's API group (`""` for core).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }
}

/// A registration with its generation.
pub type RegistrationObj = Obj<(Generation, Registration)>;

/// An object of a kind the doctor needs that could not be decoded.
#[derive(Debug, Clone)]
pub struct Malformed {
    /// Its identity, as far as it could be read.
    pub objref: ObjRef,
    /// Which kind it was meant to be.
    pub kind: Kind,
    /// The field that did not decode (`spec.ports[0].port`), empty when unknown.
    pub field: String,
    /// What is wrong with it.
    pub error: String,
    /// File and line.
    pub origin: Option<Origin>,
}

/// Objects keyed by `(namespace, name, group/kind)`: one store may hold kinds that share names
/// (an `MCPServer` and an `MCPServerRegistration`, extensions of two API groups). Objects are boxed:
/// a B-tree node holds room for eleven entries and is often half full, which costs little for a
/// pointer and a great deal for an object of a few hundred bytes.
pub type Store<T> = BTreeMap<StoreKey, Box<Obj<T>>>;

/// A store key: namespace and name in one string, joined by a NUL (which sorts before every
/// character a namespace may hold, so keys sort as (namespace, name) pairs), and the group/kind.
/// One short string per object instead of two.
pub type StoreKey = (Box<str>, &'static str);

/// What the Gateway API schema refuses in a `spec` of `kind` (the field and why), by the
/// gateway-api crate's types; `None` for the other kinds and for a spec it accepts.
fn schema_refusal(kind: Kind, spec: &Value) -> Option<(String, String)> {
    fn check<T: serde::de::DeserializeOwned>(spec: &Value) -> Option<(String, String)> {
        let error = serde_path_to_error::deserialize::<_, T>(spec).err()?;
        let path = error.path().to_string();
        let field = if path == "." { "spec".to_string() } else { format!("spec.{path}") };
        Some((field, error.into_inner().to_string()))
    }
    use gateway_api::{gatewayclasses, gateways, httproutes, listenersets, referencegrants};
    match kind {
        Kind::HttpRoute => check::<httproutes::HttpRouteSpec>(spec),
        Kind::Gateway => check::<gateways::GatewaySpec>(spec),
        Kind::GatewayClass => check::<gatewayclasses::GatewayClassSpec>(spec),
        Kind::ReferenceGrant => check::<referencegrants::ReferenceGrantSpec>(spec),
        Kind::ListenerSet => check::<listenersets::ListenerSetSpec>(spec),
        _ => None,
    }
}

/// Gives a namespaced object without a namespace `default_namespace`, as `kubectl apply` does.
fn default_namespace_of(value: &mut Value, default_namespace: &str) {
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        let empty = meta.get("namespace").and_then(Value::as_str).is_none_or(str::is_empty);
        if empty {
            meta.insert("namespace".into(), Value::String(default_namespace.to_string()));
        }
    } else if let Some(map) = value.as_object_mut() {
        map.insert("metadata".into(), serde_json::json!({"namespace": default_namespace}));
    }
}

/// The key of `namespace/name` of `group_kind`; `""` is the least group/kind, to start a range.
pub fn store_key(namespace: &str, name: &str, group_kind: &'static str) -> StoreKey {
    (format!("{namespace}\0{name}").into_boxed_str(), group_kind)
}

/// Objects of `store` in `namespace`, in name order.
pub fn in_namespace<'a, T>(store: &'a Store<T>, namespace: &str) -> impl Iterator<Item = &'a Obj<T>> + 'a {
    let start = store_key(namespace, "", "");
    let prefix = start.0.clone();
    store.range(start..).take_while(move |((k, _), _)| k.starts_with(&*prefix)).map(|(_, o)| &**o)
}

/// Looks up `namespace/name` in a store (the first kind of that name, for stores of several).
pub fn get<'a, T>(store: &'a Store<T>, namespace: &str, name: &str) -> Option<&'a Obj<T>> {
    use std::ops::Bound::{Included, Unbounded};
    let start = store_key(namespace, name, "");
    store.range((Included(&start), Unbounded)).next().filter(|((k, _), _)| *k == start.0).map(|(_, o)| &**o)
}

/// The namespaces in which `store` holds an object named `name`, in order: where an object that a
/// reference misses does exist.
pub fn namespaces_holding<T>(store: &Store<T>, name: &str) -> Vec<String> {
    store.values().filter(|o| o.meta.name == name).map(|o| o.meta.namespace.clone()).collect()
}

/// Which registrations a diagnosis is about: NAME, `-n` and `-l`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only registrations of this name.
    pub name: Option<String>,
    /// Only registrations in this namespace; `None` = every namespace.
    pub namespace: Option<String>,
    /// Only registrations whose labels match (`-l`).
    pub selector: Option<crate::model::selector::Selector>,
}

impl Selection {
    /// Whether a registration is selected.
    pub fn selects(&self, reg: &RegistrationObj) -> bool {
        self.namespace.as_deref().is_none_or(|ns| reg.meta.namespace == ns)
            && self.name.as_deref().is_none_or(|n| reg.meta.name == n)
            && self.selector.as_ref().is_none_or(|s| s.matches(&reg.meta.labels))
    }

    /// Whether an object is in the namespace in scope (cluster-scoped objects always are).
    pub fn in_namespace(&self, object: &ObjRef) -> bool {
        self.namespace.as_deref().is_none_or(|ns| object.namespace.is_empty() || object.namespace == ns)
    }
}

/// Every object of the diagnosis, by kind.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Registrations of every generation.
    pub registrations: Store<(Generation, Registration)>,
    /// MCPGatewayExtensions of every generation.
    pub extensions: Store<Extension>,
    /// HTTPRoutes.
    pub routes: Store<HttpRoute>,
    /// Gateways.
    pub gateways: Store<Gateway>,
    /// GatewayClasses (namespace is empty).
    pub gateway_classes: Store<GatewayClass>,
    /// ListenerSets.
    pub listener_sets: Store<ListenerSet>,
    /// ReferenceGrants (v1 and v1beta1).
    pub reference_grants: Store<ReferenceGrant>,
    /// Services.
    pub services: Store<Service>,
    /// EndpointSlices.
    pub endpoint_slices: Store<EndpointSlice>,
    /// Secrets (key names only).
    pub secrets: Store<SecretKeys>,
    /// Namespaces (namespace is empty).
    pub namespaces: Store<Namespace>,
    /// Objects that did not decode.
    pub malformed: Vec<Malformed>,
    /// Files only: Gateway API objects whose spec the API server's schema refuses (the gateway-api
    /// crate's types), though the doctor's lenient view reads them. `kind` is their kind.
    pub refused: Vec<Malformed>,
    /// Objects defined more than once with different content: (kept, dropped) origins.
    pub duplicates: Vec<(ObjRef, Option<Origin>, Option<Origin>)>,
    /// `apiVersion`s seen per kind name, for the report's `metadata.apis`.
    pub api_versions: BTreeMap<String, BTreeSet<String>>,
    /// `apiVersion`s of typed empty lists per kind name (a dump's): served, with no object.
    pub listed_versions: BTreeMap<String, BTreeSet<String>>,
    /// Kinds of which the input held at least one object (malformed ones included), or, from a
    /// cluster, which were read successfully (an empty list counts: the cluster has none).
    pub kinds_present: BTreeSet<Kind>,
    /// Reads that were refused or failed, so that the links needing them are `unknown`.
    pub blocked: Vec<Blocked>,
    /// Objects without `kind` or `apiVersion`: nothing can say what they are.
    pub untyped: Vec<Untyped>,
    /// The objects as read, when kept (`build_with`).
    pub raw: BTreeMap<ObjRef, Value>,
    /// What install objects (mcp-gateway CRDs, the controller Deployment) say about the release.
    pub release_clues: Vec<Clue>,
    /// Where a cluster source looked, for the reads that depend on what was not found.
    pub lookups: Lookups,
    /// `--probe`: what the broker said of each registration asked about, by (namespace, name);
    /// `None` when the broker was not asked at all.
    pub broker: Option<BTreeMap<(String, String), BrokerAnswer>>,
    keep_raw: bool,
}

/// What a broker's `/status/<ns>/<registration>` answered, through the service proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerAnswer {
    /// The broker Service asked.
    pub service: ObjRef,
    /// Its port.
    pub port: u16,
    /// The answer.
    pub said: BrokerSaid,
}

/// The broker's answer about one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerSaid {
    /// The server's status entry.
    Status(BrokerStatus),
    /// 404 from the broker: the server is not in the config it loaded (its message).
    NotLoaded(String),
    /// The API server refused the proxy request (403: `services/proxy`).
    Forbidden(String),
    /// The broker Service does not exist, or has no ready endpoint (the API server's message).
    Unreachable(String),
    /// No answer in time, or one that could not be read.
    Failed(String),
}

/// One server's entry in the broker's status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokerStatus {
    /// Whether the broker serves the server's tools.
    pub ready: bool,
    /// The broker's message (the connection or initialize error when not ready).
    pub message: String,
    /// Tools and prompts the broker federates.
    pub tools: u64,
    /// Prompts.
    pub prompts: u64,
    /// Names of the tools the broker dropped as invalid.
    pub invalid_tools: Vec<String>,
    /// When the protocol check failed: (the server's version, the version expected).
    pub protocol_mismatch: Option<(String, String)>,
    /// Tool names this server shares with another server.
    pub conflicts: Vec<String>,
}

/// Where a cluster source looked and what it did not find: the planner reads it to search for
/// an object that is not where a reference points, and messages read it to say where the doctor
/// looked. Empty (and `live` false) for files, which hold everything they hold.
#[derive(Debug, Default)]
pub struct Lookups {
    /// The objects come from a live cluster: messages say "the cluster", not "the input".
    pub live: bool,
    /// GETs the API server answered with 404: (kind, namespace, name).
    pub not_found: BTreeSet<(Kind, String, String)>,
    /// Namespaces whose objects of a kind were listed in full: (kind, namespace; `""` for all).
    pub listed: BTreeSet<(Kind, String)>,
    /// Searches done, with why one was not answered (refused or failed).
    pub searched: BTreeMap<Search, Option<String>>,
    /// `--what-if`: the objects laid over the cluster and those whose status was set aside
    /// because a what-if object changes their links; the specs alone decide them.
    pub unreconciled: BTreeSet<ObjRef>,
}

/// A search for where an object might be: a LIST whose failure means only "not looked there".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Search {
    /// Kind.
    pub kind: Kind,
    /// One namespace, or `None` for every namespace.
    pub namespace: Option<String>,
    /// Only objects of this name (`fieldSelector=metadata.name`), or all of them.
    pub name: Option<String>,
}

impl Lookups {
    /// What the doctor read, in words: "the input" (files) or "the cluster".
    pub fn source(&self) -> &'static str {
        if self.live { "the cluster" } else { "the input" }
    }

    /// Whether a GET of this object was answered with 404.
    pub fn missing(&self, kind: Kind, namespace: &str, name: &str) -> bool {
        self.not_found.contains(&(kind, namespace.to_string(), name.to_string()))
    }

    /// Whether every object of `kind` in `namespace` was listed.
    pub fn listed_in(&self, kind: Kind, namespace: &str) -> bool {
        self.listed.contains(&(kind, namespace.to_string())) || self.listed.contains(&(kind, String::new()))
    }

    /// Whether what was read holds every object of `kind` in `namespace` (files: what they hold
    /// is all there is; `""`: in every namespace).
    pub fn knows_all(&self, kind: Kind, namespace: &str) -> bool {
        !self.live || self.listed_in(kind, namespace)
    }

    /// "not looked for in other namespaces: WHY" when a search for it was not answered.
    pub fn not_looked(&self, kind: Kind, name: &str) -> Option<String> {
        self.refused(kind, name).map(|why| format!("not looked for in other namespaces: {why}"))
    }

    /// Why a search for an object of `kind` named `name` was not answered, if one was not.
    pub fn refused(&self, kind: Kind, name: &str) -> Option<&str> {
        self.searched.iter().find_map(|(s, why)| {
            (s.kind == kind && s.name.as_deref().is_none_or(|n| n == name))
                .then_some(why.as_deref())
                .flatten()
        })
    }
}

/// An object without `kind` or `apiVersion`.
#[derive(Debug, Clone)]
pub struct Untyped {
    /// `metadata.name`, or `<unnamed>`.
    pub name: String,
    /// `kind` or `apiVersion`.
    pub missing: &'static str,
    /// Where it is.
    pub origin: Option<Origin>,
}

/// A read the source could not make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// What was to be read.
    pub kind: Kind,
    /// Namespace of the read; empty for cluster-scoped or all-namespace reads.
    pub namespace: String,
    /// Object name, for a GET.
    pub name: Option<String>,
    /// `get` or `list`.
    pub verb: &'static str,
    /// API group of the resource (empty for core).
    pub group: String,
    /// Plural resource name (`referencegrants`).
    pub resource: String,
    /// `true` for 403 Forbidden, `false` for a read that failed (timeouts, 5xx after retries).
    pub forbidden: bool,
    /// What the server said.
    pub message: String,
}

impl Blocked {
    /// The read in words: `list referencegrants in namespace backends`.
    pub fn what(&self) -> String {
        match self.namespace.is_empty() {
            true => format!("{} {}", self.verb, self.resource),
            false => format!("{} {} in namespace {}", self.verb, self.resource, self.namespace),
        }
    }

    /// Whether this blocked read would have answered a lookup of `kind` in `namespace`.
    pub fn covers(&self, kind: Kind, namespace: &str, name: &str) -> bool {
        self.kind == kind
            && (self.namespace.is_empty() || self.namespace == namespace)
            && self.name.as_deref().is_none_or(|n| n == name)
    }
}

impl Snapshot {
    /// Decodes raw objects. Objects without a namespace get `default_namespace`; unknown kinds are
    /// ignored; later definitions of the same object replace earlier ones, as `kubectl apply` would.
    pub fn build(raw: Vec<RawObject>, default_namespace: &str) -> Snapshot {
        Self::build_with(raw, default_namespace, false)
    }

    /// Like `build`; with `keep_raw`, also keeps each object as read (without managedFields, the
    /// last-applied annotation and Secret values) for renderers that print objects.
    pub fn build_with(raw: Vec<RawObject>, default_namespace: &str, keep_raw: bool) -> Snapshot {
        let mut snap = Snapshot { keep_raw, ..Snapshot::default() };
        snap.extend(raw, default_namespace);
        snap
    }

    /// Decodes more objects into the snapshot (a cluster source adds each wave of reads).
    pub fn extend(&mut self, raw: impl IntoIterator<Item = RawObject>, default_namespace: &str) {
        for obj in raw {
            self.add(obj, default_namespace);
        }
    }

    fn add(&mut self, raw: RawObject, default_namespace: &str) {
        let RawObject { mut value, origin } = raw;
        let api_version = str_at(&value, "apiVersion");
        let kind_name = str_at(&value, "kind");
        if api_version.is_empty() || kind_name.is_empty() {
            let name =
                value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("<unnamed>").to_string();
            let missing = if kind_name.is_empty() { "kind" } else { "apiVersion" };
            self.untyped.push(Untyped { name, missing, origin });
            return;
        }
        let Some(kind) = Kind::classify(&api_version, &kind_name) else {
            self.release_clues.extend(crate::model::release::fingerprint(&value));
            return;
        };
        self.kinds_present.insert(kind);
        self.api_versions.entry(kind_name.clone()).or_default().insert(api_version.clone());
        if kind == Kind::Secret {
            strip_secret_values(&mut value);
        }
        if kind.namespaced() {
            default_namespace_of(&mut value, default_namespace);
        }
        if self.keep_raw {
            self.keep_shown(&value, kind, &api_version, &kind_name);
        }
        let meta = match decode::<Meta>(value.get("metadata").cloned().unwrap_or(Value::Null)) {
            Ok(mut meta) => {
                meta.keep_only_what_is_read(kind);
                meta
            }
            Err((field, error)) => {
                let field =
                    if field.is_empty() { "metadata".to_string() } else { format!("metadata.{field}") };
                return self.malformed(kind, &api_version, &kind_name, "", "", field, error, origin);
            }
        };
        if meta.name.is_empty() {
            let (ns, error) = (meta.namespace.clone(), "metadata.name is missing".to_string());
            return self.malformed(
                kind,
                &api_version,
                &kind_name,
                &ns,
                "",
                "metadata.name".into(),
                error,
                origin,
            );
        }
        let view = Decoded { api_version: &api_version, kind_name: &kind_name, meta, value, origin };
        self.store(kind, view);
    }

    /// Decodes `view` into the store of `kind`.
    fn store(&mut self, kind: Kind, view: Decoded) {
        let (api_version, kind_name) = (view.api_version, view.kind_name);
        // A cluster's objects passed the API server's schema; a file's may not have.
        // Kept only when the lenient view decodes: an object that does not is MCPD0001 already.
        let refused = (!self.lookups.live)
            .then(|| view.value.get("spec").and_then(|spec| schema_refusal(kind, spec)))
            .flatten()
            .map(|(field, error)| {
                let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
                let objref = ObjRef::new(group, kind_name, &view.meta.namespace, &view.meta.name);
                Malformed { objref, kind, field, error, origin: view.origin.clone() }
            });
        let malformed_before = self.malformed.len();
        match kind {
            Kind::Registration => match Generation::of(api_version, kind_name) {
                Some(generation) => {
                    let reg = view.decode().map(|r: Obj<Registration>| map_view(r, |r| (generation, r)));
                    self.keep(reg, |s| &mut s.registrations);
                }
                None => {
                    let error = format!(
                        "unknown API version {api_version} of {kind_name}: the doctor knows mcp.kagenti.com/v1alpha1, mcp.kuadrant.io/v1alpha1 and mcp.kuadrant.io/v1"
                    );
                    let (ns, name) = (view.meta.namespace.clone(), view.meta.name.clone());
                    self.malformed(
                        kind,
                        api_version,
                        kind_name,
                        &ns,
                        &name,
                        "apiVersion".into(),
                        error,
                        view.origin,
                    );
                }
            },
            Kind::Extension => self.keep(view.decode(), |s| &mut s.extensions),
            Kind::HttpRoute => self.keep(view.decode(), |s| &mut s.routes),
            Kind::Gateway => self.keep(view.decode(), |s| &mut s.gateways),
            Kind::GatewayClass => self.keep(view.decode(), |s| &mut s.gateway_classes),
            Kind::ListenerSet => self.keep(view.decode(), |s| &mut s.listener_sets),
            Kind::ReferenceGrant => self.keep(view.decode(), |s| &mut s.reference_grants),
            Kind::Service => self.keep(view.decode(), |s| &mut s.services),
            Kind::EndpointSlice => self.keep(view.decode(), |s| &mut s.endpoint_slices),
            Kind::Namespace => self.keep(view.decode(), |s| &mut s.namespaces),
            Kind::Secret => {
                let keys = secret_keys(&view.value);
                self.keep(Ok(view.into_obj(keys)), |s| &mut s.secrets);
            }
        }
        if self.malformed.len() == malformed_before {
            self.refused.extend(refused);
        }
    }

    /// Keeps the object as read, without managedFields and the last-applied annotation, for the
    /// renderers that print objects.
    fn keep_shown(&mut self, value: &Value, kind: Kind, api_version: &str, kind_name: &str) {
        let mut shown = value.clone();
        if let Some(meta) = shown.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
            if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                a.remove("kubectl.kubernetes.io/last-applied-configuration");
            }
        }
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let metadata = value.get("metadata").unwrap_or(&Value::Null);
        let ns = if kind.namespaced() { str_at(metadata, "namespace") } else { String::new() };
        let name = str_at(metadata, "name");
        self.raw.insert(ObjRef::new(group, kind_name, &ns, &name), shown);
    }

    #[allow(clippy::too_many_arguments)] // one call site per failure shape; a struct would only rename them
    fn malformed(
        &mut self,
        kind: Kind,
        api_version: &str,
        kind_name: &str,
        namespace: &str,
        name: &str,
        field: String,
        error: String,
        origin: Option<Origin>,
    ) {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let ns = if kind.namespaced() { namespace } else { "" };
        let objref = ObjRef::new(group, kind_name, ns, if name.is_empty() { "<unnamed>" } else { name });
        self.malformed.push(Malformed { objref, kind, field, error, origin });
    }

    /// Stores a decoded object (a later definition replaces an earlier one) or its failure.
    fn keep<T>(
        &mut self,
        decoded: Result<Obj<T>, Box<Malformed>>,
        store: impl FnOnce(&mut Snapshot) -> &mut Store<T>,
    ) {
        match decoded {
            Ok(obj) => {
                let group = obj.api_version.rsplit_once('/').map_or("", |(g, _)| g);
                let key = store_key(&obj.meta.namespace, &obj.meta.name, Kind::group_kind(group, &obj.kind));
                let origin = obj.origin.clone();
                // The identity is built only for a duplicate (the old object has the same one).
                if let Some(old) = store(self).insert(key, Box::new(obj)) {
                    self.duplicates.push((old.objref(), origin, old.origin));
                }
            }
            Err(bad) => self.malformed.push(*bad),
        }
    }

    /// Drops the Services, and the EndpointSlices of Services, whose names are not in `names`.
    pub fn retain_services_named(&mut self, names: &BTreeSet<String>) {
        self.services.retain(|_, s| names.contains(&s.meta.name));
        self.endpoint_slices.retain(|_, s| {
            s.meta.labels.get(crate::model::refs::SERVICE_NAME_LABEL).is_some_and(|n| names.contains(n))
        });
    }

    /// Records that the input read objects of this kind, though it may hold none (a typed list).
    pub fn saw_kind(&mut self, api_version: &str, kind: &str) {
        if let Some(classified) = Kind::classify(api_version, kind) {
            self.kinds_present.insert(classified);
            // A typed empty list (a dump's) says the version is served: it tells releases apart.
            self.listed_versions.entry(kind.to_string()).or_default().insert(api_version.to_string());
        }
    }

    /// Whether the input held any object of `kind`.
    pub fn has_kind(&self, kind: Kind) -> bool {
        self.kinds_present.contains(&kind)
    }

    /// The read that was refused or failed for an object of `kind` in `namespace`, if any.
    pub fn blocked_read(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Blocked> {
        self.blocked.iter().find(|b| b.covers(kind, namespace, name))
    }

    /// The annotations of the object `objref` names, if it is in the snapshot.
    pub fn annotations(&self, objref: &ObjRef) -> Option<&crate::model::StrMap> {
        let kind = Kind::classify(&format!("{}/v", objref.group), &objref.kind)?;
        let meta = self.meta(kind, &objref.group, &objref.kind, &objref.namespace, &objref.name)?;
        Some(meta.annotations())
    }

    /// Whether the snapshot holds this object, decoded or malformed (a cluster source reads some
    /// objects twice: a name, then its namespace's list).
    pub fn holds(&self, api_version: &str, kind_name: &str, namespace: &str, name: &str) -> bool {
        let Some(kind) = Kind::classify(api_version, kind_name) else { return false };
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let namespace = if kind.namespaced() { namespace } else { "" };
        self.meta(kind, group, kind_name, namespace, name).is_some()
            || self.malformed_object(kind, namespace, name).is_some()
    }

    fn meta(&self, kind: Kind, group: &str, kind_name: &str, namespace: &str, name: &str) -> Option<&Meta> {
        let key = store_key(namespace, name, Kind::group_kind(group, kind_name));
        match kind {
            Kind::Registration => self.registrations.get(&key).map(|o| &o.meta),
            Kind::Extension => self.extensions.get(&key).map(|o| &o.meta),
            Kind::HttpRoute => self.routes.get(&key).map(|o| &o.meta),
            Kind::Gateway => self.gateways.get(&key).map(|o| &o.meta),
            Kind::GatewayClass => self.gateway_classes.get(&key).map(|o| &o.meta),
            Kind::ListenerSet => self.listener_sets.get(&key).map(|o| &o.meta),
            Kind::ReferenceGrant => self.reference_grants.get(&key).map(|o| &o.meta),
            Kind::Service => self.services.get(&key).map(|o| &o.meta),
            Kind::EndpointSlice => self.endpoint_slices.get(&key).map(|o| &o.meta),
            Kind::Secret => self.secrets.get(&key).map(|o| &o.meta),
            Kind::Namespace => self.namespaces.get(&key).map(|o| &o.meta),
        }
    }

    /// The malformed object with this identity, if any.
    pub fn malformed_object(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Malformed> {
        self.malformed
            .iter()
            .find(|m| m.kind == kind && m.objref.namespace == namespace && m.objref.name == name)
    }
}

/// An object whose metadata decoded, waiting for its typed view.
struct Decoded<'a> {
    api_version: &'a str,
    kind_name: &'a str,
    meta: Meta,
    value: Value,
    origin: Option<Origin>,
}

impl Decoded<'_> {
    fn into_obj<T>(self, view: T) -> Obj<T> {
        Obj {
            api_version: crate::model::objref::intern_api_version(self.api_version),
            kind: crate::model::objref::intern_kind(self.kind_name),
            meta: self.meta,
            view,
            origin: self.origin,
        }
    }

    /// Decodes the typed view; a failure becomes a `Malformed` entry.
    fn decode<T: DeserializeOwned>(mut self) -> Result<Obj<T>, Box<Malformed>> {
        let mut value = std::mem::take(&mut self.value);
        if let Some(map) = value.as_object_mut() {
            map.remove("metadata");
        }
        match decode::<T>(value) {
            Ok(view) => Ok(self.into_obj(view)),
            Err((field, error)) => {
                let kind = Kind::classify(self.api_version, self.kind_name).unwrap_or(Kind::Service);
                let group = self.api_version.rsplit_once('/').map_or("", |(g, _)| g);
                let ns = if kind.namespaced() { self.meta.namespace.as_str() } else { "" };
                let objref = ObjRef::new(group, self.kind_name, ns, &self.meta.name);
                Err(Box::new(Malformed { objref, kind, field, error, origin: self.origin }))
            }
        }
    }
}

fn map_view<T, U>(obj: Obj<T>, f: impl FnOnce(T) -> U) -> Obj<U> {
    Obj {
        api_version: obj.api_version,
        kind: obj.kind,
        meta: obj.meta,
        view: f(obj.view),
        origin: obj.origin,
    }
}

/// Decodes `value` into `T`, returning the failing field path and the error on failure.
fn decode<T: DeserializeOwned>(value: Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = e.into_inner().to_string();
        let message = ["i64", "i32", "u64", "u32", "u16"]
            .iter()
            .fold(message, |m, t| m.replace(&format!("expected {t}"), "expected an integer"));
        (path, message)
    })
}

fn str_at(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Replaces every value of a Secret's `data` and `stringData` with null, keeping the key names.
pub fn strip_secret_values(value: &mut Value) {
    for field in ["data", "stringData"] {
        if let Some(map) = value.get_mut(field).and_then(Value::as_object_mut) {
            map.values_mut().for_each(|v| *v = Value::Null);
        } else if let Some(v) = value.get_mut(field) {
            *v = Value::Null;
        }
    }
    if let Some(annotations) = value.pointer_mut("/metadata/annotations").and_then(Value::as_object_mut) {
        annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
}

fn secret_keys(value: &Value) -> SecretKeys {
    let mut keys: Vec<String> = ["data", "stringData"]
        .iter()
        .filter_map(|f| value.get(*f).and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    SecretKeys { type_: value.get("type").and_then(Value::as_str).map(str::to_string), keys }
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    #[test]
    fn the_gateway_api_schema_refuses_an_unknown_path_type_and_a_missing_name() {
        let spec = serde_json::json!({"rules": [{"matches": [{"path": {"type": "Prefix", "value": "/"}}]}]});
        let (field, error) = schema_refusal(Kind::HttpRoute, &spec).expect("refused");
        assert_eq!(field, "spec.rules[0].matches[0].path.type");
        assert!(error.contains("unknown variant `Prefix`"), "{error}");
        let spec = serde_json::json!({"parentRefs": [{"namespace": "x"}]});
        assert_eq!(
            schema_refusal(Kind::HttpRoute, &spec).map(|r| r.0).as_deref(),
            Some("spec.parentRefs[0]")
        );
        let fine = serde_json::json!({"parentRefs": [{"name": "gw"}], "hostnames": ["a.b"]});
        assert_eq!(schema_refusal(Kind::HttpRoute, &fine), None);
        assert_eq!(schema_refusal(Kind::Service, &spec), None, "only the Gateway API kinds");
    }
}
