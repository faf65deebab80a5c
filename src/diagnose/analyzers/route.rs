//! The HTTPRoute's shape as the mcp-gateway controller requires it: one rule, one backendRef, at
//! least one hostname, at least one parentRef.

use crate::diagnose::{Code, Finding, Fix, LinkState, Walk};
use crate::model::HttpRoute;
use crate::snapshot::{Obj, RegistrationObj};

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
    if backends == 0 {
        find(
            Code::RouteNoBackendRefs,
            "spec.rules",
            format!("HTTPRoute {} has no backend references", me.ns_name()),
            Fix::say("Add one rule with one backendRef to the MCP server's Service.").yaml(
                "spec:\n  rules:\n  - backendRefs:\n    - name: <service>\n      port: <service port>\n",
            ),
        );
    }
    if spec.rules.len() > 1 {
        find(
            Code::RouteMultipleRules,
            "spec.rules",
            format!(
                "HTTPRoute {} has {} rules; the controller supports exactly one (> 1 rule, which is unsupported)",
                me.ns_name(),
                spec.rules.len()
            ),
            Fix::say("Split the route: one HTTPRoute and one registration per MCP server."),
        );
    }
    if let Some((i, rule)) = spec.rules.iter().enumerate().find(|(_, r)| r.backend_refs.len() > 1) {
        find(
            Code::RouteMultipleBackendRefs,
            &format!("spec.rules[{i}].backendRefs"),
            format!(
                "rule {i} of HTTPRoute {} has {} backendRefs; the controller supports exactly one (> 1 backend reference, which is unsupported)",
                me.ns_name(),
                rule.backend_refs.len()
            ),
            Fix::say("Keep one backendRef; give other backends their own route and registration."),
        );
    }
    if spec.hostnames.is_empty() {
        let suggestion = format!("{}.mcp.local", route.meta.name);
        find(
            Code::RouteNoHostnames,
            "spec.hostnames",
            format!("HTTPRoute {} must have at least one hostname for MCP backend routing", me.ns_name()),
            Fix::say("Add a hostname the MCP listener admits.")
                .yaml(format!("spec:\n  hostnames:\n  - {suggestion}\n")),
        );
    }
    if spec.parent_refs.is_empty() {
        find(
            Code::RouteNoParentRefs,
            "spec.parentRefs",
            format!("HTTPRoute {} has no parentRefs, so it is attached to no Gateway (no valid gateways for httproute)", me.ns_name()),
            Fix::say("Add a parentRef to the MCP Gateway.")
                .yaml("spec:\n  parentRefs:\n  - name: mcp-gateway\n    namespace: gateway-system\n    sectionName: mcps\n"),
        );
    }
    let _ = reg;
    let evidence = format!(
        "{} rule(s), {backends} backendRef(s), {} hostname(s), {} parentRef(s)",
        spec.rules.len(),
        spec.hostnames.len(),
        spec.parent_refs.len()
    );
    let state = if problems.is_empty() { LinkState::Ok } else { LinkState::Fail };
    walk.link(&me, "shape", &me, state, evidence);
    problems.into_iter().for_each(|f| walk.find(f));
}
