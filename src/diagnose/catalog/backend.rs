//! The wording of the backendRef findings (MCPD050x) and of the ReferenceGrants that permit them
//! (MCPD060x): each code's message and fix, from the typed data its analyzer passes.

use super::Code;
use crate::diagnose::finding::pointer;
use crate::diagnose::{Finding, Fix};
use crate::model::ObjRef;
use crate::model::refs::BackendTarget;
use serde_json::json;

/// A backendRef's group as people say it: `core` for `""`.
pub fn display_group(group: &str) -> &str {
    if group.is_empty() { "core" } else { group }
}

/// A ReferenceGrant the fix creates: its identity and its manifest.
pub struct NewGrant {
    /// Where it goes.
    pub objref: ObjRef,
    /// The whole object (`graph::refgrant::grant`).
    pub manifest: serde_json::Value,
}

/// MCPD0502: neither a core Service nor an Istio Hostname (`group: core` is the classic slip).
pub fn invalid_kind(route: &ObjRef, field: &str, target: &BackendTarget) -> Finding {
    let hint = if target.group == "core" || target.group == "v1" {
        format!(" (group {:?} is not the core group; core is \"\")", target.group)
    } else {
        String::new()
    };
    Finding::new(
        Code::BackendInvalidKind,
        route.clone(),
        field,
        format!(
            "{field} of HTTPRoute {} names {}/{} {}: unsupported backend reference kind{hint}",
            route.ns_name(),
            display_group(&target.group),
            target.kind,
            target.name
        ),
        Fix::catalog(Code::BackendInvalidKind).json_patch(
            route,
            &[
                ("add", format!("{}/group", pointer(field)), json!("")),
                ("add", format!("{}/kind", pointer(field)), json!("Service")),
            ],
        ),
    )
}

/// MCPD0507: an Istio `Hostname` backend whose name is not a DNS name.
pub fn hostname_invalid(route: &ObjRef, field: &str, host: &str) -> Finding {
    Finding::new(
        Code::HostnameBackendInvalid,
        route.clone(),
        field,
        format!("invalid hostname in backendRef: {host:?} in HTTPRoute {}", route.ns_name()),
        Fix::catalog(Code::HostnameBackendInvalid),
    )
}

/// MCPD0501: no such Service; `elsewhere` are the namespaces that hold one of that name.
pub fn not_found(route: &ObjRef, field: &str, service: &ObjRef, elsewhere: &[String]) -> Finding {
    let hint = match elsewhere {
        [] => String::new(),
        _ => format!("; a Service of that name exists in namespace {}", elsewhere.join(", ")),
    };
    Finding::new(
        Code::BackendNotFound,
        route.clone(),
        field,
        format!(
            "{field} of HTTPRoute {} names Service {}, which does not exist{hint}",
            route.ns_name(),
            service.ns_name()
        ),
        Fix::say(format!("Fix the backendRef's name/namespace, or create Service {}.", service.ns_name()))
            .target(service.clone()),
    )
}

/// MCPD0602: the grant that would permit the reference lives in the route's namespace.
pub fn grant_misplaced(
    route: &ObjRef,
    field: &str,
    service: &ObjRef,
    misplaced: &ObjRef,
    grant: NewGrant,
) -> Finding {
    Finding::new(
        Code::ReferenceGrantWrongNamespace,
        route.clone(),
        field,
        format!(
            "{field} of HTTPRoute {} references Service {} across namespaces; {misplaced} would permit it, but a ReferenceGrant must live in the target namespace {}, not in {}",
            route.ns_name(),
            service.ns_name(),
            service.namespace,
            misplaced.namespace
        ),
        Fix::say(format!(
            "Move the ReferenceGrant to namespace {}: apply this one there, and delete {misplaced}.",
            service.namespace
        ))
        .target(grant.objref)
        .object(&grant.manifest)
        .command(format!(
            "kubectl delete {} {} -n {}",
            misplaced.kubectl_resource(),
            misplaced.name,
            misplaced.namespace
        )),
    )
}

/// MCPD0601: no grant permits the reference; `near_misses` are the grants of the Service's
/// namespace with the field that does not match.
pub fn not_permitted(
    route: &ObjRef,
    field: &str,
    service: &ObjRef,
    near_misses: &[(ObjRef, String)],
    grant: NewGrant,
) -> Finding {
    let near = near_misses.iter().map(|(g, why)| format!("{g}: {why}")).collect::<Vec<_>>().join("; ");
    let near = match near.is_empty() {
        true => format!("; namespace {} holds no ReferenceGrant", service.namespace),
        false => format!("; {near}"),
    };
    Finding::new(
        Code::BackendRefNotPermitted,
        route.clone(),
        field,
        format!(
            "{field} of HTTPRoute {} references Service {} in another namespace without a ReferenceGrant that permits it{near}",
            route.ns_name(),
            service.ns_name()
        ),
        Fix::say(format!("Create this ReferenceGrant in namespace {}.", service.namespace))
            .target(grant.objref)
            .object(&grant.manifest),
    )
}

/// MCPD0503: a Service backendRef without a port; `ports` are the Service's.
pub fn port_missing(route: &ObjRef, field: &str, service: &ObjRef, ports: &[i64]) -> Finding {
    let ports = match ports {
        [] => "the Service has none".to_string(),
        _ => list(ports, ", "),
    };
    Finding::new(
        Code::BackendPortMissing,
        route.clone(),
        format!("{field}.port"),
        format!(
            "{field} of HTTPRoute {} names Service {} without a port (required for Services)",
            route.ns_name(),
            service.ns_name()
        ),
        Fix::say(format!("Set {field}.port to a Service port: {ports}.")),
    )
}

/// MCPD0504: `port` is not one of the Service's `ports`; with one port, the patch sets it.
pub fn port_not_found(route: &ObjRef, field: &str, port: i64, service: &ObjRef, ports: &[i64]) -> Finding {
    let hint = match ports {
        [only] => format!(" (use {only}, the Service port, not the container's targetPort)"),
        _ => String::new(),
    };
    let fix = Fix::say(format!("Set {field}.port to one of [{}].", list(ports, ", ")));
    let fix = match ports {
        [only] => fix.json_patch(route, &[("add", format!("{}/port", pointer(field)), json!(only))]),
        _ => fix,
    };
    Finding::new(
        Code::BackendPortNotFound,
        route.clone(),
        format!("{field}.port"),
        format!(
            "{field} of HTTPRoute {} uses port {port}, but Service {} exposes [{}]{hint}",
            route.ns_name(),
            service.ns_name(),
            list(ports, ", ")
        ),
        fix,
    )
}

/// MCPD0506: the Service is ExternalName `name`; the patch turns the backendRef into an Istio
/// Hostname.
pub fn external_name(service: &ObjRef, route: &ObjRef, field: &str, name: &str) -> Finding {
    Finding::new(
        Code::ExternalNameService,
        service.clone(),
        "spec.type",
        format!(
            "Service {} is ExternalName ({name}): tools list, but tool calls are sent to {name} and bypass the HTTPRoute",
            service.ns_name()
        ),
        Fix::say(format!("Use an Istio Hostname backendRef (with a ServiceEntry for {name}) instead."))
            .target(route.clone())
            .json_patch(
                route,
                &[(
                    "replace",
                    pointer(field),
                    json!({"group": "networking.istio.io", "kind": "Hostname", "name": name, "port": 443}),
                )],
            ),
    )
}

/// MCPD0505: no ready endpoint (`evidence` says what was seen); the command lists the pods of
/// `selector`, or the Service's EndpointSlices without one.
pub fn no_ready_endpoints(service: &ObjRef, evidence: &str, selector: Option<&str>) -> Finding {
    let command = match selector {
        Some(sel) if !sel.is_empty() => format!("kubectl get pods -n {} -l {sel}", service.namespace),
        _ => format!(
            "kubectl get endpointslices -n {} -l kubernetes.io/service-name={}",
            service.namespace, service.name
        ),
    };
    Finding::new(
        Code::NoReadyEndpoints,
        service.clone(),
        "spec.selector",
        format!(
            "Service {} has no ready endpoints ({evidence}): the broker cannot reach the MCP server",
            service.ns_name()
        ),
        Fix::catalog(Code::NoReadyEndpoints).command(command),
    )
}

fn list(ports: &[i64], sep: &str) -> String {
    ports.iter().map(i64::to_string).collect::<Vec<_>>().join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route() -> ObjRef {
        ObjRef::route("team-a", "weather")
    }

    #[test]
    fn a_port_of_a_one_port_service_is_patched_to_it() {
        let field = "spec.rules[0].backendRefs[0]";
        let service = ObjRef::service("backends", "weather");
        let one = port_not_found(&route(), field, 8080, &service, &[8000]);
        assert!(one.message.contains("(use 8000, the Service port"), "{}", one.message);
        let patch = r#"[{"op":"add","path":"/spec/rules/0/backendRefs/0/port","value":8000}]"#;
        assert!(one.fix.command.as_deref().is_some_and(|c| c.contains(patch)), "{:?}", one.fix);
        let two = port_not_found(&route(), field, 8080, &service, &[8000, 9000]);
        assert_eq!(two.fix.command, None, "which port is the user's choice");
    }

    #[test]
    fn group_core_is_named_as_the_slip() {
        let target = BackendTarget {
            group: "core".into(),
            kind: "Service".into(),
            namespace: "team-a".into(),
            name: "weather".into(),
            port: Some(8000),
        };
        let f = invalid_kind(&route(), "spec.rules[0].backendRefs[0]", &target);
        assert!(f.message.contains(r#"group "core" is not the core group"#), "{}", f.message);
    }

    #[test]
    fn a_misplaced_grant_is_moved_and_the_old_one_deleted() {
        let grant = NewGrant {
            objref: ObjRef::reference_grant("backends", "allow"),
            manifest: json!({"kind": "ReferenceGrant"}),
        };
        let misplaced = ObjRef::reference_grant("team-a", "allow");
        let f = grant_misplaced(
            &route(),
            "spec.rules[0].backendRefs[0]",
            &ObjRef::service("backends", "weather"),
            &misplaced,
            grant,
        );
        assert_eq!(f.code, Code::ReferenceGrantWrongNamespace);
        assert!(
            f.fix.command.as_deref().is_some_and(|c| c.contains("delete") && c.contains("-n team-a")),
            "{:?}",
            f.fix
        );
        assert!(f.fix.yaml.as_deref().is_some_and(|y| y.contains("kind: ReferenceGrant")), "{:?}", f.fix);
    }
}
