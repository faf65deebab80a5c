//! Completion candidates read from the cluster, using the connection flags typed so far.

use super::cluster::{self, Options};
use std::time::Duration;

/// The connection flags among the words typed so far.
fn options(words: &[String]) -> Options {
    let mut opts = Options { request_timeout: Duration::from_secs(2), ..Options::default() };
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let (flag, inline) = w.split_once('=').map_or((w.as_str(), None), |(f, v)| (f, Some(v.to_string())));
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match flag {
            "--kubeconfig" => opts.kubeconfig = value().map(Into::into),
            "--context" => opts.context = value(),
            "--cluster" => opts.cluster = value(),
            "--user" => opts.user = value(),
            "-n" | "--namespace" => opts.namespace = value(),
            _ => {}
        }
    }
    opts
}

/// Registration names in the namespace the words select.
pub fn registrations(words: &[String]) -> Vec<String> {
    cluster::complete_names(&options(words), false)
}

/// Namespace names.
pub fn namespaces(words: &[String]) -> Vec<String> {
    cluster::complete_names(&options(words), true)
}
