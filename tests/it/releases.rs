//! One install per mcp-gateway release (v0.1 … v0.9.0, main), laid out as upstream's e2e setup
//! (Gateway in gateway-system, controller and extension in mcp-system, servers in mcp-test), with
//! that release's CRDs, controller Deployment, API generation and finalizers. From files and from
//! the fake API server serving only that release's API versions: the working registration is
//! never broken, the one whose route is missing always is, and the candidates hold the release
//! (in a cluster: only releases the install cannot tell apart).

use super::support::fake_apiserver::{FakeApiServer, Options, Served, all_resources};
use super::support::run;
use mcp_doctor::model::release::RELEASES;
use mcp_doctor::model::{Release, Releases};
use serde_json::{Value, json};

use Release::*;

/// The newest API generation `r` serves: (group, version, kind).
fn registration_api(r: Release) -> (&'static str, &'static str, &'static str) {
    match r {
        _ if r <= V0_4_1 => ("mcp.kagenti.com", "v1alpha1", "MCPServer"),
        _ if r <= V0_5_1 => ("mcp.kagenti.com", "v1alpha1", "MCPServerRegistration"),
        _ if r <= V0_7_1 => ("mcp.kuadrant.io", "v1alpha1", "MCPServerRegistration"),
        _ => ("mcp.kuadrant.io", "v1", "MCPServerRegistration"),
    }
}

/// The extension's (group, version), from v0.5.0 (v0.4.2 has the CRD but ignores it: none here).
fn extension_api(r: Release) -> Option<(&'static str, &'static str)> {
    match r {
        _ if r <= V0_4_2 => None,
        _ if r <= V0_5_1 => Some(("mcp.kagenti.com", "v1alpha1")),
        _ if r <= V0_7_1 => Some(("mcp.kuadrant.io", "v1alpha1")),
        _ => Some(("mcp.kuadrant.io", "v1")),
    }
}

/// The CRDs as the API server returns them: only the schema facts of §3a that tell releases apart.
fn crds(r: Release) -> Vec<Value> {
    let (group, version, kind) = registration_api(r);
    let plural = if kind == "MCPServer" { "mcpservers" } else { "mcpserverregistrations" };
    let prefix = if r.prefix_field() == "prefix" { "prefix" } else { "toolPrefix" };
    let mut spec = json!({"targetRef": {}, prefix: {"type": "string"}});
    if r >= V0_1_1 {
        spec["path"] = json!({"type": "string"});
    }
    let schema = json!({"openAPIV3Schema": {"properties": {"spec": {"properties": spec}}}});
    let mut versions = vec![json!({"name": version, "served": true, "storage": true, "schema": schema})];
    if r == V0_8_0 || r == V0_9_0 || r == Main {
        versions.push(json!({"name": "v1alpha1", "served": r != Main, "storage": false, "schema": schema}));
    }
    if kind == "MCPServer" && r >= V0_1_2 {
        versions[0]["additionalPrinterColumns"] = json!([{"name": "Prefix", "jsonPath": ".spec.toolPrefix"}]);
    }
    let annotations =
        if r >= V0_1_1 { json!({"controller-gen.kubebuilder.io/version": "v0.19.0"}) } else { json!({}) };
    let crd = |name: String, group: &str, kind: &str, versions: Vec<Value>| {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": name, "annotations": annotations},
            "spec": {"group": group, "names": {"kind": kind}, "scope": "Namespaced", "versions": versions}})
    };
    let mut out = vec![crd(format!("{plural}.{group}"), group, kind, versions)];
    if r >= V0_4_2 {
        let group = if r <= V0_5_1 { "mcp.kagenti.com" } else { "mcp.kuadrant.io" };
        let mut target = json!({"name": {}, "namespace": {}});
        if r >= V0_5_1 {
            target["sectionName"] = json!({"type": "string"});
        }
        let mut spec = json!({"targetRef": {"properties": target}});
        if r == Main {
            spec["maxBodyBytes"] = json!({"type": "integer"});
        }
        let schema = json!({"openAPIV3Schema": {"properties": {"spec": {"properties": spec}}}});
        let version = if r >= V0_8_0 { "v1" } else { "v1alpha1" };
        let versions = vec![json!({"name": version, "served": true, "storage": true, "schema": schema})];
        out.push(crd(format!("mcpgatewayextensions.{group}"), group, "MCPGatewayExtension", versions));
    }
    out
}

/// The kustomize controller Deployment of §3b.
fn controller(r: Release) -> Value {
    let (name, image) = match r {
        _ if r <= V0_4_1 => ("mcp-controller", "ghcr.io/kagenti/mcp-gateway:latest".to_string()),
        _ if r <= V0_5_0 => ("mcp-controller", "ghcr.io/kuadrant/mcp-controller:latest".to_string()),
        V0_5_1 => ("mcp-controller", "ghcr.io/kuadrant/mcp-controller:v0.5.1".to_string()),
        Main => ("mcp-gateway-controller", "ghcr.io/kuadrant/mcp-controller:latest".to_string()),
        _ => ("mcp-gateway-controller", format!("ghcr.io/kuadrant/mcp-controller:{}", r.tag())),
    };
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "mcp-system", "labels": {"app": "mcp-controller", "component": "controller"}},
        "spec": {"template": {"spec": {"containers": [{"name": "mcp-controller", "image": image}]}}}})
}

fn registration(r: Release, name: &str, route: &str) -> Value {
    let (group, version, kind) = registration_api(r);
    let mut reg = json!({"apiVersion": format!("{group}/{version}"), "kind": kind,
        "metadata": {"name": name, "namespace": "mcp-test"},
        "spec": {"targetRef": {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": route},
                 r.prefix_field(): format!("{name}_")}});
    // The finalizer each release's controller adds (§3c).
    let finalizer = match r {
        V0_5_0 => Some("mcp.kagenti.com/finalizer"),
        _ if r >= V0_5_1 => Some("mcp.kuadrant.io/finalizer"),
        _ => None,
    };
    if let Some(f) = finalizer {
        reg["metadata"]["finalizers"] = json!([f]);
    }
    reg
}

/// Every object of the install at release `r`.
fn install(r: Release) -> Vec<Value> {
    let mut out: Vec<Value> = ["gateway-system", "mcp-system", "mcp-test"]
        .iter()
        .map(|ns| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}))
        .collect();
    out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "istio"},
        "spec": {"controllerName": "istio.io/gateway-controller"}}));
    out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": "mcp-gateway", "namespace": "gateway-system"},
        "spec": {"gatewayClassName": "istio", "listeners": [{"name": "mcp", "port": 8080, "protocol": "HTTP",
            "hostname": "*.mcp.local", "allowedRoutes": {"namespaces": {"from": "All"}}}]}}));
    if let Some((group, version)) = extension_api(r) {
        let mut target = json!({"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "mcp-gateway", "namespace": "gateway-system"});
        if r >= V0_5_1 {
            target["sectionName"] = json!("mcp");
        }
        out.push(json!({"apiVersion": format!("{group}/{version}"), "kind": "MCPGatewayExtension",
            "metadata": {"name": "mcp-gateway-extension", "namespace": "mcp-system"}, "spec": {"targetRef": target}}));
        out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
            "metadata": {"name": "allow-mcp-gateway-extension", "namespace": "gateway-system"},
            "spec": {"from": [{"group": group, "kind": "MCPGatewayExtension", "namespace": "mcp-system"}],
                     "to": [{"group": "gateway.networking.k8s.io", "kind": "Gateway"}]}}));
    }
    out.push(json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "weather", "namespace": "mcp-test"},
        "spec": {"parentRefs": [{"name": "mcp-gateway", "namespace": "gateway-system", "sectionName": "mcp"}],
                 "hostnames": ["weather.mcp.local"],
                 "rules": [{"backendRefs": [{"name": "weather", "port": 8000}]}]}}));
    out.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "weather", "namespace": "mcp-test"},
        "spec": {"ports": [{"port": 8000}], "selector": {"app": "weather"}}}));
    out.push(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "weather-1", "namespace": "mcp-test", "labels": {"kubernetes.io/service-name": "weather"}},
        "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.7"], "conditions": {"ready": true}}],
        "ports": [{"port": 8000}]}));
    out.push(registration(r, "weather", "weather"));
    out.push(registration(r, "ghost", "no-such-route"));
    out.extend(crds(r));
    out.push(controller(r));
    out
}

/// What the API server of release `r` serves: the Gateway API, core, apps, apiextensions, and
/// only that release's MCP kinds and versions.
fn served(r: Release) -> Vec<Served> {
    let mcp = |s: &Served| s.group.starts_with("mcp.");
    let mut out: Vec<Served> = all_resources().into_iter().filter(|s| !mcp(s)).collect();
    let keep = |s: &Served| {
        let (group, version, kind) = registration_api(r);
        let registration = s.group == group && s.kind == kind && s.version == version;
        let old_alpha =
            (V0_8_0..=V0_9_0).contains(&r) && s.version == "v1alpha1" && s.group == "mcp.kuadrant.io";
        let extension = extension_api(r)
            .is_some_and(|(g, v)| s.kind == "MCPGatewayExtension" && s.group == g && s.version == v);
        registration || (old_alpha && s.kind == "MCPServerRegistration") || extension
    };
    out.extend(all_resources().into_iter().filter(|s| mcp(s) && keep(s)));
    out.push(Served {
        group: "apps",
        version: "v1",
        kind: "Deployment",
        plural: "deployments",
        namespaced: true,
    });
    out.push(Served {
        group: "apiextensions.k8s.io",
        version: "v1",
        kind: "CustomResourceDefinition",
        plural: "customresourcedefinitions",
        namespaced: false,
    });
    out
}

/// The releases a cluster cannot tell apart from `r` with its CRDs, controller and objects.
fn twins(r: Release) -> Releases {
    let classes = [(V0_1_2, V0_4_1), (V0_4_2, V0_5_0), (V0_6_0, V0_6_1), (V0_7_0, V0_7_1), (V0_8_0, V0_9_0)];
    classes
        .iter()
        .find(|(a, b)| (*a..=*b).contains(&r))
        .map_or(Releases::only(r), |(a, b)| Releases::range(*a, *b))
}

fn check(r: Release, report: &Value, ctx: &str) -> Releases {
    let servers = report["servers"].as_array().unwrap();
    let verdict = |name: &str| {
        servers.iter().find(|s| s["ref"]["name"] == name).map(|s| s["verdict"].clone()).unwrap_or_default()
    };
    assert_ne!(verdict("weather"), "broken", "{ctx}: the working registration\n{report:#}");
    assert_eq!(verdict("ghost"), "broken", "{ctx}: the registration without a route");
    let tags: Vec<String> = report["metadata"]["mcpGateway"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let candidates = RELEASES.iter().copied().filter(|x| tags.iter().any(|t| t == x.tag()));
    let set = candidates.fold(Releases::NONE, |acc, x| acc.or(Releases::only(x)));
    assert!(set.contains(r), "{ctx}: candidates {tags:?} lack {r}");
    set
}

fn as_yaml(objects: &[Value]) -> String {
    objects.iter().map(|o| format!("---\n{o}\n")).collect()
}

#[test]
fn every_release_from_files_keeps_the_working_server_and_knows_the_release() {
    let dir = tempfile::tempdir().unwrap();
    for r in RELEASES {
        let path = dir.path().join(format!("{}.yaml", r.tag()));
        std::fs::write(&path, as_yaml(&install(r))).unwrap();
        let out = run(&["-A", "-f", path.to_str().unwrap(), "-o", "json"]);
        let ctx = format!("{r} from files");
        let set = check(r, &out.json(), &ctx);
        // The controller's image tag names the release from v0.5.1 on (main runs :latest).
        if r >= V0_5_1 && r != Main {
            assert_eq!(set, Releases::only(r), "{ctx}");
        }
    }
}

#[test]
fn every_release_from_a_cluster_is_told_apart_as_far_as_the_install_allows() {
    for r in RELEASES {
        let opts = Options { resources: served(r), ..Options::default() };
        let server = FakeApiServer::start(install(r), opts);
        let kubeconfig = server.kubeconfig.display().to_string();
        let out = run(&["--kubeconfig", &kubeconfig, "-A", "-o", "json"]);
        let ctx = format!("{r} from a cluster");
        let set = check(r, &out.json(), &ctx);
        assert_eq!(
            set.minus(twins(r)),
            Releases::NONE,
            "{ctx}: {set} holds releases the install tells apart"
        );
        // One registration, detection included, stays within the targeted budget.
        let before = server.requests().len();
        let one = run(&["--kubeconfig", &kubeconfig, "weather", "-n", "mcp-test", "-o", "json"]);
        assert_ne!(one.json()["servers"][0]["verdict"], "broken", "{ctx}: one registration");
        let requests = server.requests();
        let used = requests.len() - before;
        assert!(used <= 15, "{ctx}: {used} requests: {:#?}", &requests[before..]);
    }
}
