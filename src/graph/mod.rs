//! The resolved reference graph over a `Snapshot`: indexes built once, and the Gateway API rules
//! (`gateway-api.md`) that decide each link with every default applied. Pure: no I/O.

pub mod hostname;
pub mod refgrant;
#[cfg(test)]
pub mod testing;

use crate::model::objref::GATEWAY_GROUP;
pub use crate::model::refs::{BackendTarget, NAMESPACE_NAME_LABEL, SERVICE_NAME_LABEL, parent_target};
use crate::model::{
    Endpoint, EndpointSlice, Gateway, HttpRoute, Listener, ListenerSet, ObjRef, ParentRef, Service, StrMap,
    condition,
};
use crate::snapshot::{Obj, Snapshot, get};

/// Indexes over a snapshot, built once.
pub struct Graph<'s> {
    /// The objects.
    pub snap: &'s Snapshot,
    /// EndpointSlices by (namespace, Service), sorted: one entry per slice, no list per Service.
    slices_by_service: Vec<((&'s str, &'s str), &'s Obj<EndpointSlice>)>,
}

/// A route's reason for not attaching to a parent (route `Accepted=False`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RouteReason {
    /// No listener matches the parentRef's sectionName/port.
    NoMatchingParent,
    /// The listeners do not admit the route's kind or namespace.
    NotAllowedByListeners,
    /// No route hostname intersects an admitting listener's.
    NoMatchingListenerHostname,
}

impl RouteReason {
    /// The Gateway API reason string.
    pub fn as_str(self) -> &'static str {
        match self {
            RouteReason::NoMatchingParent => "NoMatchingParent",
            RouteReason::NotAllowedByListeners => "NotAllowedByListeners",
            RouteReason::NoMatchingListenerHostname => "NoMatchingListenerHostname",
        }
    }
}

/// Why one listener does not admit a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenerRejection {
    /// sectionName or port do not select it.
    NotSelected,
    /// Its protocol or `allowedRoutes.kinds` exclude HTTPRoute.
    Kind(String),
    /// `allowedRoutes.namespaces` excludes the route's namespace.
    Namespace(String),
    /// No route hostname intersects the listener hostname.
    Hostname,
}

/// How one listener judged a route.
#[derive(Debug, Clone)]
pub struct ListenerVerdict<'s> {
    /// The listener.
    pub listener: &'s Listener,
    /// `None` when it admits the route.
    pub rejection: Option<ListenerRejection>,
    /// A caveat, e.g. a selector evaluated without the Namespace object.
    pub note: Option<String>,
}

/// The parent a parentRef resolves to.
#[derive(Debug, Clone)]
pub enum Parent<'s> {
    /// A Gateway.
    Gateway(&'s Obj<Gateway>),
    /// A ListenerSet and the Gateway it attaches to (if found).
    ListenerSet(&'s Obj<ListenerSet>, Option<&'s Obj<Gateway>>),
}

impl<'s> Parent<'s> {
    /// The Gateway that owns the listeners.
    pub fn gateway(&self) -> Option<&'s Obj<Gateway>> {
        match self {
            Parent::Gateway(g) => Some(g),
            Parent::ListenerSet(_, g) => *g,
        }
    }
}

/// The outcome of one parentRef of a route.
#[derive(Debug, Clone)]
pub enum Attachment<'s> {
    /// The parentRef names a kind that is not a Gateway or ListenerSet.
    UnsupportedKind,
    /// The parent object does not exist (namespace defaulted to the route's).
    ParentNotFound,
    /// A ListenerSet its Gateway does not accept.
    ListenerSetNotAllowed(&'s Obj<ListenerSet>, Option<&'s Obj<Gateway>>),
    /// The parent exists; `reason` is `None` when at least one listener admits the route.
    Evaluated {
        /// The parent.
        parent: Parent<'s>,
        /// Every listener's verdict.
        listeners: Vec<ListenerVerdict<'s>>,
        /// Why the route is not accepted, if it is not.
        reason: Option<RouteReason>,
    },
}

/// One parentRef with its defaults applied and its outcome.
#[derive(Debug, Clone)]
pub struct ParentEval<'s> {
    /// Index in `spec.parentRefs`.
    pub index: usize,
    /// The parentRef as written.
    pub parent_ref: &'s ParentRef,
    /// The fully defaulted target.
    pub target: ObjRef,
    /// The outcome.
    pub attachment: Attachment<'s>,
}

impl ParentEval<'_> {
    /// The listeners that admit the route.
    pub fn admitting(&self) -> Vec<&Listener> {
        match &self.attachment {
            Attachment::Evaluated { listeners, reason: None, .. } => {
                listeners.iter().filter(|v| v.rejection.is_none()).map(|v| v.listener).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// The outcome of resolving one backendRef, in the Gateway API's order of checks.
#[derive(Debug, Clone)]
pub enum BackendOutcome<'s> {
    /// Neither a core Service nor an Istio Hostname: `InvalidKind`.
    InvalidKind,
    /// An Istio `Hostname` backend; `valid` is false for an invalid host name.
    IstioHostname {
        /// Whether the name is a valid DNS name.
        valid: bool,
    },
    /// Cross-namespace without a grant: `RefNotPermitted` (decided before existence).
    NotPermitted(refgrant::GrantMiss),
    /// No such Service: `BackendNotFound`.
    NotFound,
    /// The Service exists.
    Service {
        /// The Service.
        service: &'s Obj<Service>,
        /// The grant that permitted a cross-namespace reference.
        granted_by: Option<ObjRef>,
    },
}

impl<'s> Graph<'s> {
    /// Builds the indexes.
    pub fn new(snap: &'s Snapshot) -> Graph<'s> {
        let mut slices_by_service: Vec<((&str, &str), &Obj<EndpointSlice>)> = snap
            .endpoint_slices
            .values()
            .filter_map(|slice| {
                let service = slice.meta.labels.get(SERVICE_NAME_LABEL)?;
                Some(((slice.meta.namespace.as_str(), service.as_str()), &**slice))
            })
            .collect();
        // Stable: the slices of one Service stay in name order.
        slices_by_service.sort_by_key(|(key, _)| *key);
        slices_by_service.shrink_to_fit();
        Graph { snap, slices_by_service }
    }

    /// The labels of a namespace: the Namespace object's, plus the implicit name label. The flag is
    /// false when the input holds no Namespace object for it (only the implicit label is known).
    pub fn namespace_labels(&self, namespace: &str) -> (StrMap, bool) {
        let found = get(&self.snap.namespaces, "", namespace);
        let mut labels = found.map(|n| n.meta.labels.clone()).unwrap_or_default();
        labels.insert(NAMESPACE_NAME_LABEL.into(), namespace.into());
        (labels, found.is_some())
    }

    /// EndpointSlices of a Service (by the `kubernetes.io/service-name` label).
    pub fn endpoint_slices(&self, namespace: &str, service: &str) -> Vec<&'s Obj<EndpointSlice>> {
        let key = (namespace, service);
        let start = self.slices_by_service.partition_point(|(k, _)| *k < key);
        let from_start = self.slices_by_service.get(start..).unwrap_or_default();
        from_start.iter().take_while(|(k, _)| *k == key).map(|(_, slice)| *slice).collect()
    }

    /// Ready endpoints of a Service.
    pub fn ready_endpoints(&self, namespace: &str, service: &str) -> Vec<&'s Endpoint> {
        self.endpoint_slices(namespace, service)
            .into_iter()
            .flat_map(|s| s.view.endpoints.iter())
            .filter(|e| e.is_ready() && !e.addresses.is_empty())
            .collect()
    }

    /// Evaluates every parentRef of a route (`gateway-api.md` §2).
    pub fn attachments(&self, route: &'s Obj<HttpRoute>) -> Vec<ParentEval<'s>> {
        route
            .view
            .spec
            .parent_refs
            .iter()
            .enumerate()
            .map(|(index, parent_ref)| {
                let target = parent_target(parent_ref, &route.meta.namespace);
                let attachment = self.attach(route, parent_ref, &target);
                ParentEval { index, parent_ref, target, attachment }
            })
            .collect()
    }

    fn attach(&self, route: &'s Obj<HttpRoute>, parent_ref: &ParentRef, target: &ObjRef) -> Attachment<'s> {
        if target.group != GATEWAY_GROUP {
            return Attachment::UnsupportedKind;
        }
        let (parent, listeners, owner_ns) = match target.kind.as_ref() {
            "Gateway" => match get(&self.snap.gateways, &target.namespace, &target.name) {
                Some(g) => (Parent::Gateway(g), &g.view.spec.listeners, g.meta.namespace.as_str()),
                None => return Attachment::ParentNotFound,
            },
            "ListenerSet" => match get(&self.snap.listener_sets, &target.namespace, &target.name) {
                Some(ls) => {
                    let gw_ref = parent_target(&ls.view.spec.parent_ref, &ls.meta.namespace);
                    let gw = get(&self.snap.gateways, &gw_ref.namespace, &gw_ref.name);
                    if !gw.is_some_and(|g| self.gateway_allows_listener_set(g, &ls.meta.namespace)) {
                        return Attachment::ListenerSetNotAllowed(ls, gw);
                    }
                    (Parent::ListenerSet(ls, gw), &ls.view.spec.listeners, ls.meta.namespace.as_str())
                }
                None => return Attachment::ParentNotFound,
            },
            _ => return Attachment::UnsupportedKind,
        };
        let (route_ns_labels, ns_known) = self.namespace_labels(&route.meta.namespace);
        let have_namespaces = !self.snap.namespaces.is_empty();
        let verdicts: Vec<ListenerVerdict> = listeners
            .iter()
            .map(|l| {
                let mut note = None;
                let rejection = if !selects(parent_ref, l) {
                    Some(ListenerRejection::NotSelected)
                } else if let Some(why) = kind_rejection(l) {
                    Some(ListenerRejection::Kind(why))
                } else if let Some(why) = namespace_rejection(l, owner_ns, &route.meta.namespace, &route_ns_labels) {
                    if !ns_known && !have_namespaces && why.starts_with("selector") {
                        note = Some(format!(
                            "selector not verified: {} holds no Namespace objects, so the labels of namespace {} are unknown",
                            self.snap.lookups.source(),
                            route.meta.namespace
                        ));
                        None
                    } else {
                        Some(ListenerRejection::Namespace(why))
                    }
                } else if !hostname::listener_admits(l.hostname.as_deref(), &route.view.spec.hostnames) {
                    Some(ListenerRejection::Hostname)
                } else {
                    None
                };
                ListenerVerdict { listener: l, rejection, note }
            })
            .collect();
        let selected: Vec<_> =
            verdicts.iter().filter(|v| v.rejection != Some(ListenerRejection::NotSelected)).collect();
        let reason = if selected.is_empty() {
            Some(RouteReason::NoMatchingParent)
        } else if selected.iter().all(|v| {
            matches!(v.rejection, Some(ListenerRejection::Kind(_)) | Some(ListenerRejection::Namespace(_)))
        }) {
            Some(RouteReason::NotAllowedByListeners)
        } else if selected.iter().all(|v| v.rejection.is_some()) {
            Some(RouteReason::NoMatchingListenerHostname)
        } else {
            None
        };
        Attachment::Evaluated { parent, listeners: verdicts, reason }
    }

    /// Whether a Gateway's `allowedListeners` (default `None`) admits ListenerSets from `namespace`.
    pub fn gateway_allows_listener_set(&self, gateway: &Obj<Gateway>, namespace: &str) -> bool {
        let from = gateway.view.spec.allowed_listeners.as_ref().and_then(|a| a.namespaces.as_ref());
        match from.and_then(|f| f.from.as_deref()).unwrap_or("None") {
            "All" => true,
            "Same" => gateway.meta.namespace == namespace,
            "Selector" => {
                let labels = self.namespace_labels(namespace).0;
                from.and_then(|f| f.selector.as_ref()).is_some_and(|s| s.matches(&labels))
            }
            _ => false,
        }
    }

    /// Whether a listener admits routes from `namespace` (for extensions, `mcp-gateway.md` §2).
    pub fn listener_admits_namespace(
        &self,
        listener: &Listener,
        owner_ns: &str,
        namespace: &str,
    ) -> Option<String> {
        let labels = self.namespace_labels(namespace).0;
        namespace_rejection(listener, owner_ns, namespace, &labels)
    }

    /// Resolves one backendRef: kind, then ReferenceGrant, then existence (`gateway-api.md` §4).
    pub fn backend(&self, route: &Obj<HttpRoute>, target: &BackendTarget) -> BackendOutcome<'s> {
        if target.is_istio_hostname() {
            return BackendOutcome::IstioHostname { valid: is_dns_name(&target.name) };
        }
        if !target.is_service() {
            return BackendOutcome::InvalidKind;
        }
        let mut granted_by = None;
        if target.namespace != route.meta.namespace {
            let from =
                refgrant::From { group: GATEWAY_GROUP, kind: "HTTPRoute", namespace: &route.meta.namespace };
            let to =
                refgrant::To { group: "", kind: "Service", namespace: &target.namespace, name: &target.name };
            match refgrant::check(self.snap, &from, &to) {
                Ok(grant) => granted_by = Some(grant),
                Err(miss) => return BackendOutcome::NotPermitted(miss),
            }
        }
        match get(&self.snap.services, &target.namespace, &target.name) {
            Some(service) => BackendOutcome::Service { service, granted_by },
            None => BackendOutcome::NotFound,
        }
    }

    /// The route's `ResolvedRefs` verdict over every backendRef: `None` when all resolve.
    pub fn resolved_refs(&self, route: &Obj<HttpRoute>) -> Option<&'static str> {
        let mut reasons = Vec::new();
        for rule in &route.view.spec.rules {
            for b in &rule.backend_refs {
                let target = BackendTarget::of(b, &route.meta.namespace);
                match self.backend(route, &target) {
                    BackendOutcome::InvalidKind => reasons.push("InvalidKind"),
                    BackendOutcome::IstioHostname { valid: false } => reasons.push("InvalidKind"),
                    BackendOutcome::NotPermitted(_) => reasons.push("RefNotPermitted"),
                    BackendOutcome::NotFound => reasons.push("BackendNotFound"),
                    _ => {}
                }
            }
        }
        reasons.first().copied()
    }

    /// The GatewayClass `Accepted` condition, if the class exists and carries status.
    pub fn class_accepted(&self, class_name: &str) -> Option<(bool, String)> {
        let class = get(&self.snap.gateway_classes, "", class_name)?;
        let c = condition(&class.view.status.conditions, "Accepted")?;
        Some((c.status == "True", c.reason.clone()))
    }
}

/// Whether a parentRef's sectionName and port select a listener.
fn selects(parent_ref: &ParentRef, listener: &Listener) -> bool {
    parent_ref.section_name.as_deref().is_none_or(|s| s == listener.name)
        && parent_ref.port.is_none_or(|p| p == listener.port)
}

/// Why a listener does not admit HTTPRoutes at all (protocol or `allowedRoutes.kinds`), if it
/// does not.
pub fn kind_rejection(listener: &Listener) -> Option<String> {
    let protocol_ok = matches!(listener.protocol.as_str(), "HTTP" | "HTTPS");
    if !protocol_ok {
        return Some(format!("protocol {} does not carry HTTPRoutes", listener.protocol));
    }
    match listener.allowed_routes.as_ref().and_then(|a| a.kinds.as_ref()).filter(|k| !k.is_empty()) {
        None => None,
        Some(kinds) => {
            let ok = kinds.iter().any(|k| {
                k.kind == "HTTPRoute" && k.group.as_deref().unwrap_or(GATEWAY_GROUP) == GATEWAY_GROUP
            });
            let listed: Vec<&str> = kinds.iter().map(|k| k.kind.as_str()).collect();
            (!ok).then(|| format!("allowedRoutes.kinds [{}] does not include HTTPRoute", listed.join(", ")))
        }
    }
}

/// Why a listener's `allowedRoutes.namespaces` excludes `route_ns`, if it does.
fn namespace_rejection(
    listener: &Listener,
    owner_ns: &str,
    route_ns: &str,
    route_ns_labels: &StrMap,
) -> Option<String> {
    let namespaces = listener.allowed_routes.as_ref().and_then(|a| a.namespaces.as_ref());
    let from = namespaces.and_then(|n| n.from.as_deref()).unwrap_or("Same");
    match from {
        "All" => None,
        "Same" => (owner_ns != route_ns).then(|| {
            let how =
                if namespaces.and_then(|n| n.from.as_deref()).is_none() { " (the default)" } else { "" };
            format!("allowedRoutes.namespaces.from is Same{how}: only routes in namespace {owner_ns}")
        }),
        "Selector" => match namespaces.and_then(|n| n.selector.as_ref()) {
            None => Some("from: Selector without a selector admits no namespace".into()),
            Some(selector) => (!selector.matches(route_ns_labels)).then(|| {
                format!(
                    "selector {} does not match the labels of namespace {route_ns}",
                    describe_selector(selector)
                )
            }),
        },
        other => Some(format!("allowedRoutes.namespaces.from: {other} is not a valid value")),
    }
}

/// A label selector in `kubectl` notation (`a=b,c in (d)`).
pub fn describe_selector(selector: &crate::model::LabelSelector) -> String {
    let mut parts: Vec<String> = selector.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for e in &selector.match_expressions {
        parts.push(match e.operator.as_str() {
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => {
                format!("{} {} ({})", e.key, op.to_lowercase(), e.values.join(","))
            }
        });
    }
    if parts.is_empty() { "{}".into() } else { parts.join(",") }
}

/// Whether `name` is a valid lower-case DNS name (RFC 1123 labels), as the controller checks.
pub fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::testing::install;
    use super::*;
    use crate::graph::BackendTarget;

    fn route(snap: &Snapshot) -> &Obj<HttpRoute> {
        get(&snap.routes, "team-a", "weather").expect("the route")
    }

    #[test]
    fn the_route_attaches_to_the_listener_its_section_names() {
        let snap = install(str::to_string);
        let graph = Graph::new(&snap);
        let evals = graph.attachments(route(&snap));
        let [eval] = evals.as_slice() else { panic!("one parentRef: {evals:?}") };
        assert_eq!(eval.target, ObjRef::gateway("gateway-system", "mcp-gateway"));
        let names: Vec<&str> = eval.admitting().iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["mcps"]);
    }

    #[test]
    fn a_section_name_typo_matches_no_parent_and_a_missing_namespace_no_gateway() {
        let snap = install(|s| s.replace("sectionName: mcps", "sectionName: mcpz"));
        let graph = Graph::new(&snap);
        let evals = graph.attachments(route(&snap));
        assert!(matches!(
            evals.first().map(|e| &e.attachment),
            Some(Attachment::Evaluated { reason: Some(RouteReason::NoMatchingParent), .. })
        ));
        let snap = install(|s| s.replacen("    namespace: gateway-system\n", "", 1));
        let evals = Graph::new(&snap).attachments(route(&snap));
        let eval = evals.first().expect("one parentRef");
        assert_eq!(eval.target.namespace, "team-a", "the parentRef's namespace defaults to the route's");
        assert!(matches!(eval.attachment, Attachment::ParentNotFound));
    }

    #[test]
    fn backends_resolve_in_the_gateway_api_order() {
        let snap = install(str::to_string);
        let graph = Graph::new(&snap);
        let r = route(&snap);
        let backend = |name: &str, ns: &str| {
            let b = crate::model::BackendRef {
                name: name.into(),
                namespace: Some(ns.into()),
                ..Default::default()
            };
            graph.backend(r, &BackendTarget::of(&b, "team-a"))
        };
        assert!(matches!(
            backend("weather", "backends"),
            BackendOutcome::Service { granted_by: Some(_), .. }
        ));
        assert!(matches!(backend("nothing", "backends"), BackendOutcome::NotFound));
        // A Service in a namespace without a grant is refused before its existence is asked.
        assert!(matches!(backend("weather", "elsewhere"), BackendOutcome::NotPermitted(_)));
    }

    #[test]
    fn dns_names_and_listener_kinds() {
        assert!(is_dns_name("api.example.com"));
        assert!(!is_dns_name("Not_A_Host"));
        let snap = install(str::to_string);
        let gw = get(&snap.gateways, "gateway-system", "mcp-gateway").expect("the gateway");
        assert!(
            gw.view.spec.listeners.iter().all(|l| kind_rejection(l).is_none()),
            "HTTP listeners take routes"
        );
    }
}
