//! The wording of the status findings (MCPD090x): what controllers wrote, set against what the
//! specs imply; each code's message and fix, from the typed data its analyzer passes.

use super::Code;
use crate::diagnose::{Finding, Fix};
use crate::model::{Condition, ObjRef, Releases};

/// Who wrote a stale condition, for the fix's "check that it runs".
pub enum Writer<'a> {
    /// A controller by name (a GatewayClass's, a route status entry's).
    Controller(&'a str),
    /// The controller of the Gateway (its own and its listeners' conditions).
    GatewayController,
    /// The mcp-gateway controller (registrations and extensions).
    McpGateway,
}

/// MCPD0901: `what` (a condition of `object`) was written for generation `seen`; the object is
/// at `now`.
pub fn stale(object: &ObjRef, field: &str, what: &str, (seen, now): (i64, i64), writer: Writer) -> Finding {
    let fix = match writer {
        Writer::Controller(c) => format!("Check that the controller {c} runs; do not trust this condition."),
        Writer::GatewayController => "Check that the Gateway's controller runs; do not trust these conditions.".to_string(),
        Writer::McpGateway => "Check that the mcp-gateway controller runs and reconciles: kubectl get deploy -A -l app=mcp-controller, then its logs.".to_string(),
    };
    Finding::new(
        Code::StatusStale,
        object.clone(),
        field,
        format!("{what}: written for generation {seen}, but {object} is at generation {now}"),
        Fix::say(fix),
    )
}

/// MCPD0907: `who` wrote condition `c` (False) for the current spec of `object`; `inferred` is
/// what the specs imply, when it differs.
pub fn refused(object: &ObjRef, field: &str, who: &str, c: &Condition, inferred: Option<&str>) -> Finding {
    let message = super::said(&c.message);
    let differs = inferred.map_or(String::new(), |i| format!("; from the specs we would expect {i}"));
    Finding::new(
        Code::StatusRefuses,
        object.clone(),
        field,
        format!(
            "{who} says {}={}/{} for the current spec of {object}: {message}{differs}",
            c.type_, c.status, c.reason
        ),
        Fix::say(format!("Act on the controller's reason {}: {message}", c.reason)),
    )
    .with_reason(c.reason.clone())
}

/// MCPD0904: the route has no status entry for `parent`; `controller` should have written one.
/// `stale` is the generation its other entries were written for and the route's, when they are
/// stale too.
pub fn missing(
    route: &ObjRef,
    field: &str,
    parent: &ObjRef,
    controller: &str,
    stale: Option<(i64, i64)>,
) -> Finding {
    let stale = stale.map_or(String::new(), |(seen, now)| format!(
        "; its other status entries are stale too (written for generation {seen}, the route is at generation {now}): the controller has not caught up with a change of the parentRefs"
    ));
    Finding::new(
        Code::StatusMissing,
        route.clone(),
        field,
        format!(
            "HTTPRoute {} has no status entry for parent {parent}: {controller} has not reconciled it (not running, or not watching the route){stale}",
            route.ns_name()
        ),
        Fix::say(format!("Check that {controller} is running.")),
    )
}

/// MCPD0903: the route's entry for `parent` was written by `writer`, but GatewayClass `class`
/// names `controller`.
pub fn foreign_controller(
    route: &ObjRef,
    field: &str,
    parent: &ObjRef,
    writer: &str,
    (class, controller): (&str, &str),
) -> Finding {
    Finding::new(
        Code::StatusForeignController,
        route.clone(),
        field,
        format!(
            "the status entry of HTTPRoute {} for {parent} was written by {writer}, but GatewayClass {class} names controller {controller}",
            route.ns_name()
        ),
        Fix::catalog(Code::StatusForeignController),
    )
}

/// Which condition of a route's status entry disagrees with the specs (MCPD0902).
pub enum Disagreement<'a> {
    /// `Accepted`, for this parent; the specs imply the route is `.1`.
    Accepted(&'a ObjRef, &'a str),
    /// `ResolvedRefs`; the specs imply `.0`.
    ResolvedRefs(&'a str),
}

/// MCPD0902: `who` wrote condition `c`, which contradicts what the specs imply.
pub fn disagrees(route: &ObjRef, field: &str, who: &str, c: &Condition, what: Disagreement) -> Finding {
    let (message, fix) = match what {
        Disagreement::Accepted(parent, inferred) => (
            format!(
                "{who} reports Accepted={}/{} for HTTPRoute {} on {parent} ({}), but the specs imply the route is {inferred}",
                c.status,
                c.reason,
                route.ns_name(),
                c.message
            ),
            "The status may be stale, or the controller behaves differently: re-apply the route and compare again.",
        ),
        Disagreement::ResolvedRefs(inferred) => (
            format!(
                "{who} reports ResolvedRefs={}/{} for HTTPRoute {}, but the specs imply {inferred}",
                c.status,
                c.reason,
                route.ns_name()
            ),
            "The status may be stale (Services and ReferenceGrants changes do not bump the route's generation).",
        ),
    };
    Finding::new(Code::StatusDisagrees, route.clone(), field, message, Fix::say(fix))
        .with_reason(c.reason.clone())
}

/// What a registration's Ready=True can mean on the candidates (§2.7).
fn ready_means(releases: Releases) -> String {
    let (broker, written) =
        (releases.filter(|r| r.ready_reflects_broker()), releases.filter(|r| !r.ready_reflects_broker()));
    match (broker.is_empty(), written.is_empty()) {
        (true, _) => format!(
            "on mcp-gateway {written} Ready only means the config was written, or the status predates the change"
        ),
        (_, true) => {
            format!("on mcp-gateway {broker} Ready reflects the broker, so the status predates the change")
        }
        _ => format!(
            "on mcp-gateway {written} Ready only means the config was written (on {broker} it reflects the broker), or the status predates the change"
        ),
    }
}

/// MCPD0906: Ready=True (with `message`) although a link is broken, on the candidate `releases`.
pub fn ready_but_broken(reg: &ObjRef, message: &str, releases: Releases) -> Finding {
    Finding::new(
        Code::RegistrationReadyButBroken,
        reg.clone(),
        "status.conditions[Ready]",
        format!(
            "{reg} reports Ready=True ({message}), but a link of its chain is broken: {}",
            ready_means(releases)
        ),
        Fix::catalog(Code::RegistrationReadyButBroken),
    )
}

/// MCPD0905: Ready=False with `reason` and `message`, which the specs do not explain.
pub fn not_ready(reg: &ObjRef, reason: &str, message: &str) -> Finding {
    let hint = match reason {
        "PrefixConflict" => "Give the registration a unique spec.prefix.",
        "Disabled" => "Set spec.state: Enabled.",
        _ if message.is_empty() => {
            "An empty message with NotReady means the broker has not loaded the server yet; wait, then check the broker's /status."
        }
        _ => "Act on the controller's message; the broker's /status endpoint gives details.",
    };
    let message = super::said(message);
    Finding::new(
        Code::RegistrationNotReady,
        reg.clone(),
        "status.conditions[Ready]",
        format!("{reg} reports Ready=False/{reason}: {message}"),
        Fix::say(hint),
    )
    .with_reason(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Release;

    #[test]
    fn ready_but_broken_explains_what_ready_means_on_the_candidates() {
        let reg = ObjRef::new("mcp.kuadrant.io", "MCPServerRegistration", "team-a", "weather");
        let f = ready_but_broken(&reg, "ok", Releases::only(Release::V0_8_0));
        assert!(
            f.message.contains("on mcp-gateway v0.8.0 Ready only means the config was written"),
            "{}",
            f.message
        );
    }

    #[test]
    fn not_ready_hints_by_reason_and_an_empty_message_means_not_loaded_yet() {
        let reg = ObjRef::new("mcp.kuadrant.io", "MCPServerRegistration", "team-a", "weather");
        assert_eq!(
            not_ready(&reg, "PrefixConflict", "x").fix.summary,
            "Give the registration a unique spec.prefix."
        );
        let f = not_ready(&reg, "NotReady", "");
        assert!(f.message.ends_with("(no message)") && f.fix.summary.contains("has not loaded"), "{f:?}");
    }

    #[test]
    fn a_stale_condition_names_both_generations_and_whom_to_check() {
        let gw = ObjRef::gateway("g", "gw");
        let f =
            stale(&gw, "status.conditions", "the Gateway's conditions", (1, 2), Writer::GatewayController);
        assert!(
            f.message.ends_with("written for generation 1, but Gateway g/gw is at generation 2"),
            "{}",
            f.message
        );
        assert!(f.fix.summary.contains("Gateway's controller"), "{}", f.fix.summary);
    }
}
