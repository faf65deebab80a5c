//! Completion candidates read from the cluster, with the connection flags typed so far (parsed
//! by the command line's own parser: `Options` comes from the runner).

use super::cluster::{self, Options};

/// Registration names in the namespace `opts` selects.
pub fn registrations(opts: &Options) -> Vec<String> {
    cluster::complete_names(opts, false)
}

/// Namespace names.
pub fn namespaces(opts: &Options) -> Vec<String> {
    cluster::complete_names(opts, true)
}
