//! `-o json` and `-o yaml`: the Report contract, one document.

use crate::diagnose::Report;

/// Pretty JSON with a trailing newline.
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// YAML.
pub fn yaml(report: &Report) -> String {
    serde_saphyr::to_string(report).unwrap_or_else(|e| format!("error: {e}\n"))
}
