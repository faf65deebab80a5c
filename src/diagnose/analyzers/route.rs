//! The HTTPRoute's shape as the mcp-gateway controller requires it: one rule, one backendRef, at
//! least one hostname, at least one parentRef.

use crate::diagnose::catalog::route as say;
use crate::diagnose::{LinkState, Walk};
use crate::model::{HttpRoute, Release};
use crate::snapshot::{Obj, RegistrationObj};

/// Checks the route's shape.
pub fn shape(walk: &mut Walk, reg: &RegistrationObj, route: &Obj<HttpRoute>) {
    let me = route.objref();
    let spec = &route.view.spec;
    let origin = route.origin.as_ref();
    let backends: usize = spec.rules.iter().map(|r| r.backend_refs.len()).sum();
    let mut problems = Vec::new();
    // Up to v0.4.1 the controller serves the first rule's first backendRef and ignores the rest;
    // from v0.4.2 it rejects the route (§2.2).
    let (strict, lenient) = walk.split(Release::one_rule_one_backend);
    let lenient_only = strict.is_empty().then_some(lenient);
    let mut extra = Vec::new();
    if backends == 0 {
        problems.push(say::no_backend_refs(&me).at(origin));
    }
    if spec.rules.len() > 1 {
        extra.push(say::multiple_rules(&me, spec.rules.len(), lenient_only));
    }
    if let Some((i, rule)) = spec.rules.iter().enumerate().find(|(_, r)| r.backend_refs.len() > 1) {
        extra.push(say::multiple_backend_refs(&me, i, rule.backend_refs.len(), lenient_only));
    }
    if spec.hostnames.is_empty() {
        problems.push(say::no_hostnames(&me).at(origin));
    }
    if spec.parent_refs.is_empty() {
        problems.push(say::no_parent_refs(&me).at(origin));
    }
    for f in extra {
        let f = f.at(origin);
        problems.extend(match strict.is_empty() {
            false => walk.lower(strict, f),
            true => Some(say::extra_rules_ignored(f)),
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
