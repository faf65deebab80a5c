//! Renderers: pure functions from a `Report` (or the catalog) to text. No I/O, no colour decisions
//! beyond what the caller passes.

pub mod dump;
pub mod explain;
pub mod graph;
pub mod json;
pub mod markdown;
pub mod redact;
pub mod style;
pub mod table;
pub mod tree;
