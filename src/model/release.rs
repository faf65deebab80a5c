//! mcp-gateway releases: the one place that knows which release serves which API generation and
//! how each registration rule changed between releases (`mcp-gateway-versions.md` §2), sets of
//! candidate releases, and the fingerprints install objects carry (CRDs, the controller
//! Deployment: §3a, §3b).

use super::registration::Generation;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// One upstream tag of Kuadrant/mcp-gateway, oldest first; `Main` is unreleased code.
#[allow(missing_docs)] // the variants are the tags
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Release {
    V0_1,
    V0_1_1,
    V0_1_2,
    V0_2,
    V0_3,
    V0_4,
    V0_4_1,
    V0_4_2,
    V0_5_0,
    V0_5_1,
    V0_6_0,
    V0_6_1,
    V0_7_0,
    V0_7_1,
    V0_8_0,
    V0_9_0,
    Main,
}

use Release::*;

/// Every release, oldest first.
pub const RELEASES: [Release; 17] = [
    V0_1, V0_1_1, V0_1_2, V0_2, V0_3, V0_4, V0_4_1, V0_4_2, V0_5_0, V0_5_1, V0_6_0, V0_6_1, V0_7_0, V0_7_1,
    V0_8_0, V0_9_0, Main,
];

/// How a release's controller finds the MCPGatewayExtension of a registration (§2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExtensionRule {
    /// No extension is consulted (the CRD is missing, or ignored as on v0.4.2).
    NotConsulted,
    /// v0.5.0: an extension targets the whole Gateway (its schema has no `sectionName`).
    WholeGateway,
    /// v0.5.1+: an extension targets one listener; the route must attach to its port.
    Listener,
}

impl Release {
    /// The upstream tag (`v0.4.2`, `main`).
    pub fn tag(self) -> &'static str {
        match self {
            V0_1 => "v0.1",
            V0_1_1 => "v0.1.1",
            V0_1_2 => "v0.1.2",
            V0_2 => "v0.2",
            V0_3 => "v0.3",
            V0_4 => "v0.4",
            V0_4_1 => "v0.4.1",
            V0_4_2 => "v0.4.2",
            V0_5_0 => "v0.5.0",
            V0_5_1 => "v0.5.1",
            V0_6_0 => "v0.6.0",
            V0_6_1 => "v0.6.1",
            V0_7_0 => "v0.7.0",
            V0_7_1 => "v0.7.1",
            V0_8_0 => "v0.8.0",
            V0_9_0 => "v0.9.0",
            Main => "main",
        }
    }

    /// A tag as a user or an image tag spells it: `v0.5.1`, `0.5.1`, `v0.6.1-rc1`, `v0.2.0`.
    pub fn parse(text: &str) -> Option<Release> {
        let t = text.trim();
        if t == "main" || t == "latest" {
            return (t == "main").then_some(Main);
        }
        let t = t.strip_prefix('v').unwrap_or(t);
        let t = t.split(['-', '+']).next().unwrap_or(t);
        let mut parts: Vec<&str> = t.split('.').collect();
        // `v0.1.0` is the tag `v0.1`; `0.5` is `v0.5.0`.
        while parts.len() > 2 && parts.last() == Some(&"0") {
            parts.pop();
        }
        let short = parts.join(".");
        RELEASES.iter().copied().find(|r| {
            let Some(tag) = r.tag().strip_prefix('v') else { return false };
            tag == short || tag.strip_suffix(".0") == Some(short.as_str())
        })
    }

    /// The API generations whose objects this release's controller acts on (§1).
    pub fn serves(self, generation: Generation) -> bool {
        generation.releases().contains(self)
    }

    /// How the controller finds the registration's extension.
    pub fn extension_rule(self) -> ExtensionRule {
        match self {
            _ if self <= V0_4_2 => ExtensionRule::NotConsulted,
            V0_5_0 => ExtensionRule::WholeGateway,
            _ => ExtensionRule::Listener,
        }
    }

    /// The apiVersion of this release's MCPGatewayExtension (v0.4.2+).
    pub fn extension_api_version(self) -> &'static str {
        match self {
            _ if self <= V0_5_1 => "mcp.kagenti.com/v1alpha1",
            _ if self <= V0_7_1 => "mcp.kuadrant.io/v1alpha1",
            _ => "mcp.kuadrant.io/v1",
        }
    }

    /// The label a credential Secret must carry (`=true`), `None` when none is checked (§2.5).
    pub fn credential_label(self) -> Option<&'static str> {
        match self {
            V0_1 | V0_1_1 => None,
            _ if self <= V0_5_0 => Some("mcp.kagenti.com/credential"),
            V0_5_1 => Some("mcp.kuadrant.io/credential"),
            _ => Some("mcp.kuadrant.io/secret"),
        }
    }

    /// The label a CA Secret must carry (v0.7.0+, where `caCertSecretRef` exists).
    pub fn ca_label(self) -> Option<&'static str> {
        (self >= V0_7_0).then_some("mcp.kuadrant.io/secret")
    }

    /// Whether a route must have exactly one rule and one backendRef (v0.4.2+); before, the first
    /// rule and backendRef are used and the rest is ignored (§2.2).
    pub fn one_rule_one_backend(self) -> bool {
        self >= V0_4_2
    }

    /// The spec field that holds the tool prefix (`toolPrefix` up to v0.6.1, `prefix` after).
    pub fn prefix_field(self) -> &'static str {
        if self <= V0_6_1 { "toolPrefix" } else { "prefix" }
    }

    /// Whether `Ready` reflects the broker's connection to the server (up to v0.7.1); from v0.8.0
    /// it only means "config written" (§2.7).
    pub fn ready_reflects_broker(self) -> bool {
        self <= V0_7_1
    }

    /// Whether `spec.state` exists (v0.7.0+; pruned before).
    pub fn has_state(self) -> bool {
        self >= V0_7_0
    }

    /// Whether `spec.caCertSecretRef` exists (v0.7.0+; pruned before).
    pub fn has_ca_cert_ref(self) -> bool {
        self >= V0_7_0
    }

    /// The broker Service whose `/status/<ns>/<registration>` answers for a registration, in the
    /// namespace of the extension that serves it: `mcp-gateway:8080`, which the controller creates
    /// from v0.5.1 (mcp-gateway.md §5; the install's own broker Service before, not looked up).
    pub fn broker_status_service(self) -> Option<(&'static str, u16)> {
        (self >= V0_5_1).then_some(("mcp-gateway", 8080))
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A set of releases (the candidates an input can be, or the ones a rule breaks on).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Releases(u32);

impl Releases {
    /// Every release.
    pub const ALL: Releases = Releases((1 << RELEASES.len()) - 1);
    /// No release.
    pub const NONE: Releases = Releases(0);

    /// One release.
    pub fn only(r: Release) -> Releases {
        Releases(1 << r as u32)
    }

    /// `from` to `to`, both included.
    pub fn range(from: Release, to: Release) -> Releases {
        Releases::ALL.filter(|r| from <= r && r <= to)
    }

    /// `from` and every later release (main included).
    pub fn from(from: Release) -> Releases {
        Releases::range(from, Main)
    }

    /// The releases for which `keep` holds.
    pub fn filter(self, keep: impl Fn(Release) -> bool) -> Releases {
        Releases(self.iter().filter(|r| keep(*r)).fold(0, |acc, r| acc | 1 << r as u32))
    }

    /// Whether `r` is in the set.
    pub fn contains(self, r: Release) -> bool {
        self.0 & (1 << r as u32) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Both sets.
    pub fn and(self, other: Releases) -> Releases {
        Releases(self.0 & other.0)
    }

    /// Either set.
    pub fn or(self, other: Releases) -> Releases {
        Releases(self.0 | other.0)
    }

    /// This set without `other`.
    pub fn minus(self, other: Releases) -> Releases {
        Releases(self.0 & !other.0)
    }

    /// The releases, oldest first.
    pub fn iter(self) -> impl Iterator<Item = Release> {
        RELEASES.into_iter().filter(move |r| self.contains(*r))
    }

    /// The newest release of the set.
    pub fn newest(self) -> Option<Release> {
        self.iter().last()
    }

    /// The tags, oldest first (`metadata.mcpGateway.candidates`).
    pub fn tags(self) -> Vec<&'static str> {
        self.iter().map(Release::tag).collect()
    }

    /// Contiguous runs of the set, oldest first.
    fn runs(self) -> Vec<(Release, Release)> {
        let mut runs: Vec<(Release, Release)> = Vec::new();
        for r in self.iter() {
            match runs.last_mut() {
                Some((_, last)) if RELEASES.get(*last as usize + 1) == Some(&r) => *last = r,
                _ => runs.push((r, r)),
            }
        }
        runs
    }
}

impl fmt::Display for Releases {
    /// `v0.5.1+`, `v0.4.2–v0.5.0`, `v0.5.0`, `v0.1–v0.4.1, v0.6.0+`; `no release` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("no release");
        }
        let parts: Vec<String> = self
            .runs()
            .into_iter()
            .map(|(a, b)| match (a, b) {
                (a, Main) if a != Main => format!("{a}+"),
                (a, b) if a == b => a.to_string(),
                (a, b) if RELEASES.get(a as usize + 1) == Some(&b) => format!("{a}, {b}"),
                (a, b) => format!("{a}–{b}"),
            })
            .collect();
        f.write_str(&parts.join(", "))
    }
}

impl fmt::Debug for Releases {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Releases({self})")
    }
}

impl Generation {
    /// The releases that serve this generation (§1; v0.8.0 and v0.9.0 serve both kuadrant
    /// versions, main no longer serves v1alpha1).
    pub fn releases(self) -> Releases {
        match self {
            Generation::KagentiMcpServer => Releases::range(V0_1, V0_4_1),
            Generation::KagentiRegistration => Releases::range(V0_4_2, V0_5_1),
            Generation::KuadrantV1alpha1 => Releases::range(V0_6_0, V0_9_0),
            Generation::KuadrantV1 => Releases::from(V0_8_0),
        }
    }
}

/// One piece of evidence about the release: the releases it allows and what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clue {
    /// The releases consistent with it.
    pub releases: Releases,
    /// What it rests on, for `metadata.mcpGateway.evidence`.
    pub evidence: String,
    /// How much it is trusted: clues are applied strongest first, and one that contradicts the
    /// stronger ones is set aside.
    pub strength: Strength,
}

/// How much a clue is trusted, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// `--mcp-gateway-version`.
    Pinned,
    /// The controller Deployment's version label or image tag.
    Controller,
    /// A CRD's served versions or schema.
    Crd,
    /// The API versions served or used.
    Api,
    /// Finalizers and status strings the controllers wrote.
    Written,
}

/// The clue an install object gives: a mcp-gateway CRD or the controller Deployment.
pub fn fingerprint(object: &Value) -> Option<Clue> {
    let kind = object.get("kind").and_then(Value::as_str)?;
    match kind {
        "CustomResourceDefinition" => crd_clue(object),
        "Deployment" => controller_clue(object),
        _ => None,
    }
}

/// An install object (a CRD or the controller Deployment) reduced to what `fingerprint` reads,
/// for a dump: a CRD's versions and the shape of its schema (no documentation), a Deployment's
/// name, labels and images (never its environment).
pub fn install_evidence(object: &Value) -> Value {
    let meta = |keys: &[&str]| {
        let m = object.get("metadata").and_then(Value::as_object);
        let kept: serde_json::Map<String, Value> =
            keys.iter().filter_map(|k| Some((k.to_string(), m?.get(*k)?.clone()))).collect();
        Value::Object(kept)
    };
    let head = |spec: Value, metadata: Value| serde_json::json!({"apiVersion": object["apiVersion"], "kind": object["kind"], "metadata": metadata, "spec": spec});
    match str_at(object, "/kind") {
        "CustomResourceDefinition" => {
            let versions: Vec<Value> = object
                .pointer("/spec/versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|v| {
                    let schema = schema_shape(v.pointer("/schema/openAPIV3Schema").unwrap_or(&Value::Null));
                    serde_json::json!({"name": v["name"], "served": v["served"], "storage": v["storage"],
                        "schema": {"openAPIV3Schema": schema}})
                })
                .collect();
            let spec = serde_json::json!({"group": object.pointer("/spec/group"), "names": object.pointer("/spec/names"),
                "scope": object.pointer("/spec/scope"), "versions": versions});
            head(spec, meta(&["name"]))
        }
        _ => {
            let containers: Vec<Value> = object
                .pointer("/spec/template/spec/containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| serde_json::json!({"name": c["name"], "image": c["image"]}))
                .collect();
            head(
                serde_json::json!({"template": {"spec": {"containers": containers}}}),
                meta(&["name", "namespace", "labels"]),
            )
        }
    }
}

/// A schema's types and property names, without descriptions, defaults or validations.
fn schema_shape(schema: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(t) = schema.get("type") {
        out.insert("type".into(), t.clone());
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let shaped = props.iter().map(|(k, v)| (k.clone(), schema_shape(v))).collect();
        out.insert("properties".into(), Value::Object(shaped));
    }
    if let Some(items) = schema.get("items") {
        out.insert("items".into(), schema_shape(items));
    }
    Value::Object(out)
}

fn str_at<'v>(v: &'v Value, pointer: &str) -> &'v str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// Whether `spec.versions[*].schema` of a CRD has a property at `path` (dot-separated, from the
/// object's root: `spec.prefix`).
fn crd_has(crd: &Value, path: &str) -> bool {
    let versions = crd.pointer("/spec/versions").and_then(Value::as_array);
    versions.into_iter().flatten().any(|v| {
        let mut at = v.pointer("/schema/openAPIV3Schema");
        for part in path.split('.') {
            at = at.and_then(|s| s.pointer(&format!("/properties/{part}")));
        }
        at.is_some()
    })
}

fn crd_clue(crd: &Value) -> Option<Clue> {
    let name = str_at(crd, "/metadata/name");
    let served: Vec<&str> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| v.get("served").and_then(Value::as_bool).unwrap_or(true))
        .filter_map(|v| v.get("name").and_then(Value::as_str))
        .collect();
    let (releases, why) = match name {
        "mcpserverregistrations.mcp.kuadrant.io" => {
            match (served.contains(&"v1"), served.contains(&"v1alpha1")) {
                (true, false) => (Releases::only(Main), "serves v1 but no longer v1alpha1".to_string()),
                (true, true) => (Releases::range(V0_8_0, V0_9_0), "serves v1 and v1alpha1".to_string()),
                _ if crd_has(crd, "spec.prefix") => {
                    (Releases::range(V0_7_0, V0_7_1), "serves v1alpha1 with spec.prefix".into())
                }
                _ => (Releases::range(V0_6_0, V0_6_1), "serves v1alpha1 with spec.toolPrefix".into()),
            }
        }
        "mcpgatewayextensions.mcp.kuadrant.io" if crd_has(crd, "spec.maxBodyBytes") => {
            (Releases::only(Main), "has spec.maxBodyBytes".to_string())
        }
        "mcpgatewayextensions.mcp.kuadrant.io" => (Releases::range(V0_6_0, V0_9_0), "exists".to_string()),
        "mcpgatewayextensions.mcp.kagenti.com" if crd_has(crd, "spec.targetRef.sectionName") => {
            (Releases::only(V0_5_1), "has spec.targetRef.sectionName".to_string())
        }
        "mcpgatewayextensions.mcp.kagenti.com" => {
            (Releases::range(V0_4_2, V0_5_0), "has no spec.targetRef.sectionName".to_string())
        }
        "mcpserverregistrations.mcp.kagenti.com" => (Releases::range(V0_4_2, V0_5_1), "exists".to_string()),
        "mcpservers.mcp.kagenti.com" => {
            if crd.pointer("/metadata/annotations/controller-gen.kubebuilder.io~1version").is_none() {
                (Releases::only(V0_1), "has no controller-gen annotation".to_string())
            } else if crd.pointer("/spec/versions/0/additionalPrinterColumns").is_none() {
                (Releases::only(V0_1_1), "has no printer columns".to_string())
            } else {
                (Releases::range(V0_1_2, V0_4_1), "has printer columns".to_string())
            }
        }
        _ => return None,
    };
    Some(Clue { releases, evidence: format!("CRD {name} {why}"), strength: Strength::Crd })
}

/// The controller Deployment: Helm's `app.kubernetes.io/version`, else the image tag.
fn controller_clue(deploy: &Value) -> Option<Clue> {
    let name = str_at(deploy, "/metadata/name");
    let containers = deploy.pointer("/spec/template/spec/containers").and_then(Value::as_array)?;
    let image = containers.iter().map(|c| str_at(c, "/image")).find(|i| {
        i.contains("/mcp-controller:") || (i.contains("kagenti/mcp-gateway:") && name.contains("controller"))
    })?;
    let what = format!("controller Deployment {}/{name}", str_at(deploy, "/metadata/namespace"));
    let label = str_at(deploy, "/metadata/labels/app.kubernetes.io~1version");
    if let Some(r) = Release::parse(label) {
        let evidence = format!("{what} has label app.kubernetes.io/version={label}");
        return Some(Clue { releases: Releases::only(r), evidence, strength: Strength::Controller });
    }
    let tag = image.rsplit_once(':').map_or("", |(_, t)| t);
    let releases = match Release::parse(tag) {
        Some(r) => Releases::only(r),
        // `:latest`: the image name still tells the controller's era apart (§3b).
        None if image.contains("kagenti/mcp-gateway:") => Releases::range(V0_1, V0_4_1),
        None => Releases::from(V0_4_2),
    };
    Some(Clue { releases, evidence: format!("{what} runs {image}"), strength: Strength::Controller })
}

/// Where the API versions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apis {
    /// Discovery: the list of served versions is complete.
    Served,
    /// The objects in the input: a version not seen may still be served.
    Used,
}

/// The releases that serve an MCP `apiVersion` and kind.
fn api_releases(api_version: &str, kind: &str) -> Option<Releases> {
    if let Some(generation) = Generation::of(api_version, kind) {
        return Some(generation.releases());
    }
    (kind == "MCPGatewayExtension").then_some(())?;
    Some(match api_version {
        "mcp.kagenti.com/v1alpha1" => Releases::range(V0_4_2, V0_5_1),
        "mcp.kuadrant.io/v1alpha1" => Releases::range(V0_6_0, V0_9_0),
        "mcp.kuadrant.io/v1" => Releases::from(V0_8_0),
        _ => return None,
    })
}

/// Clues from the API versions of the MCP kinds. Served (discovery) versions are complete, so
/// `mcp.kuadrant.io` serving v1 without v1alpha1 means main, and v1alpha1 alone v0.6.0–v0.7.1.
pub fn api_clues(apis: &BTreeMap<String, Vec<String>>, how: Apis) -> Vec<Clue> {
    let mut out = Vec::new();
    for kind in ["MCPServerRegistration", "MCPServer", "MCPGatewayExtension"] {
        let versions = apis.get(kind).map(Vec::as_slice).unwrap_or_default();
        let (kuadrant, other): (Vec<&String>, Vec<&String>) =
            versions.iter().partition(|v| v.starts_with("mcp.kuadrant.io/"));
        let verb = if how == Apis::Served { "the API server serves" } else { "the input holds" };
        for v in other {
            if let Some(releases) = api_releases(v, kind) {
                out.push(Clue { releases, evidence: format!("{verb} {v} {kind}"), strength: Strength::Api });
            }
        }
        if kuadrant.is_empty() {
            continue;
        }
        // Only the registration CRD's served versions are documented release by release (§1).
        let releases = if how == Apis::Served && kind == "MCPServerRegistration" {
            let has = |v: &str| kuadrant.iter().any(|k| k.ends_with(v));
            match (has("/v1"), has("/v1alpha1")) {
                (true, true) => Releases::range(V0_8_0, V0_9_0),
                (true, false) => Releases::only(Main),
                _ => Releases::range(V0_6_0, V0_7_1),
            }
        } else {
            kuadrant.iter().filter_map(|v| api_releases(v, kind)).fold(Releases::ALL, Releases::and)
        };
        let list: Vec<&str> = kuadrant.iter().map(|s| s.as_str()).collect();
        out.push(Clue {
            releases,
            evidence: format!("{verb} {} {kind}", list.join(" and ")),
            strength: Strength::Api,
        });
    }
    out
}

/// Applies clues strongest first (within a strength, the newest API first: old CRDs and
/// objects linger after an upgrade); a clue that contradicts the stronger ones is set aside and
/// said so. Returns the candidates and the evidence, one line per clue.
pub fn narrow(mut clues: Vec<Clue>) -> (Releases, Vec<String>) {
    clues.sort_by_key(|c| (c.strength, std::cmp::Reverse(c.releases.newest())));
    clues.dedup();
    let mut candidates = Releases::ALL;
    let mut evidence = Vec::new();
    for clue in clues {
        let both = candidates.and(clue.releases);
        if both.is_empty() {
            evidence
                .push(format!("{} → {} (set aside: it contradicts the above)", clue.evidence, clue.releases));
        } else {
            candidates = both;
            evidence.push(format!("{} → {}", clue.evidence, clue.releases));
        }
    }
    if evidence.is_empty() {
        evidence.push("nothing read tells the release".into());
    }
    (candidates, evidence)
}

/// The rules the doctor applies differently between releases, as one comparable value.
fn rules(r: Release) -> impl PartialEq {
    (
        r.extension_rule(),
        r.credential_label(),
        r.one_rule_one_backend(),
        r.prefix_field(),
        r.ready_reflects_broker(),
        r.has_state(),
        r == Main,
    )
}

impl Releases {
    /// Whether the doctor applies the same rules on every release of the set.
    pub fn same_rules(self) -> bool {
        let mut all = self.iter().map(rules);
        all.next().is_none_or(|first| all.all(|r| r == first))
    }
}

/// The CRD whose schema tells apart the candidates' releases (§3e), when their rules differ.
pub fn crd_to_read(candidates: Releases) -> Option<&'static str> {
    const SPLITS: [(&str, Release, Release); 3] = [
        ("mcpservers.mcp.kagenti.com", V0_1, V0_4_1),
        ("mcpgatewayextensions.mcp.kagenti.com", V0_4_2, V0_5_1),
        ("mcpserverregistrations.mcp.kuadrant.io", V0_6_0, Main),
    ];
    if candidates.same_rules() {
        return None;
    }
    let covers = |from, to| candidates.minus(Releases::range(from, to)).is_empty();
    SPLITS.iter().find(|(_, from, to)| covers(*from, *to)).map(|(name, ..)| *name)
}

/// Whether only the controller Deployment tells the candidates apart: they hold two releases
/// with byte-identical CRDs (§0) on which the doctor's rules differ (v0.4.2 and v0.5.0).
pub fn controller_tells_apart(candidates: Releases) -> bool {
    const TWINS: [(Release, Release); 3] = [(V0_4_2, V0_5_0), (V0_7_0, V0_7_1), (V0_8_0, V0_9_0)];
    TWINS.iter().any(|(a, b)| {
        let pair = Releases::only(*a).or(Releases::only(*b));
        candidates.and(pair) == pair && !pair.same_rules()
    })
}

/// The label selector of the kustomize controller Deployment (`app=mcp-controller`, every
/// release).
pub const CONTROLLER_SELECTOR: &str = "app=mcp-controller";

#[cfg(test)]
mod tests {
    #[test]
    fn state_and_ca_cert_ref_exist_from_v0_7_0() {
        for r in RELEASES {
            assert_eq!(r.has_state(), r >= Release::V0_7_0, "{r}");
            assert_eq!(r.has_ca_cert_ref(), r >= Release::V0_7_0, "{r}");
        }
    }

    #[test]
    fn the_broker_status_service_is_the_controllers_from_v0_5_1() {
        for r in RELEASES {
            let expected = (r >= Release::V0_5_1).then_some(("mcp-gateway", 8080));
            assert_eq!(r.broker_status_service(), expected, "{r}");
        }
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn tags_parse_and_print() {
        for r in RELEASES {
            assert_eq!(Release::parse(r.tag()), Some(r), "{r}");
        }
        assert_eq!(Release::parse("0.5.1"), Some(V0_5_1));
        assert_eq!(Release::parse("v0.6.1-rc1"), Some(V0_6_1));
        assert_eq!(Release::parse("v0.2.0"), Some(V0_2));
        assert_eq!(Release::parse("v0.9"), Some(V0_9_0));
        assert_eq!(Release::parse("latest"), None);
        assert_eq!(Release::parse(""), None);
        assert_eq!(Release::parse("v1.0.0"), None);
    }

    #[test]
    fn sets_print_as_ranges() {
        assert_eq!(Releases::from(V0_5_1).to_string(), "v0.5.1+");
        assert_eq!(Releases::range(V0_4_2, V0_5_0).to_string(), "v0.4.2, v0.5.0");
        assert_eq!(Releases::range(V0_1, V0_4_1).to_string(), "v0.1–v0.4.1");
        assert_eq!(Releases::only(V0_5_0).or(Releases::from(V0_8_0)).to_string(), "v0.5.0, v0.8.0+");
        assert_eq!(Releases::NONE.to_string(), "no release");
        assert_eq!(Releases::range(V0_8_0, V0_9_0).tags(), ["v0.8.0", "v0.9.0"]);
    }

    #[test]
    fn rules_change_inside_a_generation() {
        assert_eq!(V0_4_2.extension_rule(), ExtensionRule::NotConsulted);
        assert_eq!(V0_5_0.extension_rule(), ExtensionRule::WholeGateway);
        assert_eq!(V0_5_1.extension_rule(), ExtensionRule::Listener);
        assert_eq!(V0_5_0.credential_label(), Some("mcp.kagenti.com/credential"));
        assert_eq!(V0_5_1.credential_label(), Some("mcp.kuadrant.io/credential"));
        assert_eq!(V0_6_0.credential_label(), Some("mcp.kuadrant.io/secret"));
        assert!(!V0_4_1.one_rule_one_backend() && V0_4_2.one_rule_one_backend());
        assert_eq!((V0_6_1.prefix_field(), V0_7_0.prefix_field()), ("toolPrefix", "prefix"));
        assert!(V0_8_0.serves(Generation::KuadrantV1alpha1) && !Main.serves(Generation::KuadrantV1alpha1));
    }

    #[test]
    fn reads_are_planned_only_where_rules_differ() {
        assert_eq!(crd_to_read(Releases::range(V0_8_0, V0_9_0)), None, "same rules");
        assert_eq!(
            crd_to_read(Releases::range(V0_6_0, V0_7_1)),
            Some("mcpserverregistrations.mcp.kuadrant.io")
        );
        assert_eq!(
            crd_to_read(Releases::range(V0_4_2, V0_5_1)),
            Some("mcpgatewayextensions.mcp.kagenti.com")
        );
        assert_eq!(crd_to_read(Releases::range(V0_1_2, V0_4_1)), None);
        assert!(controller_tells_apart(Releases::range(V0_4_2, V0_5_1)));
        assert!(!controller_tells_apart(Releases::range(V0_8_0, V0_9_0)));
        assert!(!controller_tells_apart(Releases::range(V0_6_0, V0_7_1)));
    }

    #[test]
    fn crds_and_the_controller_fingerprint_releases() {
        let ext = |props: Value| {
            json!({"kind": "CustomResourceDefinition", "metadata": {"name": "mcpgatewayextensions.mcp.kagenti.com"},
                "spec": {"versions": [{"name": "v1alpha1", "served": true, "schema": {"openAPIV3Schema":
                    {"properties": {"spec": {"properties": {"targetRef": {"properties": props}}}}}}}]}})
        };
        let clue = |v: &Value| fingerprint(v).map(|c| c.releases);
        assert_eq!(clue(&ext(json!({"name": {}}))), Some(Releases::range(V0_4_2, V0_5_0)));
        assert_eq!(clue(&ext(json!({"name": {}, "sectionName": {}}))), Some(Releases::only(V0_5_1)));
        let reg = json!({"kind": "CustomResourceDefinition", "metadata": {"name": "mcpserverregistrations.mcp.kuadrant.io"},
            "spec": {"versions": [{"name": "v1", "served": true}, {"name": "v1alpha1", "served": false}]}});
        assert_eq!(clue(&reg), Some(Releases::only(Main)));
        let deploy = |labels: Value, image: &str| {
            json!({"kind": "Deployment", "metadata": {"name": "mcp-gateway-controller", "namespace": "mcp-system", "labels": labels},
                "spec": {"template": {"spec": {"containers": [{"name": "mcp-controller", "image": image}]}}}})
        };
        assert_eq!(
            clue(&deploy(json!({}), "ghcr.io/kuadrant/mcp-controller:v0.9.0")),
            Some(Releases::only(V0_9_0))
        );
        assert_eq!(
            clue(&deploy(
                json!({"app.kubernetes.io/version": "v0.7.1"}),
                "ghcr.io/kuadrant/mcp-controller:latest"
            )),
            Some(Releases::only(V0_7_1))
        );
        assert_eq!(
            clue(&deploy(json!({}), "ghcr.io/kuadrant/mcp-controller:latest")),
            Some(Releases::from(V0_4_2))
        );
        assert_eq!(clue(&deploy(json!({}), "nginx:1.27")), None);
    }
}
