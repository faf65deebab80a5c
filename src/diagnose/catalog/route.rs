//! The wording of the HTTPRoute shape findings (MCPD020x): each code's message and fix, from the
//! typed data its analyzer passes.

use super::Code;
use crate::diagnose::{Finding, Fix};
use crate::model::{ObjRef, Releases};
use serde_json::json;

/// What the controller does with a route of more than one rule or backendRef: `lenient` are the
/// candidate releases that serve its first rule's first backendRef, when no candidate refuses it.
fn supports(unsupported: &str, lenient: Option<Releases>) -> String {
    match lenient {
        Some(lenient) => format!(
            "mcp-gateway {lenient} serves the first rule's first backendRef and silently ignores the rest"
        ),
        None => format!("the controller supports exactly one ({unsupported}, which is unsupported)"),
    }
}

/// MCPD0201: no backendRef in any rule.
pub fn no_backend_refs(route: &ObjRef) -> Finding {
    Finding::new(
        Code::RouteNoBackendRefs,
        route.clone(),
        "spec.rules",
        format!("HTTPRoute {} has no backend references", route.ns_name()),
        Fix::say("Add one rule with one backendRef to the MCP server's Service (fill in its name and port).")
            .merge(route, json!({"spec": {"rules": [{"backendRefs": [{"name": "<service>", "port": "<service port>"}]}]}})),
    )
}

/// MCPD0202: `rules` rules.
pub fn multiple_rules(route: &ObjRef, rules: usize, lenient: Option<Releases>) -> Finding {
    Finding::new(
        Code::RouteMultipleRules,
        route.clone(),
        "spec.rules",
        format!("HTTPRoute {} has {rules} rules; {}", route.ns_name(), supports("> 1 rule", lenient)),
        Fix::catalog(Code::RouteMultipleRules),
    )
}

/// MCPD0203: rule `rule` has `backends` backendRefs.
pub fn multiple_backend_refs(
    route: &ObjRef,
    rule: usize,
    backends: usize,
    lenient: Option<Releases>,
) -> Finding {
    Finding::new(
        Code::RouteMultipleBackendRefs,
        route.clone(),
        format!("spec.rules[{rule}].backendRefs"),
        format!(
            "rule {rule} of HTTPRoute {} has {backends} backendRefs; {}",
            route.ns_name(),
            supports("> 1 backend reference", lenient)
        ),
        Fix::catalog(Code::RouteMultipleBackendRefs),
    )
}

/// MCPD0204: no hostname; the fix suggests `<route name>.mcp.local`.
pub fn no_hostnames(route: &ObjRef) -> Finding {
    let suggestion = format!("{}.mcp.local", route.name);
    Finding::new(
        Code::RouteNoHostnames,
        route.clone(),
        "spec.hostnames",
        format!("HTTPRoute {} must have at least one hostname for MCP backend routing", route.ns_name()),
        Fix::say("Add a hostname the MCP listener admits.")
            .merge(route, json!({"spec": {"hostnames": [suggestion]}})),
    )
}

/// MCPD0205: no parentRef; the fix names the upstream install's Gateway and listener.
pub fn no_parent_refs(route: &ObjRef) -> Finding {
    Finding::new(
        Code::RouteNoParentRefs,
        route.clone(),
        "spec.parentRefs",
        format!(
            "HTTPRoute {} has no parentRefs, so it is attached to no Gateway (no valid gateways for httproute)",
            route.ns_name()
        ),
        Fix::say("Add a parentRef to the MCP Gateway (the upstream install's names shown).").merge(
            route,
            json!({"spec": {"parentRefs": [{"name": "mcp-gateway", "namespace": "gateway-system", "sectionName": "mcps"}]}}),
        ),
    )
}

/// MCPD0209: the controllers of every candidate serve the route's first rule and backendRef and
/// ignore the rest (`extra`, the MCPD0202 or MCPD0203 those releases would not report).
pub fn extra_rules_ignored(extra: Finding) -> Finding {
    // Served with the first rule: the controller reports nothing, so no reason.
    Finding { reason: None, ..extra.lowered(Code::ExtraRulesIgnored) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Release;

    #[test]
    fn extra_rules_say_what_the_lenient_releases_do_and_are_lowered_without_a_reason() {
        let route = ObjRef::route("team-a", "weather");
        let strict = multiple_rules(&route, 2, None);
        assert!(strict.message.contains("> 1 rule, which is unsupported"), "{}", strict.message);
        let lenient = multiple_rules(&route, 2, Some(Releases::only(Release::V0_3)));
        assert!(lenient.message.contains("serves the first rule's first backendRef"), "{}", lenient.message);
        let ignored = extra_rules_ignored(lenient);
        assert_eq!(
            (ignored.code, ignored.cause, ignored.reason),
            (Code::ExtraRulesIgnored, Some(Code::RouteMultipleRules), None)
        );
    }

    #[test]
    fn a_missing_hostname_is_fixed_with_one_under_the_route_name() {
        let f = no_hostnames(&ObjRef::route("team-a", "weather"));
        assert!(
            f.fix
                .command
                .as_deref()
                .is_some_and(|c| c.contains(r#"{"spec":{"hostnames":["weather.mcp.local"]}}"#)),
            "{:?}",
            f.fix
        );
    }
}
