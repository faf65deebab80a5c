//! The wording of the parentRef, listener and Gateway findings (MCPD0206–MCPD0210, MCPD030x):
//! each code's message and fix, from the typed data its analyzer passes.

use super::Code;
use crate::diagnose::{Finding, Fix};
use crate::model::{Condition, ObjRef};
use serde_json::json;

fn parent_field(index: usize) -> String {
    format!("spec.parentRefs[{index}]")
}

/// MCPD0208: the parentRef fails, but another attaches the route.
pub fn parent_fails_another_attaches(f: Finding) -> Finding {
    f.lowered(Code::ParentFailsAnotherAttaches)
}

/// MCPD0210: parentRef `index` names ListenerSet `ls`, which its Gateway `gw` does not accept.
pub fn listener_set_not_allowed(route: &ObjRef, index: usize, ls: &ObjRef, gw: Option<&ObjRef>) -> Finding {
    let gw_name = gw.map_or("its Gateway".to_string(), |g| format!("Gateway {}", g.ns_name()));
    let fix = Fix::say(format!(
        "Let {gw_name} accept ListenerSets from namespace {}, or attach to a Gateway listener.",
        ls.namespace
    ));
    let fix = match gw {
        Some(g) => {
            let from = if g.namespace == ls.namespace { "Same" } else { "All" };
            fix.target(g.clone())
                .merge(g, json!({"spec": {"allowedListeners": {"namespaces": {"from": from}}}}))
        }
        None => fix,
    };
    Finding::new(
        Code::ListenerSetNotAllowed,
        route.clone(),
        parent_field(index),
        format!(
            "parentRef {index} of HTTPRoute {} names ListenerSet {}, which {gw_name} does not accept (spec.allowedListeners defaults to from: None)",
            route.ns_name(),
            ls.ns_name()
        ),
        fix,
    )
}

/// MCPD0207: parentRef `index` names `target`, which is neither a Gateway nor a ListenerSet.
pub fn parent_unsupported_kind(route: &ObjRef, index: usize, target: &ObjRef) -> Finding {
    Finding::new(
        Code::ParentUnsupportedKind,
        route.clone(),
        parent_field(index),
        format!(
            "parentRef {index} of HTTPRoute {} names {}/{} {}, which is not a Gateway or ListenerSet",
            route.ns_name(),
            target.group,
            target.kind,
            target.ns_name()
        ),
        Fix::catalog(Code::ParentUnsupportedKind),
    )
}

/// What the doctor saw of Gateways when the parentRef's does not exist (MCPD0206).
pub enum GatewaysSeen {
    /// A Gateway of that name lives in namespace `.0`; `.1` says whether the parentRef left its
    /// namespace out (so it defaulted to the route's).
    Elsewhere(String, bool),
    /// On a cluster: why it could not look in every namespace.
    NotLooked(String),
    /// The Gateways of the source (`source`, `ns/name`s).
    Listed(&'static str, Vec<String>),
}

/// MCPD0206: parentRef `index` names `target`, which does not exist.
pub fn parent_not_found(route: &ObjRef, index: usize, target: &ObjRef, seen: GatewaysSeen) -> Finding {
    let field = parent_field(index);
    let (message, fix) = match seen {
        GatewaysSeen::Elsewhere(ns, defaulted) => {
            let why = match defaulted {
                true => format!(
                    "the parentRef has no namespace, so it defaults to the route's namespace {}",
                    route.namespace
                ),
                false => format!("the parentRef names namespace {}", target.namespace),
            };
            let patch = [("add", format!("/spec/parentRefs/{index}/namespace"), json!(ns))];
            (
                format!(
                    "parentRef {index} of HTTPRoute {} names {target}, which does not exist: {why}; Gateway {} lives in namespace {ns}",
                    route.ns_name(),
                    target.name
                ),
                Fix::say(format!("Set {field}.namespace: {ns}.")).json_patch(route, &patch),
            )
        }
        GatewaysSeen::NotLooked(hint) => parent_nowhere(route, index, target, &hint),
        GatewaysSeen::Listed(source, all) => {
            let hint = match all.is_empty() {
                true => format!("{source} holds no Gateway"),
                false => format!("Gateways in {source}: {}", all.join(", ")),
            };
            parent_nowhere(route, index, target, &hint)
        }
    };
    Finding::new(Code::ParentNotFound, route.clone(), field, message, fix)
}

fn parent_nowhere(route: &ObjRef, index: usize, target: &ObjRef, hint: &str) -> (String, Fix) {
    (
        format!(
            "parentRef {index} of HTTPRoute {} names {target}, which does not exist ({hint})",
            route.ns_name()
        ),
        Fix::say(format!("Point {} at an existing Gateway (name and namespace).", parent_field(index)))
            .command("kubectl get gateways -A"),
    )
}

/// MCPD0301, MCPD0302 or MCPD0304, by the reason `controller` wrote in the route's status for
/// parent `parent` (condition `c`), when the parent itself could not be read.
pub fn refused_by_status(
    route: &ObjRef,
    index: usize,
    parent: &ObjRef,
    controller: &str,
    c: &Condition,
) -> Finding {
    let code = match c.reason.as_str() {
        "NoMatchingParent" => Code::NoMatchingParent,
        "NoMatchingListenerHostname" => Code::NoMatchingListenerHostname,
        _ => Code::NotAllowedByListenersNamespace,
    };
    Finding::new(
        code,
        route.clone(),
        parent_field(index),
        format!(
            "{controller} reports HTTPRoute {} not accepted by {parent}: {}/{} {} (the Gateway itself could not be read)",
            route.ns_name(),
            c.status,
            c.reason,
            c.message
        ),
        Fix::say("Fix what the condition names; read the Gateway's listeners (or ask its owner) for the allowed namespaces, hostnames and listener names."),
    )
    .with_reason(c.reason.clone())
}

/// What a parentRef asks of a Gateway's listeners.
pub struct Wanted<'a> {
    /// Its `sectionName`.
    pub section: Option<&'a str>,
    /// Its `port`.
    pub port: Option<i64>,
}

/// MCPD0301: no listener of `gw` (its `listeners`, name and port) matches what parentRef `index`
/// asks; the patch names `suggestion`, a listener that takes HTTPRoutes.
pub fn no_matching_parent(
    route: &ObjRef,
    (index, wanted): (usize, Wanted),
    gw: &ObjRef,
    listeners: &[(&str, i64)],
    suggestion: Option<&str>,
) -> Finding {
    let available: Vec<String> =
        listeners.iter().map(|(name, port)| format!("{name} (port {port})")).collect();
    let wanted = match (wanted.section, wanted.port) {
        (Some(s), Some(p)) => format!("sectionName {s} and port {p}"),
        (Some(s), None) => format!("sectionName {s}"),
        (None, Some(p)) => format!("port {p}"),
        (None, None) => "any listener".into(),
    };
    let mut fix =
        Fix::say(format!("Use the name of an existing listener of {gw}: {}.", available.join(", ")));
    if let Some(s) = suggestion {
        let path = format!("/spec/parentRefs/{index}/sectionName");
        fix = fix.json_patch(route, &[("add", path, json!(s))]);
    }
    let listeners = if available.is_empty() { "none".into() } else { available.join(", ") };
    Finding::new(
        Code::NoMatchingParent,
        route.clone(),
        parent_field(index),
        format!(
            "parentRef {index} of HTTPRoute {} asks {gw} for {wanted}, but its listeners are {listeners}",
            route.ns_name()
        ),
        fix,
    )
}

/// How to let a listener admit the route's namespace (MCPD0302).
pub enum Admit {
    /// Label the namespace so that the listener's plain selector (described, and its labels)
    /// matches it.
    Label(String, Vec<String>),
    /// Let the listener (at this index of the Gateway, when known) admit every namespace.
    All(Option<usize>),
}

/// MCPD0302: listener `listener` of `gw` does not admit the route's namespace, because `why`.
/// `unlabelled` is the source, when it holds no Namespace objects to read labels from.
pub fn namespace_not_allowed(
    route: &ObjRef,
    index: usize,
    (gw, listener): (&ObjRef, &str),
    why: &str,
    (admit, unlabelled): (Admit, Option<&str>),
) -> Finding {
    let route_ns = &route.namespace;
    let mut fix = match admit {
        Admit::Label(selector, labels) => Fix::say(format!(
            "Label namespace {route_ns} so that the selector {selector} of listener {listener} matches it."
        ))
        .command(format!("kubectl label namespace {route_ns} {}", labels.join(" ")))
        .target(ObjRef::new("", "Namespace", "", route_ns)),
        Admit::All(at) => {
            let gateway = ObjRef::gateway(&gw.namespace, &gw.name);
            let fix = Fix::say(format!(
                "Let listener {listener} of {gw} admit routes from namespace {route_ns} (a ReferenceGrant does not help here)."
            ))
            .target(gateway.clone());
            match at {
                Some(i) => {
                    let path = format!("/spec/listeners/{i}/allowedRoutes/namespaces");
                    fix.json_patch(&gateway, &[("add", path, json!({"from": "All"}))])
                }
                None => fix,
            }
        }
    };
    if let Some(source) = unlabelled {
        fix.summary.push_str(&format!(
            " ({source} holds no Namespace objects; labels other than kubernetes.io/metadata.name were not known)"
        ));
    }
    Finding::new(
        Code::NotAllowedByListenersNamespace,
        route.clone(),
        parent_field(index),
        format!("listener {listener} of {gw} does not admit HTTPRoute {}: {why}", route.ns_name()),
        fix,
    )
}

/// MCPD0303: no selected listener of `gw` accepts HTTPRoutes (`why`, one per listener).
pub fn kind_not_allowed(route: &ObjRef, index: usize, gw: &ObjRef, why: &[String]) -> Finding {
    Finding::new(
        Code::NotAllowedByListenersKind,
        route.clone(),
        parent_field(index),
        format!(
            "HTTPRoute {} cannot attach: no selected listener of {gw} accepts HTTPRoutes ({})",
            route.ns_name(),
            why.join("; ")
        ),
        Fix::say(
            "Attach to an HTTP or HTTPS listener (sectionName), or add {kind: HTTPRoute} to the listener's allowedRoutes.kinds.",
        ),
    )
}

/// MCPD0304: no hostname of the route (`hostnames`) intersects the `listeners` (`name (host)`)
/// of `gw`; the patch sets `suggestion`, a hostname the first one covers.
pub fn hostname_mismatch(
    route: &ObjRef,
    gw: &ObjRef,
    (hostnames, listeners): (&[String], &[String]),
    suggestion: Option<String>,
) -> Finding {
    let mut fix = Fix::say(
        "Use a route hostname the listener covers, or a listener whose hostname covers the route's.",
    );
    if let Some(h) = suggestion {
        // An MCP server route has one hostname: the list given is the whole list.
        fix = fix.merge(route, json!({"spec": {"hostnames": [h]}}));
    }
    Finding::new(
        Code::NoMatchingListenerHostname,
        route.clone(),
        "spec.hostnames",
        format!(
            "no hostname of HTTPRoute {} ({}) intersects listener {} of {gw}",
            route.ns_name(),
            hostnames.join(", "),
            listeners.join(", ")
        ),
        fix,
    )
}

/// MCPD0306: GatewayClass `class` (of `controller`) is not accepted, for `reason` (`message`).
pub fn class_not_accepted(class: &ObjRef, controller: &str, reason: &str, message: &str) -> Finding {
    Finding::new(
        Code::GatewayClassNotAccepted,
        class.clone(),
        "status.conditions[Accepted]",
        format!("GatewayClass {} (controller {controller}) is not accepted: {reason} {message}", class.name)
            .trim_end()
            .to_string(),
        Fix::say(format!("Install or fix the controller {controller}.")),
    )
    .with_reason(reason)
}

/// MCPD0305: the Gateway's class `class` does not exist; `known` says which classes do.
pub fn class_not_found(gw: &ObjRef, class: &str, known: Result<(&str, &[&str]), String>) -> Finding {
    let known = match known {
        Ok((source, names)) => format!("classes in {source}: {}", names.join(", ")),
        Err(why) => format!("the classes could not be listed: {why}"),
    };
    Finding::new(
        Code::GatewayClassNotFound,
        gw.clone(),
        "spec.gatewayClassName",
        format!("{gw} uses GatewayClass {class}, which does not exist ({known})"),
        Fix::catalog(Code::GatewayClassNotFound).command("kubectl get gatewayclasses"),
    )
}

/// MCPD0307: the Gateway's current conditions that are not True (`bad`, said), the first's
/// reason.
pub fn gateway_not_programmed(gw: &ObjRef, bad: &[String], reason: &str) -> Finding {
    Finding::new(
        Code::GatewayNotProgrammed,
        gw.clone(),
        "status.conditions",
        format!("{gw} is not ready: {}", bad.join("; ")),
        Fix::say("Fix the cause the Gateway's conditions name; `Pending`/`Waiting for controller` means no controller acts on its class.")
            .command(format!("kubectl describe gateway {} -n {}", gw.name, gw.namespace)),
    )
    .with_reason(reason)
}

/// MCPD0308: listener `listener` of `gw`, where `route` attaches, reports `said` (False
/// conditions), the first's reason.
pub fn listener_not_ready(
    gw: &ObjRef,
    listener: &str,
    route: &ObjRef,
    said: &[String],
    reason: &str,
) -> Finding {
    Finding::new(
        Code::ListenerNotReady,
        gw.clone(),
        format!("spec.listeners[{listener}]"),
        format!(
            "listener {listener} of {gw}, where HTTPRoute {} attaches, reports {}",
            route.ns_name(),
            said.join(", ")
        ),
        Fix::catalog(Code::ListenerNotReady),
    )
    .with_reason(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route() -> ObjRef {
        ObjRef::route("team-a", "weather")
    }

    #[test]
    fn a_gateway_in_another_namespace_is_named_with_the_patch_that_sets_it() {
        let target = ObjRef::gateway("team-a", "mcp-gateway");
        let f =
            parent_not_found(&route(), 0, &target, GatewaysSeen::Elsewhere("gateway-system".into(), true));
        assert!(f.message.contains("defaults to the route's namespace team-a"), "{}", f.message);
        let patch = r#""path":"/spec/parentRefs/0/namespace","value":"gateway-system""#;
        assert!(f.fix.command.as_deref().is_some_and(|c| c.contains(patch)), "{:?}", f.fix);
        let f = parent_not_found(&route(), 0, &target, GatewaysSeen::Listed("the input", vec![]));
        assert!(f.message.ends_with("(the input holds no Gateway)"), "{}", f.message);
    }

    #[test]
    fn a_plain_selector_is_answered_by_labelling_the_namespace() {
        let gw = ObjRef::gateway("gateway-system", "mcp-gateway");
        let admit = Admit::Label("team=a".into(), vec!["team=a".into()]);
        let f = namespace_not_allowed(&route(), 0, (&gw, "mcps"), "no match", (admit, Some("the input")));
        assert_eq!(f.fix.command.as_deref(), Some("kubectl label namespace team-a team=a"));
        assert!(f.fix.summary.contains("holds no Namespace objects"), "{}", f.fix.summary);
    }

    #[test]
    fn a_status_refusal_takes_the_code_of_its_reason() {
        let c = Condition {
            type_: "Accepted".into(),
            status: "False".into(),
            reason: "NoMatchingParent".into(),
            ..Condition::default()
        };
        let f =
            refused_by_status(&route(), 0, &ObjRef::gateway("g", "gw"), "istio.io/gateway-controller", &c);
        assert_eq!((f.code, f.reason.as_deref()), (Code::NoMatchingParent, Some("NoMatchingParent")));
    }
}
