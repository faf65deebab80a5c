//! Snapshots of the text output (what users paste into tickets).

use super::support::run;

fn text(scenario: &str, file: &str, extra: &[&str]) -> String {
    let path = format!("tests/scenarios/{scenario}/{file}");
    let mut args = vec!["-f", "tests/scenarios/_base/platform.yaml", "-f", &path];
    args.extend_from_slice(extra);
    let out = run(&args);
    out.stdout
}

#[test]
fn text_of_a_healthy_server() {
    insta::assert_snapshot!(text("backend-service-not-found", "fixed.yaml", &[]));
}

#[test]
fn text_of_a_missing_reference_grant() {
    insta::assert_snapshot!(text("pitfall-missing-reference-grant", "broken.yaml", &[]));
}

#[test]
fn text_of_a_parent_ref_without_namespace() {
    insta::assert_snapshot!(text("pitfall-parent-ref-without-namespace", "broken.yaml", &[]));
}
