//! The MCPGatewayExtension that must serve the route's Gateway and listener port
//! (`mcp-gateway.md` §2, §3c steps 3-4): same API group as the registration, valid for the Gateway
//! (same namespace, or a ReferenceGrant and Ready), on the listener's port; and the extension's own
//! validity (Gateway, listener, hostname, allowedRoutes, grant, conflicts, Ready).

use super::gateway::ParentResult;
use crate::diagnose::{Code, Finding, Fix, LinkState, Walk};
use crate::graph::{ParentEval, hostname, in_namespace, refgrant};
use crate::model::objref::GATEWAY_GROUP;
use crate::model::{Extension, Gateway, HttpRoute, Kind, Listener, ObjRef, condition};
use crate::snapshot::{Obj, RegistrationObj};

/// What serving a parent came to.
pub struct Served {
    /// Whether the route's traffic on this parent reaches an MCP broker.
    pub works: bool,
    /// The extension that serves it.
    pub extension: Option<ObjRef>,
}

/// The extension of the first working parent.
pub fn served_by(parents: &[ParentResult]) -> Option<ObjRef> {
    parents.iter().find(|p| p.works).and_then(|p| p.extension.clone())
}

fn group_of(ext: &Obj<Extension>) -> &str {
    ext.api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Whether the extension's targetRef names this Gateway (the namespace is not defaulted).
fn targets(ext: &Obj<Extension>, gw: &Obj<Gateway>) -> bool {
    let t = &ext.view.spec.target_ref;
    t.name == gw.meta.name && t.namespace.as_deref() == Some(gw.meta.namespace.as_str())
}

/// Finds and checks the extension that serves `gw` for this route and parent.
pub fn serve(
    walk: &mut Walk,
    reg: &RegistrationObj,
    route: &Obj<HttpRoute>,
    eval: &ParentEval,
    gw: &Obj<Gateway>,
    admitting: &[&Listener],
) -> Served {
    let gw_ref = gw.objref();
    let generation = reg.view.0;
    let placeholder = ObjRef::new(generation.group(), "MCPGatewayExtension", &gw.meta.namespace, "?");
    if !generation.needs_extension() {
        walk.link(
            &gw_ref,
            "served by",
            &placeholder,
            LinkState::Skipped,
            "MCPServer controllers (mcp-gateway <= v0.4.1) predate MCPGatewayExtension",
        );
        return Served { works: true, extension: None };
    }
    let snap = walk.snap();
    let all: Vec<&Obj<Extension>> = snap.extensions.values().map(|e| &**e).collect();
    // Extensions that meant this Gateway but left targetRef.namespace out (G02) count as candidates
    // so that their own finding explains why they do not serve it.
    let candidates: Vec<&Obj<Extension>> = all
        .iter()
        .copied()
        .filter(|e| {
            targets(e, gw)
                || (e.view.spec.target_ref.name == gw.meta.name
                    && e.view.spec.target_ref.namespace.as_deref().is_none_or(str::is_empty)
                    && e.meta.namespace == gw.meta.namespace)
        })
        .collect();
    let reg_ref = reg.objref();
    if candidates.is_empty()
        && walk.blocked_link(&gw_ref, "served by", &placeholder, Kind::Extension, &gw.meta.namespace, "*")
    {
        return Served { works: false, extension: None };
    }
    if candidates.is_empty() {
        let elsewhere: Vec<String> = all
            .iter()
            .map(|e| {
                format!(
                    "{} -> {}/{}",
                    e.objref().ns_name(),
                    e.view.spec.target_ref.namespace.as_deref().unwrap_or(""),
                    e.view.spec.target_ref.name
                )
            })
            .collect();
        let hint = if elsewhere.is_empty() {
            "the input holds no MCPGatewayExtension".to_string()
        } else {
            format!("extensions in the input: {}", elsewhere.join(", "))
        };
        walk.link(
            &gw_ref,
            "served by",
            &placeholder,
            LinkState::Fail,
            "no MCPGatewayExtension targets this Gateway",
        );
        let listener = admitting.first().map_or("mcp".to_string(), |l| l.name.clone());
        walk.find(
            Finding::new(
                Code::NoExtensionForGateway,
                reg_ref,
                "",
                format!("no valid mcpgatewayextensions configured: no MCPGatewayExtension targets {gw_ref}, where HTTPRoute {} attaches ({hint})", route.objref().ns_name()),
                Fix::say(format!("Create an MCPGatewayExtension that targets {gw_ref}.")).target(placeholder.clone()).yaml(format!(
                    "apiVersion: {}\nkind: MCPGatewayExtension\nmetadata:\n  name: mcp-gateway-extension\n  namespace: {ns}\nspec:\n  targetRef:\n    group: gateway.networking.k8s.io\n    kind: Gateway\n    name: {}\n    namespace: {ns}\n    sectionName: {listener}\n",
                    if generation.group() == "mcp.kuadrant.io" { "mcp.kuadrant.io/v1" } else { "mcp.kagenti.com/v1alpha1" },
                    gw.meta.name,
                    ns = gw.meta.namespace,
                )),
            )
            .at(reg.origin.as_ref()),
        );
        return Served { works: false, extension: None };
    }
    let same_group: Vec<&Obj<Extension>> =
        candidates.iter().copied().filter(|e| group_of(e) == generation.group()).collect();
    if same_group.is_empty() {
        let Some(ext) = candidates.first().copied() else { return Served { works: false, extension: None } };
        walk.link(
            &gw_ref,
            "served by",
            &ext.objref(),
            LinkState::Fail,
            format!("extension of group {}, registration of group {}", group_of(ext), generation.group()),
        );
        walk.find(
            Finding::new(
                Code::ExtensionGroupMismatch,
                reg_ref,
                "apiVersion",
                format!("{} serves {gw_ref}, but it belongs to {} while {} is {}: an extension only serves registrations of its own API group", ext.objref(), group_of(ext), reg.objref(), reg.api_version),
                Fix::say("Use the same API group for registration and extension (mcp.kuadrant.io/v1 for mcp-gateway v0.8+)."),
            )
            .at(reg.origin.as_ref()),
        );
        return Served { works: false, extension: None };
    }
    // Port match: the controller's httpRouteAttachesToListener.
    let port_of = |name: &str| gw.view.spec.listeners.iter().find(|l| l.name == name).map(|l| l.port);
    let route_ports: Vec<i64> = admitting.iter().map(|l| l.port).collect();
    let mut multi_label = false;
    let matches_port = |ext: &Obj<Extension>, multi_label: &mut bool| -> bool {
        let Some(port) = ext.view.spec.target_ref.section_name.as_deref().and_then(port_of) else {
            return false;
        };
        match eval.parent_ref.section_name.as_deref() {
            Some(section) => port_of(section) == Some(port),
            None => {
                let same_port: Vec<&Listener> =
                    gw.view.spec.listeners.iter().filter(|l| l.port == port).collect();
                let hosts = &route.view.spec.hostnames;
                let ok = same_port.iter().any(|l| match l.hostname.as_deref() {
                    None | Some("") => true,
                    Some(lh) => hosts.iter().any(|h| hostname::controller_matches(lh, h)),
                });
                if !ok
                    && same_port.iter().any(|l| {
                        l.hostname
                            .as_deref()
                            .is_some_and(|lh| hosts.iter().any(|h| hostname::intersects(lh, h)))
                    })
                {
                    *multi_label = true;
                }
                ok
            }
        }
    };
    let on_port: Vec<&Obj<Extension>> =
        same_group.iter().copied().filter(|e| matches_port(e, &mut multi_label)).collect();
    let Some(ext) = on_port.first().copied() else {
        let Some(ext) = same_group.first().copied() else { return Served { works: false, extension: None } };
        let ext_listener = ext.view.spec.target_ref.section_name.clone().unwrap_or_default();
        let ext_port = port_of(&ext_listener);
        let field = format!("spec.parentRefs[{}]", eval.index);
        walk.link(
            &gw_ref,
            "served by",
            &ext.objref(),
            LinkState::Fail,
            format!(
                "extension listener {ext_listener} (port {}) is not the route's listener port {:?}",
                ext_port.map_or("?".into(), |p| p.to_string()),
                route_ports
            ),
        );
        let same_port_listener = gw
            .view
            .spec
            .listeners
            .iter()
            .find(|l| Some(l.port) == ext_port && l.name != ext_listener)
            .or(gw.view.spec.listeners.iter().find(|l| Some(l.port) == ext_port));
        let finding = if multi_label {
            Finding::new(
                Code::ExtensionHostnameMultiLabel,
                route.objref(),
                "spec.hostnames",
                format!(
                    "HTTPRoute {} has no sectionName and its hostnames ({}) match the wildcard of a listener on port {} only across several labels; the controller's *.x match covers exactly one label (no matching mcpgatewayextensions for attached listener)",
                    route.objref().ns_name(),
                    route.view.spec.hostnames.join(", "),
                    ext_port.unwrap_or_default()
                ),
                Fix::say(
                    "Add sectionName to the parentRef, or use a hostname with one label under the wildcard.",
                )
                .yaml(format!(
                    "spec:\n  parentRefs:\n  - name: {}\n    namespace: {}\n    sectionName: {}\n",
                    gw.meta.name,
                    gw.meta.namespace,
                    same_port_listener.map_or(ext_listener.clone(), |l| l.name.clone())
                )),
            )
        } else {
            let fix = match same_port_listener {
                Some(l) => Fix::say(format!(
                    "Attach the route to listener {} (port {}), the port {} serves.",
                    l.name,
                    l.port,
                    ext.objref()
                ))
                .yaml(format!(
                    "spec:\n  parentRefs:\n  - name: {}\n    namespace: {}\n    sectionName: {}\n",
                    gw.meta.name, gw.meta.namespace, l.name
                )),
                None => Fix::say(format!(
                    "Target the route's listener with an MCPGatewayExtension, or attach the route to listener {ext_listener}."
                )),
            };
            Finding::new(
                Code::NoExtensionForListener,
                route.objref(),
                field,
                format!(
                    "no matching mcpgatewayextensions for attached listener: HTTPRoute {} attaches to {gw_ref} on port(s) {}, but {} serves listener {ext_listener} on port {}",
                    route.objref().ns_name(),
                    route_ports.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
                    ext.objref(),
                    ext_port.map_or("?".into(), |p| p.to_string())
                ),
                fix,
            )
        };
        walk.find(finding.at(route.origin.as_ref()));
        return Served { works: false, extension: None };
    };
    let ext_ref = ext.objref();
    let listener = ext.view.spec.target_ref.section_name.clone().unwrap_or_default();
    let at = walk.chain.len();
    walk.link(
        &gw_ref,
        "served by",
        &ext_ref,
        LinkState::Ok,
        format!("listener {listener}, port {}", port_of(&listener).map_or("?".into(), |p| p.to_string())),
    );
    let mut problems = extension_problems(walk, ext, gw);
    if let Some(class) = crate::graph::get(&walk.snap().gateway_classes, "", &gw.view.spec.gateway_class_name)
        && !class.view.spec.controller_name.contains("istio")
    {
        problems.push(
            Finding::new(
                Code::GatewayNotIstio,
                gw.objref(),
                "spec.gatewayClassName",
                format!(
                    "{} uses GatewayClass {} (controller {}), which ignores the Istio EnvoyFilter {} relies on: MCP traffic is not routed through the broker",
                    gw.objref(),
                    class.meta.name,
                    class.view.spec.controller_name,
                    ext_ref
                ),
                Fix::say("Serve MCP through a Gateway of an Istio GatewayClass.").yaml("spec:\n  gatewayClassName: istio\n"),
            )
            .at(gw.origin.as_ref()),
        );
    }
    let works = !problems.iter().any(|f| f.severity == crate::diagnose::Severity::Error);
    if !problems.is_empty()
        && let Some(link) = walk.chain.get_mut(at)
    {
        link.state = if works { LinkState::Warn } else { LinkState::Fail };
    }
    problems.into_iter().for_each(|f| walk.find(f));
    Served { works, extension: Some(ext_ref) }
}

/// Everything that keeps an extension from working, as findings on the extension.
fn extension_problems(walk: &mut Walk, ext: &Obj<Extension>, gw: &Obj<Gateway>) -> Vec<Finding> {
    let me = ext.objref();
    let origin = ext.origin.as_ref();
    let t = &ext.view.spec.target_ref;
    let mut out = Vec::new();
    let ext_ns = &ext.meta.namespace;
    if t.namespace.as_deref().is_none_or(str::is_empty) {
        out.push(
            Finding::new(
                Code::ExtensionGatewayNotFound,
                me.clone(),
                "spec.targetRef.namespace",
                format!("{me} leaves spec.targetRef.namespace empty: the controller looks up gateway /{} and reports it not found (it does not default the namespace)", t.name),
                Fix::say("Always set spec.targetRef.namespace.").yaml(format!("spec:\n  targetRef:\n    namespace: {}\n", gw.meta.namespace)),
            )
            .at(origin),
        );
    }
    let listener =
        t.section_name.as_deref().and_then(|s| gw.view.spec.listeners.iter().find(|l| l.name == s));
    match (t.section_name.as_deref(), listener) {
        (None, _) => out.push(
            Finding::new(
                Code::ExtensionListenerInvalid,
                me.clone(),
                "spec.targetRef.sectionName",
                format!("{me} sets no spec.targetRef.sectionName (required since mcp-gateway v0.5.1)"),
                Fix::say("Set spec.targetRef.sectionName to the MCP listener of the Gateway."),
            )
            .at(origin),
        ),
        (Some(s), None) => {
            let names: Vec<&str> = gw.view.spec.listeners.iter().map(|l| l.name.as_str()).collect();
            out.push(
                Finding::new(
                    Code::ExtensionListenerInvalid,
                    me.clone(),
                    "spec.targetRef.sectionName",
                    format!(
                        "{me}: listener {s:?} not found on gateway {} (listeners: {})",
                        gw.objref().ns_name(),
                        names.join(", ")
                    ),
                    Fix::say("Set spec.targetRef.sectionName to one of the Gateway's listeners."),
                )
                .at(origin),
            );
        }
        (Some(s), Some(l)) => {
            if l.hostname.as_deref().is_none_or(str::is_empty)
                && ext.view.spec.public_host.as_deref().is_none_or(str::is_empty)
            {
                out.push(
                    Finding::new(
                        Code::ExtensionListenerInvalid,
                        me.clone(),
                        "spec.publicHost",
                        format!(
                            "{me}: listener {s:?} on gateway {} has no hostname and spec.publicHost is not set",
                            gw.objref().ns_name()
                        ),
                        Fix::say(
                            "Set spec.publicHost (e.g. mcp.example.com) or give the listener a hostname.",
                        )
                        .yaml("spec:\n  publicHost: mcp.example.com\n"),
                    )
                    .at(origin),
                );
            }
            if let Some(why) = walk.graph.listener_admits_namespace(l, &gw.meta.namespace, ext_ns) {
                out.push(
                    Finding::new(
                        Code::ExtensionListenerNotAllowed,
                        me.clone(),
                        "spec.targetRef.sectionName",
                        format!("{me}: listener {s:?} on gateway {} does not allow routes from namespace {ext_ns:?}: {why}", gw.objref().ns_name()),
                        Fix::say(format!("Let listener {s} admit namespace {ext_ns}.")).target(gw.objref()).yaml(format!(
                            "spec:\n  listeners:\n  - name: {s}\n    allowedRoutes:\n      namespaces:\n        from: All\n"
                        )),
                    )
                    .at(origin),
                );
            }
        }
    }
    if *ext_ns != gw.meta.namespace {
        let group = group_of(ext).to_string();
        let from = refgrant::From { group: &group, kind: "MCPGatewayExtension", namespace: ext_ns };
        let to = refgrant::To {
            group: GATEWAY_GROUP,
            kind: "Gateway",
            namespace: &gw.meta.namespace,
            name: &gw.meta.name,
        };
        match refgrant::check(walk.snap(), &from, &to) {
            Ok(grant) => walk.link(
                &me,
                "ReferenceGrant",
                &grant,
                LinkState::Ok,
                format!("permits {group}/MCPGatewayExtension from {ext_ns}"),
            ),
            Err(_)
                if walk.blocked_link(
                    &me,
                    "ReferenceGrant",
                    &ObjRef::reference_grant(&gw.meta.namespace, "*"),
                    Kind::ReferenceGrant,
                    &gw.meta.namespace,
                    "*",
                ) => {}
            Err(miss) => {
                let grant_ref =
                    ObjRef::reference_grant(&gw.meta.namespace, &format!("allow-{ext_ns}-mcp-extension"));
                walk.link(
                    &me,
                    "ReferenceGrant",
                    &grant_ref,
                    LinkState::Fail,
                    "no ReferenceGrant in the Gateway's namespace permits it",
                );
                let mut why = String::new();
                if let Some((g, m)) = miss.near_misses.first() {
                    why = format!("; {g} does not match: {m}");
                } else if let Some(g) = miss.misplaced.first() {
                    why = format!("; {g} would, but it is not in namespace {}", gw.meta.namespace);
                }
                out.push(
                    Finding::new(
                        Code::ExtensionGrantMissing,
                        me.clone(),
                        "spec.targetRef",
                        format!("{me}: invalid: ReferenceGrant required in {} to allow cross-namespace reference from {ext_ns}{why}", gw.meta.namespace),
                        Fix::say(format!("Create this ReferenceGrant in namespace {}.", gw.meta.namespace))
                            .target(grant_ref.clone())
                            .yaml(refgrant::grant_yaml(&grant_ref.name, &from, &to, &refgrant::suggested_api_version(walk.snap()))),
                    )
                    .at(origin),
                );
            }
        }
    }
    out.extend(extension_secrets(walk, ext));
    // Conflicts: one extension per namespace, one per Gateway listener port; the oldest wins.
    let older = |other: &Obj<Extension>| {
        (other.meta.creation_timestamp(), &other.meta.name) < (ext.meta.creation_timestamp(), &ext.meta.name)
    };
    if let Some(other) =
        in_namespace(&walk.snap().extensions, ext_ns).find(|o| o.meta.name != ext.meta.name && older(o))
    {
        out.push(
            Finding::new(
                Code::ExtensionConflict,
                me.clone(),
                "metadata.namespace",
                format!("{me}: conflict: namespace {ext_ns} already has MCPGatewayExtension {} (only one per namespace allowed)", other.meta.name),
                Fix::say("Delete one of the two extensions, or move this one to its own namespace."),
            )
            .at(origin),
        );
    }
    let my_port = listener.map(|l| l.port);
    if let Some(port) = my_port {
        let clash = walk.snap().extensions.values().find(|o| {
            o.objref() != me
                && targets(o, gw)
                && older(o)
                && o.view
                    .spec
                    .target_ref
                    .section_name
                    .as_deref()
                    .and_then(|s| gw.view.spec.listeners.iter().find(|l| l.name == s))
                    .map(|l| l.port)
                    == Some(port)
        });
        if let Some(other) = clash {
            out.push(
                Finding::new(
                    Code::ExtensionConflict,
                    me.clone(),
                    "spec.targetRef.sectionName",
                    format!(
                        "{me}: conflict: listener port {port} on gateway {} is already configured by MCPGatewayExtension {} (listener {})",
                        gw.objref().ns_name(),
                        other.objref().ns_name(),
                        other.view.spec.target_ref.section_name.as_deref().unwrap_or("")
                    ),
                    Fix::say("Delete the newer extension, or target a listener on another port."),
                )
                .at(origin),
            );
        }
    }
    if let Some(c) = condition(&ext.view.status.conditions, "Ready") {
        if c.status == "False" && out.is_empty() {
            out.push(
                Finding::new(
                    Code::ExtensionNotReady,
                    me.clone(),
                    "status.conditions[Ready]",
                    format!("{me} reports Ready=False/{}: {}", c.reason, c.message),
                    Fix::say(match c.reason.as_str() {
                        "DeploymentNotReady" => format!("Check the broker: kubectl -n {ext_ns} get deploy mcp-gateway; kubectl -n {ext_ns} logs deploy/mcp-gateway"),
                        _ => "Fix the cause the condition names.".to_string(),
                    }),
                )
                .with_reason(c.reason.clone())
                .at(origin),
            );
        } else if c.status == "True" {
            walk.link(&me, "status", &me, LinkState::Ok, format!("Ready=True/{}", c.reason));
        }
    }
    out
}

/// The extension's own Secrets (G08): the trusted-headers key unless generated, and the session
/// store's connection string (which must carry the controller's label).
fn extension_secrets(walk: &mut Walk, ext: &Obj<Extension>) -> Vec<Finding> {
    let me = ext.objref();
    let ns = &ext.meta.namespace;
    let mut wanted: Vec<(&str, String, &str, bool)> = Vec::new();
    if let Some(t) = &ext.view.spec.trusted_headers_key {
        let generated = t.generate.as_ref().is_some_and(|g| g == &serde_json::json!(true) || g == "Enabled");
        if let (Some(name), false) = (&t.secret_name, generated) {
            wanted.push(("spec.trustedHeadersKey.secretName", name.clone(), "key", false));
        }
    }
    if let Some(name) = ext.view.spec.session_store.as_ref().and_then(|s| s.secret_name.clone()) {
        wanted.push(("spec.sessionStore.secretName", name, "CACHE_CONNECTION_STRING", true));
    }
    let mut out = Vec::new();
    for (field, name, key, labelled) in wanted {
        let secret_ref = ObjRef::secret(ns, &name);
        if walk.blocked_link(&me, field, &secret_ref, Kind::Secret, ns, &name) {
            continue;
        }
        let Some(secret) = crate::graph::get(&walk.snap().secrets, ns, &name) else {
            out.push(
                Finding::new(
                    Code::SecretNotFound,
                    me.clone(),
                    field,
                    format!("{me}: secret {name} not found in namespace {ns}"),
                    Fix::say(format!("Create Secret {name} in namespace {ns} with key {key}.")).target(secret_ref).yaml(format!(
                        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    mcp.kuadrant.io/secret: \"true\"\ntype: Opaque\nstringData:\n  {key}: <value>\n"
                    )),
                )
                .with_reason("SecretNotFound")
                .at(ext.origin.as_ref()),
            );
            continue;
        };
        if labelled && secret.meta.labels.get("mcp.kuadrant.io/secret").is_none_or(|v| v != "true") {
            out.push(
                Finding::new(
                    Code::SecretLabelMissing,
                    secret_ref.clone(),
                    "metadata.labels",
                    format!("session store secret {name} of {me} is missing required label mcp.kuadrant.io/secret=true"),
                    Fix::say("Label the Secret mcp.kuadrant.io/secret=true.").command(format!("kubectl label secret {name} -n {ns} mcp.kuadrant.io/secret=true")),
                )
                .with_reason("SecretInvalid")
                .at(secret.origin.as_ref()),
            );
        }
        if !secret.view.keys.iter().any(|k| k == key) {
            out.push(
                Finding::new(
                    Code::SecretKeyMissing,
                    me.clone(),
                    field,
                    format!("{me}: secret {name} is missing required data entry {key:?}"),
                    Fix::say(format!("Add {key} to Secret {name}.")),
                )
                .with_reason("SecretInvalid")
                .at(ext.origin.as_ref()),
            );
        }
    }
    out
}
