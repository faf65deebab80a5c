//! The second oracle: the status controllers wrote, compared with what the specs imply. The
//! freshness rule (`Freshness`, `combine`, the stale and refused findings) lives here for every
//! object; this module applies it to the route's `status.parents[]` and the registration's
//! `Ready`, and the Gateway, listener, class and extension checks call it. Disagreements, entries
//! from controllers the GatewayClass does not name, and missing entries are findings of their own.

use super::gateway::ParentResult;
use crate::diagnose::catalog::gateway;
use crate::diagnose::catalog::status::{self as say, Disagreement, Writer};
use crate::diagnose::{Finding, LinkState, Severity, Walk};
use crate::graph::Attachment;
use crate::model::{Condition, HttpRoute, ParentRef, condition};
use crate::snapshot::get;
use crate::snapshot::{Obj, RegistrationObj};

/// How far a condition speaks for the object's current spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// `observedGeneration` equals `metadata.generation`.
    Fresh,
    /// `observedGeneration` is lower: the condition describes an older spec.
    Stale {
        /// The generation the condition describes.
        seen: i64,
        /// The object's generation.
        now: i64,
    },
    /// One of the two is missing (a hand-written manifest, or a controller that does not set it).
    Unknown,
}

impl Freshness {
    /// The freshness of `c` on an object at `generation`.
    pub fn of(c: &Condition, generation: Option<i64>) -> Freshness {
        match (c.observed_generation, generation) {
            (Some(seen), Some(now)) if seen < now => Freshness::Stale { seen, now },
            (Some(seen), Some(now)) if seen == now => Freshness::Fresh,
            _ => Freshness::Unknown,
        }
    }
}

/// What one link comes to when the controller's status and the specs' inference are combined:
/// the one place those rules live (issue #12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combined {
    /// Both say the same.
    Agree,
    /// Fresh status reports a failure: the link fails, whatever the inference says.
    Refused,
    /// Status says it works while the specs imply it fails (status may predate a change to
    /// another object), or status without a generation says it fails: a warning; the inference
    /// decides.
    Disagree,
    /// Status describes an older spec: a warning naming both generations; the inference decides.
    Stale {
        /// The generation the condition describes.
        seen: i64,
        /// The object's generation.
        now: i64,
    },
}

/// Combines a condition (`status_ok`: it says True) with the inference (`inferred_ok`).
pub fn combine(freshness: Freshness, status_ok: bool, inferred_ok: bool) -> Combined {
    match freshness {
        Freshness::Stale { seen, now } => Combined::Stale { seen, now },
        Freshness::Fresh if !status_ok => Combined::Refused,
        _ if status_ok == inferred_ok => Combined::Agree,
        _ => Combined::Disagree,
    }
}

/// Compares status with the inference for the route's parents and the registration.
pub fn check(walk: &mut Walk, reg: &RegistrationObj, route: &Obj<HttpRoute>, parents: &[ParentResult]) {
    for p in parents {
        let others_work = parents.iter().any(|q| q.works && q.eval.index != p.eval.index);
        route_parent(walk, route, p, others_work);
    }
    registration(walk, reg);
}

fn normalized(
    r: &ParentRef,
    route_ns: &str,
) -> (String, String, String, String, Option<String>, Option<i64>) {
    let t = crate::model::refs::parent_target(r, route_ns);
    (t.group.into_owned(), t.kind.into_owned(), t.namespace, t.name, r.section_name.clone(), r.port)
}

fn route_parent(walk: &mut Walk, route: &Obj<HttpRoute>, p: &ParentResult, others_work: bool) {
    let ns = &route.meta.namespace;
    let want = normalized(p.eval.parent_ref, ns);
    let entries: Vec<_> =
        route.view.status.parents.iter().filter(|e| normalized(&e.parent_ref, ns) == want).collect();
    let class =
        p.gateway.and_then(|g| get(&walk.snap().gateway_classes, "", &g.view.spec.gateway_class_name));
    let at = ParentStatus {
        route,
        p,
        field: format!("status.parents[{}]", p.eval.target.ns_name()),
        others_work,
        class_controller: class.map(|c| c.view.spec.controller_name.clone()),
    };
    if entries.is_empty() {
        missing_entry(walk, &at);
        return;
    }
    for entry in entries {
        if let Some(controller) = &at.class_controller
            && &entry.controller_name != controller
        {
            let class_name = class.map(|c| c.meta.name.as_str()).unwrap_or_default();
            walk.find(foreign_entry(&at, &entry.controller_name, class_name, controller));
            continue;
        }
        let who = entry.controller_name.as_str();
        if let Some(accepted) = condition(&entry.conditions, "Accepted") {
            accepted_condition(walk, &at, who, accepted);
        }
        if let Some(resolved) = condition(&entry.conditions, "ResolvedRefs") {
            resolved_condition(walk, &at, who, resolved);
        }
    }
}

/// One parentRef of a route, as its status entries are judged.
struct ParentStatus<'a, 's> {
    route: &'a Obj<HttpRoute>,
    p: &'a ParentResult<'s>,
    /// `status.parents[ns/name]`.
    field: String,
    /// Another parentRef attaches the route: a refusal here is a warning.
    others_work: bool,
    /// The controller the GatewayClass names.
    class_controller: Option<String>,
}

impl ParentStatus<'_, '_> {
    /// A refusal, lowered when another parent attaches the route.
    fn refusal(&self, f: Finding) -> Finding {
        if self.others_work { gateway::parent_fails_another_attaches(f) } else { f }
    }
}

/// No status entry for the parent: expected only of objects read from a cluster (a what-if object,
/// or one whose status was set aside, has not been reconciled yet).
fn missing_entry(walk: &mut Walk, at: &ParentStatus) {
    let (route, p) = (at.route, at.p);
    let me = route.objref();
    let from_cluster = route.meta.generation.is_some() && !walk.snap().lookups.unreconciled.contains(&me);
    if !from_cluster || p.gateway.is_none() {
        return;
    }
    let controller = at.class_controller.clone().unwrap_or_else(|| "the GatewayClass's controller".into());
    // Entries for other parents that describe an older spec: the parentRef changed since.
    let stale =
        route.view.status.parents.iter().flat_map(|e| &e.conditions).find_map(|c| {
            match Freshness::of(c, route.meta.generation) {
                Freshness::Stale { seen, now } => Some((seen, now)),
                _ => None,
            }
        });
    let detail = if stale.is_some() {
        "no status entry for this parent (stale)"
    } else {
        "no status entry for this parent"
    };
    walk.link(&me, "status", &p.eval.target, LinkState::Warn, detail);
    let finding = say::missing(&me, &at.field, &p.eval.target, &controller, stale);
    walk.find(finding.at(route.origin.as_ref()));
}

/// An entry written by a controller the GatewayClass does not name.
fn foreign_entry(at: &ParentStatus, writer: &str, class_name: &str, controller: &str) -> Finding {
    let me = at.route.objref();
    let finding =
        say::foreign_controller(&me, &at.field, &at.p.eval.target, writer, (class_name, controller));
    finding.at(at.route.origin.as_ref())
}

/// The entry's `Accepted`, combined with what the specs imply: the status link and its finding.
fn accepted_condition(walk: &mut Walk, at: &ParentStatus, who: &str, accepted: &Condition) {
    let (route, p) = (at.route, at.p);
    let me = route.objref();
    let inferred_accepted = matches!(&p.eval.attachment, Attachment::Evaluated { reason: None, .. });
    let inferred = match &p.eval.attachment {
        Attachment::Evaluated { reason: Some(r), .. } => format!("rejected ({})", r.as_str()),
        Attachment::Evaluated { reason: None, .. } => "accepted".into(),
        _ => "unresolvable".into(),
    };
    let combined =
        combine(Freshness::of(accepted, route.meta.generation), accepted.status == "True", inferred_accepted);
    let target = &p.eval.target;
    let link = format!("Accepted={}/{} by {who}", accepted.status, accepted.reason);
    let (state, finding) = match combined {
        Combined::Agree => (LinkState::Ok, None),
        Combined::Refused => {
            let differs = inferred_accepted.then_some("the route to be accepted");
            (LinkState::Fail, Some(at.refusal(say::refused(&me, &at.field, who, accepted, differs))))
        }
        Combined::Disagree => {
            let f = say::disagrees(&me, &at.field, who, accepted, Disagreement::Accepted(target, &inferred));
            (LinkState::Warn, Some(f))
        }
        Combined::Stale { seen, now } => {
            let what = format!("the Accepted condition for {target}");
            let f = say::stale(&me, &at.field, &what, (seen, now), Writer::Controller(who));
            (LinkState::Warn, Some(f))
        }
    };
    let evidence =
        if state == LinkState::Ok { link } else { format!("status {link}, specs imply {inferred}") };
    walk.link(&me, "status", target, state, evidence);
    finding.into_iter().for_each(|f| walk.find(f.at(route.origin.as_ref())));
}

/// The entry's `ResolvedRefs`, combined with what the backends imply (its staleness is
/// `Accepted`'s: the route has one generation).
fn resolved_condition(walk: &mut Walk, at: &ParentStatus, who: &str, resolved: &Condition) {
    let route = at.route;
    let me = route.objref();
    let inferred_resolved = walk.graph.resolved_refs(route);
    let inferred = inferred_resolved
        .map_or("every backendRef resolves".to_string(), |r| format!("ResolvedRefs=False/{r}"));
    let freshness = Freshness::of(resolved, route.meta.generation);
    let finding = match combine(freshness, resolved.status == "True", inferred_resolved.is_none()) {
        Combined::Agree | Combined::Stale { .. } => None,
        Combined::Refused => {
            let differs = inferred_resolved.is_none().then_some(inferred.as_str());
            Some(at.refusal(say::refused(&me, &at.field, who, resolved, differs)))
        }
        Combined::Disagree => {
            let what = Disagreement::ResolvedRefs(&inferred);
            Some(say::disagrees(&me, &at.field, who, resolved, what))
        }
    };
    finding.into_iter().for_each(|f| walk.find(f.at(route.origin.as_ref())));
}

fn registration(walk: &mut Walk, reg: &RegistrationObj) {
    let me = reg.objref();
    let Some(ready) = condition(&reg.view.1.status.conditions, "Ready") else { return };
    let origin = reg.origin.as_ref();
    let evidence =
        format!("Ready={}/{} {}", ready.status, ready.reason, ready.message).trim_end().to_string();
    // A Ready about an older spec speaks for none of today's links: the specs decide.
    if let Freshness::Stale { seen, now } = Freshness::of(ready, reg.meta.generation) {
        let what = format!("the Ready condition (Ready={}/{})", ready.status, ready.reason);
        let stale = say::stale(&me, "status.conditions[Ready]", &what, (seen, now), Writer::McpGateway);
        walk.find(stale.at(origin));
        walk.link(&me, "status", &me, LinkState::Warn, format!("{evidence} (written for generation {seen})"));
        return;
    }
    let broken = walk.findings.iter().any(|f| f.severity == Severity::Error);
    match (ready.status.as_str(), broken) {
        ("True", true) => {
            walk.link(&me, "status", &me, LinkState::Warn, evidence);
            walk.find(say::ready_but_broken(&me, &ready.message, walk.releases).at(origin));
        }
        ("False", false) => {
            walk.link(&me, "status", &me, LinkState::Fail, evidence);
            walk.find(say::not_ready(&me, &ready.reason, &ready.message).at(origin));
        }
        ("True", false) => walk.link(&me, "status", &me, LinkState::Ok, evidence),
        _ => walk.link(&me, "status", &me, LinkState::Fail, evidence),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(status: &str, seen: Option<i64>) -> Condition {
        Condition {
            type_: "Accepted".into(),
            status: status.into(),
            observed_generation: seen,
            ..Condition::default()
        }
    }

    #[test]
    fn a_fresh_no_fails_the_link_whatever_the_specs_imply() {
        let fresh = Freshness::of(&cond("False", Some(2)), Some(2));
        assert_eq!(fresh, Freshness::Fresh);
        assert_eq!(combine(fresh, false, true), Combined::Refused);
        assert_eq!(combine(fresh, false, false), Combined::Refused);
    }

    #[test]
    fn stale_or_unknown_status_leaves_the_link_to_the_specs() {
        let stale = Freshness::of(&cond("True", Some(1)), Some(2));
        assert_eq!(stale, Freshness::Stale { seen: 1, now: 2 });
        assert_eq!(combine(stale, false, true), Combined::Stale { seen: 1, now: 2 });
        let unknown = Freshness::of(&cond("False", None), Some(2));
        assert_eq!(combine(unknown, false, true), Combined::Disagree);
        assert_eq!(
            combine(Freshness::Fresh, true, false),
            Combined::Disagree,
            "a yes may predate another object's change"
        );
        assert_eq!(combine(Freshness::Fresh, true, true), Combined::Agree);
    }
}
