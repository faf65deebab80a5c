//! The wording of the MCPGatewayExtension findings (MCPD040x): each code's message and fix, from
//! the typed data its analyzer passes.

use super::Code;
use super::backend::NewGrant;
use crate::diagnose::{Finding, Fix};
use crate::graph::refgrant::GrantMiss;
use crate::model::ObjRef;
use crate::model::objref::GATEWAY_GROUP;
use serde_json::json;

/// The extension a fix creates for a Gateway.
pub struct NewExtension<'a> {
    /// Stands for it in the chain (`MCPGatewayExtension NS/?`).
    pub placeholder: &'a ObjRef,
    /// `apiVersion` of the newest candidate release.
    pub api_version: &'a str,
    /// The listener it targets; `None` for v0.5.0, whose extensions serve the whole Gateway.
    pub section: Option<&'a str>,
}

/// MCPD0401: no extension targets the route's Gateway. `source` is where the doctor looked
/// ("the input", "the cluster") and `elsewhere` lists the extensions it found (`ext -> ns/gw`).
pub fn none_for_gateway(
    reg: &ObjRef,
    route: &ObjRef,
    gw: &ObjRef,
    (source, elsewhere): (&str, &[String]),
    new: NewExtension,
) -> Finding {
    let hint = match elsewhere {
        [] => format!("{source} holds no MCPGatewayExtension"),
        _ => format!("extensions in {source}: {}", elsewhere.join(", ")),
    };
    let mut target =
        json!({"group": GATEWAY_GROUP, "kind": "Gateway", "name": gw.name, "namespace": gw.namespace});
    if let (Some(section), Some(fields)) = (new.section, target.as_object_mut()) {
        fields.insert("sectionName".into(), json!(section));
    }
    let manifest = json!({
        "apiVersion": new.api_version,
        "kind": "MCPGatewayExtension",
        "metadata": {"name": "mcp-gateway-extension", "namespace": gw.namespace},
        "spec": {"targetRef": target},
    });
    Finding::new(
        Code::NoExtensionForGateway,
        reg.clone(),
        "",
        format!(
            "no valid mcpgatewayextensions configured: no MCPGatewayExtension targets {gw}, where HTTPRoute {} attaches ({hint})",
            route.ns_name()
        ),
        Fix::say(format!("Create an MCPGatewayExtension that targets {gw}."))
            .target(new.placeholder.clone())
            .object(&manifest),
    )
}

/// MCPD0410: the extension that targets the Gateway is of another API group than the registration.
pub fn group_mismatch(reg: &ObjRef, reg_api_version: &str, ext: &ObjRef, gw: &ObjRef) -> Finding {
    Finding::new(
        Code::ExtensionGroupMismatch,
        reg.clone(),
        "apiVersion",
        format!(
            "{ext} serves {gw}, but it belongs to {} while {reg} is {reg_api_version}: an extension only serves registrations of its own API group",
            ext.group
        ),
        Fix::say(
            "Use the same API group for registration and extension (mcp.kuadrant.io/v1 for mcp-gateway v0.8+).",
        ),
    )
}

/// The parentRef a fix points at a listener: `spec.parentRefs[index].sectionName: section`.
pub struct Reattach<'a> {
    /// The route.
    pub route: &'a ObjRef,
    /// The parentRef's index.
    pub index: usize,
    /// The listener to name.
    pub section: &'a str,
}

impl Reattach<'_> {
    fn patch(&self, fix: Fix) -> Fix {
        let path = format!("/spec/parentRefs/{}/sectionName", self.index);
        fix.json_patch(self.route, &[("add", path, json!(self.section))])
    }
}

/// MCPD0403: no sectionName, and the route's `hosts` match a wildcard listener on port `port`
/// only across several labels.
pub fn hostname_multi_label(at: Reattach, hosts: &str, port: &str) -> Finding {
    Finding::new(
        Code::ExtensionHostnameMultiLabel,
        at.route.clone(),
        "spec.hostnames",
        format!(
            "HTTPRoute {} has no sectionName and its hostnames ({hosts}) match the wildcard of a listener on port {port} only across several labels; the controller's *.x match covers exactly one label (no matching mcpgatewayextensions for attached listener)",
            at.route.ns_name()
        ),
        at.patch(Fix::say(
            "Add sectionName to the parentRef, or use a hostname with one label under the wildcard.",
        )),
    )
}

/// Why the controller matches the route to no extension's listener (MCPD0402).
pub enum ListenerMiss<'a> {
    /// Neither a sectionName nor hostnames: nothing to match listener `listener` by.
    NothingToMatch {
        /// The extension's listener.
        listener: &'a str,
    },
    /// No sectionName; no listener on port `port` has a hostname to match `hosts` against.
    NoListenerHostname {
        /// The route's hostnames, joined.
        hosts: &'a str,
        /// The extension listener's port.
        port: &'a str,
    },
    /// The route's listener is on other ports than the extension's.
    Port {
        /// The Gateway.
        gw: &'a ObjRef,
        /// The ports the route attaches on.
        route_ports: &'a [i64],
        /// The extension's listener and its port.
        listener: (&'a str, &'a str),
        /// A listener on the extension's port to attach to, with its port.
        same_port: Option<(&'a str, i64)>,
    },
}

/// MCPD0402: the route's listener is on a port no extension serves.
pub fn none_for_listener(at: Reattach, ext: &ObjRef, miss: ListenerMiss) -> Finding {
    let route = at.route.ns_name();
    let head = "no matching mcpgatewayextensions for attached listener";
    let (message, fix) = match miss {
        ListenerMiss::NothingToMatch { listener } => (
            format!(
                "{head}: HTTPRoute {route} has neither a sectionName nor hostnames, so the controller cannot match it to listener {listener} that {ext} serves"
            ),
            at.patch(Fix::say(format!(
                "Set sectionName: {} on the parentRef (and give the route a hostname).",
                at.section
            ))),
        ),
        ListenerMiss::NoListenerHostname { hosts, port } => (
            format!(
                "{head}: HTTPRoute {route} has no sectionName, so the controller matches its hostnames ({hosts}) against the listeners on port {port} that {ext} serves, and none of them has a hostname (a listener without a hostname never matches)"
            ),
            at.patch(Fix::say(format!("Set sectionName: {} on the parentRef.", at.section))),
        ),
        ListenerMiss::Port { gw, route_ports, listener: (listener, port), same_port } => {
            let ports: Vec<String> = route_ports.iter().map(i64::to_string).collect();
            let fix = match same_port {
                Some((name, p)) => at.patch(Fix::say(format!(
                    "Attach the route to listener {name} (port {p}), the port {ext} serves."
                ))),
                None => Fix::say(format!(
                    "Target the route's listener with an MCPGatewayExtension, or attach the route to listener {listener}."
                )),
            };
            let message = format!(
                "{head}: HTTPRoute {route} attaches to {gw} on port(s) {}, but {ext} serves listener {listener} on port {port}",
                ports.join(", ")
            );
            (message, fix)
        }
    };
    Finding::new(
        Code::NoExtensionForListener,
        at.route.clone(),
        format!("spec.parentRefs[{}]", at.index),
        message,
        fix,
    )
}

/// MCPD0411: the Gateway's class `class` is implemented by `controller`, not Istio.
pub fn gateway_not_istio(gw: &ObjRef, class: &str, controller: &str, ext: &ObjRef) -> Finding {
    Finding::new(
        Code::GatewayNotIstio,
        gw.clone(),
        "spec.gatewayClassName",
        format!(
            "{gw} uses GatewayClass {class} (controller {controller}), which ignores the Istio EnvoyFilter {ext} relies on: MCP traffic is not routed through the broker"
        ),
        Fix::catalog(Code::GatewayNotIstio).merge(gw, json!({"spec": {"gatewayClassName": "istio"}})),
    )
}

/// MCPD0405: `spec.targetRef.namespace` is empty, so the controller looks up `/<name>`.
pub fn gateway_namespace_missing(ext: &ObjRef, gw: &ObjRef) -> Finding {
    Finding::new(
        Code::ExtensionGatewayNotFound,
        ext.clone(),
        "spec.targetRef.namespace",
        format!(
            "{ext} leaves spec.targetRef.namespace empty: the controller looks up gateway /{} and reports it not found (it does not default the namespace)",
            gw.name
        ),
        Fix::say("Always set spec.targetRef.namespace.")
            .merge(ext, json!({"spec": {"targetRef": {"namespace": gw.namespace}}})),
    )
}

/// What is wrong with the listener an extension targets (MCPD0406).
pub enum ListenerInvalid<'a> {
    /// No `spec.targetRef.sectionName`.
    NoSectionName,
    /// The Gateway has no listener of that name; these are its listeners.
    NotFound(&'a str, &'a [&'a str]),
    /// The listener has no hostname and `spec.publicHost` is not set.
    NoHostname(&'a str),
}

/// MCPD0406: the extension's listener is missing or has no hostname.
pub fn listener_invalid(ext: &ObjRef, gw: &ObjRef, why: ListenerInvalid) -> Finding {
    let (field, message, fix) = match why {
        ListenerInvalid::NoSectionName => (
            "spec.targetRef.sectionName",
            format!("{ext} sets no spec.targetRef.sectionName (required since mcp-gateway v0.5.1)"),
            Fix::say("Set spec.targetRef.sectionName to the MCP listener of the Gateway."),
        ),
        ListenerInvalid::NotFound(section, names) => (
            "spec.targetRef.sectionName",
            format!("{ext}: listener {section:?} not found on gateway {} (listeners: {})", gw.ns_name(), names.join(", ")),
            Fix::say("Set spec.targetRef.sectionName to one of the Gateway's listeners."),
        ),
        ListenerInvalid::NoHostname(section) => (
            "spec.publicHost",
            format!("{ext}: listener {section:?} on gateway {} has no hostname and spec.publicHost is not set", gw.ns_name()),
            Fix::say("Set spec.publicHost (your public MCP host in place of mcp.example.com) or give the listener a hostname.")
                .merge(ext, json!({"spec": {"publicHost": "mcp.example.com"}})),
        ),
    };
    Finding::new(Code::ExtensionListenerInvalid, ext.clone(), field, message, fix)
}

/// MCPD0407: listener `section` (at `index` in the Gateway) does not admit the extension's
/// namespace, because `why`.
pub fn listener_not_allowed(
    ext: &ObjRef,
    gw: &ObjRef,
    (section, index): (&str, Option<usize>),
    why: &str,
) -> Finding {
    let fix =
        Fix::say(format!("Let listener {section} admit namespace {}.", ext.namespace)).target(gw.clone());
    let fix = match index {
        Some(i) => fix.json_patch(
            gw,
            &[("add", format!("/spec/listeners/{i}/allowedRoutes/namespaces"), json!({"from": "All"}))],
        ),
        None => fix,
    };
    Finding::new(
        Code::ExtensionListenerNotAllowed,
        ext.clone(),
        "spec.targetRef.sectionName",
        format!(
            "{ext}: listener {section:?} on gateway {} does not allow routes from namespace {:?}: {why}",
            gw.ns_name(),
            ext.namespace
        ),
        fix,
    )
}

/// MCPD0404: no ReferenceGrant in the Gateway's namespace permits the extension; `miss` says
/// what came near.
pub fn grant_missing(ext: &ObjRef, gw: &ObjRef, miss: &GrantMiss, grant: NewGrant) -> Finding {
    let why = match (miss.near_misses.first(), miss.misplaced.first()) {
        (Some((g, m)), _) => format!("; {g} does not match: {m}"),
        (None, Some(g)) => format!("; {g} would, but it is not in namespace {}", gw.namespace),
        (None, None) => String::new(),
    };
    Finding::new(
        Code::ExtensionGrantMissing,
        ext.clone(),
        "spec.targetRef",
        format!(
            "{ext}: invalid: ReferenceGrant required in {} to allow cross-namespace reference from {}{why}",
            gw.namespace, ext.namespace
        ),
        Fix::say(format!("Create this ReferenceGrant in namespace {}.", gw.namespace))
            .target(grant.objref)
            .object(&grant.manifest),
    )
}

/// Which older extension wins (MCPD0409).
pub enum Conflict<'a> {
    /// Another extension in the same namespace (its name).
    Namespace(&'a str),
    /// Another extension on the same listener port of the Gateway: the port, the Gateway, the
    /// other extension and its listener.
    Port(i64, &'a ObjRef, &'a ObjRef, &'a str),
}

/// MCPD0409: an older extension wins.
pub fn conflict(ext: &ObjRef, with: Conflict) -> Finding {
    let (field, message, fix) = match with {
        Conflict::Namespace(other) => (
            "metadata.namespace",
            format!(
                "{ext}: conflict: namespace {} already has MCPGatewayExtension {other} (only one per namespace allowed)",
                ext.namespace
            ),
            "Delete one of the two extensions, or move this one to its own namespace.",
        ),
        Conflict::Port(port, gw, other, listener) => (
            "spec.targetRef.sectionName",
            format!(
                "{ext}: conflict: listener port {port} on gateway {} is already configured by MCPGatewayExtension {} (listener {listener})",
                gw.ns_name(),
                other.ns_name()
            ),
            "Delete the newer extension, or target a listener on another port.",
        ),
    };
    Finding::new(Code::ExtensionConflict, ext.clone(), field, message, Fix::say(fix))
}

/// MCPD0408: the extension's controller wrote `Ready=False` with `reason` and `message`.
pub fn not_ready(ext: &ObjRef, reason: &str, message: &str) -> Finding {
    let message = super::said(message);
    let ns = &ext.namespace;
    let fix = match reason {
        "DeploymentNotReady" => format!(
            "Check the broker: kubectl -n {ns} get deploy mcp-gateway; kubectl -n {ns} logs deploy/mcp-gateway"
        ),
        _ => format!("Act on the controller's reason {reason}: {message}"),
    };
    Finding::new(
        Code::ExtensionNotReady,
        ext.clone(),
        "status.conditions[Ready]",
        format!(
            "{ext} reports Ready=False/{reason}: {message}; from the specs we would expect it to be valid"
        ),
        Fix::say(fix),
    )
    .with_reason(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_to_create_targets_the_listener_only_from_v0_5_1() {
        let (reg, route) = (ObjRef::route("team-a", "weather"), ObjRef::route("team-a", "weather"));
        let gw = ObjRef::gateway("gateway-system", "mcp-gateway");
        let placeholder = ObjRef::new("mcp.kuadrant.io", "MCPGatewayExtension", "gateway-system", "?");
        let made = |section| {
            let new =
                NewExtension { placeholder: &placeholder, api_version: "mcp.kuadrant.io/v1alpha1", section };
            let f = none_for_gateway(&reg, &route, &gw, ("the input", &[]), new);
            serde_saphyr::from_str::<serde_json::Value>(f.fix.yaml.as_deref().unwrap_or_default())
                .expect("YAML")
        };
        assert_eq!(made(Some("mcps"))["spec"]["targetRef"]["sectionName"], "mcps");
        assert_eq!(made(None)["spec"]["targetRef"].get("sectionName"), None);
        assert_eq!(made(None)["metadata"]["namespace"], "gateway-system");
    }

    #[test]
    fn a_port_miss_patches_the_parent_ref_to_a_listener_on_the_extensions_port() {
        let route = ObjRef::route("team-a", "weather");
        let (gw, ext) = (
            ObjRef::gateway("gw", "mcp"),
            ObjRef::new("mcp.kuadrant.io", "MCPGatewayExtension", "gw", "ext"),
        );
        let at = Reattach { route: &route, index: 1, section: "mcps" };
        let miss = ListenerMiss::Port {
            gw: &gw,
            route_ports: &[80],
            listener: ("mcps", "8080"),
            same_port: Some(("mcps", 8080)),
        };
        let f = none_for_listener(at, &ext, miss);
        assert_eq!(f.field, "spec.parentRefs[1]");
        assert!(
            f.fix
                .command
                .as_deref()
                .is_some_and(|c| c.contains(r#""path":"/spec/parentRefs/1/sectionName","value":"mcps""#)),
            "{:?}",
            f.fix
        );
    }
}
