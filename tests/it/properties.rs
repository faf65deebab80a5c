//! Property tests: arbitrary object sets (random references, names, hostnames, listeners, grants,
//! extensions) never make the engine panic, and the report does not depend on input order.

use mcp_doctor::diagnose::{Scope, SourceInfo, diagnose};
use mcp_doctor::snapshot::{RawObject, Snapshot};
use proptest::prelude::*;
use serde_json::{Value, json};

const NS: &[&str] = &["a", "b", "gw"];
const NAMES: &[&str] = &["x", "y", "mcp-gateway"];
const HOSTS: &[&str] = &["x.mcp.local", "*.mcp.local", "mcp.local", "a.b.mcp.local", "*.other.io", ""];

fn pick<T: Copy + std::fmt::Debug>(pool: &'static [T]) -> impl Strategy<Value = T> {
    (0..pool.len()).prop_map(move |i| pool[i])
}

fn maybe<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

fn gateway() -> impl Strategy<Value = Value> {
    let listener = (
        pick(NAMES),
        pick(&[80i64, 8080]),
        pick(HOSTS),
        pick(&["HTTP", "HTTPS", "TLS", "bogus"]),
        maybe(pick(&["Same", "All", "Selector", "None"])),
    );
    (pick(NS), pick(NAMES), prop::collection::vec(listener, 0..3)).prop_map(|(ns, name, ls)| {
        let listeners: Vec<Value> = ls
            .into_iter()
            .map(|(n, port, host, proto, from)| {
                let mut l = json!({"name": n, "port": port, "protocol": proto});
                if !host.is_empty() {
                    l["hostname"] = json!(host);
                }
                if let Some(f) = from {
                    l["allowedRoutes"] = json!({"namespaces": {"from": f, "selector": {"matchLabels": {"team": "x"}}}});
                }
                l
            })
            .collect();
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": name, "namespace": ns}, "spec": {"gatewayClassName": "istio", "listeners": listeners}})
    })
}

fn route() -> impl Strategy<Value = Value> {
    let parent = (
        pick(NAMES),
        maybe(pick(NS)),
        maybe(pick(NAMES)),
        maybe(pick(&[80i64, 8080])),
        maybe(pick(&["Gateway", "Service", "ListenerSet"])),
    );
    let backend = (
        pick(NAMES),
        maybe(pick(NS)),
        maybe(pick(&[80i64, 8000, 8080])),
        maybe(pick(&["", "core", "networking.istio.io"])),
    );
    (pick(NS), pick(NAMES), prop::collection::vec(parent, 0..3), prop::collection::vec(pick(HOSTS), 0..3), prop::collection::vec(prop::collection::vec(backend, 0..3), 0..3))
        .prop_map(|(ns, name, parents, hosts, rules)| {
            let parents: Vec<Value> = parents
                .into_iter()
                .map(|(n, pns, section, port, kind)| {
                    let mut p = json!({"name": n});
                    if let Some(v) = pns { p["namespace"] = json!(v); }
                    if let Some(v) = section { p["sectionName"] = json!(v); }
                    if let Some(v) = port { p["port"] = json!(v); }
                    if let Some(v) = kind { p["kind"] = json!(v); }
                    p
                })
                .collect();
            let rules: Vec<Value> = rules
                .into_iter()
                .map(|bs| {
                    json!({"backendRefs": bs.into_iter().map(|(n, bns, port, group)| {
                        let mut b = json!({"name": n});
                        if let Some(v) = bns { b["namespace"] = json!(v); }
                        if let Some(v) = port { b["port"] = json!(v); }
                        if let Some(g) = group { b["group"] = json!(g); if g == "networking.istio.io" { b["kind"] = json!("Hostname"); } }
                        b
                    }).collect::<Vec<_>>()})
                })
                .collect();
            let hosts: Vec<&str> = hosts.into_iter().filter(|h| !h.is_empty()).collect();
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": name, "namespace": ns}, "spec": {"parentRefs": parents, "hostnames": hosts, "rules": rules}})
        })
}

fn other() -> impl Strategy<Value = Value> {
    prop_oneof![
        (pick(NS), pick(NAMES), maybe(pick(&[80i64, 8000])), any::<bool>()).prop_map(|(ns, n, port, ext)| {
            let spec = if ext { json!({"type": "ExternalName", "externalName": "api.example.com"}) } else { json!({"ports": port.map(|p| vec![json!({"port": p})]).unwrap_or_default(), "selector": {"app": n}}) };
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": n, "namespace": ns}, "spec": spec})
        }),
        (pick(NS), pick(NAMES), any::<bool>()).prop_map(|(ns, n, ready)| json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": format!("{n}-s"), "namespace": ns, "labels": {"kubernetes.io/service-name": n}}, "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": ready}}]})),
        (pick(NS), pick(NS), pick(&["HTTPRoute", "Gateway", "MCPGatewayExtension"]), maybe(pick(NAMES)), pick(&["", "gateway.networking.k8s.io", "mcp.kuadrant.io", "core"])).prop_map(|(ns, from, kind, to_name, group)| {
            let from_group = if kind == "MCPGatewayExtension" { "mcp.kuadrant.io" } else { "gateway.networking.k8s.io" };
            json!({"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant", "metadata": {"name": format!("g-{from}-{kind}"), "namespace": ns}, "spec": {"from": [{"group": from_group, "kind": kind, "namespace": from}], "to": [{"group": group, "kind": if group.is_empty() { "Service" } else { "Gateway" }, "name": to_name}]}})
        }),
        (pick(NS), pick(NS), maybe(pick(NAMES)), pick(&["mcp.kuadrant.io/v1", "mcp.kagenti.com/v1alpha1"])).prop_map(|(ns, gw_ns, section, v)| {
            json!({"apiVersion": v, "kind": "MCPGatewayExtension", "metadata": {"name": format!("ext-{ns}"), "namespace": ns}, "spec": {"targetRef": {"name": "mcp-gateway", "namespace": gw_ns, "sectionName": section}}})
        }),
        (pick(NS), pick(NAMES), pick(NS), pick(&["mcp.kuadrant.io/v1", "mcp.kuadrant.io/v1alpha1", "mcp.kagenti.com/v1alpha1"]), maybe(pick(&["p_", "P-", ""])), any::<bool>()).prop_map(|(ns, n, tns, v, prefix, cred)| {
            let mut spec = json!({"targetRef": {"name": n, "namespace": tns}, "prefix": prefix});
            if cred { spec["credentialRef"] = json!({"name": "tok"}); }
            let kind = if v.starts_with("mcp.kagenti") && n == "y" { "MCPServer" } else { "MCPServerRegistration" };
            json!({"apiVersion": v, "kind": kind, "metadata": {"name": n, "namespace": ns}, "spec": spec})
        }),
        (pick(NS), any::<bool>()).prop_map(|(ns, labelled)| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": if labelled { json!({"team": "x"}) } else { json!({}) }}})),
        (pick(NS), any::<bool>()).prop_map(|(ns, label)| json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "tok", "namespace": ns, "labels": if label { json!({"mcp.kuadrant.io/secret": "true"}) } else { json!({}) }}, "data": {"token": "c2VjcmV0"}})),
        Just(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "istio"}, "spec": {"controllerName": "istio.io/gateway-controller"}})),
        // Malformed shapes: wrong types where objects are expected.
        (pick(NS), pick(NAMES)).prop_map(|(ns, n)| json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": n, "namespace": ns}, "spec": {"parentRefs": 7}})),
        (pick(NS), pick(NAMES)).prop_map(|(ns, n)| json!({"apiVersion": "mcp.kuadrant.io/v1", "kind": "MCPServerRegistration", "metadata": {"name": n, "namespace": ns}, "spec": {"targetRef": "some-string"}})),
    ]
}

fn object() -> impl Strategy<Value = Value> {
    prop_oneof![gateway(), route(), other(), other()]
}

fn report(objects: &[Value]) -> String {
    let raw = objects.iter().map(|v| RawObject { value: v.clone(), origin: None }).collect();
    let snap = Snapshot::build(raw, "default");
    let report = diagnose(&snap, &Scope::default(), SourceInfo::Files(Vec::new()));
    serde_json::to_string(&report).unwrap()
}

/// Objects with distinct identities (a duplicate's winner depends on order, by design).
fn distinct(objects: Vec<Value>) -> Vec<Value> {
    let mut seen = std::collections::BTreeSet::new();
    objects
        .into_iter()
        .filter(|o| {
            seen.insert((
                o["kind"].to_string(),
                o["metadata"]["namespace"].to_string(),
                o["metadata"]["name"].to_string(),
            ))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn the_engine_never_panics_and_ignores_input_order(objects in prop::collection::vec(object(), 0..25), seed in any::<u64>()) {
        let objects = distinct(objects);
        let forward = report(&objects);
        let mut shuffled = objects.clone();
        // A deterministic shuffle driven by the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(forward, report(&shuffled));
    }
}
