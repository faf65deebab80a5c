//! Unit-test support: small snapshots from YAML (a healthy cross-namespace install that a test
//! breaks one link of), diagnosed as the runner would, and the codes a report holds.

use super::{Code, Report, Scope, SourceInfo, diagnose};
use crate::model::Release;
use crate::snapshot::Selection;

use crate::graph::testing::install;

/// `team-a/weather` of the platform and server, with `edit` applied to the server's YAML and
/// `extra` added, diagnosed on `release` (every candidate when `None`).
pub fn weather(edit: impl Fn(&str) -> String, extra: &str, release: Option<Release>) -> Report {
    diagnose_weather(&install(|s| format!("{}\n---\n{extra}", edit(s))), release)
}

/// `team-a/weather` of `snap`, diagnosed on `release` (every candidate when `None`).
pub fn diagnose_weather(snap: &crate::snapshot::Snapshot, release: Option<Release>) -> Report {
    let select = Selection { name: Some("weather".into()), namespace: Some("team-a".into()), selector: None };
    let scope = Scope { select, release, ..Scope::default() };
    diagnose(snap, &scope, SourceInfo::Files(vec!["test.yaml".into()]))
}

/// The codes of every finding of the report, sorted.
pub fn codes(report: &Report) -> Vec<Code> {
    let mut out: Vec<Code> = report.all_findings().map(|f| f.code).collect();
    out.sort();
    out
}

#[test]
fn the_base_is_healthy() {
    let report = weather(str::to_string, "", None);
    assert_eq!(codes(&report), []);
    assert_eq!(report.summary.healthy, 1);
}
