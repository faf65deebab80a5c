//! `dump`: what a diagnosis read from the cluster as one multi-document YAML for a ticket. A
//! leading comment says what, when and from where; then the install objects that tell releases
//! apart, the objects as read (Secrets without values, no managedFields or last-applied), and an
//! empty typed list for each kind that was read but has no object, so that `-f dump.yaml` gives
//! the live verdicts.

use crate::model::{Kind, ObjRef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What the leading comment says.
pub struct Header<'a> {
    /// `kubectl mcp-doctor` version.
    pub tool_version: &'a str,
    /// RFC 3339 time of the dump.
    pub generated_at: &'a str,
    /// kubeconfig context.
    pub context: &'a str,
    /// API server URL.
    pub server: &'a str,
    /// The command that made it.
    pub command: &'a str,
    /// Served API versions per kind (discovery).
    pub apis: &'a BTreeMap<String, Vec<String>>,
    /// The release line of the diagnosis (candidates and why).
    pub release: &'a str,
}

/// The dump: `install` objects first, then `objects`, then empty lists of the `kinds_read` that
/// have no object.
pub fn render(
    header: &Header,
    install: &[Value],
    objects: &BTreeMap<ObjRef, Value>,
    kinds_read: &BTreeSet<Kind>,
) -> String {
    let mut out = comment(header);
    let document = |out: &mut String, v: &Value| {
        out.push_str("---\n");
        out.push_str(&serde_saphyr::to_string(v).unwrap_or_default());
    };
    install.iter().for_each(|v| document(&mut out, v));
    objects.values().for_each(|v| document(&mut out, v));
    for list in empty_lists(header.apis, objects, kinds_read) {
        document(&mut out, &list);
    }
    out
}

fn comment(h: &Header) -> String {
    let mut lines = vec![
        format!("kubectl mcp-doctor {} dump, {}", h.tool_version, h.generated_at),
        format!("context {}, server {}", h.context, h.server),
        format!("made with: {}", h.command),
        format!("diagnose offline with: kubectl mcp-doctor [NAME] [-n NS] -f THIS_FILE"),
        h.release.to_string(),
        "served API versions:".to_string(),
    ];
    lines.extend(h.apis.iter().map(|(kind, versions)| format!("  {kind}: {}", versions.join(", "))));
    lines.push("Secrets: names, labels and key names only; their values were never written.".into());
    lines.iter().map(|l| format!("# {l}\n")).collect()
}

/// `{apiVersion, kind: <Kind>List, items: []}` for every served version of every kind that was
/// read and has no object at that version in the dump: "read, and there are none" is what a
/// missing object means on a cluster, and the versions tell releases apart offline as the
/// served versions do live.
fn empty_lists(
    apis: &BTreeMap<String, Vec<String>>,
    objects: &BTreeMap<ObjRef, Value>,
    kinds_read: &BTreeSet<Kind>,
) -> Vec<Value> {
    let present: BTreeSet<(&str, &str)> = objects
        .iter()
        .map(|(o, v)| (o.kind.as_ref(), v.get("apiVersion").and_then(Value::as_str).unwrap_or_default()))
        .collect();
    let served = apis.iter().flat_map(|(name, versions)| {
        versions.iter().filter_map(move |version| {
            Some((Kind::classify(version, name)?, version.as_str(), name.as_str()))
        })
    });
    let builtin = kinds_read.iter().filter_map(|k| k.builtin().map(|(v, name)| (*k, v, name)));
    served
        .chain(builtin)
        .filter(|(kind, version, name)| kinds_read.contains(kind) && !present.contains(&(*name, *version)))
        .map(|(_, version, name)| serde_json::json!({"apiVersion": version, "kind": format!("{name}List"), "items": []}))
        .collect()
}
