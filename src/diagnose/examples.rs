//! A broken and a fixed example for every finding code, taken from the scenario that proves it:
//! the scenario whose `expect.yaml` says `example: MCPDnnnn` (`build.rs` embeds its
//! `broken.yaml` and `fixed.yaml`), so the examples `explain` prints are the ones the test suite
//! proves.

use super::Code;

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The example of a code as its scenario's files.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioFiles {
    /// The scenario's folder name.
    pub scenario: &'static str,
    /// `broken.yaml`.
    pub broken: &'static str,
    /// `fixed.yaml`.
    pub fixed: &'static str,
    /// `expect.yaml`: the command lines of both runs.
    pub expect: &'static str,
}

/// The example of a code.
pub fn example(code: Code) -> Option<ScenarioFiles> {
    let id = code.info().id;
    EXAMPLES.iter().find(|(code, _)| *code == id).map(|(_, files)| *files)
}

#[cfg(test)]
mod tests {
    use super::{Code, EXAMPLES, example};

    #[test]
    fn an_example_is_the_scenario_of_its_code() {
        let files = example(Code::ParentNotFound).expect("an example");
        assert_eq!(files.scenario, "pitfall-parent-ref-without-namespace");
        assert!(files.fixed.contains("namespace: gateway-system") && files.broken != files.fixed);
        assert!(files.expect.contains("example: MCPD0206"));
        assert!(example(Code::ReadForbidden).is_none(), "cluster-only codes have none");
    }

    #[test]
    fn every_example_names_a_code_of_the_catalog() {
        for (id, files) in EXAMPLES {
            assert!(Code::find(id).is_some(), "{}/expect.yaml: example: {id} is no code", files.scenario);
        }
    }
}
