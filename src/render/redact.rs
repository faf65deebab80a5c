//! `--redact`: replaces user data (namespace, object and host names, file paths) with stable short
//! hashes (the same name always gives the same hash), on token boundaries, longest name first;
//! product and controller words (`mcp-gateway v0.8.0`, `istio.io/gateway-controller`, API groups)
//! stay, and the scan table is re-aligned. The mapping is returned for stderr only.

use crate::diagnose::Report;
use crate::model::ObjRef;
use crate::snapshot::Snapshot;
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
    /// A file path (`at:`, the files read).
    Path,
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
        Category::Path => "file",
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
        let category = match category {
            Category::Path => Category::Path,
            _ if bare.contains('.') => Category::Host,
            _ => *category,
        };
        table.entry(bare.to_string()).or_insert_with(|| replacement(category, bare));
    }
    let mut ordered: Vec<(&String, &String)> = table.iter().collect();
    ordered.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
    let (mut out, kept) = mask(text);
    let mut used = BTreeMap::new();
    for (name, with) in ordered {
        let replaced = replace_tokens(&out, name, with);
        if replaced != out {
            used.insert(with.clone(), name.clone());
            out = replaced;
        }
    }
    (realign_table(&unmask(&out, &kept)), used)
}

/// Words of the product and of the controllers, never user data: the release and its flag, the
/// Secrets and Deployments the controller names itself.
const PRODUCT_PHRASES: &[&str] = &[
    "--mcp-gateway-version",
    "mcp-gateway release",
    "mcp-gateway v0.",
    "mcp-gateway main",
    "mcp-gateway-config",
    "mcp-gateway-controller",
    "mcp-gateway-session-signing-key",
    "Kuadrant/mcp-gateway",
];

/// Placeholders for what must survive redaction: private-use characters no output holds.
const MASK_OPEN: char = '\u{E000}';
const MASK_CLOSE: char = '\u{E001}';

/// `text` with product phrases and `group/word` tokens of the well-known domains (API versions,
/// controller names, label keys) replaced by numbered placeholders, and what they stand for.
fn mask(text: &str) -> (String, Vec<String>) {
    let mut kept = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let phrase = PRODUCT_PHRASES.iter().find(|p| rest.starts_with(**p)).map(|p| p.len());
        let at_start = out.chars().next_back().is_none_or(|c| !is_name_char(c));
        let len = phrase.or_else(|| at_start.then(|| qualified_word(rest)).flatten());
        match len {
            Some(len) => {
                out.push(MASK_OPEN);
                out.push_str(&kept.len().to_string());
                out.push(MASK_CLOSE);
                kept.push(rest[..len].to_string());
                rest = &rest[len..];
            }
            None => {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    (out, kept)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

/// The length of a `domain/word` token at the start of `text` whose domain is a product's
/// (`*.io`, `*.com`: `mcp.kuadrant.io/v1`, `istio.io/gateway-controller`).
fn qualified_word(text: &str) -> Option<usize> {
    let domain = text.find(|c: char| !is_name_char(c)).unwrap_or(text.len());
    let (name, after) = text.split_at(domain);
    if !(name.contains('.') && (name.ends_with(".io") || name.ends_with(".com")) && after.starts_with('/')) {
        return None;
    }
    let word = after[1..].find(|c: char| !(is_name_char(c) || c == '_')).unwrap_or(after.len() - 1);
    Some(domain + 1 + word)
}

fn unmask(text: &str, kept: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split(MASK_OPEN);
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        let (index, rest) = part.split_once(MASK_CLOSE).unwrap_or(("", part));
        out.push_str(index.parse::<usize>().ok().and_then(|i| kept.get(i)).map_or("", String::as_str));
        out.push_str(rest);
    }
    out
}

/// Re-aligns the scan table (the block from the `NAMESPACE` header to the first empty line):
/// replacements change the names' widths. Cells hold no two spaces in a row; columns are two
/// spaces apart, as the table prints them.
fn realign_table(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("NAMESPACE ")) else { return text.to_string() };
    let end = lines.iter().skip(start).position(|l| l.trim().is_empty()).map_or(lines.len(), |n| start + n);
    let rows: Vec<Vec<&str>> = lines.get(start..end).unwrap_or_default().iter().map(|l| cells(l)).collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            let w = visible_width(cell);
            match widths.get_mut(i) {
                Some(max) => *max = (*max).max(w),
                None => widths.push(w),
            }
        }
    }
    let mut out: Vec<String> = lines.iter().take(start).map(|l| l.to_string()).collect();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths.get(i).copied().unwrap_or(0) - visible_width(cell) + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push(line);
    }
    out.extend(lines.iter().skip(end).map(|l| l.to_string()));
    out.join("\n")
}

/// The cells of a table line: split on runs of two or more spaces.
fn cells(line: &str) -> Vec<&str> {
    line.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect()
}

/// Width on a terminal: characters outside ANSI escape sequences.
fn visible_width(cell: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in cell.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
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

/// Every namespace, object and host name the output may mention.
pub fn names(snap: &Snapshot, report: &Report) -> Vec<(Category, String)> {
    let mut out = Vec::new();
    let object = |out: &mut Vec<(Category, String)>, o: &ObjRef| {
        if !o.namespace.is_empty() {
            out.push((Category::Namespace, o.namespace.clone()));
        }
        out.push((Category::Object, o.name.clone()));
    };
    for s in &report.servers {
        for l in &s.chain {
            object(&mut out, &l.from);
            object(&mut out, &l.to);
        }
        for f in s.findings.iter().chain(&s.suppressed) {
            object(&mut out, &f.object);
            if let Some(t) = &f.fix.target {
                object(&mut out, t);
            }
            out.extend(f.origin.iter().map(|o| (Category::Path, o.file.to_string())));
        }
    }
    for f in report.findings.iter().chain(&report.suppressed) {
        object(&mut out, &f.object);
        out.extend(f.origin.iter().map(|o| (Category::Path, o.file.to_string())));
    }
    let source = &report.metadata.source;
    let files = source.files.iter().chain(&source.what_if).flatten().filter(|f| f.as_str() != "-");
    out.extend(files.map(|f| (Category::Path, f.clone())));
    for (k, _) in snap.raw.iter() {
        object(&mut out, k);
    }
    for r in snap.routes.values() {
        object(&mut out, &r.objref());
        out.extend(r.view.spec.hostnames.iter().map(|h| (Category::Host, h.clone())));
    }
    for g in snap.gateways.values() {
        object(&mut out, &g.objref());
        out.extend(
            g.view.spec.listeners.iter().filter_map(|l| l.hostname.clone()).map(|h| (Category::Host, h)),
        );
    }
    for e in snap.extensions.values() {
        out.extend(e.view.spec.public_host.iter().map(|h| (Category::Host, h.clone())));
    }
    for n in snap.namespaces.values() {
        out.push((Category::Namespace, n.meta.name.clone()));
    }
    for s in snap.services.values() {
        out.extend(s.view.spec.external_name.iter().map(|h| (Category::Host, h.clone())));
    }
    if let Some(server) = &report.metadata.source.server {
        let host = server.split("://").nth(1).unwrap_or(server).split(['/', ':']).next().unwrap_or_default();
        out.push((Category::Host, host.to_string()));
    }
    if let Some(ctx) = &report.metadata.source.context {
        out.push((Category::Object, ctx.clone()));
    }
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

    #[test]
    fn product_and_controller_words_stay() {
        let names =
            vec![(Category::Object, "mcp-gateway".to_string()), (Category::Object, "istio".to_string())];
        let text = "Gateway gateway-system/mcp-gateway (mcp.kuadrant.io/v1, mcp-gateway v0.8.0+), class istio, controller istio.io/gateway-controller; --mcp-gateway-version";
        let (out, _) = redact(text, &names);
        assert!(!out.contains("/mcp-gateway ") && !out.contains("class istio,"), "{out}");
        for kept in [
            "mcp.kuadrant.io/v1",
            "mcp-gateway v0.8.0+",
            "istio.io/gateway-controller",
            "--mcp-gateway-version",
        ] {
            assert!(out.contains(kept), "{kept} lost: {out}");
        }
    }

    #[test]
    fn the_table_is_realigned() {
        let text = "NAMESPACE  NAME\nteam-a     weather\nx          y\n\nrest";
        let names = vec![(Category::Namespace, "team-a".to_string())];
        let (out, _) = redact(text, &names);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1].find("weather"), lines[0].rfind("NAME"), "{out}");
        assert_eq!(lines[2].find('y'), lines[0].rfind("NAME"), "{out}");
        assert!(out.ends_with("\n\nrest"), "{out}");
    }
}
