//! `--redact`: replaces namespace, object and host names with stable short hashes (the same name
//! always gives the same hash), on token boundaries, longest name first. The mapping is returned
//! for stderr only.

use std::collections::BTreeMap;

/// What a name is, for the prefix of its replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// A namespace.
    Namespace,
    /// An object name.
    Object,
    /// A host name (route, listener, server).
    Host,
}

/// FNV-1a, 24 bits as 6 hex digits: short, stable across runs and machines.
fn hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:06x}", h & 0xff_ffff)
}

/// The replacement of one name.
pub fn replacement(category: Category, name: &str) -> String {
    let prefix = match category {
        Category::Namespace => "ns",
        Category::Object => "obj",
        Category::Host => "host",
    };
    format!("{prefix}-{}", hash(name))
}

/// Replaces every name in `text`; returns the text and the mapping (replacement → name).
pub fn redact(text: &str, names: &[(Category, String)]) -> (String, BTreeMap<String, String>) {
    let mut table: BTreeMap<String, String> = BTreeMap::new();
    for (category, name) in names {
        let bare = name.trim_start_matches("*.");
        if bare.len() < 2 {
            continue;
        }
        let category = if bare.contains('.') { Category::Host } else { *category };
        table.entry(bare.to_string()).or_insert_with(|| replacement(category, bare));
    }
    let mut ordered: Vec<(&String, &String)> = table.iter().collect();
    ordered.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
    let mut out = text.to_string();
    let mut used = BTreeMap::new();
    for (name, with) in ordered {
        let replaced = replace_tokens(&out, name, with);
        if replaced != out {
            used.insert(with.clone(), name.clone());
            out = replaced;
        }
    }
    (out, used)
}

/// Replaces `name` where it is not part of a longer alphanumeric token.
fn replace_tokens(text: &str, name: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
        out.push_str(&rest[..at]);
        if boundary(before) && boundary(after) {
            out.push_str(with);
        } else {
            out.push_str(name);
        }
        rest = &rest[at + name.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_on_boundaries() {
        let names = vec![
            (Category::Namespace, "team-a".to_string()),
            (Category::Object, "weather".to_string()),
            (Category::Host, "*.mcp.local".to_string()),
        ];
        let (out, map) = redact(
            "HTTPRoute team-a/weather host weather.mcp.local, allow-team-a-to-weather, weatherman",
            &names,
        );
        assert!(!out.contains("team-a") && !out.contains("/weather ") && !out.contains("mcp.local"), "{out}");
        assert!(out.contains("weatherman"), "{out}");
        assert_eq!(map.len(), 3);
        assert_eq!(replacement(Category::Object, "weather"), replacement(Category::Object, "weather"));
    }
}
