//! Helpers shared by the cluster and render tests.

use super::scenarios::{self, case_objects};
use super::support::fake_apiserver::FakeApiServer;
use super::support::{Run, root, run_env};
use serde_json::Value;

/// The objects of a scenario's file, as the fake API server serves them.
pub fn scenario_objects(name: &str, file: &str) -> Vec<Value> {
    let (_, expect) = scenarios::all().into_iter().find(|(n, _)| n == name).unwrap();
    let case = if file == "fixed.yaml" { expect.fixed.as_ref().unwrap() } else { &expect.broken };
    case_objects(name, &expect, case, file)
}

/// Runs the doctor against `server` with extra environment variables.
pub fn doctor_env(server: &FakeApiServer, args: &[&str], envs: &[(&str, &str)]) -> Run {
    let kubeconfig = server.kubeconfig.display().to_string();
    let mut all = vec!["--kubeconfig", &kubeconfig];
    all.extend_from_slice(args);
    run_env(&root(), &all, None, envs)
}
