//! Each parentRef of the route: the Gateway (namespace defaulted to the route's), its GatewayClass,
//! listener selection, admission and hostname intersection (`gateway-api.md` §2), the Gateway's own
//! status, and then the extension that must serve the attached listener. A route with several
//! parentRefs works when one of them does; the others' errors are then lowered to warnings.

use super::{extension, status};
use crate::diagnose::catalog::gateway::{self as say, Admit, GatewaysSeen};
use crate::diagnose::catalog::status::{self as status_says, Writer};
use crate::diagnose::{Finding, LinkState, Severity, Walk};
use crate::graph::{
    Attachment, Graph, ListenerRejection, ListenerVerdict, ParentEval, RouteReason, describe_selector,
    kind_rejection,
};
use crate::model::{Gateway, HttpRoute, Kind, Listener, ObjRef, condition};
use crate::snapshot::{Obj, RegistrationObj};
use crate::snapshot::{get, namespaces_holding};

/// What one parentRef came to.
pub struct ParentResult<'s> {
    /// The evaluation.
    pub eval: ParentEval<'s>,
    /// The Gateway that owns the listeners, if found.
    pub gateway: Option<&'s Obj<Gateway>>,
    /// The extension that serves the attached listener, if one does.
    pub extension: Option<ObjRef>,
    /// Attached, and served by an extension (or no extension needed).
    pub works: bool,
}

/// Evaluates every parentRef and records its links and findings.
pub fn parents<'s>(
    walk: &mut Walk<'_, 's>,
    reg: &RegistrationObj,
    route: &'s Obj<HttpRoute>,
) -> Vec<ParentResult<'s>> {
    let evals = walk.graph.attachments(route);
    let mut results = Vec::new();
    let mut buffers = Vec::new();
    for eval in evals {
        let mut sub = walk.fork(walk.releases);
        let result = parent(&mut sub, reg, route, eval);
        buffers.push((result.works, sub));
        results.push(result);
    }
    let any_works = results.iter().any(|r| r.works);
    for (works, sub) in buffers {
        let Walk { chain, findings, .. } = sub;
        walk.chain.extend(chain.into_iter().map(|mut l| {
            if any_works && !works && l.state == LinkState::Fail {
                l.state = LinkState::Warn;
            }
            l
        }));
        for f in findings {
            let lowered = any_works && !works && f.severity == Severity::Error;
            walk.find(if lowered { say::parent_fails_another_attaches(f) } else { f });
        }
    }
    results
}

fn parent<'s>(
    walk: &mut Walk<'_, 's>,
    reg: &RegistrationObj,
    route: &'s Obj<HttpRoute>,
    eval: ParentEval<'s>,
) -> ParentResult<'s> {
    let me = route.objref();
    let origin = route.origin.as_ref();
    let relation = format!("parentRefs[{}]", eval.index);
    let target = eval.target.clone();
    let mut result = ParentResult { eval: eval.clone(), gateway: None, extension: None, works: false };
    let listeners = match &eval.attachment {
        Attachment::UnsupportedKind => {
            unsupported_kind(walk, route, &eval, &relation);
            return result;
        }
        Attachment::ParentNotFound => {
            let kind = if target.kind == "ListenerSet" { Kind::ListenerSet } else { Kind::Gateway };
            if walk.malformed_link(&me, &relation, kind, &target.namespace, &target.name) {
                return result;
            }
            if walk.blocked_link(&me, &relation, &target, kind, &target.namespace, &target.name) {
                status_fallback(walk, route, &eval);
                return result;
            }
            parent_not_found(walk, route, &eval, &relation);
            return result;
        }
        Attachment::ListenerSetNotAllowed(ls, gw) => {
            let gw_name =
                gw.map_or("its Gateway".to_string(), |g| format!("Gateway {}", g.objref().ns_name()));
            walk.link(
                &me,
                &relation,
                &target,
                LinkState::Fail,
                format!("ListenerSet not allowed by {gw_name}"),
            );
            let gw_ref = gw.map(|g| g.objref());
            let finding = say::listener_set_not_allowed(&me, eval.index, &ls.objref(), gw_ref.as_ref());
            walk.find(finding.at(origin));
            return result;
        }
        Attachment::Evaluated { parent, listeners, reason } => {
            result.gateway = parent.gateway();
            walk.link(&me, &relation, &target, LinkState::Ok, "found");
            if let Some(gw) = parent.gateway() {
                gateway_class(walk, gw);
                gateway_status(walk, gw);
            }
            (listeners.clone(), *reason)
        }
    };
    let (verdicts, reason) = listeners;
    let section = eval.parent_ref.section_name.as_deref();
    let evidence = listener_evidence(&verdicts, section);
    let listener_relation = match section {
        Some(s) => format!("listener {s}"),
        None => "listeners".to_string(),
    };
    let Some(reason) = reason else {
        let state =
            if verdicts.iter().any(|v| v.note.is_some()) { LinkState::Skipped } else { LinkState::Ok };
        walk.link(&me, &listener_relation, &target, state, format!("Accepted: {evidence}"));
        let admitting: Vec<&Listener> = eval.admitting();
        if let Some(gw) = result.gateway {
            listener_status(walk, route, gw, &admitting);
            let parent = extension::Parent { reg, route, eval: &eval, gw, admitting: &admitting };
            let served = extension::serve(walk, &parent);
            result.works = served.works;
            result.extension = served.extension;
        }
        return result;
    };
    walk.link(&me, &listener_relation, &target, LinkState::Fail, format!("{}: {evidence}", reason.as_str()));
    let finding = rejection_finding(walk.graph, route, &eval, reason, &verdicts);
    walk.find(finding.at(origin));
    result
}

/// A parentRef of a kind that is neither Gateway nor ListenerSet.
fn unsupported_kind(walk: &mut Walk, route: &Obj<HttpRoute>, eval: &ParentEval, relation: &str) {
    let (me, target) = (route.objref(), &eval.target);
    walk.link(
        &me,
        relation,
        target,
        LinkState::Fail,
        format!("{}/{} is not a Gateway", target.group, target.kind),
    );
    walk.find(say::parent_unsupported_kind(&me, eval.index, target).at(route.origin.as_ref()));
}

/// What each listener said of the route (the selected ones, when the parentRef selects some).
fn listener_evidence(verdicts: &[ListenerVerdict], section: Option<&str>) -> String {
    let any_selected = verdicts.iter().any(|v| v.rejection != Some(ListenerRejection::NotSelected));
    verdicts
        .iter()
        .filter(|v| !any_selected || v.rejection != Some(ListenerRejection::NotSelected))
        .map(|v| {
            let l = v.listener;
            let what = match &v.rejection {
                None => "admits".to_string(),
                Some(ListenerRejection::NotSelected) => "not selected".into(),
                Some(ListenerRejection::Kind(why) | ListenerRejection::Namespace(why)) => why.clone(),
                Some(ListenerRejection::Hostname) => "no hostname intersects".into(),
            };
            let note = v.note.as_deref().map_or(String::new(), |n| format!(" ({n})"));
            let host = l.hostname.as_deref().map_or(String::new(), |h| format!(" {h}"));
            // The relation already names the listener the parentRef asks for.
            match section == Some(l.name.as_str()) {
                true if v.rejection.is_none() => format!("{}:{}{host}{note}", l.protocol, l.port),
                true => format!("{}:{}{host}: {what}{note}", l.protocol, l.port),
                false => format!("{} ({}:{}{host}): {what}{note}", l.name, l.protocol, l.port),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// When the parent cannot be read, the route's own status may still answer: use it, and say so.
fn status_fallback(walk: &mut Walk, route: &Obj<HttpRoute>, eval: &ParentEval) {
    let me = route.objref();
    let want = crate::model::refs::parent_target(eval.parent_ref, &route.meta.namespace);
    let entry = route.view.status.parents.iter().find(|e| {
        let t = crate::model::refs::parent_target(&e.parent_ref, &route.meta.namespace);
        t == want && e.parent_ref.section_name == eval.parent_ref.section_name
    });
    let Some(accepted) = entry.and_then(|e| condition(&e.conditions, "Accepted").map(|c| (e, c))) else {
        return;
    };
    let (entry, c) = accepted;
    let relation =
        eval.parent_ref.section_name.as_deref().map_or("listeners".to_string(), |s| format!("listener {s}"));
    if c.status == "True" {
        walk.link(
            &me,
            &relation,
            &want,
            LinkState::Ok,
            format!("verdict rests on status: Accepted=True/{} by {}", c.reason, entry.controller_name),
        );
        return;
    }
    walk.link(
        &me,
        &relation,
        &want,
        LinkState::Fail,
        format!("verdict rests on status: Accepted={}/{} by {}", c.status, c.reason, entry.controller_name),
    );
    let finding = say::refused_by_status(&me, eval.index, &want, &entry.controller_name, c);
    walk.find(finding.at(route.origin.as_ref()));
}

fn parent_not_found(walk: &mut Walk, route: &Obj<HttpRoute>, eval: &ParentEval, relation: &str) {
    let me = route.objref();
    let target = &eval.target;
    let elsewhere = namespaces_holding(&walk.snap().gateways, &target.name);
    let detail = walk.not_found(Kind::Gateway, &target.name, "not found");
    walk.link(&me, relation, target, LinkState::Fail, detail);
    let defaulted = eval.parent_ref.namespace.as_deref().is_none_or(str::is_empty);
    let lookups = &walk.snap().lookups;
    let seen = match (elsewhere.into_iter().next(), lookups.not_looked(Kind::Gateway, &target.name)) {
        (Some(ns), _) => GatewaysSeen::Elsewhere(ns, defaulted),
        (None, Some(why)) => GatewaysSeen::NotLooked(why),
        (None, None) => {
            let all = walk.snap().gateways.values().map(|g| g.objref().ns_name()).collect();
            GatewaysSeen::Listed(lookups.source(), all)
        }
    };
    let finding = say::parent_not_found(&me, eval.index, target, seen);
    walk.find(finding.at(route.origin.as_ref()));
}

/// The index of listener `name` in the Gateway `gw` names (`None` for a ListenerSet's).
fn listener_index(graph: &Graph, gw: &ObjRef, name: &str) -> Option<usize> {
    get(&graph.snap.gateways, &gw.namespace, &gw.name)?
        .view
        .spec
        .listeners
        .iter()
        .position(|l| l.name == name)
}

fn rejection_finding(
    graph: &Graph,
    route: &Obj<HttpRoute>,
    eval: &ParentEval,
    reason: RouteReason,
    verdicts: &[crate::graph::ListenerVerdict],
) -> Finding {
    let selected: Vec<&ListenerVerdict> =
        verdicts.iter().filter(|v| v.rejection != Some(ListenerRejection::NotSelected)).collect();
    match reason {
        RouteReason::NoMatchingParent => no_matching_parent(route, eval, verdicts),
        RouteReason::NotAllowedByListeners => {
            let ns_rejection = selected.iter().find_map(|v| match &v.rejection {
                Some(ListenerRejection::Namespace(why)) => Some((v.listener, why.as_str())),
                _ => None,
            });
            match ns_rejection {
                Some((l, why)) => namespace_not_allowed(graph, route, eval, l, why),
                None => kind_not_allowed(route, eval, &selected),
            }
        }
        RouteReason::NoMatchingListenerHostname => hostname_mismatch(route, eval, &selected),
    }
}

/// No listener has the sectionName or port the parentRef asks for.
fn no_matching_parent(route: &Obj<HttpRoute>, eval: &ParentEval, verdicts: &[ListenerVerdict]) -> Finding {
    let (me, gw) = (route.objref(), &eval.target);
    let listeners: Vec<(&str, i64)> =
        verdicts.iter().map(|v| (v.listener.name.as_str(), v.listener.port)).collect();
    let wanted = say::Wanted { section: eval.parent_ref.section_name.as_deref(), port: eval.parent_ref.port };
    let suggestion =
        verdicts.iter().find(|v| kind_rejection(v.listener).is_none()).map(|v| v.listener.name.as_str());
    say::no_matching_parent(&me, (eval.index, wanted), gw, &listeners, suggestion)
}

/// A selected listener does not admit the route's namespace: label the namespace when a plain
/// selector decides, else let the listener admit it.
fn namespace_not_allowed(
    graph: &Graph,
    route: &Obj<HttpRoute>,
    eval: &ParentEval,
    l: &Listener,
    why: &str,
) -> Finding {
    let (me, gw) = (route.objref(), &eval.target);
    let namespaces = l.allowed_routes.as_ref().and_then(|a| a.namespaces.as_ref());
    let (from, selector) =
        (namespaces.and_then(|n| n.from.as_deref()), namespaces.and_then(|n| n.selector.as_ref()));
    let admit = match (from, selector) {
        (Some("Selector"), Some(sel)) if !sel.match_labels.is_empty() && sel.match_expressions.is_empty() => {
            let labels: Vec<String> = sel.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Admit::Label(describe_selector(sel), labels)
        }
        _ => Admit::All(listener_index(graph, gw, &l.name)),
    };
    let unlabelled =
        (graph.snap.namespaces.is_empty() && from == Some("Selector")).then(|| graph.snap.lookups.source());
    say::namespace_not_allowed(&me, eval.index, (gw, &l.name), why, (admit, unlabelled))
}

/// No selected listener accepts HTTPRoutes (protocol or `allowedRoutes.kinds`).
fn kind_not_allowed(route: &Obj<HttpRoute>, eval: &ParentEval, selected: &[&ListenerVerdict]) -> Finding {
    let me = route.objref();
    let why: Vec<String> = selected
        .iter()
        .filter_map(|v| match &v.rejection {
            Some(ListenerRejection::Kind(w)) => Some(format!("listener {}: {w}", v.listener.name)),
            _ => None,
        })
        .collect();
    say::kind_not_allowed(&me, eval.index, &eval.target, &why)
}

/// No route hostname intersects a selected listener's.
fn hostname_mismatch(route: &Obj<HttpRoute>, eval: &ParentEval, selected: &[&ListenerVerdict]) -> Finding {
    let me = route.objref();
    let listener_hosts: Vec<String> = selected
        .iter()
        .filter(|v| v.rejection == Some(ListenerRejection::Hostname))
        .map(|v| format!("{} ({})", v.listener.name, v.listener.hostname.as_deref().unwrap_or("*")))
        .collect();
    let suggestion = selected
        .iter()
        .filter_map(|v| v.listener.hostname.as_deref())
        .next()
        .map(|h| h.strip_prefix("*.").map_or(h.to_string(), |d| format!("{}.{d}", route.meta.name)));
    let hosts = (route.view.spec.hostnames.as_slice(), listener_hosts.as_slice());
    say::hostname_mismatch(&me, &eval.target, hosts, suggestion)
}

/// The Gateway's class: exists (when the input holds classes) and accepted (when it has status).
fn gateway_class(walk: &mut Walk, gw: &Obj<Gateway>) {
    let gw_ref = gw.objref();
    let class_name = &gw.view.spec.gateway_class_name;
    let class_ref = ObjRef::new(crate::model::objref::GATEWAY_GROUP, "GatewayClass", "", class_name);
    if walk.blocked_link(&gw_ref, "gatewayClassName", &class_ref, Kind::GatewayClass, "", class_name) {
        return;
    }
    if !walk.snap().has_kind(Kind::GatewayClass) {
        walk.link(
            &gw_ref,
            "gatewayClassName",
            &class_ref,
            LinkState::Skipped,
            format!("{} holds no GatewayClass objects", walk.snap().lookups.source()),
        );
        return;
    }
    if walk.malformed_link(&gw_ref, "gatewayClassName", Kind::GatewayClass, "", class_name) {
        return;
    }
    let Some(class) = get(&walk.snap().gateway_classes, "", class_name) else {
        class_not_found(walk, gw);
        return;
    };
    let accepted = condition(&class.view.status.conditions, "Accepted");
    if let Some(c) = accepted
        && let status::Freshness::Stale { seen, now } = status::Freshness::of(c, class.meta.generation)
    {
        let what = format!("the GatewayClass's Accepted={}/{}", c.status, c.reason);
        let writer = Writer::Controller(&class.view.spec.controller_name);
        let stale = status_says::stale(&class_ref, "status.conditions[Accepted]", &what, (seen, now), writer);
        walk.find(stale.at(class.origin.as_ref()));
        let detail = format!("exists, controller {} (its status is stale)", class.view.spec.controller_name);
        walk.link(&gw_ref, "gatewayClassName", &class_ref, LinkState::Warn, detail);
        return;
    }
    match walk.graph.class_accepted(class_name) {
        Some((false, reason)) => {
            let c = condition(&class.view.status.conditions, "Accepted")
                .map(|c| c.message.clone())
                .unwrap_or_default();
            walk.link(
                &gw_ref,
                "gatewayClassName",
                &class_ref,
                LinkState::Fail,
                format!("Accepted is not True ({reason})"),
            );
            let finding = say::class_not_accepted(&class_ref, &class.view.spec.controller_name, &reason, &c);
            walk.find(finding.at(class.origin.as_ref()));
        }
        Some((true, _)) => walk.link(
            &gw_ref,
            "gatewayClassName",
            &class_ref,
            LinkState::Ok,
            format!("Accepted, controller {}", class.view.spec.controller_name),
        ),
        None => walk.link(
            &gw_ref,
            "gatewayClassName",
            &class_ref,
            LinkState::Ok,
            format!("exists, controller {}", class.view.spec.controller_name),
        ),
    }
}

/// The Gateway's class is not in the input or the cluster: which classes there are.
fn class_not_found(walk: &mut Walk, gw: &Obj<Gateway>) {
    let gw_ref = gw.objref();
    let class_name = &gw.view.spec.gateway_class_name;
    let class_ref = ObjRef::new(crate::model::objref::GATEWAY_GROUP, "GatewayClass", "", class_name);
    let names: Vec<&str> = walk.snap().gateway_classes.values().map(|c| c.meta.name.as_str()).collect();
    let source = walk.snap().lookups.source();
    let known = match walk.snap().lookups.refused(Kind::GatewayClass, class_name) {
        Some(why) => Err(why.to_string()),
        None => Ok((source, names.as_slice())),
    };
    let finding = say::class_not_found(&gw_ref, class_name, known);
    let detail = walk.not_found(Kind::GatewayClass, class_name, "not found");
    walk.link(&gw_ref, "gatewayClassName", &class_ref, LinkState::Fail, detail);
    walk.find(finding.at(gw.origin.as_ref()));
}

/// The Gateway's own conditions, when it carries status.
fn gateway_status(walk: &mut Walk, gw: &Obj<Gateway>) {
    let conditions = &gw.view.status.conditions;
    // A condition about an older spec is a warning; the specs decide.
    let stale = |c: &&crate::model::Condition| {
        matches!(status::Freshness::of(c, gw.meta.generation), status::Freshness::Stale { .. })
    };
    let old: Vec<&crate::model::Condition> =
        ["Accepted", "Programmed"].iter().filter_map(|t| condition(conditions, t)).filter(stale).collect();
    if let (Some(first), Some(now)) = (old.first(), gw.meta.generation) {
        let seen = first.observed_generation.unwrap_or_default();
        let what: Vec<String> =
            old.iter().map(|c| format!("{}={}/{}", c.type_, c.status, c.reason)).collect();
        let what = format!("the Gateway's conditions ({})", what.join(", "));
        let f = status_says::stale(
            &gw.objref(),
            "status.conditions",
            &what,
            (seen, now),
            Writer::GatewayController,
        );
        walk.find(f.at(gw.origin.as_ref()));
    }
    let bad: Vec<String> = ["Accepted", "Programmed"]
        .iter()
        .filter_map(|t| condition(conditions, t))
        .filter(|c| c.status != "True" && !stale(c))
        .map(|c| format!("{}={}/{} {}", c.type_, c.status, c.reason, c.message).trim_end().to_string())
        .collect();
    if bad.is_empty() {
        return;
    }
    let gw_ref = gw.objref();
    let reason = conditions
        .iter()
        .find(|c| c.status != "True" && !stale(c))
        .map(|c| c.reason.clone())
        .unwrap_or_default();
    walk.link(&gw_ref, "status", &gw_ref, LinkState::Fail, bad.join("; "));
    walk.find(say::gateway_not_programmed(&gw_ref, &bad, &reason).at(gw.origin.as_ref()));
}

/// Conditions of the listeners the route attaches to, when the Gateway carries listener status:
/// a fresh Accepted or Programmed False is the controller refusing the listener (an error), other
/// False conditions and those of unknown age are warnings, stale ones are said as stale.
fn listener_status(walk: &mut Walk, route: &Obj<HttpRoute>, gw: &Obj<Gateway>, admitting: &[&Listener]) {
    let gw_ref = gw.objref();
    let refuses = |l: &Listener| {
        gw.view.status.listeners.iter().find(|s| s.name == l.name).is_some_and(|s| {
            s.conditions.iter().any(|c| {
                matches!(c.type_.as_str(), "Accepted" | "Programmed")
                    && c.status == "False"
                    && status::Freshness::of(c, gw.meta.generation) == status::Freshness::Fresh
            })
        })
    };
    // A listener that still serves the route keeps it working: the others are warnings then.
    let one_serves = admitting.iter().any(|l| !refuses(l));
    for l in admitting {
        let Some(status) = gw.view.status.listeners.iter().find(|s| s.name == l.name) else { continue };
        let field = format!("status.listeners[{}]", l.name);
        let relation = format!("listener {} status", l.name);
        let judged = |c: &&crate::model::Condition| {
            matches!(c.type_.as_str(), "Accepted" | "Programmed" | "ResolvedRefs") && c.status == "False"
        };
        let (mut stale, mut refused, mut bad) = (Vec::new(), Vec::new(), Vec::new());
        for c in status.conditions.iter().filter(judged) {
            match status::Freshness::of(c, gw.meta.generation) {
                status::Freshness::Stale { seen, now } => stale.push((c, seen, now)),
                status::Freshness::Fresh if c.type_ != "ResolvedRefs" && !one_serves => refused.push(c),
                _ => bad.push(c),
            }
        }
        if let Some((c, seen, now)) = stale.first() {
            let what = format!("the conditions of listener {} ({}=False/{})", l.name, c.type_, c.reason);
            let f = status_says::stale(&gw_ref, &field, &what, (*seen, *now), Writer::GatewayController);
            walk.find(f.at(gw.origin.as_ref()));
        }
        if let Some(c) = refused.first() {
            let detail = format!("{}=False/{} (current)", c.type_, c.reason);
            walk.link(&gw_ref, relation, &gw_ref, LinkState::Fail, detail);
            let who = format!("listener {}: the Gateway's controller", l.name);
            walk.find(status_says::refused(&gw_ref, &field, &who, c, None).at(gw.origin.as_ref()));
            continue;
        }
        let Some(first) = bad.first() else { continue };
        let said: Vec<String> = bad.iter().map(|c| format!("{}=False/{}", c.type_, c.reason)).collect();
        walk.link(&gw_ref, relation, &gw_ref, LinkState::Warn, said.join(", "));
        let finding = say::listener_not_ready(&gw_ref, &l.name, &route.objref(), &said, &first.reason);
        walk.find(finding.at(gw.origin.as_ref()));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnose::Code;
    use crate::diagnose::testing::{codes, weather};

    #[test]
    fn a_parent_ref_without_the_gateways_namespace_names_it() {
        let report = weather(|s| s.replacen("    namespace: gateway-system\n", "", 1), "", None);
        assert_eq!(codes(&report), [Code::ParentNotFound]);
        let f = &report.servers[0].findings[0];
        assert!(f.message.contains("lives in namespace gateway-system"), "{}", f.message);
    }

    #[test]
    fn a_second_parent_that_fails_is_a_warning_of_its_own_code() {
        let second = "  - name: nowhere\n    namespace: gateway-system\n  hostnames:";
        let report = weather(|s| s.replacen("  hostnames:", second, 1), "", None);
        let f = &report.servers[0].findings[0];
        assert_eq!((f.code, f.cause), (Code::ParentFailsAnotherAttaches, Some(Code::ParentNotFound)));
    }
}
