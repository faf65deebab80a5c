//! The one integration-test binary: the real `kubectl-mcp_doctor` run over scenarios and inputs.

// Tests panic on purpose when an expectation fails; unwrap and indexing are how they say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod architecture;
mod catalog;
mod cli;
mod cluster;
mod cluster_support;
mod conformance;
mod dump;
mod probe;
mod properties;
mod releases;
mod render;
mod robustness;
mod rollout;
mod scenarios;
mod ship;
mod support;
