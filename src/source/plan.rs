//! What to read next from a cluster: a pure function from the objects read so far to the reads
//! the chains of the selected registrations still need. The cluster source calls it wave after
//! wave until nothing new is needed, so one diagnosis reads its chain outward and nothing else.

use crate::model::objref::GATEWAY_GROUP;
use crate::model::refs::{BackendTarget, Referent, Referrer, SERVICE_NAME_LABEL, parent_target};
use crate::model::{HttpRoute, Kind};
use crate::snapshot::{Obj, Search, Selection, Snapshot, get};
use std::collections::BTreeSet;

/// One read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Need {
    /// GET one object (`namespace` empty for cluster-scoped kinds).
    Get {
        /// Kind.
        kind: Kind,
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
    },
    /// LIST objects of a kind in one namespace (`None` = every namespace), optionally by label.
    List {
        /// Kind.
        kind: Kind,
        /// Namespace.
        namespace: Option<String>,
        /// `labelSelector`.
        label_selector: Option<String>,
        /// Only the resources of this API group (for kinds served by several groups).
        group: Option<String>,
    },
    /// LIST where an object might be when it is not where a reference points; a refusal only
    /// means "not looked there".
    Find(Search),
}

impl Need {
    /// The kind read.
    pub fn kind(&self) -> Kind {
        match self {
            Need::Get { kind, .. } | Need::List { kind, .. } => *kind,
            Need::Find(search) => search.kind,
        }
    }
}

/// Whether a ReferenceGrant of the snapshot permits `from` → `to`: a Gateway API rule the planner
/// does not own (`graph::refgrant::permits` does; the caller passes it in).
pub type Permits = fn(&Snapshot, &Referrer, &Referent) -> bool;

fn get_need(kind: Kind, namespace: &str, name: &str) -> Need {
    Need::Get { kind, namespace: namespace.to_string(), name: name.to_string() }
}

fn list_need(kind: Kind, namespace: &str) -> Need {
    Need::List { kind, namespace: Some(namespace.to_string()), label_selector: None, group: None }
}

fn find(kind: Kind, namespace: Option<&str>, name: Option<&str>) -> Need {
    Need::Find(Search { kind, namespace: namespace.map(str::to_string), name: name.map(str::to_string) })
}

/// GET the object a reference names and, once that GET came back 404, look where it might be:
/// by name in every namespace; for a route also the other routes of its namespace (a typo), and
/// all Gateways and classes, which are few.
fn get_or_find(out: &mut BTreeSet<Need>, snap: &Snapshot, kind: Kind, namespace: &str, name: &str) {
    out.insert(get_need(kind, namespace, name));
    if !snap.lookups.missing(kind, namespace, name) {
        return;
    }
    match kind {
        Kind::Gateway | Kind::GatewayClass => {
            out.insert(find(kind, None, None));
        }
        Kind::HttpRoute => {
            out.insert(find(kind, None, Some(name)));
            out.insert(find(kind, Some(namespace), None));
        }
        _ => {
            out.insert(find(kind, None, Some(name)));
        }
    }
}

/// The grants of `to`'s namespace and, once they are read and none permits `from` → `to`, those
/// of the referrer's namespace, where a misplaced grant is most likely.
fn grants(out: &mut BTreeSet<Need>, snap: &Snapshot, permits: Permits, from: &Referrer, to: &Referent) {
    out.insert(list_need(Kind::ReferenceGrant, to.namespace));
    if snap.lookups.listed_in(Kind::ReferenceGrant, to.namespace) && !permits(snap, from, to) {
        out.insert(find(Kind::ReferenceGrant, Some(from.namespace), None));
    }
}

/// The reads the chains of the registrations in `scope` need, given what has been read.
pub fn needs(snap: &Snapshot, scope: &Selection, permits: Permits) -> BTreeSet<Need> {
    let mut out = BTreeSet::new();
    let mut regs: Vec<_> = snap.registrations.values().filter(|r| scope.selects(r)).collect();
    if regs.is_empty() {
        // A NAME that matched nothing: where does a registration of that name exist?
        if let (Some(name), Some(ns)) = (&scope.name, &scope.namespace)
            && snap.lookups.missing(Kind::Registration, ns, name)
        {
            out.insert(find(Kind::Registration, None, Some(name)));
        }
        return out;
    }
    out.insert(Need::List { kind: Kind::Extension, namespace: None, label_selector: None, group: None });
    // Prefix conflicts: the registrations of the same namespace, and the chains of those that
    // share a prefix with a selected one (to learn which extension serves them).
    let prefixes: BTreeSet<&str> =
        regs.iter().filter_map(|r| r.view.1.prefix_on(r.view.0.releases())).collect();
    if !prefixes.is_empty() && scope.name.is_some() {
        for reg in &regs {
            let group = reg.view.0.group().to_string();
            out.insert(Need::List {
                kind: Kind::Registration,
                namespace: Some(reg.meta.namespace.clone()),
                label_selector: None,
                group: Some(group),
            });
        }
    }
    let same_prefix: Vec<_> = snap
        .registrations
        .values()
        .filter(|r| r.view.1.prefix_on(r.view.0.releases()).is_some_and(|p| prefixes.contains(p)))
        .filter(|r| !regs.iter().any(|s| std::ptr::eq(*s, *r)))
        .collect();
    regs.extend(same_prefix);
    let mut routes = Vec::new();
    for reg in &regs {
        let ns = &reg.meta.namespace;
        let spec = &reg.view.1.spec;
        if let Some(t) = &spec.target_ref {
            get_or_find(&mut out, snap, Kind::HttpRoute, ns, &t.name);
            routes.extend(get(&snap.routes, ns, &t.name));
        }
        for r in spec.credential_ref.iter().chain(spec.ca_cert_secret_ref.iter()) {
            get_or_find(&mut out, snap, Kind::Secret, ns, &r.name);
        }
    }
    let gateways = route_needs(&mut out, snap, &routes, permits);
    gateway_needs(&mut out, snap, &gateways, permits);
    out
}

/// What the routes' parentRefs and backendRefs need: their Gateways (and ListenerSets),
/// Services, EndpointSlices and grants; returns the Gateways to follow, with the route's namespace.
fn route_needs(
    out: &mut BTreeSet<Need>,
    snap: &Snapshot,
    routes: &[&Obj<HttpRoute>],
    permits: Permits,
) -> BTreeSet<(String, String, String)> {
    let mut gateways = BTreeSet::new();
    for route in routes {
        let route_ns = &route.meta.namespace;
        for parent_ref in &route.view.spec.parent_refs {
            let t = parent_target(parent_ref, route_ns);
            if t.group != GATEWAY_GROUP {
                continue;
            }
            match t.kind.as_ref() {
                "Gateway" => {
                    get_or_find(out, snap, Kind::Gateway, &t.namespace, &t.name);
                    gateways.insert((t.namespace.clone(), t.name.clone(), route_ns.clone()));
                }
                "ListenerSet" => {
                    out.insert(get_need(Kind::ListenerSet, &t.namespace, &t.name));
                    if let Some(ls) = get(&snap.listener_sets, &t.namespace, &t.name) {
                        let g = parent_target(&ls.view.spec.parent_ref, &ls.meta.namespace);
                        out.insert(get_need(Kind::Gateway, &g.namespace, &g.name));
                        gateways.insert((g.namespace, g.name, route_ns.clone()));
                    }
                }
                _ => {}
            }
        }
        for rule in &route.view.spec.rules {
            for b in &rule.backend_refs {
                let target = BackendTarget::of(b, route_ns);
                if !target.is_service() {
                    continue;
                }
                get_or_find(out, snap, Kind::Service, &target.namespace, &target.name);
                out.insert(Need::List {
                    kind: Kind::EndpointSlice,
                    namespace: Some(target.namespace.clone()),
                    label_selector: Some(format!("{SERVICE_NAME_LABEL}={}", target.name)),
                    group: None,
                });
                if target.namespace != *route_ns {
                    let from = Referrer { group: GATEWAY_GROUP, kind: "HTTPRoute", namespace: route_ns };
                    let to = Referent {
                        group: "",
                        kind: "Service",
                        namespace: &target.namespace,
                        name: &target.name,
                    };
                    grants(out, snap, permits, &from, &to);
                }
            }
        }
    }
    gateways
}

/// What the Gateways need: their class, the namespaces a selector asks about, and the extensions
/// that target them with their Secrets and grants.
fn gateway_needs(
    out: &mut BTreeSet<Need>,
    snap: &Snapshot,
    gateways: &BTreeSet<(String, String, String)>,
    permits: Permits,
) {
    for (gw_ns, gw_name, route_ns) in gateways {
        let Some(gw) = get(&snap.gateways, gw_ns, gw_name) else { continue };
        get_or_find(out, snap, Kind::GatewayClass, "", &gw.view.spec.gateway_class_name);
        let selects = gw.view.spec.listeners.iter().any(|l| {
            l.allowed_routes.as_ref().and_then(|a| a.namespaces.as_ref()).and_then(|n| n.from.as_deref())
                == Some("Selector")
        });
        if selects {
            out.insert(get_need(Kind::Namespace, "", route_ns));
        }
        for ext in snap.extensions.values() {
            let t = &ext.view.spec.target_ref;
            let ns = t.namespace.as_deref().filter(|n| !n.is_empty()).unwrap_or(&ext.meta.namespace);
            if t.name != *gw_name || ns != gw_ns {
                continue;
            }
            if selects {
                out.insert(get_need(Kind::Namespace, "", &ext.meta.namespace));
            }
            let spec = &ext.view.spec;
            let secrets = spec
                .trusted_headers_key
                .iter()
                .filter_map(|t| t.secret_name.clone())
                .chain(spec.session_store.iter().filter_map(|s| s.secret_name.clone()));
            for name in secrets {
                out.insert(get_need(Kind::Secret, &ext.meta.namespace, &name));
            }
            if ext.meta.namespace != *gw_ns {
                let from = Referrer {
                    group: ext.group(),
                    kind: "MCPGatewayExtension",
                    namespace: &ext.meta.namespace,
                };
                let to = Referent { group: GATEWAY_GROUP, kind: "Gateway", namespace: gw_ns, name: gw_name };
                grants(out, snap, permits, &from, &to);
            }
            // Other extensions' conflicts are judged on the same Gateway: it is already read.
        }
    }
}

/// The names of the Services the routes read so far send traffic to. A scan of every namespace
/// keeps only the Services and EndpointSlices of these names: the others are on no chain. Names
/// are kept in every namespace, so that "a Service of that name exists in namespace X" still shows.
pub fn backend_service_names(snap: &Snapshot) -> BTreeSet<String> {
    snap.routes
        .values()
        .flat_map(|route| {
            let route_ns = route.meta.namespace.as_str();
            route
                .view
                .spec
                .rules
                .iter()
                .flat_map(move |rule| rule.backend_refs.iter().map(move |b| BackendTarget::of(b, route_ns)))
        })
        .filter(BackendTarget::is_service)
        .map(|target| target.name)
        .collect()
}
