//! The MCPGatewayExtension that must serve the route's Gateway and listener port
//! (`mcp-gateway.md` §2, §3c steps 3-4): same API group as the registration, valid for the Gateway
//! (same namespace, or a ReferenceGrant and Ready), on the listener's port; and the extension's own
//! validity (Gateway, listener, hostname, allowedRoutes, grant, conflicts, Ready).

use super::gateway::ParentResult;
use crate::diagnose::catalog::backend::NewGrant;
use crate::diagnose::catalog::extension::{self as say, Conflict, ListenerInvalid, ListenerMiss};
use crate::diagnose::catalog::secret;
use crate::diagnose::{Finding, LinkState, Lowered, Walk};
use crate::graph::{ParentEval, hostname, refgrant};
use crate::model::objref::GATEWAY_GROUP;
use crate::model::release::ExtensionRule;
use crate::model::{Extension, Gateway, HttpRoute, Kind, Listener, ObjRef, Release, Releases, condition};
use crate::snapshot::in_namespace;
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

/// Whether the extension's targetRef names this Gateway (the namespace is not defaulted).
fn targets(ext: &Obj<Extension>, gw: &Obj<Gateway>) -> bool {
    let t = &ext.view.spec.target_ref;
    t.name == gw.meta.name && t.namespace.as_deref() == Some(gw.meta.namespace.as_str())
}

/// The parentRef being served: the registration, its route, the evaluated parentRef, the
/// Gateway and the listeners that admit the route.
pub struct Parent<'a, 's> {
    /// The registration.
    pub reg: &'a RegistrationObj,
    /// Its route.
    pub route: &'a Obj<HttpRoute>,
    /// The parentRef.
    pub eval: &'a ParentEval<'s>,
    /// The Gateway it attaches to.
    pub gw: &'a Obj<Gateway>,
    /// The listeners that admit the route.
    pub admitting: &'a [&'s Listener],
}

/// Finds and checks the extension that serves the parent, by the rule of each candidate
/// release's controller (§2.4: none up to v0.4.2, the whole Gateway on v0.5.0, one listener
/// from v0.5.1). What fails on some candidates only is a warning naming both sides.
pub fn serve(walk: &mut Walk, p: &Parent) -> Served {
    let rules = [ExtensionRule::NotConsulted, ExtensionRule::WholeGateway, ExtensionRule::Listener];
    let mut outcomes = Vec::new();
    for rule in rules {
        let on = walk.releases.filter(|r| r.extension_rule() == rule);
        if !on.is_empty() {
            let mut fork = walk.fork(on);
            let served = serve_by(&mut fork, rule, p);
            outcomes.push((on, served, fork));
        }
    }
    let works_on = outcomes.iter().filter(|o| o.1.works).fold(Releases::NONE, |a, o| a.or(o.0));
    let broken_on = walk.releases.minus(works_on);
    let extension = outcomes.iter().rev().find(|o| o.1.works).and_then(|o| o.1.extension.clone());
    // Show the newest rule that fails, else the newest.
    let shown = outcomes.iter().rposition(|o| !o.1.works).or(outcomes.len().checked_sub(1));
    let Some((_, served, fork)) = shown.map(|i| outcomes.swap_remove(i)) else {
        return Served { works: true, extension: None };
    };
    if works_on.is_empty() {
        walk.absorb(fork, None);
        return served;
    }
    let lower = (!broken_on.is_empty()).then_some(Lowered { broken: broken_on, fine: works_on });
    walk.absorb(fork, lower);
    Served { works: true, extension }
}

fn serve_by(walk: &mut Walk, rule: ExtensionRule, p: &Parent) -> Served {
    let broken = Served { works: false, extension: None };
    let gw_ref = p.gw.objref();
    let group = p.reg.view.0.group();
    let placeholder = ObjRef::new(group, "MCPGatewayExtension", &p.gw.meta.namespace, "?");
    if rule == ExtensionRule::NotConsulted {
        let why = match walk.releases.newest() {
            Some(r) if r >= Release::V0_4_2 => {
                "ignores MCPGatewayExtension (the CRD exists but is not consulted)"
            }
            _ => "predates MCPGatewayExtension",
        };
        let evidence = format!("mcp-gateway {} {why}", walk.releases);
        walk.link(&gw_ref, "served by", &placeholder, LinkState::Skipped, evidence);
        return Served { works: true, extension: None };
    }
    let candidates = aimed_at(walk.snap(), p.gw);
    if candidates.is_empty() {
        let ns = &p.gw.meta.namespace;
        if !walk.blocked_link(&gw_ref, "served by", &placeholder, Kind::Extension, ns, "*") {
            no_extension(walk, rule, p, &placeholder);
        }
        return broken;
    }
    let same_group: Vec<&Obj<Extension>> =
        candidates.iter().copied().filter(|e| e.group() == group).collect();
    let Some(first) = same_group.first().copied() else {
        if let Some(ext) = candidates.first() {
            group_mismatch(walk, p, ext);
        }
        return broken;
    };
    let ext = match rule {
        ExtensionRule::Listener => match same_group.iter().copied().find(|e| attaches(e, p).is_ok()) {
            Some(ext) => ext,
            // Without sectionName (a v0.5.0 extension) the extension itself is invalid: its own
            // finding says so.
            None if first.view.spec.target_ref.section_name.is_none() => first,
            None => {
                listener_mismatch(walk, p, first, attaches(first, p).err().unwrap_or(Miss::Port));
                return broken;
            }
        },
        _ => first,
    };
    accept(walk, rule, ext, p.gw)
}

/// Extensions whose targetRef names this Gateway, and those that meant it but left
/// targetRef.namespace out (G02: their own finding explains why they do not serve it).
fn aimed_at<'s>(snap: &'s crate::snapshot::Snapshot, gw: &Obj<Gateway>) -> Vec<&'s Obj<Extension>> {
    let meant = |e: &Obj<Extension>| {
        let t = &e.view.spec.target_ref;
        t.name == gw.meta.name
            && t.namespace.as_deref().is_none_or(str::is_empty)
            && e.meta.namespace == gw.meta.namespace
    };
    snap.extensions.values().map(|e| &**e).filter(|e| targets(e, gw) || meant(e)).collect()
}

fn no_extension(walk: &mut Walk, rule: ExtensionRule, p: &Parent, placeholder: &ObjRef) {
    let gw_ref = p.gw.objref();
    let elsewhere: Vec<String> = walk
        .snap()
        .extensions
        .values()
        .map(|e| {
            let t = &e.view.spec.target_ref;
            format!("{} -> {}/{}", e.objref().ns_name(), t.namespace.as_deref().unwrap_or(""), t.name)
        })
        .collect();
    let source = walk.snap().lookups.source();
    walk.link(
        &gw_ref,
        "served by",
        placeholder,
        LinkState::Fail,
        "no MCPGatewayExtension targets this Gateway",
    );
    let section = match (rule, p.admitting.first()) {
        (ExtensionRule::WholeGateway, _) => None,
        (_, l) => Some(l.map_or("mcp", |l| l.name.as_str())),
    };
    let api_version = walk.releases.newest().unwrap_or(Release::Main).extension_api_version();
    let new = say::NewExtension { placeholder, api_version, section };
    let finding =
        say::none_for_gateway(&p.reg.objref(), &p.route.objref(), &gw_ref, (source, &elsewhere), new);
    walk.find(finding.at(p.reg.origin.as_ref()));
}

fn group_mismatch(walk: &mut Walk, p: &Parent, ext: &Obj<Extension>) {
    let (gw_ref, group) = (p.gw.objref(), p.reg.view.0.group());
    let evidence = format!("extension of group {}, registration of group {group}", ext.group());
    walk.link(&gw_ref, "served by", &ext.objref(), LinkState::Fail, evidence);
    let finding = say::group_mismatch(&p.reg.objref(), &p.reg.api_version, &ext.objref(), &gw_ref);
    walk.find(finding.at(p.reg.origin.as_ref()));
}

/// Why a route does not attach to an extension's listener (v0.5.1+).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Miss {
    /// The parentRef's listener, or every listener its hostnames match, is on another port.
    Port,
    /// No sectionName, and no listener on the extension's port has a hostname: the controller
    /// matches by hostname only and skips hostname-less listeners.
    NoListenerHostname,
    /// No sectionName, and the hostnames match a wildcard listener only across several labels.
    MultiLabel,
    /// Neither a sectionName nor hostnames: the controller has nothing to match a listener by.
    NoRouteHostname,
}

fn port_of(gw: &Obj<Gateway>, name: &str) -> Option<i64> {
    gw.view.spec.listeners.iter().find(|l| l.name == name).map(|l| l.port)
}

/// The controller's `httpRouteAttachesToListener` (§2.4): by the parentRef's sectionName (any
/// listener on the extension listener's port), else by a route hostname matching the hostname of
/// a listener on that port (exact, or `*.x` covering one label).
fn attaches(ext: &Obj<Extension>, p: &Parent) -> Result<(), Miss> {
    let gw = p.gw;
    let port =
        ext.view.spec.target_ref.section_name.as_deref().and_then(|s| port_of(gw, s)).ok_or(Miss::Port)?;
    if let Some(section) = p.eval.parent_ref.section_name.as_deref() {
        return if port_of(gw, section) == Some(port) { Ok(()) } else { Err(Miss::Port) };
    }
    let hosts = &p.route.view.spec.hostnames;
    if hosts.is_empty() {
        return Err(Miss::NoRouteHostname);
    }
    let named: Vec<&str> = gw
        .view
        .spec
        .listeners
        .iter()
        .filter(|l| l.port == port)
        .filter_map(|l| l.hostname.as_deref().filter(|h| !h.is_empty()))
        .collect();
    if named.iter().any(|lh| hosts.iter().any(|h| hostname::controller_matches(lh, h))) {
        Ok(())
    } else if named.iter().any(|lh| hosts.iter().any(|h| hostname::intersects(lh, h))) {
        Err(Miss::MultiLabel)
    } else if named.is_empty() {
        Err(Miss::NoListenerHostname)
    } else {
        Err(Miss::Port)
    }
}

fn listener_mismatch(walk: &mut Walk, p: &Parent, ext: &Obj<Extension>, miss: Miss) {
    let (gw, route) = (p.gw, p.route);
    let gw_ref = gw.objref();
    let ext_listener = ext.view.spec.target_ref.section_name.clone().unwrap_or_default();
    let ext_port = port_of(gw, &ext_listener);
    let port_text = ext_port.map_or("?".into(), |p| p.to_string());
    let mut route_ports: Vec<i64> = p.admitting.iter().map(|l| l.port).collect();
    route_ports.dedup();
    let evidence = match miss {
        Miss::NoRouteHostname => {
            format!("no sectionName and no hostnames: nothing to match listener {ext_listener} by")
        }
        _ => format!(
            "extension listener {ext_listener} (port {port_text}) is not the route's listener port {route_ports:?}"
        ),
    };
    walk.link(&gw_ref, "served by", &ext.objref(), LinkState::Fail, evidence);
    let listeners = &gw.view.spec.listeners;
    let same_port_listener = listeners
        .iter()
        .find(|l| Some(l.port) == ext_port && l.name != ext_listener)
        .or(listeners.iter().find(|l| Some(l.port) == ext_port));
    let section = same_port_listener.map_or(ext_listener.clone(), |l| l.name.clone());
    // The parentRef that attaches the route to this Gateway gets the listener's name.
    let route_ref = route.objref();
    let at = say::Reattach { route: &route_ref, index: p.eval.index, section: &section };
    let hosts = route.view.spec.hostnames.join(", ");
    let ext_ref = ext.objref();
    let finding = match miss {
        Miss::MultiLabel => say::hostname_multi_label(at, &hosts, &port_text),
        Miss::NoRouteHostname => {
            say::none_for_listener(at, &ext_ref, ListenerMiss::NothingToMatch { listener: &ext_listener })
        }
        Miss::NoListenerHostname => {
            let miss = ListenerMiss::NoListenerHostname { hosts: &hosts, port: &port_text };
            say::none_for_listener(at, &ext_ref, miss)
        }
        Miss::Port => {
            let same_port = same_port_listener.map(|l| (l.name.as_str(), l.port));
            let listener = (ext_listener.as_str(), port_text.as_str());
            let miss = ListenerMiss::Port { gw: &gw_ref, route_ports: &route_ports, listener, same_port };
            say::none_for_listener(at, &ext_ref, miss)
        }
    };
    walk.find(finding.at(route.origin.as_ref()));
}

/// The extension serves the parent: records the link and the extension's own problems.
fn accept(walk: &mut Walk, rule: ExtensionRule, ext: &Obj<Extension>, gw: &Obj<Gateway>) -> Served {
    let ext_ref = ext.objref();
    let evidence = match rule {
        ExtensionRule::WholeGateway => {
            "serves every listener of the Gateway (mcp-gateway v0.5.0)".to_string()
        }
        _ if ext.view.spec.target_ref.section_name.is_none() => "no spec.targetRef.sectionName".to_string(),
        _ => {
            let listener = ext.view.spec.target_ref.section_name.clone().unwrap_or_default();
            let port = port_of(gw, &listener).map_or("?".into(), |p| p.to_string());
            format!("listener {listener}, port {port}")
        }
    };
    let at = walk.chain.len();
    walk.link(&gw.objref(), "served by", &ext_ref, LinkState::Ok, evidence);
    let mut problems = extension_problems(walk, rule, ext, gw);
    problems.extend(not_istio(walk, ext, gw));
    let works = !problems.iter().any(|f| f.severity == crate::diagnose::Severity::Error);
    if !problems.is_empty()
        && let Some(link) = walk.chain.get_mut(at)
    {
        link.state = if works { LinkState::Warn } else { LinkState::Fail };
    }
    problems.into_iter().for_each(|f| walk.find(f));
    Served { works, extension: Some(ext_ref) }
}

/// A Gateway of a GatewayClass whose controller is not Istio ignores the extension's EnvoyFilter.
fn not_istio(walk: &Walk, ext: &Obj<Extension>, gw: &Obj<Gateway>) -> Option<Finding> {
    let class = crate::snapshot::get(&walk.snap().gateway_classes, "", &gw.view.spec.gateway_class_name)?;
    let controller = &class.view.spec.controller_name;
    if controller.contains("istio") {
        return None;
    }
    let finding = say::gateway_not_istio(&gw.objref(), &class.meta.name, controller, &ext.objref());
    Some(finding.at(gw.origin.as_ref()))
}

/// Everything that keeps an extension from working, as findings on the extension.
fn extension_problems(
    walk: &mut Walk,
    rule: ExtensionRule,
    ext: &Obj<Extension>,
    gw: &Obj<Gateway>,
) -> Vec<Finding> {
    let t = &ext.view.spec.target_ref;
    let mut out = Vec::new();
    out.extend(target_namespace_missing(ext, gw));
    // v0.5.0 extensions have no sectionName: they serve the whole Gateway.
    let by_listener = rule == ExtensionRule::Listener;
    let listener = t
        .section_name
        .as_deref()
        .filter(|_| by_listener)
        .and_then(|s| gw.view.spec.listeners.iter().find(|l| l.name == s));
    if by_listener {
        out.extend(listener_problems(walk, ext, gw, listener));
    }
    if ext.meta.namespace != gw.meta.namespace {
        out.extend(gateway_grant(walk, ext, gw));
    }
    out.extend(extension_secrets(walk, ext));
    out.extend(conflicts(walk, ext, gw, by_listener, listener.map(|l| l.port)));
    if let Some(c) = condition(&ext.view.status.conditions, "Ready") {
        extension_ready(walk, ext, c, &mut out);
    }
    out
}

/// An empty `spec.targetRef.namespace`: the controller does not default it.
fn target_namespace_missing(ext: &Obj<Extension>, gw: &Obj<Gateway>) -> Option<Finding> {
    let (me, t) = (ext.objref(), &ext.view.spec.target_ref);
    let missing = t.namespace.as_deref().is_none_or(str::is_empty);
    missing.then(|| say::gateway_namespace_missing(&me, &gw.objref()).at(ext.origin.as_ref()))
}

/// The listener a per-listener extension (v0.5.1+) targets: named, existing, with a host, and
/// admitting the extension's namespace.
fn listener_problems(
    walk: &Walk,
    ext: &Obj<Extension>,
    gw: &Obj<Gateway>,
    listener: Option<&Listener>,
) -> Vec<Finding> {
    let me = ext.objref();
    let ext_ns = &ext.meta.namespace;
    let gw_ref = gw.objref();
    let invalid = |why| vec![say::listener_invalid(&me, &gw_ref, why).at(ext.origin.as_ref())];
    let (s, l) = match (ext.view.spec.target_ref.section_name.as_deref(), listener) {
        (None, _) => return invalid(ListenerInvalid::NoSectionName),
        (Some(s), None) => {
            let names: Vec<&str> = gw.view.spec.listeners.iter().map(|l| l.name.as_str()).collect();
            return invalid(ListenerInvalid::NotFound(s, &names));
        }
        (Some(s), Some(l)) => (s, l),
    };
    let mut out = Vec::new();
    if l.hostname.as_deref().is_none_or(str::is_empty)
        && ext.view.spec.public_host.as_deref().is_none_or(str::is_empty)
    {
        out.extend(invalid(ListenerInvalid::NoHostname(s)));
    }
    if let Some(why) = walk.graph.listener_admits_namespace(l, &gw.meta.namespace, ext_ns) {
        let index = gw.view.spec.listeners.iter().position(|g| g.name == l.name);
        out.push(say::listener_not_allowed(&me, &gw_ref, (s, index), &why).at(ext.origin.as_ref()));
    }
    out
}

/// The ReferenceGrant an extension in another namespace than its Gateway's needs: its link, and
/// the finding when none permits it.
fn gateway_grant(walk: &mut Walk, ext: &Obj<Extension>, gw: &Obj<Gateway>) -> Option<Finding> {
    let me = ext.objref();
    let ext_ns = &ext.meta.namespace;
    let group = ext.group().to_string();
    let from = refgrant::From { group: &group, kind: "MCPGatewayExtension", namespace: ext_ns };
    let to = refgrant::To {
        group: GATEWAY_GROUP,
        kind: "Gateway",
        namespace: &gw.meta.namespace,
        name: &gw.meta.name,
    };
    let miss = match refgrant::check(walk.snap(), &from, &to) {
        Ok(grant) => {
            let evidence = format!("permits {group}/MCPGatewayExtension from {ext_ns}");
            walk.link(&me, "ReferenceGrant", &grant, LinkState::Ok, evidence);
            return None;
        }
        Err(miss) => miss,
    };
    let any = ObjRef::reference_grant(&gw.meta.namespace, "*");
    if walk.blocked_link(&me, "ReferenceGrant", &any, Kind::ReferenceGrant, &gw.meta.namespace, "*") {
        return None;
    }
    let grant_ref = ObjRef::reference_grant(&gw.meta.namespace, &format!("allow-{ext_ns}-mcp-extension"));
    walk.link(
        &me,
        "ReferenceGrant",
        &grant_ref,
        LinkState::Fail,
        "no ReferenceGrant in the Gateway's namespace permits it",
    );
    let manifest =
        refgrant::grant(&grant_ref.name, &from, &to, &refgrant::suggested_api_version(walk.snap()));
    let grant = NewGrant { objref: grant_ref, manifest };
    Some(say::grant_missing(&me, &gw.objref(), &miss, grant).at(ext.origin.as_ref()))
}

/// Conflicts with older extensions of the same API group (a controller does not see the other
/// group's): one per namespace, one per Gateway listener port (v0.5.1+); the oldest wins.
fn conflicts(
    walk: &Walk,
    ext: &Obj<Extension>,
    gw: &Obj<Gateway>,
    by_listener: bool,
    my_port: Option<i64>,
) -> Vec<Finding> {
    let me = ext.objref();
    let ext_ns = &ext.meta.namespace;
    let older = |other: &Obj<Extension>| {
        (other.meta.creation_timestamp(), &other.meta.name) < (ext.meta.creation_timestamp(), &ext.meta.name)
    };
    let rival = |o: &Obj<Extension>| o.group() == ext.group() && older(o);
    let mut out = Vec::new();
    if let Some(other) = in_namespace(&walk.snap().extensions, ext_ns)
        .find(|o| by_listener && o.meta.name != ext.meta.name && rival(o))
    {
        out.push(say::conflict(&me, Conflict::Namespace(&other.meta.name)).at(ext.origin.as_ref()));
    }
    let Some(port) = my_port else { return out };
    let port_of = |o: &Obj<Extension>| {
        let section = o.view.spec.target_ref.section_name.as_deref()?;
        gw.view.spec.listeners.iter().find(|l| l.name == section).map(|l| l.port)
    };
    let clash = walk
        .snap()
        .extensions
        .values()
        .find(|o| o.objref() != me && targets(o, gw) && rival(o) && port_of(o) == Some(port));
    if let Some(other) = clash {
        let (gw_ref, other_ref) = (gw.objref(), other.objref());
        let listener = other.view.spec.target_ref.section_name.as_deref().unwrap_or("");
        let clash = Conflict::Port(port, &gw_ref, &other_ref, listener);
        out.push(say::conflict(&me, clash).at(ext.origin.as_ref()));
    }
    out
}

/// The extension's `Ready`, combined with what its specs imply (`out`: the problems found so far):
/// a False not shown to be stale is an error, a stale one is said and the specs decide.
fn extension_ready(
    walk: &mut Walk,
    ext: &Obj<Extension>,
    c: &crate::model::Condition,
    out: &mut Vec<Finding>,
) {
    use super::status::{Combined, Freshness, combine};
    use crate::diagnose::catalog::status::{self as status_says, Writer};
    let (me, origin) = (ext.objref(), ext.origin.as_ref());
    let status_ok = c.status == "True";
    match combine(Freshness::of(c, ext.meta.generation), status_ok, out.is_empty()) {
        Combined::Stale { seen, now } => {
            let what = format!("the Ready condition (Ready={}/{})", c.status, c.reason);
            let stale =
                status_says::stale(&me, "status.conditions[Ready]", &what, (seen, now), Writer::McpGateway);
            out.push(stale.at(origin));
        }
        Combined::Agree if status_ok => {
            walk.link(&me, "status", &me, LinkState::Ok, format!("Ready=True/{}", c.reason))
        }
        // What the extension's controller reports (its broker Deployment, its Secrets) is more
        // than the specs show: a False not shown to be stale stands.
        Combined::Refused | Combined::Disagree if !status_ok && out.is_empty() => {
            out.push(say::not_ready(&me, &c.reason, &c.message).at(origin));
        }
        _ => {}
    }
}

/// The extension's own Secrets (G08): the trusted-headers key unless generated, and the session
/// store's connection string (which must carry the controller's label).
fn extension_secrets(walk: &mut Walk, ext: &Obj<Extension>) -> Vec<Finding> {
    let me = ext.objref();
    let ns = &ext.meta.namespace;
    let mut wanted: Vec<(&str, &str, String, &str, bool)> = Vec::new();
    if let Some(t) = &ext.view.spec.trusted_headers_key {
        let generated = t.generate.as_ref().is_some_and(|g| g == &serde_json::json!(true) || g == "Enabled");
        if let (Some(name), false) = (&t.secret_name, generated) {
            wanted.push((
                "spec.trustedHeadersKey.secretName",
                "trusted headers key secret",
                name.clone(),
                "key",
                false,
            ));
        }
    }
    if let Some(name) = ext.view.spec.session_store.as_ref().and_then(|s| s.secret_name.clone()) {
        let what = "session store secret";
        wanted.push(("spec.sessionStore.secretName", what, name, "CACHE_CONNECTION_STRING", true));
    }
    let label = Release::Main.credential_label().unwrap_or_default();
    let mut out = Vec::new();
    for (field, what, name, key, labelled) in wanted {
        let secret_ref = ObjRef::secret(ns, &name);
        if walk.blocked_link(&me, field, &secret_ref, Kind::Secret, ns, &name) {
            continue;
        }
        let need = secret::Needed { owner: &me, secret: &secret_ref, what, key, label };
        let Some(secret) = crate::snapshot::get(&walk.snap().secrets, ns, &name) else {
            let finding = secret::not_found(&need, field, &[]).with_reason("SecretNotFound");
            out.push(finding.at(ext.origin.as_ref()));
            continue;
        };
        if labelled && secret.meta.labels.get(label).is_none_or(|v| v != "true") {
            let finding = secret::label_missing(&need, None).with_reason("SecretInvalid");
            out.push(finding.at(secret.origin.as_ref()));
        }
        if !secret.view.keys.iter().any(|k| k == key) {
            let finding =
                secret::key_missing(&need, field, &secret.view.keys, None).with_reason("SecretInvalid");
            out.push(finding.at(ext.origin.as_ref()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diagnose::Code;
    use crate::diagnose::testing::{codes, diagnose_weather};
    use crate::graph::testing::PLATFORM;
    use crate::model::Release;

    /// The install without its extension (and the extension's grant).
    fn without_extension(release: Option<Release>) -> Vec<Code> {
        let platform: String = PLATFORM
            .split("---")
            .filter(|d| !d.contains("MCPGatewayExtension"))
            .collect::<Vec<_>>()
            .join("---");
        let yaml = format!("{platform}\n---\n{}", crate::graph::testing::SERVER);
        codes(&diagnose_weather(&crate::graph::testing::snapshot(&yaml), release))
    }

    #[test]
    fn no_extension_is_an_error_on_a_release_that_needs_one() {
        assert_eq!(without_extension(Some(Release::V0_8_0)), [Code::NoExtensionForGateway]);
    }
}
