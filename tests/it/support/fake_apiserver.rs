//! A fake Kubernetes API server (axum, over HTTP or HTTPS with a generated CA and a bearer token)
//! that serves a scenario's objects the way kube-apiserver does: real paths, aggregated and legacy
//! discovery, `Status` bodies for 401/403/404, list pagination with `continue`, label and field
//! selectors, core list items without apiVersion/kind. It records every request it answers.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One served resource.
#[derive(Debug, Clone)]
pub struct Served {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
}

/// Everything a full mcp-gateway + Gateway API v1.5 cluster serves: every version of every
/// resource in the doctor's kind registry.
pub fn all_resources() -> Vec<Served> {
    mcp_doctor::model::objref::RESOURCES
        .iter()
        .filter(|r| r.discovered)
        .flat_map(|r| {
            r.versions.iter().map(|version| Served {
                group: r.group,
                version,
                kind: r.name,
                plural: r.plural,
                namespaced: r.kind.namespaced(),
            })
        })
        .collect()
}

/// A refused request: `verb` on `plural`, in `namespace` (`None` = anywhere).
#[derive(Debug, Clone)]
pub struct Deny {
    pub verb: &'static str,
    pub plural: &'static str,
    pub namespace: Option<&'static str>,
}

/// How the fake server behaves.
#[derive(Debug, Clone)]
pub struct Options {
    pub tls: bool,
    pub token: String,
    pub resources: Vec<Served>,
    pub deny: Vec<Deny>,
    pub legacy_discovery: bool,
    /// Page size imposed on lists (the smaller of this and the client's `limit`).
    pub page_size: usize,
    /// Requests answered with this HTTP code every time (a broken aggregated API, say).
    pub fail: Vec<(Deny, u16)>,
    /// Injected faults, for the requests they match.
    pub faults: Vec<Fault>,
    /// The broker behind the service proxy: its answer for each path after `/proxy`; a path not
    /// listed gets the broker's 404 for an unknown server.
    pub broker: Vec<BrokerReply>,
}

/// One answer of the fake broker.
#[derive(Debug, Clone)]
pub struct BrokerReply {
    /// The path after `/proxy` (`/status/mcp-test/weather`).
    pub path: String,
    /// HTTP code.
    pub code: u16,
    /// Body.
    pub body: String,
}

/// A fault for the requests `on` matches, the first `times` of them (0 = every one).
#[derive(Debug, Clone)]
pub struct Fault {
    pub on: Deny,
    pub what: FaultKind,
    pub times: usize,
}

/// What goes wrong.
#[derive(Debug, Clone)]
pub enum FaultKind {
    /// Answer late.
    Delay(std::time::Duration),
    /// Answer with this status (429, 500, ...).
    Status(u16),
    /// Start the answer, then drop the connection.
    Drop,
    /// Answer a request with a `continue` token with 410 Gone (the token expired).
    GoneOnContinue,
    /// Serve the objects with this apiVersion instead of the requested one.
    Version(&'static str),
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tls: false,
            token: "test-token-0123".into(),
            resources: all_resources(),
            deny: Vec::new(),
            legacy_discovery: false,
            page_size: 500,
            fail: Vec::new(),
            faults: Vec::new(),
            broker: Vec::new(),
        }
    }
}

struct Inner {
    opts: Options,
    /// What is served; `FakeApiServer::apply` swaps in a new list (a controller acting).
    objects: std::sync::RwLock<Arc<Vec<Value>>>,
    log: Mutex<Vec<String>>,
    /// How often each fault has fired.
    fired: Mutex<Vec<usize>>,
    /// Body bytes sent for API requests.
    bytes: std::sync::atomic::AtomicUsize,
    /// (start, end) in ms since the server started, and the request: shows what ran concurrently.
    timeline: Mutex<Vec<(f64, f64, String)>>,
    started: std::time::Instant,
    /// Requests being answered now, and the most there ever were at once.
    in_flight: std::sync::atomic::AtomicUsize,
    max_in_flight: std::sync::atomic::AtomicUsize,
}

/// A running fake API server and the kubeconfig that points at it.
pub struct FakeApiServer {
    pub url: String,
    pub kubeconfig: PathBuf,
    inner: Arc<Inner>,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FakeApiServer {
    /// Starts a server for `objects` (objects without a namespace go to `default`).
    pub fn start(objects: Vec<Value>, opts: Options) -> FakeApiServer {
        let objects = objects.into_iter().filter(|o| o.is_object()).map(|o| defaulted(o, &opts)).collect();
        let dir = tempfile::tempdir().unwrap();
        let fired = Mutex::new(vec![0; opts.faults.len()]);
        let inner = Arc::new(Inner {
            opts: opts.clone(),
            objects: std::sync::RwLock::new(Arc::new(objects)),
            log: Mutex::new(Vec::new()),
            fired,
            bytes: Default::default(),
            timeline: Mutex::new(Vec::new()),
            in_flight: Default::default(),
            max_in_flight: Default::default(),
            started: std::time::Instant::now(),
        });
        let app = Router::new().fallback(handle).with_state(Arc::clone(&inner));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let tls = if opts.tls { Some(certificates(&dir)) } else { None };
        let tls_files = tls.clone();
        std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                std_listener.set_nonblocking(true).unwrap();
                addr_tx.send(std_listener.local_addr().unwrap()).unwrap();
                match tls_files {
                    Some((_, cert, key)) => {
                        let _ = rustls::crypto::ring::default_provider().install_default();
                        let config =
                            axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await.unwrap();
                        let handle = axum_server::Handle::new();
                        let h = handle.clone();
                        tokio::spawn(async move {
                            let _ = stop_rx.await;
                            h.shutdown();
                        });
                        axum_server::from_tcp_rustls(std_listener, config)
                            .unwrap()
                            .handle(handle)
                            .serve(app.into_make_service())
                            .await
                            .unwrap();
                    }
                    None => {
                        let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                        axum::serve(listener, app)
                            .with_graceful_shutdown(async move {
                                let _ = stop_rx.await;
                            })
                            .await
                            .unwrap();
                    }
                }
            });
        });
        let addr = addr_rx.recv().unwrap();
        let scheme = if opts.tls { "https" } else { "http" };
        let url = format!("{scheme}://{addr}");
        let kubeconfig = dir.path().join("kubeconfig");
        let ca_line = tls
            .as_ref()
            .map_or(String::new(), |(ca, _, _)| format!("    certificate-authority: {}\n", ca.display()));
        std::fs::write(
            &kubeconfig,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {url}\n{ca_line}users:\n- name: tester\n  user:\n    token: {}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: tester\n    namespace: default\ncurrent-context: fake\n",
                opts.token
            ),
        )
        .unwrap();
        FakeApiServer { url, kubeconfig, inner, _dir: dir, shutdown: Some(stop_tx) }
    }

    /// Adds `object`, or replaces the one of the same kind, namespace and name, as `kubectl
    /// apply` would: later requests see it.
    pub fn apply(&self, object: Value) {
        let object = defaulted(object, &self.inner.opts);
        let key = |o: &Value| {
            (o["kind"].clone(), o["metadata"]["namespace"].clone(), o["metadata"]["name"].clone())
        };
        let mut served = self.inner.objects.write().unwrap();
        let mut objects: Vec<Value> = served.iter().filter(|o| key(o) != key(&object)).cloned().collect();
        objects.push(object);
        *served = Arc::new(objects);
    }

    /// Every request answered so far (`GET path?query`).
    pub fn requests(&self) -> Vec<String> {
        self.inner.log.lock().unwrap().clone()
    }

    /// The most requests the server was answering at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.inner.max_in_flight.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// `object` with the namespace the API server would give it (`default` for a namespaced kind).
fn defaulted(mut o: Value, opts: &Options) -> Value {
    let namespaced =
        opts.resources.iter().find(|r| Some(r.kind) == o["kind"].as_str()).is_none_or(|r| r.namespaced);
    if namespaced && o["metadata"]["namespace"].as_str().is_none_or(str::is_empty) {
        o["metadata"]["namespace"] = json!("default");
    }
    o
}

/// A CA and a server certificate for 127.0.0.1, written as PEM files: (ca, cert, key).
fn certificates(dir: &tempfile::TempDir) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "fake-apiserver-ca");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.subject_alt_names.push(SanType::IpAddress(std::net::IpAddr::from([127, 0, 0, 1])));
    let cert = params.signed_by(&key, &issuer).unwrap();
    let paths = (dir.path().join("ca.pem"), dir.path().join("server.pem"), dir.path().join("server-key.pem"));
    std::fs::write(&paths.0, ca_cert.pem()).unwrap();
    std::fs::write(&paths.1, cert.pem()).unwrap();
    std::fs::write(&paths.2, key.serialize_pem()).unwrap();
    paths
}

fn json_response(code: StatusCode, body: Value) -> Response {
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn status(code: u16, reason: &str, message: String) -> Response {
    json_response(
        StatusCode::from_u16(code).unwrap(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code}),
    )
}

fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

fn query_map(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(State(inner): State<Arc<Inner>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let headers: HeaderMap = req.headers().clone();
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    if auth != format!("Bearer {}", inner.opts.token) {
        return status(401, "Unauthorized", "Unauthorized".into());
    }
    if path == "/_stats" {
        let log = inner.log.lock().unwrap().clone();
        let bytes = inner.bytes.load(std::sync::atomic::Ordering::SeqCst);
        let total: usize = inner.objects.read().unwrap().iter().map(|o| o.to_string().len()).sum();
        let timeline: Vec<String> = inner
            .timeline
            .lock()
            .unwrap()
            .iter()
            .map(|(a, b, l)| format!("{a:9.1} {b:9.1} ms  {l}"))
            .collect();
        return json_response(
            StatusCode::OK,
            json!({"requests": log.len(), "bytes": bytes, "clusterBytes": total, "log": log, "timeline": timeline}),
        );
    }
    let line = if query.is_empty() { format!("GET {path}") } else { format!("GET {path}?{query}") };
    inner.log.lock().unwrap().push(line.clone());
    let start = inner.started.elapsed().as_secs_f64() * 1000.0;
    if req.method() != axum::http::Method::GET {
        return status(405, "MethodNotAllowed", "the fake API server only answers GET".into());
    }
    use std::sync::atomic::Ordering::SeqCst;
    let now = inner.in_flight.fetch_add(1, SeqCst) + 1;
    inner.max_in_flight.fetch_max(now, SeqCst);
    let response = answer(&inner, &path, &query, &headers).await;
    inner.in_flight.fetch_sub(1, SeqCst);
    let sent = axum::body::HttpBody::size_hint(response.body()).exact().unwrap_or(0) as usize;
    inner.bytes.fetch_add(sent, std::sync::atomic::Ordering::SeqCst);
    let end = inner.started.elapsed().as_secs_f64() * 1000.0;
    inner.timeline.lock().unwrap().push((start, end, line));
    response
}

async fn answer(inner: &Inner, path: &str, query: &str, headers: &HeaderMap) -> Response {
    let opts = &inner.opts;
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    match segs.as_slice() {
        ["version"] => {
            json_response(StatusCode::OK, json!({"major": "1", "minor": "32", "gitVersion": "v1.32.0-fake"}))
        }
        ["api"] => json_response(
            StatusCode::OK,
            json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
        ),
        ["apis"] => discovery(opts, accept),
        ["api", v] => resource_list(opts, "", v),
        ["apis", g, v] => resource_list(opts, g, v),
        ["api", "v1", "namespaces", ns, "services", service, "proxy", rest @ ..] => {
            proxy(inner, ns, service, rest)
        }
        ["api", v, rest @ ..] => objects(inner, "", v, rest, query, accept).await,
        ["apis", g, v, rest @ ..] => objects(inner, g, v, rest, query, accept).await,
        _ => status(404, "NotFound", "the server could not find the requested resource".into()),
    }
}

/// The service proxy, as kube-apiserver answers it: 403 without `get services/proxy`, 404 for a
/// Service that does not exist, 503 for one without a ready endpoint; else the broker's answer.
fn proxy(inner: &Inner, ns: &str, service: &str, rest: &[&str]) -> Response {
    let opts = &inner.opts;
    let name = service.split(':').next().unwrap_or(service);
    if opts
        .deny
        .iter()
        .any(|d| d.verb == "get" && d.plural == "services/proxy" && d.namespace.is_none_or(|n| n == ns))
    {
        let message = format!(
            "services \"{name}\" is forbidden: User \"system:serviceaccount:team-a:dev\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"{ns}\""
        );
        return status(403, "Forbidden", message);
    }
    let served = Arc::clone(&inner.objects.read().unwrap());
    let in_ns = |o: &&Value, kind: &str| o["kind"] == kind && o["metadata"]["namespace"] == ns;
    if !served.iter().any(|o| in_ns(&o, "Service") && o["metadata"]["name"] == name) {
        return json_response(
            StatusCode::NOT_FOUND,
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": format!("services \"{name}\" not found"), "reason": "NotFound", "details": {"name": name, "kind": "services"}, "code": 404}),
        );
    }
    let ready = served.iter().filter(|o| in_ns(o, "EndpointSlice")).any(|o| {
        o["metadata"]["labels"]["kubernetes.io/service-name"] == name
            && o["endpoints"].as_array().is_some_and(|e| e.iter().any(|e| e["conditions"]["ready"] != false))
    });
    if !ready {
        return status(503, "ServiceUnavailable", format!("no endpoints available for service \"{name}\""));
    }
    let path = format!("/{}", rest.join("/"));
    match opts.broker.iter().find(|r| r.path == path) {
        Some(r) => Response::builder()
            .status(StatusCode::from_u16(r.code).unwrap())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r.body.clone()))
            .unwrap(),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(format!("Server '{}' not found in status", path.trim_start_matches("/status/"))))
            .unwrap(),
    }
}

fn groups(opts: &Options) -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in opts.resources.iter().filter(|r| !r.group.is_empty()) {
        let v = out.entry(r.group).or_default();
        if !v.contains(&r.version) {
            v.push(r.version);
        }
    }
    out
}

fn discovery(opts: &Options, accept: &str) -> Response {
    let groups = groups(opts);
    if accept.contains("as=APIGroupDiscoveryList") && !opts.legacy_discovery {
        let items: Vec<Value> = groups
            .iter()
            .map(|(g, versions)| {
                json!({"metadata": {"name": g}, "versions": versions.iter().map(|v| json!({
                    "version": v,
                    "resources": opts.resources.iter().filter(|r| r.group == *g && r.version == *v).map(|r| json!({
                        "resource": r.plural, "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
                        "scope": if r.namespaced { "Namespaced" } else { "Cluster" }, "verbs": ["get", "list", "watch"]
                    })).collect::<Vec<_>>(),
                    "freshness": "Current"
                })).collect::<Vec<_>>()})
            })
            .collect();
        let body = json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items});
        // client-go decides by the content type that this is aggregated discovery.
        return Response::builder()
            .status(StatusCode::OK)
            .header(
                header::CONTENT_TYPE,
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            )
            .body(Body::from(body.to_string()))
            .unwrap();
    }
    let list: Vec<Value> = groups
        .iter()
        .map(|(g, versions)| {
            json!({"name": g, "versions": versions.iter().map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v})).collect::<Vec<_>>(),
                   "preferredVersion": {"groupVersion": format!("{g}/{}", versions[0]), "version": versions[0]}})
        })
        .collect();
    json_response(StatusCode::OK, json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": list}))
}

fn resource_list(opts: &Options, group: &str, version: &str) -> Response {
    let resources: Vec<Value> = opts
        .resources
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .map(|r| json!({"name": r.plural, "singularName": r.kind.to_lowercase(), "namespaced": r.namespaced, "kind": r.kind, "verbs": ["get", "list", "watch"]}))
        .collect();
    if resources.is_empty() {
        return status(404, "NotFound", "the server could not find the requested resource".into());
    }
    let gv = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    json_response(
        StatusCode::OK,
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
    )
}

async fn objects(
    inner: &Inner,
    group: &str,
    version: &str,
    rest: &[&str],
    query: &str,
    accept: &str,
) -> Response {
    let opts = &inner.opts;
    let (namespace, plural, name) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return status(404, "NotFound", "the server could not find the requested resource".into()),
    };
    let Some(r) =
        opts.resources.iter().find(|r| r.group == group && r.version == version && r.plural == plural)
    else {
        return status(404, "NotFound", "the server could not find the requested resource".into());
    };
    let verb = if name.is_some() { "get" } else { "list" };
    let full = if group.is_empty() { plural.to_string() } else { format!("{plural}.{group}") };
    if opts
        .deny
        .iter()
        .any(|d| d.verb == verb && d.plural == plural && d.namespace.is_none_or(|n| Some(n) == namespace))
    {
        let scope =
            namespace.map_or(" at the cluster scope".to_string(), |ns| format!(" in the namespace \"{ns}\""));
        let subject = name.map_or(String::new(), |n| format!(" \"{n}\""));
        return status(
            403,
            "Forbidden",
            format!(
                "{full}{subject} is forbidden: User \"system:serviceaccount:team-a:dev\" cannot {verb} resource \"{plural}\" in API group \"{group}\"{scope}"
            ),
        );
    }
    if let Some((_, code)) = opts.fail.iter().find(|(d, _)| {
        d.verb == verb && d.plural == plural && d.namespace.is_none_or(|n| Some(n) == namespace)
    }) {
        return status(*code, "InternalError", format!("injected failure for {verb} {full}"));
    }
    let q = query_map(query);
    let mut version_override = None;
    let fault = {
        let mut fired = inner.fired.lock().unwrap();
        opts.faults.iter().enumerate().find_map(|(i, f)| {
            let matches = f.on.verb == verb
                && f.on.plural == plural
                && f.on.namespace.is_none_or(|n| Some(n) == namespace);
            let applies = match f.what {
                FaultKind::GoneOnContinue => q.contains_key("continue"),
                _ => true,
            };
            if matches && applies && (f.times == 0 || fired[i] < f.times) {
                fired[i] += 1;
                Some(f.what.clone())
            } else {
                None
            }
        })
    };
    match fault {
        Some(FaultKind::Delay(d)) => tokio::time::sleep(d).await,
        Some(FaultKind::Status(code)) => return status(code, "InternalError", format!("injected {code} for {verb} {full}")),
        Some(FaultKind::GoneOnContinue) => return status(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.".into()),
        Some(FaultKind::Drop) => {
            let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> =
                vec![Ok(axum::body::Bytes::from_static(b"{\"kind\":\"List\",\"items\":[")), Err(std::io::Error::other("connection dropped"))];
            return Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .unwrap();
        }
        Some(FaultKind::Version(v)) => version_override = Some(v),
        None => {}
    }
    let api_version = match version_override {
        Some(v) => v.to_string(),
        None if group.is_empty() => version.to_string(),
        None => format!("{group}/{version}"),
    };
    let served = Arc::clone(&inner.objects.read().unwrap());
    let matching = served.iter().filter(|o| {
        group_of(o["apiVersion"].as_str().unwrap_or("")) == group
            && o["kind"] == r.kind
            && (!r.namespaced || namespace.is_none_or(|ns| o["metadata"]["namespace"] == ns))
            && name.is_none_or(|n| o["metadata"]["name"] == n)
            && q.get("labelSelector").is_none_or(|sel| {
                sel.split(',').all(|req| match req.split_once('=') {
                    Some((k, v)) => o["metadata"]["labels"][k] == v,
                    None => o["metadata"]["labels"].get(req).is_some(),
                })
            })
            && q.get("fieldSelector").is_none_or(|sel| match sel.split_once('=') {
                Some(("metadata.name", v)) => o["metadata"]["name"] == v,
                Some(("metadata.namespace", v)) => o["metadata"]["namespace"] == v,
                _ => true,
            })
    });
    let convert = |o: &Value| {
        let mut o = o.clone();
        o["apiVersion"] = json!(api_version);
        o
    };
    if let Some(name) = name {
        return match matching.map(convert).next() {
            Some(o) => json_response(StatusCode::OK, o),
            None => status(404, "NotFound", format!("{full} \"{name}\" not found")),
        };
    }
    let mut items: Vec<Value> = matching.map(convert).collect();
    if accept.contains("as=PartialObjectMetadataList") {
        // As the API server does: each item's metadata only, typed meta.k8s.io/v1.
        let items: Vec<Value> = items
            .iter()
            .map(|o| json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": o["metadata"]}))
            .collect();
        let list = json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "12345"}, "items": items});
        return json_response(StatusCode::OK, list);
    }
    items.sort_by_key(|o| {
        (
            o["metadata"]["namespace"].as_str().unwrap_or("").to_string(),
            o["metadata"]["name"].as_str().unwrap_or("").to_string(),
        )
    });
    if group.is_empty() || group == "discovery.k8s.io" {
        // Built-in lists carry apiVersion and kind on the list, not on the items.
        for item in &mut items {
            if let Some(map) = item.as_object_mut() {
                map.remove("apiVersion");
                map.remove("kind");
            }
        }
    }
    let limit =
        q.get("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(usize::MAX).min(opts.page_size).max(1);
    let start = match q.get("continue") {
        Some(token) => match token.strip_prefix("page-").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n,
            None => return status(400, "BadRequest", "invalid continue token".into()),
        },
        None => 0,
    };
    let end = (start + limit).min(items.len());
    let page: Vec<Value> = items[start.min(items.len())..end].to_vec();
    let mut metadata = json!({"resourceVersion": "12345"});
    if end < items.len() {
        metadata["continue"] = json!(format!("page-{end}"));
        metadata["remainingItemCount"] = json!(items.len() - end);
    }
    json_response(
        StatusCode::OK,
        json!({"kind": format!("{}List", r.kind), "apiVersion": api_version, "metadata": metadata, "items": page}),
    )
}
