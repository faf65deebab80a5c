//! A synthetic cluster of a given size, shared by the tests and the benchmarks: tenants with
//! Services and EndpointSlices, HTTPRoutes and registrations on many Gateways, extensions with
//! their grants, and cross-namespace backends with ReferenceGrants. Registration `bench-target`
//! in `tenant-0` is healthy and is the one case 1 diagnoses.

use serde_json::{Value, json};

/// How big.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub services: usize,
    pub routes: usize,
    pub gateways: usize,
    pub grants: usize,
    pub tenants: usize,
}

impl Size {
    /// The cluster of the performance issue: 10,000 Services and EndpointSlices, 2,000 routes and
    /// registrations, 50 Gateways, 200 ReferenceGrants.
    pub fn platform() -> Size {
        Size { services: 10_000, routes: 2_000, gateways: 50, grants: 200, tenants: 100 }
    }

    /// Scaled by the total number of objects (about `objects`).
    pub fn objects(objects: usize) -> Size {
        let unit = objects / 25;
        Size {
            services: unit * 10,
            routes: unit * 2,
            gateways: (unit / 40).max(1),
            grants: (unit / 10).max(1),
            tenants: (unit / 100).max(1),
        }
    }
}

/// Generates the cluster's objects.
pub fn cluster(size: Size) -> Vec<Value> {
    let mut out = Vec::new();
    out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "istio"}, "spec": {"controllerName": "istio.io/gateway-controller"}}));
    for t in 0..size.tenants {
        out.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": format!("tenant-{t}"), "labels": {"mcp-tenant": "true"}}}));
    }
    for g in 0..size.gateways {
        let ns = format!("gw-{g}");
        out.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
        out.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": format!("ext-{g}")}}));
        out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "mcp-gateway", "namespace": ns},
            "spec": {"gatewayClassName": "istio", "listeners": [
                {"name": "mcp", "port": 8080, "protocol": "HTTP", "hostname": format!("mcp-{g}.example.com"), "allowedRoutes": {"namespaces": {"from": "All"}}},
                {"name": "mcps", "port": 8080, "protocol": "HTTP", "hostname": "*.mcp.local", "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchLabels": {"mcp-tenant": "true"}}}}}]}}));
        out.push(json!({"apiVersion": "mcp.kuadrant.io/v1", "kind": "MCPGatewayExtension", "metadata": {"name": "ext", "namespace": format!("ext-{g}")},
            "spec": {"targetRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "mcp-gateway", "namespace": ns, "sectionName": "mcp"}},
            "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "ValidMCPGatewayExtension", "message": "successfully verified and configured"}]}}));
        out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "ReferenceGrant", "metadata": {"name": "allow-ext", "namespace": ns},
            "spec": {"from": [{"group": "mcp.kuadrant.io", "kind": "MCPGatewayExtension", "namespace": format!("ext-{g}")}], "to": [{"group": "gateway.networking.k8s.io", "kind": "Gateway"}]}}));
    }
    // Backend grants: the remaining grants let tenant t's routes reach tenant t+1's Services.
    for i in 0..size.grants.saturating_sub(size.gateways) {
        let t = i % size.tenants;
        out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "ReferenceGrant", "metadata": {"name": format!("allow-{i}"), "namespace": format!("tenant-{}", (t + 1) % size.tenants)},
            "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": format!("tenant-{t}")}], "to": [{"group": "", "kind": "Service"}]}}));
    }
    for s in 0..size.services {
        let ns = format!("tenant-{}", s % size.tenants);
        let name = if s == 0 { "bench-target".to_string() } else { format!("svc-{s}") };
        out.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
            "spec": {"selector": {"app": name}, "ports": [{"name": "http", "port": 8000, "targetPort": 8080, "protocol": "TCP"}], "clusterIP": format!("10.96.{}.{}", s / 250, s % 250), "type": "ClusterIP"}}));
        out.push(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": format!("{name}-abcde"), "namespace": ns, "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            "endpoints": [{"addresses": [format!("10.244.{}.{}", s / 250, s % 250)], "conditions": {"ready": true, "serving": true, "terminating": false}, "nodeName": "node-1"}]}));
    }
    for r in 0..size.routes {
        let ns = format!("tenant-{}", r % size.tenants);
        let name = if r == 0 { "bench-target".to_string() } else { format!("svc-{r}") };
        let g = r % size.gateways;
        out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": name, "namespace": ns},
            "spec": {"parentRefs": [{"name": "mcp-gateway", "namespace": format!("gw-{g}"), "sectionName": "mcps"}], "hostnames": [format!("{name}.mcp.local")],
                     "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/mcp"}}], "backendRefs": [{"name": name, "port": 8000}]}]}}));
        out.push(json!({"apiVersion": "mcp.kuadrant.io/v1", "kind": "MCPServerRegistration", "metadata": {"name": name, "namespace": ns},
            "spec": {"targetRef": {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": name}, "prefix": format!("{}_", name.replace('-', "_"))}}));
    }
    out
}
