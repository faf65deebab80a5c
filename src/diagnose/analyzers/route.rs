//! The HTTPRoute's shape as the mcp-gateway controller requires it: one rule, one backendRef, at
//! least one hostname, at least one parentRef.

use crate::diagnose::{Code, Finding, Fix, LinkState, Walk};
use crate::model::{HttpRoute, Release};
use crate::snapshot::{Obj, RegistrationObj};
use serde_json::json;

/// Checks the route's shape.
pub fn shape(walk: &mut Walk, reg: &RegistrationObj, route: &Obj<HttpRoute>) {
    let me = route.objref();
    let spec = &route.view.spec;
    let origin = route.origin.as_ref();
    let backends: usize = spec.rules.iter().map(|r| r.backend_refs.len()).sum();
    let mut problems = Vec::new();
    let mut find = |code, field: &str, message: String, fix: Fix| {
        problems.push(Finding::new(code, me.clone(), field, message, fix).at(origin));
    };
    // Up to v0.4.1 the controller serves the first rule's first backendRef and ignores the rest;
    // from v0.4.2 it rejects the route (§2.2).
    let (strict, lenient) = walk.split(Release::one_rule_one_backend);
    let mut extra = Vec::new();
    let supports = |unsupported: &str| match strict.is_empty() {
        true => format!(
            "mcp-gateway {lenient} serves the first rule's first backendRef and silently ignores the rest"
        ),
        false => format!("the controller supports exactly one ({unsupported}, which is unsupported)"),
    };
    if backends == 0 {
        find(
            Code::RouteNoBackendRefs,
            "spec.rules",
            format!("HTTPRoute {} has no backend references", me.ns_name()),
            Fix::say("Add one rule with one backendRef to the MCP server's Service (fill in its name and port).")
                .merge(&me, json!({"spec": {"rules": [{"backendRefs": [{"name": "<service>", "port": "<service port>"}]}]}})),
        );
    }
    if spec.rules.len() > 1 {
        extra.push(Finding::new(
            Code::RouteMultipleRules,
            me.clone(),
            "spec.rules",
            format!("HTTPRoute {} has {} rules; {}", me.ns_name(), spec.rules.len(), supports("> 1 rule")),
            Fix::say("Split the route: one HTTPRoute and one registration per MCP server."),
        ));
    }
    if let Some((i, rule)) = spec.rules.iter().enumerate().find(|(_, r)| r.backend_refs.len() > 1) {
        extra.push(Finding::new(
            Code::RouteMultipleBackendRefs,
            me.clone(),
            format!("spec.rules[{i}].backendRefs"),
            format!(
                "rule {i} of HTTPRoute {} has {} backendRefs; {}",
                me.ns_name(),
                rule.backend_refs.len(),
                supports("> 1 backend reference")
            ),
            Fix::say("Keep one backendRef; give other backends their own route and registration."),
        ));
    }
    if spec.hostnames.is_empty() {
        let suggestion = format!("{}.mcp.local", route.meta.name);
        find(
            Code::RouteNoHostnames,
            "spec.hostnames",
            format!("HTTPRoute {} must have at least one hostname for MCP backend routing", me.ns_name()),
            Fix::say("Add a hostname the MCP listener admits.")
                .merge(&me, json!({"spec": {"hostnames": [suggestion]}})),
        );
    }
    if spec.parent_refs.is_empty() {
        find(
            Code::RouteNoParentRefs,
            "spec.parentRefs",
            format!("HTTPRoute {} has no parentRefs, so it is attached to no Gateway (no valid gateways for httproute)", me.ns_name()),
            Fix::say("Add a parentRef to the MCP Gateway (the upstream install's names shown).").merge(
                &me,
                json!({"spec": {"parentRefs": [{"name": "mcp-gateway", "namespace": "gateway-system", "sectionName": "mcps"}]}}),
            ),
        );
    }
    for f in extra {
        let f = f.at(origin);
        problems.extend(match strict.is_empty() {
            false => walk.lower(strict, f),
            // Served with the first rule: the controller reports nothing, so no reason.
            true => Some(Finding { reason: None, ..f.lowered(Code::ExtraRulesIgnored) }),
        });
    }
    let _ = reg;
    let evidence = format!(
        "{} rule(s), {backends} backendRef(s), {} hostname(s), {} parentRef(s)",
        spec.rules.len(),
        spec.hostnames.len(),
        spec.parent_refs.len()
    );
    let state = LinkState::of(&problems);
    walk.link(&me, "shape", &me, state, evidence);
    problems.into_iter().for_each(|f| walk.find(f));
}

#[cfg(test)]
mod tests {
    use crate::diagnose::Code;
    use crate::diagnose::testing::{codes, weather};
    use crate::model::Release;

    #[test]
    fn no_hostname_is_an_error_with_a_merge_patch() {
        let report = weather(|s| s.replace("  hostnames:\n  - weather.mcp.local\n", ""), "", None);
        assert!(codes(&report).contains(&Code::RouteNoHostnames), "{:?}", codes(&report));
    }

    #[test]
    fn two_backend_refs_break_from_v0_4_2_only() {
        let two = "      port: 8000\n    - name: weather\n      namespace: backends\n      port: 8000\n";
        let pinned = weather(|s| s.replacen("      port: 8000\n", two, 1), "", Some(Release::V0_8_0));
        assert_eq!(codes(&pinned), [Code::RouteMultipleBackendRefs]);
    }
}
