//! Sources of objects: the only code that touches the file system (and, later, the network).
//! Each source returns raw objects with their origins; `Snapshot::build` decodes them.

pub mod cluster;
pub mod complete;
pub mod discovery;
pub mod files;
pub mod lines;
pub mod plan;
pub mod probe;
pub mod whatif;

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

/// Writes `kubectl_complete-mcp_doctor` next to the running binary, where kubectl (1.26+) looks
/// for a plugin's completion helper; returns its path.
pub fn install_kubectl_completion() -> std::io::Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe.parent().ok_or_else(|| std::io::Error::other("the binary has no folder"))?;
    let path = dir.join("kubectl_complete-mcp_doctor");
    let quoted = exe.display().to_string().replace('\'', "'\\''");
    let script = format!(
        "#!/bin/sh\n# Written by `kubectl mcp-doctor completion kubectl`: kubectl calls it to complete `kubectl mcp-doctor`.\nexec '{quoted}' __complete \"$@\"\n"
    );
    std::fs::write(&path, script)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(path)
}
