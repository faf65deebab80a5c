//! Every backendRef of the route: kind, ReferenceGrant (decided before existence), the Service,
//! its port and type, and its EndpointSlices with ready endpoints.

use crate::diagnose::finding::pointer;
use crate::diagnose::{Code, Finding, Fix, LinkState, Walk};
use crate::graph::{BackendOutcome, BackendTarget, refgrant};
use crate::model::objref::GATEWAY_GROUP;
use crate::model::{HttpRoute, Kind, ObjRef, Service};
use crate::snapshot::Obj;
use serde_json::json;

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
    let hint = if target.group == "core" || target.group == "v1" {
        format!(" (group {:?} is not the core group; core is \"\")", target.group)
    } else {
        String::new()
    };
    walk.find(
        Finding::new(
            Code::BackendInvalidKind,
            me.clone(),
            field,
            format!(
                "{field} of HTTPRoute {} names {}/{} {}: unsupported backend reference kind{hint}",
                me.ns_name(),
                display_group(&target.group),
                target.kind,
                target.name
            ),
            Fix::say("Reference a core Service: group \"\" and kind Service (or drop both: they default).")
                .json_patch(
                    &me,
                    &[
                        ("add", format!("{}/group", pointer(field)), json!("")),
                        ("add", format!("{}/kind", pointer(field)), json!("Service")),
                    ],
                ),
        )
        .at(origin),
    );
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
        walk.find(
            Finding::new(
                Code::HostnameBackendInvalid,
                me.clone(),
                field,
                format!("invalid hostname in backendRef: {:?} in HTTPRoute {}", target.name, me.ns_name()),
                Fix::say("Use a lower-case DNS name, e.g. api.example.com."),
            )
            .at(origin),
        );
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
    let others: Vec<String> = walk
        .snap()
        .services
        .values()
        .filter(|s| s.meta.name == target.name)
        .map(|s| s.meta.namespace.clone())
        .collect();
    let hint = if others.is_empty() {
        String::new()
    } else {
        format!("; a Service of that name exists in namespace {}", others.join(", "))
    };
    let detail = walk.not_found(Kind::Service, &target.name, "BackendNotFound");
    walk.link(&me, relation, &to, LinkState::Fail, detail);
    walk.find(
        Finding::new(
            Code::BackendNotFound,
            me.clone(),
            field,
            format!(
                "{field} of HTTPRoute {} names Service {}, which does not exist{hint}",
                me.ns_name(),
                to.ns_name()
            ),
            Fix::say(format!("Fix the backendRef's name/namespace, or create Service {}.", to.ns_name()))
                .target(to.clone()),
        )
        .at(origin),
    );
}

fn display_group(group: &str) -> &str {
    if group.is_empty() { "core" } else { group }
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
    let yaml = refgrant::grant_yaml(&grant_name, &from, &to, &refgrant::suggested_api_version(walk.snap()));
    walk.link(
        &me,
        relation,
        &target.objref(),
        LinkState::Fail,
        format!("RefNotPermitted: no ReferenceGrant in {} permits it", target.namespace),
    );
    let finding = if let Some(misplaced) = miss.misplaced.first() {
        Finding::new(
            Code::ReferenceGrantWrongNamespace,
            me.clone(),
            field,
            format!(
                "{field} of HTTPRoute {} references Service {} across namespaces; {misplaced} would permit it, but a ReferenceGrant must live in the target namespace {}, not in {}",
                me.ns_name(),
                target.objref().ns_name(),
                target.namespace,
                misplaced.namespace
            ),
            Fix::say(format!(
                "Move the ReferenceGrant to namespace {}: apply this one there, and delete {misplaced}.",
                target.namespace
            ))
            .target(grant_ref)
            .yaml(yaml)
            .command(format!(
                "kubectl delete {} {} -n {}",
                misplaced.kubectl_resource(),
                misplaced.name,
                misplaced.namespace
            )),
        )
    } else {
        let near =
            miss.near_misses.iter().map(|(g, why)| format!("{g}: {why}")).collect::<Vec<_>>().join("; ");
        let near = if near.is_empty() {
            format!("; namespace {} holds no ReferenceGrant", target.namespace)
        } else {
            format!("; {near}")
        };
        Finding::new(
            Code::BackendRefNotPermitted,
            me.clone(),
            field,
            format!(
                "{field} of HTTPRoute {} references Service {} in another namespace without a ReferenceGrant that permits it{near}",
                me.ns_name(),
                target.objref().ns_name()
            ),
            Fix::say(format!("Create this ReferenceGrant in namespace {}.", target.namespace))
                .target(grant_ref)
                .yaml(yaml),
        )
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
    let ports: Vec<String> = spec.ports.iter().map(|p| p.port.to_string()).collect();
    let external = spec.type_.as_deref() == Some("ExternalName");
    match target.port {
        None => {
            walk.link(&me, relation, &svc_ref, LinkState::Fail, "backendRef has no port");
            walk.find(
                Finding::new(
                    Code::BackendPortMissing,
                    me.clone(),
                    format!("{field}.port"),
                    format!(
                        "{field} of HTTPRoute {} names Service {} without a port (required for Services)",
                        me.ns_name(),
                        svc_ref.ns_name()
                    ),
                    Fix::say(format!(
                        "Set {field}.port to a Service port: {}.",
                        if ports.is_empty() { "the Service has none".into() } else { ports.join(", ") }
                    )),
                )
                .at(origin),
            );
            return;
        }
        Some(port) if !external && !spec.ports.iter().any(|p| p.port == port) => {
            walk.link(
                &me,
                relation,
                &svc_ref,
                LinkState::Fail,
                format!("port {port} not in Service ports [{}]", ports.join(", ")),
            );
            let target_port_hint = if spec.ports.len() == 1 {
                spec.ports.first().map_or(String::new(), |p| {
                    format!(" (use {}, the Service port, not the container's targetPort)", p.port)
                })
            } else {
                String::new()
            };
            walk.find(
                Finding::new(
                    Code::BackendPortNotFound,
                    me.clone(),
                    format!("{field}.port"),
                    format!("{field} of HTTPRoute {} uses port {port}, but Service {} exposes [{}]{target_port_hint}", me.ns_name(), svc_ref.ns_name(), ports.join(", ")),
                    {
                        let fix = Fix::say(format!("Set {field}.port to one of [{}].", ports.join(", ")));
                        match spec.ports.as_slice() {
                            [only] => fix.json_patch(&me, &[("add", format!("{}/port", pointer(field)), json!(only.port))]),
                            _ => fix,
                        }
                    },
                )
                .at(origin),
            );
            return;
        }
        Some(port) => walk.link(&me, relation, &svc_ref, LinkState::Ok, format!("Service port {port}")),
    }
    if external {
        let name = spec.external_name.clone().unwrap_or_default();
        walk.link(&svc_ref, "type", &svc_ref, LinkState::Warn, format!("ExternalName {name}"));
        walk.find(
            Finding::new(
                Code::ExternalNameService,
                svc_ref.clone(),
                "spec.type",
                format!("Service {} is ExternalName ({name}): tools list, but tool calls are sent to {name} and bypass the HTTPRoute", svc_ref.ns_name()),
                Fix::say(format!("Use an Istio Hostname backendRef (with a ServiceEntry for {name}) instead."))
                    .target(me.clone())
                    .json_patch(
                        &me,
                        &[(
                            "replace",
                            pointer(field),
                            json!({"group": "networking.istio.io", "kind": "Hostname", "name": name, "port": 443}),
                        )],
                    ),
            )
            .at(service.origin.as_ref()),
        );
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
    let cmd = match &selector {
        Some(sel) if !sel.is_empty() => format!("kubectl get pods -n {} -l {sel}", service.meta.namespace),
        _ => format!(
            "kubectl get endpointslices -n {} -l kubernetes.io/service-name={}",
            service.meta.namespace, service.meta.name
        ),
    };
    walk.find(
        Finding::new(
            Code::NoReadyEndpoints,
            svc_ref.clone(),
            "spec.selector",
            format!(
                "Service {} has no ready endpoints ({evidence}): the broker cannot reach the MCP server",
                svc_ref.ns_name()
            ),
            Fix::say("Make the server's pods Ready, and check that the Service selector matches them.")
                .command(cmd),
        )
        .at(service.origin.as_ref()),
    );
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
