//! Silencing known findings: `--suppress CODE[=namespace/name]` (code or name, `*` wildcards) and
//! the `mcp-doctor.kuadrant.io/suppress: "MCPD0xxx: reason"` annotation on the blamed object.
//! Suppressed findings are moved aside and counted, never dropped.

use super::finding::Finding;
use crate::snapshot::Snapshot;

pub use crate::model::SUPPRESS_ANNOTATION as ANNOTATION;

/// One `--suppress` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    code: String,
    object: Option<String>,
}

impl Rule {
    /// Parses `CODE[=namespace/name]`.
    pub fn parse(text: &str) -> Result<Rule, String> {
        let (code, object) = match text.split_once('=') {
            Some((c, o)) => (c.trim(), Some(o.trim().to_string())),
            None => (text.trim(), None),
        };
        if code.is_empty() {
            return Err(format!("--suppress {text:?}: expected CODE[=namespace/name]"));
        }
        let known = super::CATALOG.iter().any(|c| glob(code, c.id) || glob(code, c.name));
        if !known {
            return Err(format!(
                "--suppress {text:?}: {code} matches no finding code (see `kubectl mcp-doctor explain --list`)"
            ));
        }
        Ok(Rule { code: code.to_string(), object })
    }

    /// A rule names a finding's code or, for a lowered finding, its cause.
    fn matches(&self, f: &Finding) -> bool {
        let named = |code: super::Code| {
            let info = code.info();
            glob(&self.code, info.id) || glob(&self.code, info.name)
        };
        (named(f.code) || f.cause.is_some_and(named))
            && self.object.as_deref().is_none_or(|o| glob(o, &f.object.ns_name()))
    }
}

/// `*`-only glob, case-insensitive for codes.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.to_ascii_lowercase(), text.to_ascii_lowercase());
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == t;
    }
    let mut rest = t.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Whether the blamed object's annotation silences this finding.
fn annotated(snap: &Snapshot, f: &Finding) -> bool {
    let Some(value) = snap.annotations(&f.object).and_then(|a| a.get(ANNOTATION)) else { return false };
    let info = f.code.info();
    value.split([',', '\n', ';']).any(|entry| {
        let code = entry.split(':').next().unwrap_or_default().trim();
        !code.is_empty() && (glob(code, info.id) || glob(code, info.name))
    })
}

/// Splits findings into (kept, suppressed).
pub fn apply(findings: Vec<Finding>, rules: &[Rule], snap: &Snapshot) -> (Vec<Finding>, Vec<Finding>) {
    findings.into_iter().partition(|f| !(rules.iter().any(|r| r.matches(f)) || annotated(snap, f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("MCPD06*", "MCPD0601"));
        assert!(glob("team-*/weather", "team-a/weather"));
        assert!(glob("*/*", "a/b"));
        assert!(!glob("team-*/news", "team-a/weather"));
        assert!(glob("mcpd0601", "MCPD0601"));
    }

    #[test]
    fn rules_must_name_known_codes() {
        assert!(Rule::parse("MCPD0601=team-a/*").is_ok());
        assert!(Rule::parse("backend-ref-not-permitted").is_ok());
        assert!(Rule::parse("MCPD9999").is_err());
        assert!(Rule::parse("=x").is_err());
    }
}
