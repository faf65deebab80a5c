//! The wording of the registration findings (MCPD010x): each code's message and fix, from the
//! typed data its analyzer passes.

use super::Code;
use crate::diagnose::{Finding, Fix};
use crate::model::objref::GATEWAY_GROUP;
use crate::model::{Generation, ObjRef, Releases};
use serde_json::json;

/// MCPD0107: an `mcp.kagenti.com` registration next to `mcp.kuadrant.io` objects; the fix is the
/// registration re-created in the new group, with its route and prefix.
pub fn api_outdated(
    reg: &ObjRef,
    api_version: &str,
    source: &str,
    route: Option<&str>,
    prefix: Option<&str>,
) -> Finding {
    let mut spec = json!({"targetRef": {"group": GATEWAY_GROUP, "kind": "HTTPRoute", "name": route.unwrap_or("<route>")}});
    if let (Some(p), Some(fields)) = (prefix, spec.as_object_mut()) {
        fields.insert("prefix".into(), json!(p));
    }
    let newest = Generation::NEWEST;
    let manifest = json!({
        "apiVersion": newest.api_version(),
        "kind": newest.kind(),
        "metadata": {"name": reg.name, "namespace": reg.namespace},
        "spec": spec,
    });
    Finding::new(
        Code::RegistrationApiOutdated,
        reg.clone(),
        "apiVersion",
        format!(
            "{reg} uses {api_version}, but {source} holds {} objects: controllers from mcp-gateway v0.6 on ignore the {} group",
            newest.group(),
            reg.group
        ),
        Fix::say(format!("Re-create the registration as {} {}.", newest.api_version(), newest.kind()))
            .object(&manifest),
    )
}

/// Which prefix field the API server prunes (MCPD0104).
pub enum PrunedPrefix<'a> {
    /// `toolPrefix`, on releases that renamed it to `prefix`.
    ToolPrefix(&'a str, Releases),
    /// `prefix`, on releases that still read `toolPrefix`.
    Prefix(&'a str, Releases),
}

/// MCPD0104: the prefix is set in a field the release's schema does not have.
pub fn prefix_field_pruned(reg: &ObjRef, pruned: PrunedPrefix) -> Finding {
    let (field, message, fix) = match pruned {
        PrunedPrefix::ToolPrefix(tp, on) => (
            "spec.toolPrefix",
            format!(
                "{reg} sets spec.toolPrefix {tp:?}: mcp-gateway {on} renamed it to spec.prefix, so the API server prunes it and the tools are federated without a prefix"
            ),
            Fix::say("Rename spec.toolPrefix to spec.prefix.")
                .merge(reg, json!({"spec": {"prefix": tp, "toolPrefix": null}})),
        ),
        PrunedPrefix::Prefix(p, on) => (
            "spec.prefix",
            format!(
                "{reg} sets spec.prefix {p:?}: mcp-gateway {on} still reads spec.toolPrefix, so the API server prunes spec.prefix and the tools are federated without a prefix"
            ),
            Fix::say("Set the prefix as spec.toolPrefix on this release (keep spec.prefix for v0.7.0+).")
                .merge(reg, json!({"spec": {"toolPrefix": p}})),
        ),
    };
    Finding::new(Code::ToolPrefixPruned, reg.clone(), field, message, fix)
}

/// MCPD0105: `prefix` does not match the pattern; `suggestion` does.
pub fn prefix_invalid(reg: &ObjRef, prefix: &str, suggestion: &str) -> Finding {
    Finding::new(
        Code::PrefixInvalid,
        reg.clone(),
        "spec.prefix",
        format!(
            "spec.prefix {prefix:?} of {reg} does not match ^[a-z0-9][a-z0-9_]*$; the API server rejects it"
        ),
        Fix::say(format!("Use a prefix such as {suggestion:?} in the manifest."))
            .in_manifest(json!({"spec": {"prefix": suggestion}})),
    )
}

/// MCPD0111: `field` is set, but the schema of the `pruned` releases lacks it; `meaning` is what
/// that does.
pub fn field_pruned(reg: &ObjRef, field: &str, pruned: Releases, meaning: &str) -> Finding {
    Finding::new(
        Code::FieldPruned,
        reg.clone(),
        field,
        format!(
            "{reg} sets {field}, which the schema of mcp-gateway {pruned} does not have: the API server prunes it on apply, so {meaning}"
        ),
        Fix::say(format!("Drop {field} on these releases, or upgrade mcp-gateway to v0.7.0 or later.")),
    )
}

/// MCPD0106: `spec.state: Disabled`.
pub fn disabled(reg: &ObjRef) -> Finding {
    Finding::new(
        Code::RegistrationDisabled,
        reg.clone(),
        "spec.state",
        format!("{reg} has spec.state: Disabled; the gateway does not serve its tools"),
        Fix::catalog(Code::RegistrationDisabled).merge(reg, json!({"spec": {"state": "Enabled"}})),
    )
}

/// MCPD0109: deleted since `since`, `finalizers` remain; `foreign` are those of another API group.
pub fn stuck_deleting(reg: &ObjRef, since: &str, finalizers: &[String], foreign: &[&String]) -> Finding {
    let why = match foreign {
        [] => "the controller has not removed its finalizer: is it running? (a route status entry of another controller holding only the mcp-gateway Programmed condition also blocks it, mcp-gateway#1513)".to_string(),
        _ => format!(
            "finalizer {} belongs to another API group's controller, which no longer acts on this object",
            foreign.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    Finding::new(
        Code::RegistrationStuckDeleting,
        reg.clone(),
        "metadata.finalizers",
        format!(
            "{reg} is being deleted since {since} but keeps finalizers [{}]: {why}",
            finalizers.join(", ")
        ),
        Fix::catalog(Code::RegistrationStuckDeleting)
            .json_patch(reg, &[("remove", "/metadata/finalizers".into(), serde_json::Value::Null)]),
    )
}

/// What the doctor saw around a route the targetRef names but it could not find.
pub enum RoutesSeen<'a> {
    /// Namespaces that hold an HTTPRoute of that name.
    Elsewhere(&'a [String]),
    /// Every route of the registration's namespace (the input holds them all).
    InNamespace(&'a [&'a str]),
    /// Nothing more is known.
    Nothing,
}

/// MCPD0103: no `spec.targetRef`, or no route of its name in the registration's namespace.
pub fn target_route_not_found(reg: &ObjRef, route: Option<&ObjRef>, seen: RoutesSeen) -> Finding {
    let Some(route) = route else {
        // spec.targetRef is required: the API server refuses the object as it is.
        return Finding::new(
            Code::TargetRouteNotFound,
            reg.clone(),
            "spec.targetRef",
            format!("{reg} has no spec.targetRef, so it names no HTTPRoute"),
            Fix::say("Set spec.targetRef to the server's HTTPRoute in the manifest.").in_manifest(
                json!({"spec": {"targetRef": {"group": GATEWAY_GROUP, "kind": "HTTPRoute", "name": "<route>"}}}),
            ),
        );
    };
    let ns = &reg.namespace;
    let hint = match seen {
        RoutesSeen::Elsewhere(others) => format!(
            "; an HTTPRoute of that name exists in namespace {} (registration and route must share a namespace)",
            others.join(", ")
        ),
        RoutesSeen::InNamespace([]) => format!("; namespace {ns} holds no HTTPRoute"),
        RoutesSeen::InNamespace(names) => format!("; HTTPRoutes in {ns}: {}", names.join(", ")),
        RoutesSeen::Nothing => String::new(),
    };
    let fix = match seen {
        RoutesSeen::Elsewhere([there, ..]) => Fix::say(format!(
            "Create the registration in namespace {there}, next to HTTPRoute {there}/{}, or move the route to namespace {ns}.",
            route.name
        ))
        .target(ObjRef { namespace: there.clone(), ..reg.clone() }),
        _ => Fix::say(format!("Fix spec.targetRef.name, or create HTTPRoute {} in namespace {ns}.", route.name))
            .target(route.clone()),
    };
    Finding::new(
        Code::TargetRouteNotFound,
        reg.clone(),
        "spec.targetRef.name",
        format!("{reg} targets {route}, which does not exist{hint}"),
        fix,
    )
}

/// MCPD0101: the targetRef names `group`/`kind` `name`, not an HTTPRoute.
pub fn target_not_a_route(reg: &ObjRef, group: &str, kind: &str, name: &str) -> Finding {
    Finding::new(
        Code::TargetRefInvalidKind,
        reg.clone(),
        "spec.targetRef",
        format!(
            "spec.targetRef of {reg} names {group}/{kind} {name}: only gateway.networking.k8s.io HTTPRoute is supported"
        ),
        Fix::say("Point spec.targetRef at the server's HTTPRoute.").merge(
            reg,
            json!({"spec": {"targetRef": {"group": GATEWAY_GROUP, "kind": "HTTPRoute", "name": name}}}),
        ),
    )
}

/// MCPD0102: the targetRef points into namespace `tns` (where route `route` exists when
/// `exists`); the fix is the registration re-created there.
pub fn target_in_another_namespace(
    reg: &ObjRef,
    api_version: &str,
    route: &str,
    tns: &str,
    exists: bool,
) -> Finding {
    let ns = &reg.namespace;
    let lookup = format!(
        "current controllers look the route up in {ns} only (targetRef.namespace is ignored) and old ones reject cross-namespace targets"
    );
    let detail = match exists {
        true => format!("{} exists, but {lookup}", ObjRef::route(tns, route)),
        false => lookup,
    };
    let manifest = json!({
        "apiVersion": api_version,
        "kind": reg.kind,
        "metadata": {"name": reg.name, "namespace": tns},
        "spec": {"targetRef": {"group": GATEWAY_GROUP, "kind": "HTTPRoute", "name": route}},
    });
    Finding::new(
        Code::TargetRefCrossNamespace,
        reg.clone(),
        "spec.targetRef.namespace",
        format!("{reg} targets an HTTPRoute in namespace {tns}: {detail}"),
        Fix::say(format!("Create the registration in namespace {tns} (next to the route) and drop spec.targetRef.namespace."))
            .target(ObjRef { namespace: tns.to_string(), ..reg.clone() })
            .object(&manifest),
    )
}

/// MCPD0108: `prefix` is used by the older `winner` on the same extension; the controllers of
/// `releases` refuse the younger registration (main). The fix re-creates it with `field` (the
/// prefix field of the newest candidate) set to its own prefix.
pub fn prefix_conflict(reg: &ObjRef, prefix: &str, winner: &ObjRef, ext: &ObjRef, field: &str) -> Finding {
    // The prefix is immutable once set: the command re-creates the registration with a new one.
    let fix = Fix::say(
        "Give this registration its own prefix (a set prefix is immutable: the command re-creates it).",
    )
    .recreate(reg, json!({"spec": {field: format!("{}_", reg.name.replace('-', "_"))}}));
    Finding::new(
        Code::PrefixConflict,
        reg.clone(),
        "spec.prefix",
        format!(
            "{reg}: conflict: prefix {prefix:?} is already used by {winner} in the same MCPGatewayExtension {}",
            ext.ns_name()
        ),
        fix,
    )
}

/// MCPD0110: the conflict, where no candidate refuses it: `releases` serve both registrations.
pub fn prefix_shared(
    conflict: Finding,
    prefix: &str,
    winner: &ObjRef,
    ext: &ObjRef,
    releases: Releases,
) -> Finding {
    let reg = &conflict.object;
    let message = format!(
        "{reg} uses prefix {prefix:?} like {winner} in the same MCPGatewayExtension {}: mcp-gateway {releases} serves both, and tools of the same name collide in the broker",
        ext.ns_name()
    );
    Finding { message, ..conflict.lowered(Code::PrefixShared) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> ObjRef {
        ObjRef::new("mcp.kuadrant.io", "MCPServerRegistration", "team-a", "weather")
    }

    #[test]
    fn a_route_of_that_name_elsewhere_moves_the_registration_there() {
        let route = ObjRef::route("team-a", "weather");
        let there = ["team-b".to_string()];
        let f = target_route_not_found(&reg(), Some(&route), RoutesSeen::Elsewhere(&there));
        assert!(f.message.contains("exists in namespace team-b"), "{}", f.message);
        assert_eq!(f.fix.target.as_ref().map(|t| t.namespace.as_str()), Some("team-b"));
        let f = target_route_not_found(&reg(), Some(&route), RoutesSeen::InNamespace(&[]));
        assert!(f.message.ends_with("namespace team-a holds no HTTPRoute"), "{}", f.message);
        let f = target_route_not_found(&reg(), None, RoutesSeen::Nothing);
        assert_eq!(f.field, "spec.targetRef");
    }

    #[test]
    fn a_conflict_re_creates_the_registration_and_sharing_names_the_releases() {
        let (winner, ext) =
            (reg(), ObjRef::new("mcp.kuadrant.io", "MCPGatewayExtension", "mcp-system", "ext"));
        let loser = ObjRef { name: "news-feed".into(), ..reg() };
        let f = prefix_conflict(&loser, "w_", &winner, &ext, "prefix");
        assert!(
            f.fix
                .command
                .as_deref()
                .is_some_and(|c| c.contains(r#""prefix":"news_feed_""#) && c.contains("replace --force")),
            "{:?}",
            f.fix
        );
        let shared = prefix_shared(f, "w_", &winner, &ext, Releases::only(crate::model::Release::V0_9_0));
        assert_eq!((shared.code, shared.cause), (Code::PrefixShared, Some(Code::PrefixConflict)));
        assert!(shared.message.contains("mcp-gateway v0.9.0 serves both"), "{}", shared.message);
    }
}
