//! The registration itself: its targetRef (same namespace, HTTPRoute), the generation-specific
//! fields (`toolPrefix`/`prefix`, `state`), and prefix conflicts between registrations.

use crate::diagnose::catalog::input::{self, NamesSeen};
use crate::diagnose::catalog::registration::{self as say, PrunedPrefix, RoutesSeen};
use crate::diagnose::{Finding, LinkState, Scope, Walk};
use crate::model::Generation;
use crate::model::objref::GATEWAY_GROUP;
use crate::model::registration::TargetRef;
use crate::model::{HttpRoute, Kind, ObjRef, Release, Releases};
use crate::snapshot::{Obj, RegistrationObj, Snapshot};
use crate::snapshot::{get, in_namespace, namespaces_holding};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Checks the registration's own fields.
pub fn check(walk: &mut Walk, reg: &RegistrationObj) {
    let me = reg.objref();
    let states = [
        api_outdated(walk, reg),
        prefix_field_pruned(walk, reg),
        prefix_invalid(walk, reg),
        fields_pruned(walk, reg),
        disabled(walk, reg),
        stuck_deleting(walk, reg),
    ];
    let state = states.into_iter().flatten().fold(LinkState::Ok, MaxWith::max_with);
    // The header names the API version and the releases: the link says what is beyond them.
    let evidence =
        reg.view.1.written_prefix().map_or_else(|| "valid".to_string(), |p| format!("prefix {p:?}"));
    walk.link(&me, "registration", &me, state, evidence);
}

/// An `mcp.kagenti.com` registration where the input holds `mcp.kuadrant.io` objects.
fn api_outdated(walk: &mut Walk, reg: &RegistrationObj) -> Option<LinkState> {
    let (generation, r) = (&reg.view.0, &reg.view.1);
    let me = reg.objref();
    let origin = reg.origin.as_ref();
    let newest = format!("{}/", Generation::NEWEST.group());
    if !(generation.group() != Generation::NEWEST.group()
        && walk.snap().api_versions.values().flatten().any(|v| v.starts_with(&newest)))
    {
        return None;
    }
    let source = walk.snap().lookups.source();
    let route = r.spec.target_ref.as_ref().map(|t| t.name.as_str());
    let finding = say::api_outdated(&me, &reg.api_version, source, route, r.written_prefix());
    walk.find(finding.at(origin));
    Some(LinkState::Fail)
}

/// `toolPrefix` where the release reads `prefix`, or the reverse: the API server prunes it.
fn prefix_field_pruned(walk: &mut Walk, reg: &RegistrationObj) -> Option<LinkState> {
    let r = &reg.view.1;
    let me = reg.objref();
    let origin = reg.origin.as_ref();
    let mut state = None;
    let (pruned, kept) = walk.split(|r| r.prefix_field() == "prefix");
    if let (Some(tp), false) = (r.spec.tool_prefix.as_deref(), pruned.is_empty()) {
        let finding = say::prefix_field_pruned(&me, PrunedPrefix::ToolPrefix(tp, pruned));
        walk.find_on(pruned, finding.at(origin));
        state = Some(LinkState::Warn);
    }
    if let (Some(p), None) = (r.spec.prefix.as_deref(), r.spec.tool_prefix.as_deref())
        && !kept.is_empty()
    {
        let finding = say::prefix_field_pruned(&me, PrunedPrefix::Prefix(p, kept));
        walk.find_on(kept, finding.at(origin));
        state = Some(LinkState::Warn);
    }
    state
}

/// A `prefix` the v0.7.0+ pattern refuses.
fn prefix_invalid(walk: &mut Walk, reg: &RegistrationObj) -> Option<LinkState> {
    let r = &reg.view.1;
    let me = reg.objref();
    let origin = reg.origin.as_ref();
    let (pruned, kept) = walk.split(|r| r.prefix_field() == "prefix");
    let p = r.spec.prefix.as_ref().filter(|p| !valid_prefix(p) && !pruned.is_empty())?;
    let suggestion = suggest_prefix(p);
    walk.find_on(pruned, say::prefix_invalid(&me, p, &suggestion).at(origin));
    Some(if kept.is_empty() { LinkState::Fail } else { LinkState::Warn })
}

/// `spec.state` and `spec.caCertSecretRef` on a release whose schema lacks them (before v0.7.0):
/// the API server prunes them on apply.
fn fields_pruned(walk: &mut Walk, reg: &RegistrationObj) -> Option<LinkState> {
    let spec = &reg.view.1.spec;
    let state = spec.state.is_some().then(|| {
        let meaning = "the registration is served whatever the field says";
        field_pruned(walk, reg, "spec.state", Release::has_state, meaning)
    });
    let ca = spec.ca_cert_secret_ref.is_some().then(|| {
        let meaning = "the broker does not trust the CA it names";
        field_pruned(walk, reg, "spec.caCertSecretRef", Release::has_ca_cert_ref, meaning)
    });
    state.flatten().or(ca.flatten())
}

/// A set `field` on the candidates whose schema lacks it (`has` says which have it).
fn field_pruned(
    walk: &mut Walk,
    reg: &RegistrationObj,
    field: &str,
    has: fn(Release) -> bool,
    meaning: &str,
) -> Option<LinkState> {
    let me = reg.objref();
    let (pruned, _) = walk.split(|r| !has(r));
    if pruned.is_empty() {
        return None;
    }
    walk.find_on(pruned, say::field_pruned(&me, field, pruned, meaning).at(reg.origin.as_ref()));
    Some(LinkState::Warn)
}

/// `spec.state: Disabled` on a release that has the field.
fn disabled(walk: &mut Walk, reg: &RegistrationObj) -> Option<LinkState> {
    let r = &reg.view.1;
    let me = reg.objref();
    let origin = reg.origin.as_ref();
    if !(r.spec.state.as_deref() == Some("Disabled") && walk.releases.iter().any(|r| r.has_state())) {
        return None;
    }
    walk.find(say::disabled(&me).at(origin));
    Some(LinkState::Warn)
}

/// Being deleted, with finalizers left.
fn stuck_deleting(walk: &mut Walk, reg: &RegistrationObj) -> Option<LinkState> {
    let generation = &reg.view.0;
    let me = reg.objref();
    let origin = reg.origin.as_ref();
    let since = reg.meta.deletion_timestamp()?;
    let foreign: Vec<&String> =
        reg.meta.finalizers().iter().filter(|f| !f.starts_with(generation.group())).collect();
    walk.find(say::stuck_deleting(&me, since, reg.meta.finalizers(), &foreign).at(origin));
    Some(LinkState::Warn)
}

trait MaxWith {
    fn max_with(self, other: LinkState) -> LinkState;
}

impl MaxWith for LinkState {
    fn max_with(self, other: LinkState) -> LinkState {
        let rank = |s: LinkState| match s {
            LinkState::Ok | LinkState::Skipped => 0,
            LinkState::Warn => 1,
            LinkState::Unknown => 2,
            LinkState::Fail => 3,
        };
        if rank(other) > rank(self) { other } else { self }
    }
}

fn valid_prefix(p: &str) -> bool {
    let mut chars = p.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn suggest_prefix(p: &str) -> String {
    let s: String = p
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' })
        .collect();
    let s = s.trim_start_matches('_').to_string();
    if s.is_empty() { "server_".into() } else { s }
}

/// Resolves `spec.targetRef` to the HTTPRoute in the registration's namespace.
pub fn target_route<'s>(walk: &mut Walk<'_, 's>, reg: &'s RegistrationObj) -> Option<&'s Obj<HttpRoute>> {
    let me = reg.objref();
    let Some(target) = reg.view.1.spec.target_ref.as_ref() else {
        missing_target_ref(walk, reg);
        return None;
    };
    let group = target.group.as_deref().unwrap_or(GATEWAY_GROUP);
    let kind = target.kind.as_deref().unwrap_or("HTTPRoute");
    let ns = &reg.meta.namespace;
    let route_ref = ObjRef::route(ns, &target.name);
    if group != GATEWAY_GROUP || kind != "HTTPRoute" {
        target_not_a_route(walk, reg, target, group, kind);
        return None;
    }
    if let Some(tns) = target.namespace.as_deref().filter(|t| !t.is_empty() && *t != ns) {
        target_in_another_namespace(walk, reg, target, tns);
        return None;
    }
    if walk.malformed_link(&me, "targetRef", Kind::HttpRoute, ns, &target.name) {
        return None;
    }
    match get(&walk.snap().routes, ns, &target.name) {
        Some(route) => {
            walk.link(&me, "targetRef", &route_ref, LinkState::Ok, "found in the registration's namespace");
            Some(route)
        }
        None if walk.blocked_link(&me, "targetRef", &route_ref, Kind::HttpRoute, ns, &target.name) => None,
        None => {
            target_route_not_found(walk, reg, target);
            None
        }
    }
}

/// No `spec.targetRef` at all.
fn missing_target_ref(walk: &mut Walk, reg: &RegistrationObj) {
    let me = reg.objref();
    let origin = reg.origin.as_ref();
    let placeholder = ObjRef::route(&reg.meta.namespace, "?");
    walk.link(&me, "targetRef", &placeholder, LinkState::Fail, "spec.targetRef is missing");
    walk.find(say::target_route_not_found(&me, None, RoutesSeen::Nothing).at(origin));
}

/// A targetRef of another group or kind than HTTPRoute.
fn target_not_a_route(walk: &mut Walk, reg: &RegistrationObj, target: &TargetRef, group: &str, kind: &str) {
    let (me, ns, origin) = (reg.objref(), &reg.meta.namespace, reg.origin.as_ref());
    let to = ObjRef::new(group, kind, ns, &target.name);
    walk.link(&me, "targetRef", &to, LinkState::Fail, format!("targets {group}/{kind}, not an HTTPRoute"));
    walk.find(say::target_not_a_route(&me, group, kind, &target.name).at(origin));
}

/// A targetRef into another namespace: ignored by current controllers, rejected by old ones.
fn target_in_another_namespace(walk: &mut Walk, reg: &RegistrationObj, target: &TargetRef, tns: &str) {
    let (me, ns, origin) = (reg.objref(), &reg.meta.namespace, reg.origin.as_ref());
    let elsewhere = ObjRef::route(tns, &target.name);
    let exists = get(&walk.snap().routes, tns, &target.name).is_some();
    walk.link(
        &me,
        "targetRef",
        &elsewhere,
        LinkState::Fail,
        format!("targetRef.namespace {tns} differs from the registration's namespace {ns}"),
    );
    let finding = say::target_in_another_namespace(&me, &reg.api_version, &target.name, tns, exists);
    walk.find(finding.at(origin));
}

/// The route the targetRef names is not in the registration's namespace: where it might be.
fn target_route_not_found(walk: &mut Walk, reg: &RegistrationObj, target: &TargetRef) {
    let (me, ns, origin) = (reg.objref(), &reg.meta.namespace, reg.origin.as_ref());
    let route_ref = ObjRef::route(ns, &target.name);
    let others = namespaces_holding(&walk.snap().routes, &target.name);
    let names: Vec<&str>;
    let seen = if !others.is_empty() {
        RoutesSeen::Elsewhere(&others)
    } else if walk.snap().lookups.knows_all(Kind::HttpRoute, ns) {
        names = in_namespace(&walk.snap().routes, ns).map(|r| r.meta.name.as_str()).collect();
        RoutesSeen::InNamespace(&names)
    } else {
        RoutesSeen::Nothing
    };
    let finding = say::target_route_not_found(&me, Some(&route_ref), seen);
    let detail = walk.not_found(Kind::HttpRoute, &target.name, "not found");
    walk.link(&me, "targetRef", &route_ref, LinkState::Fail, detail);
    walk.find(finding.at(origin));
}

/// The finding for a NAME that matches no registration, naming where that name does exist.
pub fn not_found(
    snap: &Snapshot,
    scope: &Scope,
    name: &str,
    apis: &BTreeMap<String, Vec<String>>,
) -> Finding {
    let elsewhere: Vec<String> = snap
        .registrations
        .values()
        .filter(|r| r.meta.name == name)
        .map(|r| format!("{} {}", r.kind, r.objref().ns_name()))
        .collect();
    let seen = if !elsewhere.is_empty() {
        NamesSeen::Elsewhere(elsewhere)
    } else if !snap.registrations.is_empty() && snap.lookups.knows_all(Kind::Registration, "") {
        let all: Vec<String> = snap.registrations.values().take(10).map(|r| r.objref().ns_name()).collect();
        NamesSeen::Listed(snap.lookups.source(), all)
    } else if snap.lookups.live {
        match snap.lookups.not_looked(Kind::Registration, name) {
            Some(why) => NamesSeen::NotLooked(why),
            None => NamesSeen::NoneInCluster,
        }
    } else {
        NamesSeen::NoneInInput
    };
    // On a cluster, the `kubectl get` that lists registrations of every served kind (kubectl
    // rejects a resource the cluster does not serve).
    let served: Vec<&str> =
        [("MCPServerRegistration", "mcpserverregistrations"), ("MCPServer", "mcpservers")]
            .into_iter()
            .filter(|(kind, _)| snap.lookups.live && apis.get(*kind).is_some_and(|v| !v.is_empty()))
            .map(|(_, plural)| plural)
            .collect();
    input::registration_not_found(name, scope.select.namespace.as_deref(), seen, &served)
}

/// Reports registrations that share a prefix on the same extension (the oldest keeps it).
pub fn prefix_conflicts(
    served_by: &[(Option<Arc<ObjRef>>, &RegistrationObj, Releases)],
    servers: &mut [(&RegistrationObj, Walk)],
) {
    let mut by_key: BTreeMap<(&ObjRef, &str), Vec<&RegistrationObj>> = BTreeMap::new();
    for (ext, reg, releases) in served_by {
        let (Some(ext), Some(prefix)) = (ext, reg.view.1.prefix_on(*releases)) else { continue };
        by_key.entry((ext, prefix)).or_default().push(reg);
    }
    for ((ext, prefix), mut regs) in by_key {
        if regs.len() < 2 {
            continue;
        }
        regs.sort_by(|a, b| {
            (a.meta.creation_timestamp(), a.meta.uid(), a.objref()).cmp(&(
                b.meta.creation_timestamp(),
                b.meta.uid(),
                b.objref(),
            ))
        });
        let Some((first, rest)) = regs.split_first() else { continue };
        let winner = first.objref();
        for loser in rest {
            let me = loser.objref();
            if let Some((_, walk)) = servers.iter_mut().find(|(r, _)| r.objref() == me) {
                prefix_conflict(walk, loser, &winner, ext, prefix);
            }
        }
    }
}

/// Only main's controller refuses a duplicate prefix (reason PrefixConflict); earlier releases
/// accept both registrations and their tools of the same name collide in the broker (§2.6).
fn prefix_conflict(walk: &mut Walk, loser: &RegistrationObj, winner: &ObjRef, ext: &ObjRef, prefix: &str) {
    let me = loser.objref();
    let refused = Releases::only(Release::Main);
    let field = walk.releases.newest().map_or("prefix", Release::prefix_field);
    let finding = say::prefix_conflict(&me, prefix, winner, ext, field).at(loser.origin.as_ref());
    // Without main among the candidates the duplicate is served: a warning, not a refusal.
    let finding = match walk.releases.contains(Release::Main) {
        true => walk.lower(refused, finding),
        false => Some(say::prefix_shared(finding, prefix, winner, ext, walk.releases)),
    };
    let Some(finding) = finding else { return };
    let state = LinkState::of(std::slice::from_ref(&finding));
    walk.link(&me, "prefix", winner, state, format!("prefix {prefix:?} already used on {ext}"));
    walk.find(finding);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_pattern() {
        assert!(valid_prefix("github_"));
        assert!(valid_prefix("0a"));
        assert!(!valid_prefix("GitHub"));
        assert!(!valid_prefix("_x"));
        assert!(!valid_prefix("a-b"));
        assert_eq!(suggest_prefix("Git-Hub"), "git_hub");
    }
}
