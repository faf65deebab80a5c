//! `-f PATH`: files, folders (recursive, `.yaml`/`.yml`/`.json`) and stdin, read as multi-document
//! YAML or JSON, with `kind: List` unwrapped and the line of every object recorded.

use super::InputError;
use crate::snapshot::{Origin, RawObject};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use serde_saphyr::Spanned;
use std::collections::BTreeSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What `-f` read: the objects, and the files they came from (in reading order).
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every object, in input order.
    pub objects: Vec<RawObject>,
    /// Every file read (`-` for stdin).
    pub files: Vec<String>,
}

/// The largest input file accepted: bigger dumps must be split (the parser's memory grows with it).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Reads every `-f` path. `stdin` supplies the content of `-`.
pub fn load(paths: &[String], stdin: &mut dyn Read) -> Result<Loaded, InputError> {
    let mut loaded = Loaded::default();
    for path in paths {
        if path == "-" {
            let mut bytes = Vec::new();
            stdin.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| InputError::Unreadable {
                path: "-".into(),
                message: format!("cannot read stdin: {e}"),
            })?;
            if bytes.len() as u64 > MAX_FILE_BYTES {
                return Err(too_large("-"));
            }
            parse_into(&mut loaded, "-", &bytes)?;
            continue;
        }
        let p = Path::new(path);
        let meta = std::fs::metadata(p).map_err(|e| unreadable(path, &e))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            let mut seen = BTreeSet::new();
            walk(p, &mut files, &mut seen).map_err(|(at, e)| unreadable(&at.display().to_string(), &e))?;
            if files.is_empty() {
                return Err(InputError::Unreadable {
                    path: path.clone(),
                    message: "no .yaml, .yml or .json files in this folder".into(),
                });
            }
            for file in files {
                let name = file.display().to_string();
                let bytes = read_bounded(&file, &name)?;
                parse_into(&mut loaded, &name, &bytes)?;
            }
        } else {
            let bytes = read_bounded(p, path)?;
            parse_into(&mut loaded, path, &bytes)?;
        }
    }
    Ok(loaded)
}

fn too_large(path: &str) -> InputError {
    InputError::Unreadable {
        path: path.into(),
        message: format!(
            "larger than {} MiB; split the input into several files",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    }
}

/// Reads a file, refusing (before reading) one larger than `MAX_FILE_BYTES`.
fn read_bounded(path: &Path, name: &str) -> Result<Vec<u8>, InputError> {
    let len = std::fs::metadata(path).map_err(|e| unreadable(name, &e))?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(name));
    }
    std::fs::read(path).map_err(|e| unreadable(name, &e))
}

fn unreadable(path: &str, e: &std::io::Error) -> InputError {
    let message = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ if e.raw_os_error() == Some(40) => "too many levels of symbolic links (a symlink loop)".to_string(),
        _ => e.to_string(),
    };
    InputError::Unreadable { path: path.to_string(), message }
}

/// Collects manifest files under `dir`, sorted, following symlinks but never a folder twice.
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut BTreeSet<PathBuf>,
) -> Result<(), (PathBuf, std::io::Error)> {
    let canonical = dir.canonicalize().map_err(|e| (dir.to_path_buf(), e))?;
    if !seen.insert(canonical) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| (dir.to_path_buf(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out, seen)?;
        } else if path.is_file()
            && path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Parses the bytes of one named input (a file, or text a caller holds) into objects.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Loaded, InputError> {
    let mut loaded = Loaded::default();
    parse_into(&mut loaded, name, bytes)?;
    Ok(loaded)
}

/// Parses one file's bytes into objects.
fn parse_into(loaded: &mut Loaded, name: &str, bytes: &[u8]) -> Result<(), InputError> {
    loaded.files.push(name.to_string());
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes.iter().take(e.valid_up_to()).filter(|b| **b == b'\n').count() as u64;
        InputError::Syntax {
            path: name.into(),
            line,
            message: "not UTF-8 text (is this a binary file?)".into(),
        }
    })?;
    let docs = parse_documents(text).map_err(|(line, message)| InputError::Syntax {
        path: name.into(),
        line,
        message,
    })?;
    for (index, doc) in docs.into_iter().enumerate() {
        let line = doc.referenced.line().max(1);
        match doc.value {
            Doc::Object(map, items) => {
                let is_list = map.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List"));
                match items {
                    Some(items) if is_list => {
                        for (item_line, item) in items {
                            push_object(loaded, name, item_line.max(line), item)?;
                        }
                    }
                    _ => push_object(loaded, name, line, Value::Object(map))?,
                }
            }
            Doc::Other(what) => {
                return Err(InputError::Syntax {
                    path: name.into(),
                    line,
                    message: format!("document {} is {what}, not a Kubernetes object", index + 1),
                });
            }
        }
    }
    Ok(())
}

fn push_object(loaded: &mut Loaded, file: &str, line: u64, value: Value) -> Result<(), InputError> {
    if !value.is_object() {
        return Err(InputError::Syntax {
            path: file.into(),
            line,
            message: format!("list item is {}, not a Kubernetes object", describe(&value)),
        });
    }
    loaded.objects.push(RawObject { value, origin: Some(Origin { file: file.to_string(), line }) });
    Ok(())
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) | Value::Number(_) | Value::String(_) => "a scalar",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Parses multi-document YAML (JSON is YAML) with budgets that stop alias and nesting bombs and
/// scale with the input, so large dumps pass while a few bytes cannot expand into gigabytes.
fn parse_documents(text: &str) -> Result<Vec<Spanned<Doc>>, (u64, String)> {
    let scale = text.len();
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 1_000_000 + scale.saturating_mul(2),
            max_nodes: 250_000 + scale,
            max_documents: 1_024 + scale / 16,
            max_depth: 100,
            max_aliases: 10_000,
            max_anchors: 10_000,
            max_total_scalar_bytes: 64 * 1024 * 1024 + scale,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 1_000_000,
            max_replay_stack_depth: 64,
        },
        with_snippet: false,
    };
    serde_saphyr::from_multiple_with_options::<Spanned<Doc>>(text, options).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line().max(1));
        let message = e.to_string();
        let message = message.lines().next().unwrap_or("invalid YAML").trim().to_string();
        (line, strip_location_suffix(&message))
    })
}

/// Drops a trailing "at line N column M" the parser adds, since the caller prints `file:line:`.
fn strip_location_suffix(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].trim_end_matches(',').to_string(),
        None => message.to_string(),
    }
}

/// One YAML document: a mapping (with its `items` and their lines, for `kind: List`) or something
/// that is not an object.
enum Doc {
    Object(Map<String, Value>, Option<Vec<(u64, Value)>>),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DocVisitor)
    }
}

struct DocVisitor;

impl<'de> Visitor<'de> for DocVisitor {
    type Value = Doc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Kubernetes object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Doc, A::Error> {
        let mut map = Map::new();
        let mut items = None;
        while let Some(key) = access.next_key::<String>()? {
            if key == "items" {
                let list: Option<Vec<Spanned<Value>>> = access.next_value()?;
                let list = list.unwrap_or_default();
                map.insert(key, Value::Array(list.iter().map(|s| s.value.clone()).collect()));
                items = Some(list.into_iter().map(|s| (s.referenced.line(), s.value)).collect());
            } else {
                let value: Value = access.next_value()?;
                map.insert(key, value);
            }
        }
        Ok(Doc::Object(map, items))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Doc, A::Error> {
        while access.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Doc::Other("a list"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Doc, E> {
        Ok(Doc::Other("a scalar"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Doc, E> {
        Ok(Doc::Other("a scalar"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Doc, E> {
        Ok(Doc::Other("a scalar"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Doc, E> {
        Ok(Doc::Other("a scalar"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Doc, E> {
        Ok(Doc::Other("a scalar"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Doc, E> {
        Ok(Doc::Other("empty"))
    }

    fn visit_none<E: de::Error>(self) -> Result<Doc, E> {
        Ok(Doc::Other("empty"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Loaded, InputError> {
        let mut loaded = Loaded::default();
        parse_into(&mut loaded, "t.yaml", text.as_bytes()).map(|()| loaded)
    }

    #[test]
    fn reads_multi_document_yaml_with_lines() {
        let loaded = parse("a: 1\nkind: Service\n---\n# c\nkind: Gateway\n").unwrap();
        let lines: Vec<u64> = loaded.objects.iter().map(|o| o.origin.as_ref().unwrap().line).collect();
        assert_eq!(lines, vec![1, 5]);
    }

    #[test]
    fn unwraps_kind_list_with_item_lines() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata: {name: a}\n- kind: Secret\n  metadata: {name: b}\n";
        let loaded = parse(text).unwrap();
        assert_eq!(loaded.objects.len(), 2);
        assert_eq!(loaded.objects[1].value["kind"], "Secret");
        assert_eq!(loaded.objects[1].origin.as_ref().unwrap().line, 6);
    }

    #[test]
    fn reads_json() {
        let loaded = parse("{\"kind\": \"List\", \"items\": [{\"kind\": \"Service\"}]}").unwrap();
        assert_eq!(loaded.objects.len(), 1);
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = parse("kind: Service\nmetadata:\n  name: [unclosed\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("t.yaml:"), "{text}");
        assert!(!text.starts_with("t.yaml:1:"), "{text}");
    }

    #[test]
    fn scalar_documents_are_rejected_with_their_line() {
        let err = parse("kind: Service\n---\njust a string\n").unwrap_err();
        assert_eq!(err.to_string(), "t.yaml:3: document 2 is a scalar, not a Kubernetes object");
    }

    #[test]
    fn alias_bombs_are_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&text).is_err());
    }
}
