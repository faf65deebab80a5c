//! Renderers: pure functions from a `Report` (or the catalog) to text. No I/O, no colour decisions
//! beyond what the caller passes.

pub mod explain;
pub mod json;
pub mod tree;
