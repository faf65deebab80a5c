//! The second oracle: the status controllers wrote (route `status.parents[]`, the registration's
//! `Ready`), compared with what the specs imply. Disagreements, stale `observedGeneration`, entries
//! from controllers the GatewayClass does not name, and missing entries are findings of their own.

use super::gateway::ParentResult;
use crate::diagnose::{Code, Finding, Fix, LinkState, Severity, Walk};
use crate::graph::{Attachment, Graph, get};
use crate::model::{HttpRoute, ParentRef, condition};
use crate::snapshot::{Obj, RegistrationObj};

/// Compares status with the inference for the route's parents and the registration.
pub fn check(walk: &mut Walk, reg: &RegistrationObj, route: &Obj<HttpRoute>, parents: &[ParentResult]) {
    for p in parents {
        route_parent(walk, route, p);
    }
    registration(walk, reg);
}

fn normalized(
    r: &ParentRef,
    route_ns: &str,
) -> (String, String, String, String, Option<String>, Option<i64>) {
    let t = Graph::parent_target(r, route_ns);
    (t.group.into_owned(), t.kind.into_owned(), t.namespace, t.name, r.section_name.clone(), r.port)
}

fn route_parent(walk: &mut Walk, route: &Obj<HttpRoute>, p: &ParentResult) {
    let me = route.objref();
    let ns = &route.meta.namespace;
    let want = normalized(p.eval.parent_ref, ns);
    let entries: Vec<_> =
        route.view.status.parents.iter().filter(|e| normalized(&e.parent_ref, ns) == want).collect();
    let field = format!("status.parents[{}]", p.eval.target.ns_name());
    let class =
        p.gateway.and_then(|g| get(&walk.snap().gateway_classes, "", &g.view.spec.gateway_class_name));
    let class_controller = class.map(|c| c.view.spec.controller_name.clone());
    let origin = route.origin.as_ref();
    if entries.is_empty() {
        // Only objects read from a cluster (they carry metadata.generation) are expected to have status.
        let from_cluster = route.meta.generation.is_some();
        if from_cluster && p.gateway.is_some() {
            let controller =
                class_controller.clone().unwrap_or_else(|| "the GatewayClass's controller".into());
            walk.link(&me, "status", &p.eval.target, LinkState::Warn, "no status entry for this parent");
            walk.find(
                Finding::new(
                    Code::StatusMissing,
                    me.clone(),
                    field,
                    format!("HTTPRoute {} has no status entry for parent {}: {controller} has not reconciled it (not running, or not watching the route)", me.ns_name(), p.eval.target),
                    Fix::say(format!("Check that {controller} is running.")),
                )
                .at(origin),
            );
        }
        return;
    }
    let inferred_accepted = matches!(&p.eval.attachment, Attachment::Evaluated { reason: None, .. });
    let inferred_resolved = walk.graph.resolved_refs(route);
    for entry in entries {
        if let Some(controller) = &class_controller
            && &entry.controller_name != controller
        {
            walk.find(
                Finding::new(
                    Code::StatusForeignController,
                    me.clone(),
                    field.clone(),
                    format!(
                        "the status entry of HTTPRoute {} for {} was written by {}, but GatewayClass {} names controller {controller}",
                        me.ns_name(),
                        p.eval.target,
                        entry.controller_name,
                        class.map(|c| c.meta.name.as_str()).unwrap_or_default()
                    ),
                    Fix::say("Ignore the foreign entry; only the class's controller decides attachment."),
                )
                .at(origin),
            );
            continue;
        }
        if let Some(accepted) = condition(&entry.conditions, "Accepted") {
            if let (Some(seen), Some(generation)) = (accepted.observed_generation, route.meta.generation)
                && seen < generation
            {
                walk.find(
                    Finding::new(
                        Code::StatusStale,
                        me.clone(),
                        field.clone(),
                        format!("the Accepted condition for {} describes generation {seen}, but HTTPRoute {} is at generation {generation}", p.eval.target, me.ns_name()),
                        Fix::say(format!("Check that {} runs; do not trust this condition.", entry.controller_name)),
                    )
                    .at(origin),
                );
            }
            let says = accepted.status == "True";
            if says != inferred_accepted {
                let inferred = match &p.eval.attachment {
                    Attachment::Evaluated { reason: Some(r), .. } => format!("rejected ({})", r.as_str()),
                    Attachment::Evaluated { reason: None, .. } => "accepted".into(),
                    _ => "unresolvable".into(),
                };
                walk.link(
                    &me,
                    "status",
                    &p.eval.target,
                    LinkState::Warn,
                    format!(
                        "status Accepted={}/{}, specs imply {inferred}",
                        accepted.status, accepted.reason
                    ),
                );
                walk.find(
                    Finding::new(
                        Code::StatusDisagrees,
                        me.clone(),
                        field.clone(),
                        format!(
                            "{} reports Accepted={}/{} for HTTPRoute {} on {} ({}), but the specs imply the route is {inferred}",
                            entry.controller_name,
                            accepted.status,
                            accepted.reason,
                            me.ns_name(),
                            p.eval.target,
                            accepted.message
                        ),
                        Fix::say("The status may be stale, or the controller behaves differently: re-apply the route and compare again."),
                    )
                    .with_reason(accepted.reason.clone())
                    .at(origin),
                );
            } else {
                walk.link(
                    &me,
                    "status",
                    &p.eval.target,
                    LinkState::Ok,
                    format!("Accepted={}/{} by {}", accepted.status, accepted.reason, entry.controller_name),
                );
            }
        }
        if let Some(resolved) = condition(&entry.conditions, "ResolvedRefs") {
            let says_ok = resolved.status == "True";
            if says_ok != inferred_resolved.is_none() {
                walk.find(
                    Finding::new(
                        Code::StatusDisagrees,
                        me.clone(),
                        field.clone(),
                        format!(
                            "{} reports ResolvedRefs={}/{} for HTTPRoute {}, but the specs imply {}",
                            entry.controller_name,
                            resolved.status,
                            resolved.reason,
                            me.ns_name(),
                            inferred_resolved.map_or("every backendRef resolves".to_string(), |r| format!("ResolvedRefs=False/{r}"))
                        ),
                        Fix::say("The status may be stale (Services and ReferenceGrants changes do not bump the route's generation)."),
                    )
                    .with_reason(resolved.reason.clone())
                    .at(origin),
                );
            }
        }
    }
}

fn registration(walk: &mut Walk, reg: &RegistrationObj) {
    let me = reg.objref();
    let Some(ready) = condition(&reg.view.1.status.conditions, "Ready") else { return };
    let origin = reg.origin.as_ref();
    if let (Some(seen), Some(generation)) = (ready.observed_generation, reg.meta.generation)
        && seen < generation
    {
        walk.find(
            Finding::new(
                Code::StatusStale,
                me.clone(),
                "status.conditions[Ready]",
                format!("the Ready condition of {me} describes generation {seen}, but the object is at generation {generation}"),
                Fix::say("Check that the mcp-gateway controller runs (kubectl logs deploy/mcp-gateway-controller -n mcp-system)."),
            )
            .at(origin),
        );
    }
    let broken = walk.findings.iter().any(|f| f.severity == Severity::Error);
    let evidence =
        format!("Ready={}/{} {}", ready.status, ready.reason, ready.message).trim_end().to_string();
    match (ready.status.as_str(), broken) {
        ("True", true) => {
            walk.link(&me, "status", &me, LinkState::Warn, evidence);
            walk.find(
                Finding::new(
                    Code::RegistrationReadyButBroken,
                    me.clone(),
                    "status.conditions[Ready]",
                    format!("{me} reports Ready=True ({}), but a link of its chain is broken: since v0.8 Ready only means the config was written, or the status predates the change", ready.message),
                    Fix::say("Fix the broken link the doctor names; Ready alone does not prove the tools are served."),
                )
                .at(origin),
            );
        }
        ("False", false) => {
            walk.link(&me, "status", &me, LinkState::Fail, evidence);
            let hint = match ready.reason.as_str() {
                "PrefixConflict" => "Give the registration a unique spec.prefix.",
                "Disabled" => "Set spec.state: Enabled.",
                _ if ready.message.is_empty() => {
                    "An empty message with NotReady means the broker has not loaded the server yet; wait, then check the broker's /status."
                }
                _ => "Act on the controller's message; the broker's /status endpoint gives details.",
            };
            walk.find(
                Finding::new(
                    Code::RegistrationNotReady,
                    me.clone(),
                    "status.conditions[Ready]",
                    format!(
                        "{me} reports Ready=False/{}: {}",
                        ready.reason,
                        if ready.message.is_empty() { "(no message)" } else { &ready.message }
                    ),
                    Fix::say(hint),
                )
                .with_reason(ready.reason.clone())
                .at(origin),
            );
        }
        ("True", false) => walk.link(&me, "status", &me, LinkState::Ok, evidence),
        _ => walk.link(&me, "status", &me, LinkState::Fail, evidence),
    }
}
