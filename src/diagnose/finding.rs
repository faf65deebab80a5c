//! Findings, chain links and the report: the data every renderer reads (the `-o json` contract).

use super::catalog::Code;
use crate::model::ObjRef;
use crate::snapshot::Origin;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Arc;

/// How bad a finding is. Ordered so that thresholds compare (`Info < Warning < Error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never changes the verdict.
    Info,
    /// Degrades the server or will break it under some conditions.
    Warning,
    /// Breaks the server.
    Error,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How to fix a finding.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Fix {
    /// One sentence: what to change.
    pub summary: String,
    /// The object to change or create, when it is not the finding's object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<ObjRef>,
    /// YAML to apply or merge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yaml: Option<String>,
    /// A command to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

/// One diagnosed problem.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable code.
    #[serde(serialize_with = "code_id")]
    pub code: Code,
    /// Stable name of the code.
    pub name: &'static str,
    /// Severity: always the catalog's for `code`.
    pub severity: Severity,
    /// For a finding that does not break on every possibility (`MCPD0008`, `MCPD0208`,
    /// `MCPD0209`): the code of the rule that breaks.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "cause_id")]
    pub cause: Option<Code>,
    /// The object whose spec must change: the "from" end of the failing link.
    pub object: ObjRef,
    /// The field of `object` that holds the broken reference.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub field: String,
    /// The Gateway API or controller reason, when one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What is wrong, naming the real objects.
    pub message: String,
    /// How to fix it.
    pub fix: Fix,
    /// File and line of `object`, in files mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

fn code_id<S: Serializer>(code: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.info().id)
}

fn cause_id<S: Serializer>(code: &Option<Code>, s: S) -> Result<S::Ok, S::Error> {
    match code {
        Some(c) => s.serialize_str(c.info().id),
        None => s.serialize_none(),
    }
}

impl Finding {
    /// A finding with the catalog's severity and reason.
    pub fn new(
        code: Code,
        object: ObjRef,
        field: impl Into<String>,
        message: impl Into<String>,
        fix: Fix,
    ) -> Self {
        let info = code.info();
        Finding {
            code,
            name: info.name,
            severity: info.severity,
            object,
            field: field.into(),
            reason: info.reason.map(str::to_string),
            message: message.into(),
            fix,
            origin: None,
            cause: None,
        }
    }

    /// Replaces the reason (e.g. with the one a controller wrote).
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sets the origin.
    pub fn at(mut self, origin: Option<&Origin>) -> Self {
        self.origin = origin.cloned();
        self
    }

    /// The finding as `code` (with its catalog severity), its own code kept as the cause: a
    /// rule that breaks, in a context where the link still works somewhere.
    pub fn lowered(self, code: Code) -> Self {
        let info = code.info();
        Finding {
            cause: Some(self.cause.unwrap_or(self.code)),
            code,
            name: info.name,
            severity: info.severity,
            ..self
        }
    }
}

impl Fix {
    /// The catalog's fix of `code` as the summary: for a finding whose fix needs no data of its
    /// own, so that it says what `explain` says.
    pub fn catalog(code: Code) -> Self {
        Fix::say(code.info().fix)
    }

    /// A fix that is only a sentence.
    pub fn say(summary: impl Into<String>) -> Self {
        Fix { summary: summary.into(), ..Fix::default() }
    }

    /// Adds YAML.
    pub fn yaml(mut self, yaml: impl Into<String>) -> Self {
        self.yaml = Some(yaml.into());
        self
    }

    /// Adds the object to change or create.
    pub fn target(mut self, target: ObjRef) -> Self {
        self.target = Some(target);
        self
    }

    /// Adds a command.
    pub fn command(mut self, command: impl Into<String>) -> Self {
        self.command = Some(command.into());
        self
    }

    /// The change as a merge patch of `target`: the YAML shows it, the command applies exactly
    /// it (`kubectl patch --type=merge`; maps merge, a list given is the whole list, `null`
    /// removes a field).
    pub fn merge(self, target: &ObjRef, patch: serde_json::Value) -> Self {
        let command = kubectl_patch(target, "merge", &patch);
        self.in_manifest(patch).command(command)
    }

    /// The change as JSON patch operations on `target` (`(op, path, value)`, RFC 6902), for an
    /// element of a list that a merge patch would replace whole; a `null` value is left out (a
    /// `remove` has none).
    pub fn json_patch(self, target: &ObjRef, ops: &[(&str, String, serde_json::Value)]) -> Self {
        let ops: Vec<serde_json::Value> = ops
            .iter()
            .map(|(op, path, value)| match value {
                serde_json::Value::Null => serde_json::json!({"op": op, "path": path}),
                _ => serde_json::json!({"op": op, "path": path, "value": value}),
            })
            .collect();
        self.command(kubectl_patch(target, "json", &serde_json::Value::Array(ops)))
    }

    /// The change as the manifest must have it, for an object the API server refuses as it is
    /// (so there is nothing in a cluster to patch).
    pub fn in_manifest(self, fragment: serde_json::Value) -> Self {
        self.object(&fragment)
    }

    /// A whole object to create (`kubectl apply -f -`), from its typed value: fix YAML is always
    /// serialised, never written by hand.
    pub fn object(self, manifest: &impl Serialize) -> Self {
        self.yaml(serde_saphyr::to_string(manifest).unwrap_or_default())
    }

    /// A change to a field the API server keeps immutable (the registration's prefix): the object
    /// patched locally and re-created (`kubectl replace --force` deletes it first).
    pub fn recreate(self, target: &ObjRef, patch: serde_json::Value) -> Self {
        let mut fix = self.merge(target, patch);
        fix.command = fix
            .command
            .map(|local| format!("{local} --dry-run=client -o yaml | kubectl replace --force -f -"));
        fix
    }
}

/// A field path as the findings write it (`spec.rules[0].backendRefs[1]`) as a JSON pointer
/// (`/spec/rules/0/backendRefs/1`).
pub fn pointer(field: &str) -> String {
    use crate::model::refs::{FieldStep, field_steps};
    let steps = field_steps(field).unwrap_or_default();
    steps
        .iter()
        .map(|step| match step {
            FieldStep::Key(key) => format!("/{key}"),
            FieldStep::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// `kubectl patch RESOURCE NAME [-n NS] --type=TYPE -p 'JSON'`, quoted for a POSIX shell.
fn kubectl_patch(target: &ObjRef, kind: &str, patch: &serde_json::Value) -> String {
    let ns = if target.namespace.is_empty() { String::new() } else { format!(" -n {}", target.namespace) };
    let body = patch.to_string().replace('\'', "'\\''");
    format!("kubectl patch {} {}{ns} --type={kind} -p '{body}'", target.kubectl_resource(), target.name)
}

/// State of one link of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    /// Verified.
    Ok,
    /// Broken.
    Fail,
    /// Works, with a caveat.
    Warn,
    /// Could not be verified.
    Unknown,
    /// Not checked (the input holds no objects of the kind it needs).
    Skipped,
}

impl LinkState {
    /// The state of a link whose check produced `findings`: failed on an error, a caveat on a
    /// warning, verified otherwise.
    pub fn of(findings: &[Finding]) -> LinkState {
        match findings.iter().map(|f| f.severity).max() {
            None | Some(Severity::Info) => LinkState::Ok,
            Some(Severity::Error) => LinkState::Fail,
            Some(Severity::Warning) => LinkState::Warn,
        }
    }
}

/// One link of a registration's chain. Its ends and texts are shared with every other link that
/// names the same object or says the same thing (a scan's chains name the same Gateways and
/// extensions, and find them the same way, thousands of times).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    /// Where the reference is written.
    pub from: Arc<ObjRef>,
    /// What kind of reference (`targetRef`, `parentRefs[0]`, `backendRefs[0]`, ...).
    pub relation: SharedText,
    /// The referenced object (equal to `from` for checks of the object itself).
    pub to: Arc<ObjRef>,
    /// Its state.
    pub state: LinkState,
    /// Why: what was checked and found.
    pub evidence: SharedText,
}

/// A text shared by every chain link that says it, one pointer wide (a scan holds tens of
/// thousands of links).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SharedText(Arc<String>);

impl std::ops::Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One copy of every object reference and text the chain links of one diagnosis hold.
#[derive(Debug, Default)]
pub struct Shared {
    refs: RefCell<HashSet<Arc<ObjRef>>>,
    texts: RefCell<HashSet<SharedText>>,
}

impl Shared {
    /// The shared copy of `objref`.
    pub fn objref(&self, objref: &ObjRef) -> Arc<ObjRef> {
        let mut refs = self.refs.borrow_mut();
        if let Some(found) = refs.get(objref) {
            return Arc::clone(found);
        }
        let new = Arc::new(objref.clone());
        refs.insert(Arc::clone(&new));
        new
    }

    /// The shared copy of `text`.
    pub fn text(&self, text: &str) -> SharedText {
        let mut texts = self.texts.borrow_mut();
        if let Some(found) = texts.get(text) {
            return found.clone();
        }
        let new = SharedText(Arc::new(text.to_string()));
        texts.insert(new.clone());
        new
    }
}

/// The verdict on one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every link verified.
    Healthy,
    /// Warnings only.
    Degraded,
    /// No error, but a link could not be verified.
    Unknown,
    /// An error finding on the chain.
    Broken,
}

/// `ref` of a server: which object, in which API version.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ServerRef {
    /// `apiVersion` as read.
    pub api_version: Cow<'static, str>,
    /// Kind.
    pub kind: Cow<'static, str>,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// The diagnosis of one registration.
#[derive(Debug, Clone, Serialize)]
pub struct ServerReport {
    /// The registration.
    #[serde(rename = "ref")]
    pub reference: ServerRef,
    /// The mcp-gateway releases this registration may run on (`mcp-gateway v0.8.0+`).
    pub generation: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The first broken link and its code, when the server is broken.
    #[serde(rename = "firstBroken", skip_serializing_if = "Option::is_none")]
    pub first_broken: Option<Box<FirstBroken>>,
    /// Every link, in walking order.
    pub chain: Vec<Link>,
    /// Findings on the chain, sorted.
    pub findings: Vec<Finding>,
    /// Findings silenced by `--suppress` or the object's annotation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Finding>,
}

/// The first broken link of a chain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FirstBroken {
    /// Its finding's code.
    #[serde(serialize_with = "code_id")]
    pub code: Code,
    /// The link's relation (`parentRefs[0]`).
    pub relation: String,
    /// The object the link points at.
    pub to: ObjRef,
}

/// `summary` counts.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Servers diagnosed.
    pub servers: usize,
    /// Healthy.
    pub healthy: usize,
    /// Broken.
    pub broken: usize,
    /// Degraded.
    pub degraded: usize,
    /// Unknown.
    pub unknown: usize,
    /// Findings silenced by `--suppress` or annotations.
    pub suppressed: usize,
}

/// `metadata.source`.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// `files` or `cluster`.
    pub mode: &'static str,
    /// kubeconfig context, in cluster mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// API server URL, in cluster mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Files read, in files mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<String>>,
    /// `--what-if`: the files assumed applied over the cluster.
    #[serde(rename = "whatIf", skip_serializing_if = "Option::is_none")]
    pub what_if: Option<Vec<String>>,
}

/// `metadata`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Version of the doctor.
    pub tool_version: &'static str,
    /// Where the objects came from.
    pub source: Source,
    /// `gitVersion` of the API server, in cluster mode when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
    /// API versions read, per kind.
    pub apis: std::collections::BTreeMap<String, Vec<String>>,
    /// The mcp-gateway releases the input can be, and why.
    pub mcp_gateway: super::release::Detected,
}

/// The whole report (`apiVersion: mcp-doctor/v1alpha1`, `kind: Report`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Always `mcp-doctor/v1alpha1`.
    pub api_version: &'static str,
    /// Always `Report`.
    pub kind: &'static str,
    /// Tool and input.
    pub metadata: Metadata,
    /// Counts per verdict.
    pub summary: Summary,
    /// One entry per registration, sorted by namespace and name.
    pub servers: Vec<ServerReport>,
    /// Findings on objects that are on no server's chain.
    pub findings: Vec<Finding>,
    /// Off-chain findings that were silenced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Finding>,
}

impl Report {
    /// Every finding, on servers and off them.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.servers.iter().flat_map(|s| s.findings.iter()).chain(self.findings.iter())
    }

    /// The exit code of ARCHITECTURE.md: 1 when a finding reaches `fail_on`, 3 when a server is
    /// unknown, 0 otherwise.
    pub fn exit_code(&self, fail_on: Severity) -> u8 {
        if self.all_findings().any(|f| f.severity >= fail_on) {
            1
        } else if self.servers.iter().any(|s| s.verdict == Verdict::Unknown) {
            3
        } else {
            0
        }
    }
}

/// Sorts findings the way every output shows them: severity (worst first), object, code, field.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.object.cmp(&b.object))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.field.cmp(&b.field))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod fix_tests {
    use super::*;

    #[test]
    fn fields_become_json_pointers() {
        assert_eq!(pointer("spec.rules[0].backendRefs[1].port"), "/spec/rules/0/backendRefs/1/port");
        assert_eq!(pointer("spec.prefix"), "/spec/prefix");
    }

    #[test]
    fn patches_are_kubectl_commands_quoted_for_the_shell() {
        let route = ObjRef::route("team-a", "weather");
        let fix = Fix::say("x")
            .json_patch(&route, &[("add", "/spec/parentRefs/0/namespace".into(), "it's".into())]);
        assert_eq!(
            fix.command.as_deref(),
            Some(
                r#"kubectl patch httproutes.gateway.networking.k8s.io weather -n team-a --type=json -p '[{"op":"add","path":"/spec/parentRefs/0/namespace","value":"it'\''s"}]'"#
            )
        );
        let merged = Fix::say("x").merge(&route, serde_json::json!({"spec": {"hostnames": ["a.b"]}}));
        assert!(merged.yaml.as_deref().is_some_and(|y| y.contains("hostnames")), "{merged:?}");
        assert!(
            merged
                .command
                .as_deref()
                .is_some_and(|c| c.ends_with(r#"--type=merge -p '{"spec":{"hostnames":["a.b"]}}'"#))
        );
    }
}
