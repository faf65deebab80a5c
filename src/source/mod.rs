//! Sources of objects: the only code that touches the file system (and, later, the network).
//! Each source returns raw objects with their origins; `Snapshot::build` decodes them.

pub mod cluster;
pub mod discovery;
pub mod files;
pub mod plan;

use thiserror::Error;

/// Why the input could not be read at all (exit code 2).
#[derive(Debug, Error)]
pub enum InputError {
    /// A path that could not be opened or read.
    #[error("{path}: {message}")]
    Unreadable {
        /// The path as given.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A file that is not valid YAML or JSON.
    #[error("{path}:{line}: {message}")]
    Syntax {
        /// The path as given.
        path: String,
        /// 1-based line of the error.
        line: u64,
        /// What is wrong.
        message: String,
    },
}
