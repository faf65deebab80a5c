//! Diagnosis: walks the chain of every selected registration over the graph and assembles the
//! `Report`. Pure and synchronous; the analyzers in `analyzers/` each own one stretch of the chain.

pub mod analyzers;
pub mod catalog;
pub mod examples;
pub mod finding;
pub mod release;
pub mod suppress;
#[cfg(test)]
pub mod testing;

use crate::graph::Graph;
use crate::model::{Kind, ObjRef, Release, Releases};
use crate::snapshot::{RegistrationObj, Selection, Snapshot};
use analyzers::{backend, broker, extension, gateway, registration, route, secrets, status};
use catalog::input::{self as say, Unread};
pub use catalog::{CATALOG, Code, CodeInfo};
pub use finding::{Finding, Fix, Link, LinkState, Report, Severity, Verdict};
use finding::{FirstBroken, Metadata, ServerRef, ServerReport, Shared, Source, Summary, sort_findings};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Which registrations to diagnose, and how.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The registrations (NAME, `-n`, `-l`).
    pub select: Selection,
    /// Findings to silence (`--suppress`).
    pub suppress: Vec<suppress::Rule>,
    /// The mcp-gateway release the user pinned (`--mcp-gateway-version`).
    pub release: Option<Release>,
}

/// Where the objects came from, for `metadata.source`.
#[derive(Debug, Clone)]
pub enum SourceInfo {
    /// `-f` files.
    Files(Vec<String>),
    /// A live cluster.
    Cluster {
        /// kubeconfig context.
        context: String,
        /// API server URL.
        server: String,
        /// Served API versions per kind, from discovery.
        apis: BTreeMap<String, Vec<String>>,
        /// `--what-if` files laid over what was read.
        what_if: Vec<String>,
    },
}

/// The chain and findings of one registration while it is walked.
pub struct Walk<'g, 's> {
    /// The graph.
    pub graph: &'g Graph<'s>,
    /// Where links get their shared references and texts.
    pub shared: &'g Shared,
    /// The mcp-gateway releases the registration may be running on.
    pub releases: Releases,
    /// Links so far.
    pub chain: Vec<Link>,
    /// Findings so far.
    pub findings: Vec<Finding>,
}

impl<'g, 's> Walk<'g, 's> {
    /// An empty walk over `graph` of a registration that may run on `releases`.
    pub fn new(graph: &'g Graph<'s>, shared: &'g Shared, releases: Releases) -> Self {
        Walk { graph, shared, releases, chain: Vec::new(), findings: Vec::new() }
    }

    /// An empty walk of the same registration on `releases`, whose links and findings are kept
    /// apart until `absorb` takes them.
    pub fn fork(&self, releases: Releases) -> Walk<'g, 's> {
        Walk::new(self.graph, self.shared, releases)
    }

    /// Takes a fork's links and findings. With `lower`, what fails there only fails on some of
    /// the registration's candidates: failing links become warnings and errors warnings, with
    /// `lower`'s releases named.
    pub fn absorb(&mut self, fork: Walk<'g, 's>, lower: Option<Lowered>) {
        let Walk { chain, findings, .. } = fork;
        self.chain.extend(chain.into_iter().map(|mut l| {
            if lower.is_some() && l.state == LinkState::Fail {
                l.state = LinkState::Warn;
            }
            l
        }));
        self.findings.extend(findings.into_iter().map(|f| match lower {
            Some(lowered) if f.severity == Severity::Error => lowered.apply(f),
            _ => f,
        }));
    }

    /// Records a finding whose rule breaks on `broken` of the registration's candidates: as it
    /// is where it breaks on every candidate, lowered to a warning naming both sides where it
    /// breaks on some, and not at all where it breaks on none.
    pub fn find_on(&mut self, broken: Releases, finding: Finding) {
        if let Some(f) = self.lower(broken, finding) {
            self.findings.push(f);
        }
    }

    /// `finding` as `find_on` would record it (`None`: the rule breaks on no candidate).
    pub fn lower(&self, broken: Releases, finding: Finding) -> Option<Finding> {
        let broken = broken.and(self.releases);
        let fine = self.releases.minus(broken);
        match (broken.is_empty(), fine.is_empty()) {
            (true, _) => None,
            (false, true) => Some(finding),
            (false, false) => Some(Lowered { broken, fine }.apply(finding)),
        }
    }

    /// Splits the registration's candidates into those where a rule breaks and the others.
    pub fn split(&self, breaks: impl Fn(Release) -> bool) -> (Releases, Releases) {
        let broken = self.releases.filter(breaks);
        (broken, self.releases.minus(broken))
    }

    /// Records a link.
    pub fn link(
        &mut self,
        from: &ObjRef,
        relation: impl AsRef<str>,
        to: &ObjRef,
        state: LinkState,
        evidence: impl AsRef<str>,
    ) {
        let shared = self.shared;
        self.chain.push(Link {
            from: shared.objref(from),
            relation: shared.text(relation.as_ref()),
            to: shared.objref(to),
            state,
            evidence: shared.text(evidence.as_ref()),
        });
    }

    /// Records a finding.
    pub fn find(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// The snapshot.
    pub fn snap(&self) -> &'s Snapshot {
        self.graph.snap
    }

    /// If the read that would hold `kind namespace/name` was refused or failed: records an
    /// `unknown` link and the finding that names the missing permission.
    pub fn blocked_link(
        &mut self,
        from: &ObjRef,
        relation: &str,
        to: &ObjRef,
        kind: Kind,
        namespace: &str,
        name: &str,
    ) -> bool {
        let Some(b) = self.snap().blocked_read(kind, namespace, name) else { return false };
        let b = b.clone();
        let what = b.what();
        if b.forbidden {
            self.link(from, relation, to, LinkState::Unknown, format!("cannot verify: forbidden to {what}"));
            self.find(say::read_forbidden(Unread::Read(to, &b)));
        } else {
            let detail = format!("cannot verify: {what} failed: {}", b.message);
            self.link(from, relation, to, LinkState::Unknown, detail);
            self.find(say::read_failed(Unread::Read(to, &b)));
        }
        true
    }

    /// The detail of a link whose target is not where the reference points: `what` ("not found"),
    /// and, on a cluster, why the doctor could not look for it elsewhere when it could not.
    pub fn not_found(&self, kind: Kind, name: &str, what: &str) -> String {
        match self.snap().lookups.refused(kind, name) {
            Some(why) => format!("{what}; not looked for elsewhere: {why}"),
            None => what.to_string(),
        }
    }

    /// If the input (files) holds no object of `kind` at all, a partial dump is likelier than a
    /// missing object: records the link as unknown, saying so, and returns true.
    pub fn kind_missing(
        &mut self,
        from: &ObjRef,
        relation: &str,
        to: &ObjRef,
        kind: Kind,
        what: &str,
    ) -> bool {
        if self.snap().lookups.live || self.snap().has_kind(kind) {
            return false;
        }
        let detail = format!(
            "cannot verify: the input holds no {what} at all; if it is a partial dump, `kubectl mcp-doctor dump` writes every kind the doctor reads"
        );
        self.link(from, relation, to, LinkState::Unknown, detail);
        true
    }

    /// If the object is in the input but did not decode: records a failed link and the finding.
    pub fn malformed_link(
        &mut self,
        from: &ObjRef,
        relation: &str,
        kind: Kind,
        namespace: &str,
        name: &str,
    ) -> bool {
        let Some(bad) = self.snap().malformed_object(kind, namespace, name) else { return false };
        let evidence = format!("{} does not decode: {}", bad.objref, bad.error);
        self.link(from, relation, &bad.objref, LinkState::Fail, evidence);
        self.find(say::malformed(bad));
        true
    }
}

/// Where a rule breaks and where it does not, among a registration's candidate releases.
#[derive(Debug, Clone, Copy)]
pub struct Lowered {
    /// The releases on which the rule breaks.
    pub broken: Releases,
    /// The releases on which it does not.
    pub fine: Releases,
}

impl Lowered {
    /// The error as a warning that names both sides.
    pub fn apply(self, f: Finding) -> Finding {
        say::breaks_on_some_releases(f, self.broken, self.fine)
    }
}

/// Diagnoses every registration in `scope`.
pub fn diagnose(snap: &Snapshot, scope: &Scope, source: SourceInfo) -> Report {
    let graph = Graph::new(snap);
    let shared = Shared::default();
    let (source, apis) = match source {
        SourceInfo::Files(files) => {
            let source =
                Source { mode: "files", context: None, server: None, files: Some(files), what_if: None };
            (source, api_versions(snap))
        }
        SourceInfo::Cluster { context, server, apis, what_if } => {
            let what_if = Some(what_if).filter(|w| !w.is_empty());
            (
                Source {
                    mode: "cluster",
                    context: Some(context),
                    server: Some(server),
                    files: None,
                    what_if,
                },
                apis,
            )
        }
    };
    let how = if source.mode == "cluster" {
        crate::model::release::Apis::Served
    } else {
        crate::model::release::Apis::Used
    };
    let detected = release::detect(snap, &apis, how, scope.release);
    let selected: Vec<&RegistrationObj> =
        snap.registrations.values().map(|r| &**r).filter(|r| scope.select.selects(r)).collect();

    let mut servers = Vec::new();
    let mut on_chain: BTreeSet<Arc<ObjRef>> = BTreeSet::new();
    let mut served_by: Vec<(Option<Arc<ObjRef>>, &RegistrationObj, Releases)> = Vec::new();
    for &reg in &selected {
        let releases = detected.for_generation(reg.view.0);
        let mut walk = Walk::new(&graph, &shared, releases);
        let ext = walk_registration(&mut walk, reg);
        schema_refusals(&mut walk);
        walk.chain.shrink_to_fit();
        served_by.push((ext, reg, releases));
        on_chain.extend(walk.chain.iter().flat_map(|l| [l.from.clone(), l.to.clone()]));
        servers.push((reg, walk));
    }
    // A prefix conflicts with registrations outside the selection too: find their extensions.
    fn prefix<'r>(r: &'r RegistrationObj, detected: &release::Detected) -> Option<&'r str> {
        r.view.1.prefix_on(detected.for_generation(r.view.0))
    }
    let prefixes: BTreeSet<&str> = selected.iter().filter_map(|r| prefix(r, &detected)).collect();
    let selected_ids: std::collections::HashSet<*const RegistrationObj> =
        selected.iter().map(|r| std::ptr::from_ref(*r)).collect();
    for reg in snap.registrations.values() {
        let same_prefix = prefix(reg, &detected).is_some_and(|p| prefixes.contains(p));
        if same_prefix && !selected_ids.contains(&std::ptr::from_ref(&**reg)) {
            let releases = detected.for_generation(reg.view.0);
            served_by.push((
                walk_registration(&mut Walk::new(&graph, &shared, releases), reg),
                reg,
                releases,
            ));
        }
    }
    registration::prefix_conflicts(&served_by, &mut servers);

    let mut reports: Vec<ServerReport> =
        servers.into_iter().map(|(reg, walk)| server_report(reg, walk, snap, &scope.suppress)).collect();
    // Unique keys (a registration is one object), so an unstable sort is deterministic and needs
    // no copy of the reports.
    fn key(r: &ServerReport) -> (&str, &str, &str, &str) {
        let r = &r.reference;
        (&r.namespace, &r.name, &r.api_version, &r.kind)
    }
    reports.sort_unstable_by(|a, b| key(a).cmp(&key(b)));

    let (mut findings, mut suppressed) =
        suppress::apply(off_chain_findings(snap, scope, &selected, &on_chain, &apis), &scope.suppress, snap);
    sort_findings(&mut findings);
    sort_findings(&mut suppressed);
    let mut summary = summarize(&reports);
    summary.suppressed += suppressed.len();
    Report {
        api_version: "mcp-doctor/v1alpha1",
        kind: "Report",
        metadata: Metadata {
            tool_version: env!("CARGO_PKG_VERSION"),
            source,
            kubernetes_version: None,
            apis,
            mcp_gateway: detected,
        },
        summary,
        servers: reports,
        findings,
        suppressed,
    }
}

/// The objects on the walk's chain whose spec the Gateway API schema refuses (files only).
fn schema_refusals(walk: &mut Walk) {
    let refused: Vec<Finding> = walk
        .snap()
        .refused
        .iter()
        .filter(|r| walk.chain.iter().any(|l| *l.from == r.objref || *l.to == r.objref))
        .map(say::schema_refuses)
        .collect();
    walk.findings.extend(refused);
}

/// Walks one registration; returns the extension that serves it, if one does.
fn walk_registration<'s>(walk: &mut Walk<'_, 's>, reg: &'s RegistrationObj) -> Option<Arc<ObjRef>> {
    registration::check(walk, reg);
    let route = registration::target_route(walk, reg)?;
    route::shape(walk, reg, route);
    let parents = gateway::parents(walk, reg, route);
    backend::backends(walk, route);
    secrets::check(walk, reg);
    status::check(walk, reg, route, &parents);
    let ext = extension::served_by(&parents).map(|ext| walk.shared.objref(&ext));
    broker::check(walk, reg, ext.as_deref());
    ext
}

fn server_report(
    reg: &RegistrationObj,
    walk: Walk,
    snap: &Snapshot,
    rules: &[suppress::Rule],
) -> ServerReport {
    let Walk { chain, findings, releases, .. } = walk;
    let (mut findings, mut suppressed) = suppress::apply(findings, rules, snap);
    dedup(&mut findings);
    // Findings arrive in walking order: the first error is the first broken link's.
    let first_broken = findings.iter().find(|f| f.severity == Severity::Error).map(|f| {
        let link = chain.iter().find(|l| l.state == LinkState::Fail);
        Box::new(FirstBroken {
            code: f.code,
            relation: link.map_or_else(String::new, |l| l.relation.to_string()),
            to: link.map_or_else(|| f.object.clone(), |l| (*l.to).clone()),
        })
    });
    sort_findings(&mut findings);
    sort_findings(&mut suppressed);
    let verdict = if findings.iter().any(|f| f.severity == Severity::Error) {
        Verdict::Broken
    } else if chain.iter().any(|l| l.state == LinkState::Unknown) {
        Verdict::Unknown
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        Verdict::Degraded
    } else {
        Verdict::Healthy
    };
    ServerReport {
        reference: ServerRef {
            api_version: reg.api_version.clone(),
            kind: reg.kind.clone(),
            namespace: reg.meta.namespace.clone(),
            name: reg.meta.name.clone(),
        },
        generation: format!("mcp-gateway {releases}"),
        verdict,
        first_broken,
        chain,
        findings,
        suppressed,
    }
}

fn dedup(findings: &mut Vec<Finding>) {
    let mut seen = BTreeSet::new();
    findings.retain(|f| seen.insert((f.code, f.object.clone(), f.field.clone(), f.message.clone())));
}

fn summarize(servers: &[ServerReport]) -> Summary {
    let mut s = Summary { servers: servers.len(), ..Summary::default() };
    for server in servers {
        match server.verdict {
            Verdict::Healthy => s.healthy += 1,
            Verdict::Broken => s.broken += 1,
            Verdict::Degraded => s.degraded += 1,
            Verdict::Unknown => s.unknown += 1,
        }
        s.suppressed += server.suppressed.len();
    }
    s
}

/// Findings that belong to no server: a name that matches nothing, malformed objects off every
/// chain, duplicates, an input without registrations.
fn off_chain_findings(
    snap: &Snapshot,
    scope: &Scope,
    selected: &[&RegistrationObj],
    on_chain: &BTreeSet<Arc<ObjRef>>,
    apis: &BTreeMap<String, Vec<String>>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if selected.is_empty() {
        match &scope.select.name {
            Some(name) => out.push(registration::not_found(snap, scope, name, apis)),
            None => {
                let where_ = scope
                    .select
                    .namespace
                    .as_deref()
                    .map_or(snap.lookups.source().to_string(), |ns| format!("namespace {ns}"));
                let elsewhere: BTreeSet<&str> =
                    snap.registrations.values().map(|r| r.meta.namespace.as_str()).collect();
                let unmatched = snap
                    .registrations
                    .values()
                    .filter(|r| scope.select.namespace.as_deref().is_none_or(|n| r.meta.namespace == n))
                    .count();
                let unmatched = (scope.select.selector.is_some() && unmatched > 0).then_some(unmatched);
                let elsewhere: Vec<&str> = elsewhere.into_iter().collect();
                let ns = scope.select.namespace.as_deref();
                out.push(say::no_registrations(ns, &where_, unmatched, &elsewhere, snap.lookups.live));
            }
        }
    }
    out.extend(
        snap.refused
            .iter()
            .filter(|r| !on_chain.contains(&r.objref) && scope.select.in_namespace(&r.objref))
            .map(say::schema_refuses),
    );
    for bad in &snap.malformed {
        if !on_chain.contains(&bad.objref) && scope.select.in_namespace(&bad.objref) {
            // Registrations of the selected scope that do not decode break that server: keep error.
            let needed = bad.kind == Kind::Registration
                && scope.select.name.as_deref().is_none_or(|n| n == bad.objref.name);
            out.push(if needed { say::malformed(bad) } else { say::other_malformed(bad) });
        }
    }
    out.extend(snap.untyped.iter().map(say::unidentified));
    for (objref, kept, dropped) in &snap.duplicates {
        out.push(say::duplicate(objref, kept.as_ref(), dropped.as_ref()));
    }
    out
}

/// API versions of each kind seen in objects or in typed empty lists (a dump says so for every
/// served version), as the report shows them and files-mode release detection reads them.
pub fn api_versions(snap: &Snapshot) -> BTreeMap<String, Vec<String>> {
    let mut all = snap.api_versions.clone();
    for (kind, versions) in &snap.listed_versions {
        all.entry(kind.clone()).or_default().extend(versions.iter().cloned());
    }
    all.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect()
}

#[cfg(test)]
mod tests {
    use super::testing::{codes, weather};
    use super::*;

    #[test]
    fn a_rule_broken_on_some_candidates_is_lowered_and_names_both_sides() {
        let route = ObjRef::route("team-a", "weather");
        let f = catalog::route::no_hostnames(&route);
        let lowered =
            Lowered { broken: Releases::from(Release::V0_5_0), fine: Releases::only(Release::V0_4_2) }
                .apply(f);
        assert_eq!(
            (lowered.code, lowered.cause, lowered.severity),
            (Code::BreaksOnSomeReleases, Some(Code::RouteNoHostnames), Severity::Warning)
        );
        assert!(lowered.message.contains("on v0.4.2 this works"), "{}", lowered.message);
    }

    #[test]
    fn a_name_that_matches_nothing_is_an_error_off_every_chain() {
        let report = weather(
            |s| {
                s.replace(
                    "name: weather\n  namespace: team-a\nspec:\n  targetRef",
                    "name: other\n  namespace: team-a\nspec:\n  targetRef",
                )
            },
            "",
            None,
        );
        assert_eq!(codes(&report), [Code::RegistrationNotFound]);
        assert_eq!(report.exit_code(Severity::Error), 1);
    }
}
