//! The live cluster: kubeconfig as kubectl reads it, discovery, then targeted reads of one chain
//! outward (GETs and namespace-scoped LISTs, concurrently, wave after wave) or, with `-A`, one
//! paginated LIST per kind. 403s and failed reads are recorded, not fatal; an unreachable server,
//! a TLS failure or a 401 is. Secret values are dropped as soon as they arrive.

use super::discovery::{ApiResource, Discovery, groups};
use super::plan::{self, Need};
use crate::model::Kind;
use crate::model::objref::{KINDS, ScanRead};
use crate::model::refs::SERVICE_NAME_LABEL;
use crate::model::release::{self, Clue};
use crate::snapshot::{Blocked, RawObject, Search, Selection, Snapshot};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

/// How to reach the cluster and what to read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--kubeconfig`.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`.
    pub context: Option<String>,
    /// `--cluster`.
    pub cluster: Option<String>,
    /// `--user`.
    pub user: Option<String>,
    /// `-n`; the context's namespace when absent.
    pub namespace: Option<String>,
    /// `-A`.
    pub all_namespaces: bool,
    /// The registration to diagnose.
    pub name: Option<String>,
    /// Keep each object as read, for renderers that print objects.
    pub keep_raw: bool,
    /// `-l`: passed to the LIST of registrations.
    pub selector: Option<String>,
    /// `--request-timeout`.
    pub request_timeout: Duration,
    /// Also read the API server's version (for the markdown header).
    pub want_version: bool,
    /// For `dump`: read every mcp-gateway CRD the cluster serves and keep the install objects, so
    /// that the dump tells releases apart as the live read does.
    pub dump: bool,
    /// `--what-if`: objects laid over what is read, as `kubectl apply` would (they win).
    pub overlay: Vec<RawObject>,
}

/// Why the cluster could not be used at all (exit code 2).
#[derive(Debug, Error)]
pub enum ClusterError {
    /// The kubeconfig could not be loaded.
    #[error("cannot load the kubeconfig: {0}")]
    Config(String),
    /// Connection refused, DNS failure, timeout.
    #[error("cannot reach the Kubernetes API server at {server}: {cause}")]
    Unreachable {
        /// Server URL.
        server: String,
        /// Cause.
        cause: String,
    },
    /// The TLS handshake failed.
    #[error("TLS error talking to {server}: {cause}")]
    Tls {
        /// Server URL.
        server: String,
        /// Cause.
        cause: String,
    },
    /// 401.
    #[error(
        "the API server at {server} rejected the credentials of the kubeconfig (401 Unauthorized): {message}"
    )]
    Unauthorized {
        /// Server URL.
        server: String,
        /// What the server said.
        message: String,
    },
    /// A CRD the diagnosis cannot do without is not served.
    #[error("{0}")]
    NotInstalled(String),
}

/// What was read.
#[derive(Debug, Default)]
pub struct ClusterRead {
    /// Every object read, decoded as it arrived (the JSON is not kept), with the kinds read and
    /// the reads that were refused or failed.
    pub snapshot: Snapshot,
    /// Namespace given to objects without one.
    default_ns: String,
    /// Context name.
    pub context: String,
    /// Server URL.
    pub server: String,
    /// The namespace the diagnosis is scoped to (`None` with `-A`).
    pub namespace: Option<String>,
    /// Served API versions of the doctor's kinds.
    pub apis: BTreeMap<String, Vec<String>>,
    /// `gitVersion` of the API server, when asked for.
    pub kubernetes_version: Option<String>,
    /// With -A, once the routes are read: the only Service names worth keeping.
    backend_names: Option<BTreeSet<String>>,
    /// For `dump`: the CRDs and controller Deployments read to tell releases apart, reduced to
    /// what tells them apart (`release::install_evidence`).
    pub install: Vec<Value>,
}

impl ClusterRead {
    /// Decodes a listed item into the snapshot unless it is a Service (or an EndpointSlice of one)
    /// no route sends traffic to: those are dropped after reading only their name and labels.
    fn keep_listed(&mut self, res: &ApiResource, item: &RawValue) {
        if let Some(names) = &self.backend_names
            && matches!(
                (res.group.as_str(), res.kind.as_str()),
                ("", "Service") | ("discovery.k8s.io", "EndpointSlice")
            )
        {
            #[derive(serde::Deserialize, Default)]
            struct Head {
                #[serde(default)]
                metadata: HeadMeta,
            }
            #[derive(serde::Deserialize, Default)]
            struct HeadMeta {
                #[serde(default)]
                name: String,
                #[serde(default)]
                labels: BTreeMap<String, String>,
            }
            let head: Head = serde_json::from_str(item.get()).unwrap_or_default();
            let service = match res.kind.as_str() {
                "Service" => Some(&head.metadata.name),
                _ => head.metadata.labels.get(SERVICE_NAME_LABEL),
            };
            if service.is_none_or(|s| !names.contains(s)) {
                return;
            }
        }
        if let Some(value) = listed(res, item) {
            self.keep(value);
        }
    }

    /// Decodes an object into the snapshot (which drops Secret values) unless an earlier read
    /// already returned it.
    fn keep(&mut self, value: Value) {
        let at = |p: &str| value.pointer(p).and_then(Value::as_str).unwrap_or_default();
        let (api_version, kind) = (at("/apiVersion"), at("/kind"));
        if !self.snapshot.holds(api_version, kind, at("/metadata/namespace"), at("/metadata/name")) {
            self.snapshot.extend(std::iter::once(RawObject { value, origin: None }), &self.default_ns);
        }
    }
}

/// The outcome of one request after retries.
enum Fetched<T = Value> {
    Ok(T),
    NotFound,
    /// 410: a list's `continue` token expired.
    Gone(String),
    Forbidden(String),
    Failed(String),
}

impl<T> Fetched<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetched<U> {
        match self {
            Fetched::Ok(t) => Fetched::Ok(f(t)),
            Fetched::NotFound => Fetched::NotFound,
            Fetched::Gone(m) => Fetched::Gone(m),
            Fetched::Forbidden(m) => Fetched::Forbidden(m),
            Fetched::Failed(m) => Fetched::Failed(m),
        }
    }
}

#[derive(Clone)]
struct Fetcher {
    client: Client,
    timeout: Duration,
    server: String,
    /// Shared by every copy: at most `MAX_IN_FLIGHT` requests at once, so that a scan naming
    /// thousands of Secrets does not open thousands of connections to the API server.
    permits: Arc<tokio::sync::Semaphore>,
}

/// The most requests the doctor has in flight at once (client-go's default burst is 10).
const MAX_IN_FLIGHT: usize = 16;

impl Fetcher {
    fn new(client: Client, timeout: Duration, server: String) -> Fetcher {
        Fetcher { client, timeout, server, permits: Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)) }
    }
}

/// A list of objects' metadata only (`PartialObjectMetadataList`), else the full objects.
const ACCEPT_METADATA: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
const ACCEPT_AGGREGATED: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
const ATTEMPTS: u32 = 3;

impl Fetcher {
    /// GETs `path`; retries 429, 5xx, timeouts and dropped connections with backoff.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        accept: &str,
    ) -> Result<Fetched<T>, ClusterError> {
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(150 * 2u64.pow(attempt - 1))).await;
            }
            let request = http::Request::get(path).header(http::header::ACCEPT, accept).body(Vec::new());
            let request =
                request.map_err(|e| ClusterError::Config(format!("bad request path {path}: {e}")))?;
            let permit = self.permits.acquire().await;
            let result = tokio::time::timeout(self.timeout, self.client.request_text(request)).await;
            drop(permit);
            let error = match result {
                Err(_) => {
                    last = format!("no answer within {}s", self.timeout.as_secs_f64());
                    continue;
                }
                Ok(Ok(text)) => {
                    return Ok(match serde_json::from_str(&text) {
                        Ok(v) => Fetched::Ok(v),
                        Err(e) => Fetched::Failed(format!("the answer to GET {path} is not JSON: {e}")),
                    });
                }
                Ok(Err(e)) => e,
            };
            match error {
                kube::Error::Api(status) => match status.code {
                    401 => {
                        return Err(ClusterError::Unauthorized {
                            server: self.server.clone(),
                            message: status.message.clone(),
                        });
                    }
                    403 => return Ok(Fetched::Forbidden(status.message.clone())),
                    404 => return Ok(Fetched::NotFound),
                    410 => return Ok(Fetched::Gone(status.message.clone())),
                    429 | 500..=599 => last = format!("HTTP {} {}", status.code, status.message),
                    code => return Ok(Fetched::Failed(format!("HTTP {code} {}", status.message))),
                },
                other => {
                    let cause = chain(&other);
                    if is_tls(&cause) {
                        return Err(ClusterError::Tls { server: self.server.clone(), cause });
                    }
                    last = cause;
                }
            }
        }
        Ok(Fetched::Failed(format!("{last} (after {ATTEMPTS} attempts)")))
    }

    /// LISTs a collection with pagination, returning the items with apiVersion/kind filled in.
    async fn list(&self, res: &ApiResource, query: &Query<'_>) -> Result<Fetched, ClusterError> {
        let mut items = Vec::new();
        let mut collect = |page: Vec<Box<RawValue>>| items.extend(page.iter().filter_map(|i| listed(res, i)));
        match self.list_pages(res, query, &mut collect).await? {
            Fetched::Ok(_) => Ok(Fetched::Ok(Value::Array(items))),
            other => Ok(other),
        }
    }

    /// LISTs a collection page by page, handing each page's items, as JSON text, to `on_page` as
    /// it arrives (`listed` decodes one); `Fetched::Ok(Null)` when the list completed. Items are
    /// not decoded here, so that those the reader drops are never built.
    async fn list_pages(
        &self,
        res: &ApiResource,
        query: &Query<'_>,
        on_page: &mut (dyn FnMut(Vec<Box<RawValue>>) + Send),
    ) -> Result<Fetched, ClusterError> {
        let mut cont: Option<String> = None;
        let mut restarted = false;
        let accept = if query.metadata_only { ACCEPT_METADATA } else { "application/json" };
        loop {
            let mut params = vec!["limit=500".to_string()];
            if let Some(sel) = query.labels {
                params.push(format!("labelSelector={}", encode(sel)));
            }
            if let Some(name) = query.name {
                params.push(format!("fieldSelector={}", encode(&format!("metadata.name={name}"))));
            }
            if let Some(c) = &cont {
                params.push(format!("continue={}", encode(c)));
            }
            let path = format!("{}?{}", res.path(query.namespace), params.join("&"));
            match self.get::<Page>(&path, accept).await? {
                Fetched::Ok(page) => {
                    on_page(page.items.unwrap_or_default());
                    cont = page.metadata.cont.filter(|c| !c.is_empty());
                    if cont.is_none() {
                        return Ok(Fetched::Ok(Value::Null));
                    }
                }
                // The continue token expired (410): start the list over, once.
                Fetched::Gone(_) if cont.is_some() && !restarted => {
                    // Items already handed over are read again; the reader keeps one copy.
                    restarted = true;
                    cont = None;
                }
                Fetched::Gone(message) => return Ok(Fetched::Failed(format!("HTTP 410 {message}"))),
                other => return Ok(other.map(|_| Value::Null)),
            }
        }
    }
}

/// What a LIST asks for.
#[derive(Debug, Clone, Copy, Default)]
struct Query<'a> {
    /// `None`: every namespace.
    namespace: Option<&'a str>,
    /// `labelSelector`.
    labels: Option<&'a str>,
    /// `fieldSelector=metadata.name=`.
    name: Option<&'a str>,
    /// Only each object's metadata (a search for Secrets: their data never travels).
    metadata_only: bool,
}

/// One page of a LIST.
#[derive(serde::Deserialize)]
struct Page {
    items: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    metadata: PageMeta,
}

#[derive(serde::Deserialize, Default)]
struct PageMeta {
    #[serde(rename = "continue")]
    cont: Option<String>,
}

/// A listed item as an object, with the apiVersion and kind a list's items lack filled in.
fn listed(res: &ApiResource, item: &RawValue) -> Option<Value> {
    let mut value: Value = serde_json::from_str(item.get()).ok()?;
    if let Some(map) = value.as_object_mut() {
        if map.get("kind").and_then(Value::as_str) == Some("PartialObjectMetadata") {
            map.remove("kind");
            map.remove("apiVersion");
        }
        map.entry("apiVersion").or_insert_with(|| Value::String(res.api_version()));
        map.entry("kind").or_insert_with(|| Value::String(res.kind.clone()));
    }
    Some(value)
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The error and its causes, joined by ": ", without repeating a cause the parent already says.
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn is_tls(cause: &str) -> bool {
    let c = cause.to_ascii_lowercase();
    ["certificate", "tls", "handshake", "unknownissuer", "invalidcertificate"].iter().any(|k| c.contains(k))
}

/// Loads the kubeconfig the way kubectl does (`--kubeconfig`, `KUBECONFIG`, `~/.kube/config`,
/// then in-cluster), with `--context`, `--cluster` and `--user` applied.
async fn load_config(opts: &Options) -> Result<(Config, String), ClusterError> {
    let options = KubeConfigOptions {
        context: opts.context.clone(),
        cluster: opts.cluster.clone(),
        user: opts.user.clone(),
    };
    let kubeconfig = match &opts.kubeconfig {
        Some(path) => Some(
            Kubeconfig::read_from(path)
                .map_err(|e| ClusterError::Config(format!("{}: {}", path.display(), chain(&e))))?,
        ),
        None => match Kubeconfig::read() {
            Ok(k) => Some(k),
            Err(e) => {
                if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
                    None
                } else {
                    return Err(ClusterError::Config(format!(
                        "{} (set KUBECONFIG or pass --kubeconfig; to diagnose files instead, pass -f PATH)",
                        chain(&e)
                    )));
                }
            }
        },
    };
    match kubeconfig {
        Some(k) => {
            let context = opts.context.clone().or_else(|| k.current_context.clone()).unwrap_or_default();
            let config = Config::from_custom_kubeconfig(k, &options)
                .await
                .map_err(|e| ClusterError::Config(chain(&e)))?;
            Ok((config, context))
        }
        None => Config::incluster()
            .map(|c| (c, "in-cluster".to_string()))
            .map_err(|e| ClusterError::Config(chain(&e))),
    }
}

/// A connection to the API server, its discovery done: what `--wait` reads through again round
/// after round, and what `read` reads through once.
pub struct Session {
    fetcher: Arc<Fetcher>,
    discovery: Discovery,
    context: String,
    server: String,
    /// The namespace the diagnosis is scoped to (`None` with `-A`).
    namespace: Option<String>,
    /// What the first read learned about the release (install objects and clues): a rollout
    /// does not change the release, so later reads reuse it.
    release: Option<(Vec<Value>, Vec<Clue>)>,
    /// `gitVersion` of the API server, once asked for.
    kubernetes_version: Option<Option<String>>,
    /// From the last full read: the reads of a kind served by several API groups that answered
    /// nothing while another group answered (`Round::Lite` skips them).
    quiet: BTreeSet<Asked>,
}

/// One read of one resource: the need and the resource (`apiVersion/plural`) it went to.
type Asked = (Need, String);

/// How much a `Session::read` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Everything a one-shot diagnosis reads.
    Full,
    /// For `--wait`'s rounds between the first and the last: no searches for misplaced objects
    /// (they never change a verdict) and no other-group reads that answered nothing last time.
    Lite,
}

impl Round {
    /// Whether this round reads `need` at all.
    fn asks(self, need: &Need) -> bool {
        self == Round::Full || !matches!(need, Need::Find(_))
    }
}

/// Connects: the kubeconfig, one discovery, and the check that the needed CRDs are served.
pub async fn connect(opts: &Options) -> Result<Session, ClusterError> {
    let (mut config, context) = load_config(opts).await?;
    config.connect_timeout = Some(opts.request_timeout);
    config.read_timeout = Some(opts.request_timeout);
    config.write_timeout = Some(opts.request_timeout);
    config.default_retry = false;
    let server = config.cluster_url.to_string().trim_end_matches('/').to_string();
    let namespace = if opts.all_namespaces {
        None
    } else {
        Some(opts.namespace.clone().unwrap_or_else(|| config.default_namespace.clone()))
    };
    let client = Client::try_from(config).map_err(|e| ClusterError::Config(chain(&e)))?;
    let fetcher = Arc::new(Fetcher::new(client, opts.request_timeout, server.clone()));
    let discovery = discover(&fetcher).await?;
    check_installed(&discovery)?;
    Ok(Session {
        fetcher,
        discovery,
        context,
        server,
        namespace,
        release: None,
        kubernetes_version: None,
        quiet: BTreeSet::new(),
    })
}

/// Connects and reads what the diagnosis of `opts` needs; `permits` decides ReferenceGrants for
/// the planner.
pub async fn read(opts: &Options, permits: plan::Permits) -> Result<ClusterRead, ClusterError> {
    connect(opts).await?.read(opts, permits, Round::Full).await
}

impl Session {
    /// Reads what the diagnosis of `opts` needs, wave after wave as the planner asks.
    pub async fn read(
        &mut self,
        opts: &Options,
        permits: plan::Permits,
        round: Round,
    ) -> Result<ClusterRead, ClusterError> {
        let namespace = self.namespace.clone();
        let selector = opts.selector.as_deref().and_then(|s| crate::model::selector::Selector::parse(s).ok());
        let scope = Selection { name: opts.name.clone(), namespace: namespace.clone(), selector };
        let default_ns = namespace.clone().unwrap_or_else(|| "default".into());
        let mut out = ClusterRead {
            context: self.context.clone(),
            server: self.server.clone(),
            namespace: namespace.clone(),
            apis: self.discovery.served(),
            snapshot: Snapshot::build_with(Vec::new(), &default_ns, opts.keep_raw),
            default_ns,
            ..ClusterRead::default()
        };
        out.snapshot.lookups.live = true;
        // What-if objects go in first: a read of the same object is then dropped (`keep`), and the
        // planner reads what they point at.
        let overlay = super::whatif::lay(&mut out.snapshot, opts.overlay.clone(), &out.default_ns);
        out.kubernetes_version = self.kubernetes_version(opts.want_version).await?;
        let mut wave = first_wave(opts, &namespace);
        let mut listed_all = listed_everywhere(&wave);
        // With -A, listed in the second wave, once the routes are known (see `backend_names`).
        let after_routes = || KINDS.into_iter().filter(|k| k.scan_read() == ScanRead::ListAfterRoutes);
        if opts.all_namespaces {
            listed_all.extend(after_routes());
        }
        // With -A, Services and EndpointSlices are listed once the routes say which ones matter.
        let mut backends_to_list = opts.all_namespaces;
        self.keep_release(&mut out);
        let mut done: BTreeSet<Need> = BTreeSet::new();
        let skip = if round == Round::Lite { std::mem::take(&mut self.quiet) } else { BTreeSet::new() };
        let mut quiet = BTreeSet::new();
        for _ in 0..8 {
            let todo: Vec<Need> = wave.into_iter().filter(|n| !done.contains(n) && round.asks(n)).collect();
            if todo.is_empty() {
                break;
            }
            quiet.extend(self.fetch_with_release(opts, &todo, &mut out, &skip).await?);
            done.extend(todo);
            wave = plan::needs(&out.snapshot, &scope, permits)
                .into_iter()
                .filter(|n| !listed_all.contains(&n.kind()))
                .collect();
            if std::mem::take(&mut backends_to_list) {
                out.backend_names = Some(plan::backend_service_names(&out.snapshot));
                for kind in after_routes() {
                    wave.insert(Need::List { kind, namespace: None, label_selector: None, group: None });
                }
            }
        }
        // A lite round keeps what the last full one found quiet.
        self.quiet = if round == Round::Lite { skip } else { quiet };
        super::whatif::forget_touched_status(&mut out.snapshot, &overlay);
        Ok(out)
    }

    /// Fetches a wave; the first wave of the first read goes with the reads that tell releases
    /// apart (later reads reuse what those found).
    async fn fetch_with_release(
        &mut self,
        opts: &Options,
        todo: &[Need],
        out: &mut ClusterRead,
        skip: &BTreeSet<Asked>,
    ) -> Result<BTreeSet<Asked>, ClusterError> {
        let (fetcher, discovery) = (&self.fetcher, &self.discovery);
        if self.release.is_none() {
            let reads = release_reads(fetcher, discovery, opts.dump);
            let (reads, wave) = tokio::join!(reads, fetch_wave(fetcher, discovery, todo, out, skip));
            let quiet = wave?;
            let release = reads?;
            if opts.dump {
                out.install = release.0.iter().map(release::install_evidence).collect();
            }
            self.release = Some(release);
            self.keep_release(out);
            return Ok(quiet);
        }
        fetch_wave(fetcher, discovery, todo, out, skip).await
    }

    /// Puts what the release reads found (install objects, clues) into `out`.
    fn keep_release(&self, out: &mut ClusterRead) {
        let Some((objects, notes)) = &self.release else { return };
        objects.iter().cloned().for_each(|o| out.keep(o));
        out.snapshot.release_clues.extend(notes.iter().cloned());
    }

    /// `--probe`: asks each broker about its targets, every broker at once; the answers by
    /// registration.
    pub async fn probe(
        &self,
        targets: Vec<super::probe::Target>,
    ) -> BTreeMap<(String, String), crate::snapshot::BrokerAnswer> {
        let mut by_broker: BTreeMap<String, Vec<super::probe::Target>> = BTreeMap::new();
        for target in targets {
            by_broker.entry(target.service_namespace.clone()).or_default().push(target);
        }
        let mut set = tokio::task::JoinSet::new();
        for targets in by_broker.into_values() {
            let client = self.fetcher.client.clone();
            set.spawn(async move { super::probe::ask(&client, &targets).await });
        }
        let mut answers = BTreeMap::new();
        while let Some(joined) = set.join_next().await {
            answers.extend(joined.into_iter().flatten());
        }
        answers
    }

    /// The API server's `gitVersion` when wanted, read once.
    async fn kubernetes_version(&mut self, wanted: bool) -> Result<Option<String>, ClusterError> {
        if !wanted {
            return Ok(None);
        }
        if self.kubernetes_version.is_none() {
            let version = match self.fetcher.get::<Value>("/version", "application/json").await? {
                Fetched::Ok(v) => v.get("gitVersion").and_then(Value::as_str).map(str::to_string),
                _ => None,
            };
            self.kubernetes_version = Some(version);
        }
        Ok(self.kubernetes_version.clone().flatten())
    }
}

/// The first wave: the registration (or the registrations' LIST); with -A, every kind at once.
fn first_wave(opts: &Options, namespace: &Option<String>) -> BTreeSet<Need> {
    let mut wave: BTreeSet<Need> = BTreeSet::new();
    match (&opts.name, namespace) {
        (Some(name), Some(ns)) => {
            wave.insert(Need::Get { kind: Kind::Registration, namespace: ns.clone(), name: name.clone() });
        }
        (_, ns) => {
            let label_selector = opts.selector.clone();
            wave.insert(Need::List {
                kind: Kind::Registration,
                namespace: ns.clone(),
                label_selector,
                group: None,
            });
        }
    }
    if opts.all_namespaces {
        for kind in KINDS.into_iter().filter(|k| k.scan_read() == ScanRead::ListFirst) {
            wave.insert(Need::List { kind, namespace: None, label_selector: None, group: None });
        }
    }
    wave
}

/// The kinds a wave lists whole (every namespace, no selector): the planner need not ask again.
fn listed_everywhere(wave: &BTreeSet<Need>) -> BTreeSet<Kind> {
    wave.iter()
        .filter_map(|n| match n {
            Need::List { kind, namespace: None, label_selector: None, group: None } => Some(*kind),
            _ => None,
        })
        .collect()
}

/// The reads that tell apart the releases the served API versions leave open, when the doctor's
/// rules differ between them: the CRD whose schema differs, and the controller Deployment where
/// only its image tells (`mcp-gateway-versions.md` §3e). At most two requests; what cannot be
/// read becomes a line of evidence, never an error.
async fn release_reads(
    fetcher: &Fetcher,
    discovery: &Discovery,
    every_crd: bool,
) -> Result<(Vec<Value>, Vec<Clue>), ClusterError> {
    let (candidates, _) = release::narrow(release::api_clues(&discovery.served(), release::Apis::Served));
    let not_read = |what: String, why: &str| Clue {
        releases: crate::model::Releases::ALL,
        evidence: format!("{what} not read: {why}"),
        strength: release::Strength::Written,
    };
    // A dump carries every mcp-gateway CRD: their served versions stand in for discovery.
    let names: Vec<String> = if every_crd {
        let mut names: Vec<String> = [Kind::Registration, Kind::Extension]
            .iter()
            .flat_map(|k| discovery.resources_for(*k))
            .map(|r| format!("{}.{}", r.plural, r.group))
            .collect();
        names.sort();
        names.dedup();
        names
    } else {
        release::crd_to_read(candidates).map(str::to_string).into_iter().collect()
    };
    let crd = async {
        // Concurrently, in name order (a dump reads every mcp-gateway CRD).
        let mut set = tokio::task::JoinSet::new();
        for (i, name) in names.iter().enumerate() {
            let (fetcher, name) = (fetcher.clone(), name.clone());
            set.spawn(async move {
                let path = format!("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}");
                let answer = fetcher.get::<Value>(&path, "application/json").await;
                (i, name, answer)
            });
        }
        let mut answers = Vec::new();
        while let Some(joined) = set.join_next().await {
            answers.extend(joined.ok());
        }
        answers.sort_by_key(|(i, ..)| *i);
        let (mut objects, mut notes) = (Vec::new(), Vec::new());
        for (_, name, answer) in answers {
            let what = format!("CRD {name}");
            match answer? {
                Fetched::Ok(v) => objects.push(v),
                Fetched::Forbidden(_) => {
                    notes.push(not_read(what, "forbidden (get customresourcedefinitions)"))
                }
                Fetched::NotFound => notes.push(not_read(what, "not found")),
                Fetched::Gone(m) | Fetched::Failed(m) => notes.push(not_read(what, &m)),
            }
        }
        Ok((objects, notes))
    };
    let controller = async {
        if !release::controller_tells_apart(candidates) {
            return Ok((Vec::new(), None));
        }
        let res = ApiResource {
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            plural: "deployments".into(),
            namespaced: true,
        };
        let what = format!("controller Deployment ({})", release::CONTROLLER_SELECTOR);
        Ok(
            match fetcher
                .list(&res, &Query { labels: Some(release::CONTROLLER_SELECTOR), ..Query::default() })
                .await?
            {
                Fetched::Ok(Value::Array(items)) => (items, None),
                Fetched::Ok(_) | Fetched::NotFound => (Vec::new(), None),
                Fetched::Forbidden(_) => (Vec::new(), Some(not_read(what, "forbidden (list deployments)"))),
                Fetched::Gone(m) | Fetched::Failed(m) => (Vec::new(), Some(not_read(what, &m))),
            },
        )
    };
    let (crd, controller): (Result<_, ClusterError>, Result<_, ClusterError>) = tokio::join!(crd, controller);
    let ((crds, mut notes), (mut objects, note)) = (crd?, controller?);
    objects.extend(crds);
    notes.extend(note);
    Ok((objects, notes))
}

/// Discovery: aggregated v2 in one request, else the legacy documents of the doctor's groups.
async fn discover(fetcher: &Fetcher) -> Result<Discovery, ClusterError> {
    let doc = match fetcher.get::<Value>("/apis", ACCEPT_AGGREGATED).await {
        Ok(Fetched::Ok(doc)) => doc,
        Ok(Fetched::Forbidden(m)) => {
            return Err(ClusterError::NotInstalled(format!("API discovery (GET /apis) is forbidden: {m}")));
        }
        Ok(Fetched::NotFound) => {
            return Err(ClusterError::NotInstalled(
                "the server does not serve /apis: is this a Kubernetes API server?".into(),
            ));
        }
        Ok(Fetched::Failed(cause) | Fetched::Gone(cause)) => {
            return Err(ClusterError::Unreachable { server: fetcher.server.clone(), cause });
        }
        Err(e) => return Err(e),
    };
    if doc.get("kind").and_then(Value::as_str) == Some("APIGroupDiscoveryList") {
        return Ok(Discovery::from_aggregated(&doc));
    }
    let mut discovery = Discovery::from_group_list(&doc);
    let mut set = tokio::task::JoinSet::new();
    for group in groups() {
        for version in discovery.groups.get(group).cloned().unwrap_or_default() {
            let path = format!("/apis/{group}/{version}");
            let fetcher_path = path.clone();
            let f = fetcher.clone();
            set.spawn(async move {
                (group.to_string(), version, f.get::<Value>(&fetcher_path, "application/json").await)
            });
        }
    }
    let mut lists = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok((group, version, result)) = joined
            && let Fetched::Ok(doc) = result?
        {
            lists.push((group, version, doc));
        }
    }
    lists.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    for (group, version, doc) in lists {
        discovery.add_resource_list(&group, &version, &doc);
    }
    Ok(discovery)
}

/// Stops with a clear paragraph when the Gateway API or every registration CRD is missing.
fn check_installed(d: &Discovery) -> Result<(), ClusterError> {
    if d.resources_for(Kind::HttpRoute).is_empty() || d.resources_for(Kind::Gateway).is_empty() {
        return Err(ClusterError::NotInstalled(
            "the Gateway API is not installed in this cluster: the API server serves no gateway.networking.k8s.io HTTPRoute or Gateway, so no MCP server can be routed. Install the Gateway API CRDs (and a controller such as Istio), then check with `kubectl api-resources --api-group=gateway.networking.k8s.io`.".into(),
        ));
    }
    if d.resources_for(Kind::Registration).is_empty() {
        return Err(ClusterError::NotInstalled(
            "the mcp-gateway is not installed in this cluster: the API server serves no MCPServerRegistration (mcp.kuadrant.io or mcp.kagenti.com) and no MCPServer. Install the mcp-gateway CRDs and controller, then check with `kubectl api-resources --api-group=mcp.kuadrant.io`.".into(),
        ));
    }
    Ok(())
}

/// Fetches one wave of needs concurrently and records the results.
async fn fetch_wave(
    fetcher: &Arc<Fetcher>,
    discovery: &Discovery,
    needs: &[Need],
    out: &mut ClusterRead,
    skip: &BTreeSet<Asked>,
) -> Result<BTreeSet<Asked>, ClusterError> {
    let mut set = tokio::task::JoinSet::new();
    // Pages go to the snapshot as they arrive, so a list of thousands is never held whole.
    let (pages, mut arrived) = tokio::sync::mpsc::unbounded_channel::<(ApiResource, Vec<Box<RawValue>>)>();
    for need in needs {
        let group = match need {
            Need::List { group, .. } => group.as_deref(),
            _ => None,
        };
        for res in discovery.resources_for(need.kind()).into_iter().filter(|r| {
            group.is_none_or(|g| r.group == g) && !skip.contains(&(need.clone(), resource_key(r)))
        }) {
            let (fetcher, need, pages) = (Arc::clone(fetcher), need.clone(), pages.clone());
            set.spawn(async move {
                let mut answered = 0usize;
                let mut send = |items: Vec<Box<RawValue>>| {
                    answered += items.len();
                    let _ = pages.send((res.clone(), items));
                };
                let result = match &need {
                    Need::Get { namespace, name, .. } => {
                        let ns = Some(namespace.as_str()).filter(|n| !n.is_empty());
                        fetcher.get::<Value>(&format!("{}/{name}", res.path(ns)), "application/json").await
                    }
                    Need::List { namespace, label_selector, .. } => {
                        let labels = label_selector.as_deref();
                        let query = Query { namespace: namespace.as_deref(), labels, ..Query::default() };
                        fetcher.list_pages(&res, &query, &mut send).await
                    }
                    Need::Find(search) => {
                        let query = Query {
                            namespace: search.namespace.as_deref(),
                            name: search.name.as_deref(),
                            metadata_only: search.kind == Kind::Secret,
                            ..Query::default()
                        };
                        fetcher.list_pages(&res, &query, &mut send).await
                    }
                };
                let answered =
                    answered > 0 || matches!(result, Ok(Fetched::Ok(_)) if matches!(need, Need::Get { .. }));
                (need, res, result, answered)
            });
        }
    }
    drop(pages);
    let mut results = Vec::new();
    loop {
        tokio::select! {
            Some((res, items)) = arrived.recv() => {
                items.iter().for_each(|item| out.keep_listed(&res, item));
            }
            joined = set.join_next() => match joined {
                Some(Ok(r)) => results.push(r),
                Some(Err(_)) => {}
                None => break,
            },
        }
    }
    while let Ok((res, items)) = arrived.try_recv() {
        items.iter().for_each(|item| out.keep_listed(&res, item));
    }
    // Completion order is random; keep the snapshot independent of it.
    results
        .sort_by(|a, b| (&a.0, a.1.api_version(), &a.1.plural).cmp(&(&b.0, b.1.api_version(), &b.1.plural)));
    let quiet = quiet_reads(&results);
    for (need, res, result, _) in results {
        record(out, &need, &res, result?);
    }
    Ok(quiet)
}

/// `apiVersion/plural`: which resource a read went to.
fn resource_key(res: &ApiResource) -> String {
    format!("{}/{}", res.api_version(), res.plural)
}

/// The reads that answered nothing while a read of the same need from another API group
/// answered: in a rollout, the kind lives in the group that answered.
fn quiet_reads<R>(results: &[(Need, ApiResource, R, bool)]) -> BTreeSet<Asked> {
    let answered: BTreeSet<&Need> = results.iter().filter(|r| r.3).map(|r| &r.0).collect();
    results
        .iter()
        .filter(|(need, _, _, said)| !said && answered.contains(need))
        .map(|(need, res, _, _)| (need.clone(), resource_key(res)))
        .collect()
}

/// Records what a search answered: the objects arrived as pages; a refusal means "not looked".
fn record_search(
    lookups: &mut crate::snapshot::Lookups,
    search: &Search,
    res: &ApiResource,
    result: Fetched,
) {
    let place =
        search.namespace.as_ref().map_or("across namespaces".to_string(), |ns| format!("in namespace {ns}"));
    let refusal = match result {
        Fetched::Ok(_) | Fetched::NotFound => None,
        Fetched::Forbidden(_) => Some(format!("forbidden to list {} {place}", res.plural)),
        Fetched::Gone(m) | Fetched::Failed(m) => Some(format!("list {} {place} failed: {m}", res.plural)),
    };
    if refusal.is_none() && search.name.is_none() {
        lookups.listed.insert((search.kind, search.namespace.clone().unwrap_or_default()));
    }
    // One refused resource of the kind is enough to say the search was incomplete.
    let entry = lookups.searched.entry(search.clone()).or_default();
    *entry = entry.take().or(refusal);
}

/// Records what one read of `need` answered: the object, that it was not there, or why the read
/// was refused or failed.
fn record(out: &mut ClusterRead, need: &Need, res: &ApiResource, result: Fetched) {
    let kind = need.kind();
    let (namespace, name, verb) = match need {
        Need::Get { namespace, name, .. } => (Some(namespace.clone()), Some(name.clone()), "get"),
        Need::List { namespace, .. } => (namespace.clone(), None, "list"),
        Need::Find(search) => return record_search(&mut out.snapshot.lookups, search, res, result),
    };
    let lookups = &mut out.snapshot.lookups;
    match result {
        Fetched::Ok(value) => {
            out.snapshot.kinds_present.insert(kind);
            if let Need::List { namespace, label_selector: None, .. } = need {
                lookups.listed.insert((kind, namespace.clone().unwrap_or_default()));
            }
            if let Value::Object(mut map) = value {
                map.entry("apiVersion").or_insert_with(|| Value::String(res.api_version()));
                map.entry("kind").or_insert_with(|| Value::String(res.kind.clone()));
                out.keep(Value::Object(map));
            }
        }
        Fetched::NotFound if name.is_some() => {
            out.snapshot.kinds_present.insert(kind);
            lookups.not_found.insert((kind, namespace.unwrap_or_default(), name.unwrap_or_default()));
        }
        Fetched::NotFound => {
            let message = format!(
                "the API server does not serve {} of {} (404): a CRD installed but not served?",
                res.plural,
                res.api_version()
            );
            out.snapshot.blocked.push(blocked(kind, res, namespace, name, verb, false, message))
        }
        Fetched::Forbidden(message) => {
            out.snapshot.blocked.push(blocked(kind, res, namespace, name, verb, true, message))
        }
        Fetched::Gone(message) | Fetched::Failed(message) => {
            out.snapshot.blocked.push(blocked(kind, res, namespace, name, verb, false, message))
        }
    }
}

fn blocked(
    kind: Kind,
    res: &ApiResource,
    namespace: Option<String>,
    name: Option<String>,
    verb: &'static str,
    forbidden: bool,
    message: String,
) -> Blocked {
    Blocked {
        kind,
        namespace: namespace.unwrap_or_default(),
        name,
        verb,
        group: res.group.clone(),
        resource: res.plural.clone(),
        forbidden,
        message,
    }
}

/// Names for shell completion: registrations in the namespace, or namespaces. Best effort: any
/// failure gives no candidates, and reads are bounded by a short timeout.
pub fn complete_names(opts: &Options, namespaces: bool) -> Vec<String> {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return Vec::new();
    };
    runtime.block_on(async {
        let Ok((mut config, _)) = load_config(opts).await else { return Vec::new() };
        config.connect_timeout = Some(opts.request_timeout);
        config.read_timeout = Some(opts.request_timeout);
        config.default_retry = false;
        let namespace = opts.namespace.clone().unwrap_or_else(|| config.default_namespace.clone());
        let server = config.cluster_url.to_string();
        let Ok(client) = Client::try_from(config) else { return Vec::new() };
        let fetcher = Fetcher::new(client, opts.request_timeout, server);
        let resources = if namespaces {
            vec![ApiResource {
                group: String::new(),
                version: "v1".into(),
                kind: "Namespace".into(),
                plural: "namespaces".into(),
                namespaced: false,
            }]
        } else {
            match discover(&fetcher).await {
                Ok(d) => d.resources_for(Kind::Registration),
                Err(_) => return Vec::new(),
            }
        };
        let mut names = BTreeSet::new();
        for res in resources {
            if let Ok(Fetched::Ok(Value::Array(items))) =
                fetcher.list(&res, &Query { namespace: Some(&namespace), ..Query::default() }).await
            {
                names.extend(
                    items.iter().filter_map(|i| {
                        i.pointer("/metadata/name").and_then(Value::as_str).map(str::to_string)
                    }),
                );
            }
        }
        names.into_iter().collect()
    })
}
