//! Every backendRef of the route: kind, ReferenceGrant (decided before existence), the Service,
//! its port and type, and its EndpointSlices with ready endpoints.

use crate::diagnose::catalog::backend::{self as say, NewGrant, display_group};
use crate::diagnose::{LinkState, Walk};
use crate::graph::{BackendOutcome, BackendTarget, refgrant};
use crate::model::objref::GATEWAY_GROUP;
use crate::model::{HttpRoute, Kind, ObjRef, Service};
use crate::snapshot::{Obj, namespaces_holding};

/// Checks every backendRef of every rule.
pub fn backends(walk: &mut Walk, route: &Obj<HttpRoute>) {
    for (ri, rule) in route.view.spec.rules.iter().enumerate() {
        for (bi, backend) in rule.backend_refs.iter().enumerate() {
            let field = format!("spec.rules[{ri}].backendRefs[{bi}]");
            let relation = if route.view.spec.rules.len() == 1 {
                format!("backendRefs[{bi}]")
            } else {
                format!("rules[{ri}].backendRefs[{bi}]")
            };
            let target = BackendTarget::of(backend, &route.meta.namespace);
            one(walk, route, &target, &field, &relation);
        }
    }
}

fn one(walk: &mut Walk, route: &Obj<HttpRoute>, target: &BackendTarget, field: &str, relation: &str) {
    let me = route.objref();
    match walk.graph.backend(route, target) {
        BackendOutcome::InvalidKind => invalid_kind(walk, route, target, field, relation),
        BackendOutcome::IstioHostname { valid } => {
            istio_hostname(walk, route, target, field, relation, valid)
        }
        BackendOutcome::NotPermitted(_)
            if walk.blocked_link(
                &me,
                relation,
                &ObjRef::reference_grant(&target.namespace, "*"),
                Kind::ReferenceGrant,
                &target.namespace,
                "*",
            ) => {}
        BackendOutcome::NotPermitted(miss) => not_permitted(walk, route, target, field, relation, &miss),
        BackendOutcome::NotFound => service_not_found(walk, route, target, field, relation),
        BackendOutcome::Service { service, granted_by } => {
            if let Some(grant) = &granted_by {
                let evidence = format!("permits HTTPRoute from {}", route.meta.namespace);
                walk.link(&me, format!("{relation} grant"), grant, LinkState::Ok, evidence);
            }
            service_link(walk, route, target, service, field, relation);
        }
    }
}

/// Neither a core Service nor an Istio Hostname (`group: core` is the classic slip).
fn invalid_kind(
    walk: &mut Walk,
    route: &Obj<HttpRoute>,
    target: &BackendTarget,
    field: &str,
    relation: &str,
) {
    let me = route.objref();
    let origin = route.origin.as_ref();
    let to = target.objref();
    walk.link(
        &me,
        relation,
        &to,
        LinkState::Fail,
        format!("InvalidKind: {}/{}", display_group(&target.group), target.kind),
    );
    walk.find(say::invalid_kind(&me, field, target).at(origin));
}

/// An Istio `Hostname` backend: fine when its name is a DNS name.
fn istio_hostname(
    walk: &mut Walk,
    route: &Obj<HttpRoute>,
    target: &BackendTarget,
    field: &str,
    relation: &str,
    valid: bool,
) {
    let me = route.objref();
    let origin = route.origin.as_ref();
    let to = target.objref();
    if valid {
        walk.link(
            &me,
            relation,
            &to,
            LinkState::Ok,
            format!("Istio Hostname backend https://{}:{}", target.name, target.port.unwrap_or(443)),
        );
    } else {
        walk.link(&me, relation, &to, LinkState::Fail, "invalid host name");
        walk.find(say::hostname_invalid(&me, field, &target.name).at(origin));
    }
}

/// No Service of that name in that namespace: where one of that name does exist.
fn service_not_found(
    walk: &mut Walk,
    route: &Obj<HttpRoute>,
    target: &BackendTarget,
    field: &str,
    relation: &str,
) {
    let me = route.objref();
    let origin = route.origin.as_ref();
    let to = target.objref();
    if walk.kind_missing(&me, relation, &to, Kind::Service, "Services")
        || walk.malformed_link(&me, relation, Kind::Service, &target.namespace, &target.name)
        || walk.blocked_link(&me, relation, &to, Kind::Service, &target.namespace, &target.name)
    {
        return;
    }
    let others = namespaces_holding(&walk.snap().services, &target.name);
    let detail = walk.not_found(Kind::Service, &target.name, "BackendNotFound");
    walk.link(&me, relation, &to, LinkState::Fail, detail);
    walk.find(say::not_found(&me, field, &to, &others).at(origin));
}

fn not_permitted(
    walk: &mut Walk,
    route: &Obj<HttpRoute>,
    target: &BackendTarget,
    field: &str,
    relation: &str,
    miss: &refgrant::GrantMiss,
) {
    let me = route.objref();
    let from = refgrant::From { group: GATEWAY_GROUP, kind: "HTTPRoute", namespace: &route.meta.namespace };
    let to = refgrant::To { group: "", kind: "Service", namespace: &target.namespace, name: &target.name };
    let grant_name = format!("allow-{}-to-{}", route.meta.namespace, target.name);
    let grant_ref = ObjRef::reference_grant(&target.namespace, &grant_name);
    let manifest = refgrant::grant(&grant_name, &from, &to, &refgrant::suggested_api_version(walk.snap()));
    let grant = NewGrant { objref: grant_ref, manifest };
    let service = target.objref();
    walk.link(
        &me,
        relation,
        &target.objref(),
        LinkState::Fail,
        format!("RefNotPermitted: no ReferenceGrant in {} permits it", target.namespace),
    );
    let finding = match miss.misplaced.first() {
        Some(misplaced) => say::grant_misplaced(&me, field, &service, misplaced, grant),
        None => say::not_permitted(&me, field, &service, &miss.near_misses, grant),
    };
    // `at:` points where the fix acts: the misplaced grant, when there is one.
    let snap = walk.snap();
    let grant = miss
        .misplaced
        .first()
        .and_then(|g| crate::snapshot::get(&snap.reference_grants, &g.namespace, &g.name));
    walk.find(finding.at(grant.and_then(|g| g.origin.as_ref()).or(route.origin.as_ref())));
}

fn service_link(
    walk: &mut Walk,
    route: &Obj<HttpRoute>,
    target: &BackendTarget,
    service: &Obj<Service>,
    field: &str,
    relation: &str,
) {
    let me = route.objref();
    let svc_ref = service.objref();
    let origin = route.origin.as_ref();
    let spec = &service.view.spec;
    let ports: Vec<i64> = spec.ports.iter().map(|p| p.port).collect();
    let listed = ports.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let external = spec.type_.as_deref() == Some("ExternalName");
    match target.port {
        None => {
            walk.link(&me, relation, &svc_ref, LinkState::Fail, "backendRef has no port");
            walk.find(say::port_missing(&me, field, &svc_ref, &ports).at(origin));
            return;
        }
        Some(port) if !external && !spec.ports.iter().any(|p| p.port == port) => {
            walk.link(
                &me,
                relation,
                &svc_ref,
                LinkState::Fail,
                format!("port {port} not in Service ports [{listed}]"),
            );
            walk.find(say::port_not_found(&me, field, port, &svc_ref, &ports).at(origin));
            return;
        }
        Some(port) => walk.link(&me, relation, &svc_ref, LinkState::Ok, format!("Service port {port}")),
    }
    if external {
        let name = spec.external_name.clone().unwrap_or_default();
        walk.link(&svc_ref, "type", &svc_ref, LinkState::Warn, format!("ExternalName {name}"));
        walk.find(say::external_name(&svc_ref, &me, field, &name).at(service.origin.as_ref()));
        return;
    }
    endpoints(walk, service);
}

fn endpoints(walk: &mut Walk, service: &Obj<Service>) {
    let svc_ref = service.objref();
    let slices_ref = ObjRef::new(
        "discovery.k8s.io",
        "EndpointSlice",
        &service.meta.namespace,
        &format!("{}-*", service.meta.name),
    );
    if walk.blocked_link(
        &svc_ref,
        "endpoints",
        &slices_ref,
        Kind::EndpointSlice,
        &service.meta.namespace,
        "*",
    ) {
        return;
    }
    if !walk.snap().has_kind(Kind::EndpointSlice) {
        walk.link(
            &svc_ref,
            "endpoints",
            &slices_ref,
            LinkState::Skipped,
            format!("{} holds no EndpointSlice objects", walk.snap().lookups.source()),
        );
        return;
    }
    let slices = walk.graph.endpoint_slices(&service.meta.namespace, &service.meta.name);
    let ready = walk.graph.ready_endpoints(&service.meta.namespace, &service.meta.name);
    if !ready.is_empty() {
        walk.link(
            &svc_ref,
            "endpoints",
            &slices_ref,
            LinkState::Ok,
            format!("{} ready endpoint(s) in {} EndpointSlice(s)", ready.len(), slices.len()),
        );
        return;
    }
    let total: usize = slices.iter().map(|s| s.view.endpoints.len()).sum();
    let evidence = if slices.is_empty() {
        "no EndpointSlice".to_string()
    } else {
        format!("0 of {total} endpoint(s) ready")
    };
    walk.link(&svc_ref, "endpoints", &slices_ref, LinkState::Fail, evidence.clone());
    let selector = service
        .view
        .spec
        .selector
        .as_ref()
        .map(|s| s.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","));
    let finding = say::no_ready_endpoints(&svc_ref, &evidence, selector.as_deref());
    walk.find(finding.at(service.origin.as_ref()));
}

#[cfg(test)]
mod tests {
    use crate::diagnose::Code;
    use crate::diagnose::testing::{codes, weather};

    #[test]
    fn a_port_the_service_lacks_is_its_own_finding_with_the_patch() {
        let report = weather(|s| s.replacen("      port: 8000", "      port: 8080", 1), "", None);
        assert_eq!(codes(&report), [Code::BackendPortNotFound]);
        let fix = &report.servers[0].findings[0].fix;
        assert!(
            fix.command
                .as_deref()
                .is_some_and(|c| c.contains(r#""path":"/spec/rules/0/backendRefs/0/port","value":8000"#)),
            "{fix:?}"
        );
    }

    #[test]
    fn no_ready_endpoint_and_no_grant() {
        let report = weather(|s| s.replace("ready: true", "ready: false"), "", None);
        assert_eq!(codes(&report), [Code::NoReadyEndpoints]);
        let report = weather(
            |s| {
                s.split("kind: ReferenceGrant")
                    .next()
                    .unwrap_or(s)
                    .trim_end_matches("apiVersion: gateway.networking.k8s.io/v1beta1\n")
                    .to_string()
            },
            "",
            None,
        );
        assert_eq!(codes(&report), [Code::BackendRefNotPermitted]);
    }
}
