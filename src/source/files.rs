//! `-f PATH`: files, folders (recursive, `.yaml`/`.yml`/`.json`) and stdin, read as multi-document
//! YAML or JSON, with `kind: List` unwrapped and the line of every object recorded.

use super::InputError;
use crate::snapshot::{Origin, RawObject};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use serde_saphyr::Spanned;
use std::collections::BTreeSet;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// What `-f` read: the objects, and the files they came from (in reading order).
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every object, in input order.
    pub objects: Vec<RawObject>,
    /// Every file read (`-` for stdin).
    pub files: Vec<String>,
    /// The item kinds of typed lists (`kind: EndpointSliceList`), empty ones included: the input
    /// says it read those kinds, even when none exists (a dump writes them so).
    pub listed_kinds: Vec<(String, String)>,
}

/// The largest input file accepted: bigger dumps must be split (the parser's memory grows with it).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Reads every `-f` path (`stdin` supplies the content of `-`), handing each object to `sink` as
/// soon as it is parsed; the returned `Loaded` lists the files only. Files are streamed: only the
/// line being read and the object being parsed are held, never the whole file.
pub fn load(
    paths: &[String],
    stdin: &mut dyn Read,
    sink: &mut dyn FnMut(RawObject),
) -> Result<Loaded, InputError> {
    let mut loaded = Loaded::default();
    for path in paths {
        if path == "-" {
            // Its size is known only at its end: the reader stops at the cap.
            let input = BufReader::with_capacity(64 * 1024, &mut *stdin);
            parse_into(&mut loaded, "-", input, MAX_FILE_BYTES, sink)?;
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
                let (reader, len) = open_bounded(&file, &name)?;
                parse_into(&mut loaded, &name, reader, len, sink)?;
            }
        } else {
            let (reader, len) = open_bounded(p, path)?;
            parse_into(&mut loaded, path, reader, len, sink)?;
        }
    }
    Ok(loaded)
}

const TOO_LARGE: &str = "larger than 512 MiB; split the input into several files";

fn too_large(path: &str) -> InputError {
    InputError::Unreadable { path: path.into(), message: TOO_LARGE.into() }
}

/// Opens a file for reading, refusing (before reading) one larger than `MAX_FILE_BYTES`.
fn open_bounded(path: &Path, name: &str) -> Result<(BufReader<std::fs::File>, u64), InputError> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(name, &e))?;
    let len = file.metadata().map_err(|e| unreadable(name, &e))?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(name));
    }
    Ok((BufReader::with_capacity(64 * 1024, file), len))
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
    let mut objects = Vec::new();
    parse_into(&mut loaded, name, bytes, bytes.len() as u64, &mut |o| objects.push(o))?;
    loaded.objects = objects;
    Ok(loaded)
}

/// Parses one input of `len` bytes (at most: reading stops past it), handing each object to
/// `sink` as soon as it is read: documents are parsed one at a time, straight from the reader, and
/// `kind: List` items one by one, so a large dump never exists in memory, as text or as a tree.
fn parse_into(
    loaded: &mut Loaded,
    name: &str,
    input: impl BufRead,
    len: u64,
    sink: &mut dyn FnMut(RawObject),
) -> Result<(), InputError> {
    loaded.files.push(name.to_string());
    let syntax = |line: u64, message: String| InputError::Syntax { path: name.into(), line, message };
    let file: std::sync::Arc<str> = std::sync::Arc::from(name);
    let mut documents = Documents { input, ahead: None, line: 1, bytes: 0, limit: len };
    let mut index = 0usize;
    while let Some(mut document) = documents.next_document() {
        index += 1;
        let offset = document.start_line;
        let mut item_error = None;
        let mut emit = |item_line: u64, value: Value| {
            if !value.is_object() {
                item_error.get_or_insert((offset + item_line.max(1) - 1, describe(&value)));
                return;
            }
            let origin = Origin { file: file.clone(), line: offset + item_line.max(1) - 1 };
            sink(RawObject { value, origin: Some(origin) });
        };
        let parsed = parse_document(&mut document, len, &mut emit);
        if let Some((line, message)) = document.failure.take() {
            return Err(syntax(line, message));
        }
        // The line of the document's first key (comments, blank lines and markers skipped).
        let Some(line) = document.first_content else {
            continue;
        };
        let doc = parsed.map_err(|(l, m)| syntax(offset + l - 1, m))?;
        if let Some((l, what)) = item_error {
            return Err(syntax(l, format!("list item is {what}, not a Kubernetes object")));
        }
        match doc {
            Doc::Object(map) => sink(RawObject {
                value: Value::Object(map),
                origin: Some(Origin { file: file.clone(), line }),
            }),
            Doc::Listed(map) => {
                let at = |k: &str| map.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                let kind = at("kind");
                if let Some(item) = kind.strip_suffix("List").filter(|k| !k.is_empty()) {
                    loaded.listed_kinds.push((at("apiVersion"), item.to_string()));
                }
            }
            Doc::Empty => {}
            Doc::Other(what) => {
                return Err(syntax(line, format!("document {index} is {what}, not a Kubernetes object")));
            }
        }
    }
    Ok(())
}

/// A YAML stream cut at its document markers (`---` at the start of a line). A marker at column 0
/// always starts a document (it even ends a block scalar), so this never cuts a document in two.
struct Documents<R> {
    input: R,
    /// The marker line that ended the previous document.
    ahead: Option<Vec<u8>>,
    /// The 1-based number of the next line.
    line: u64,
    /// Bytes read so far, refused past `limit`: the size of a file, `MAX_FILE_BYTES` for stdin
    /// (which has no size to check first).
    bytes: u64,
    limit: u64,
}

impl<R: BufRead> Documents<R> {
    /// The next document, or `None` at the end of the input.
    fn next_document(&mut self) -> Option<Document<'_, R>> {
        if self.ahead.is_none() {
            let mut first = Vec::new();
            match self.read_line(&mut first) {
                Ok(false) => return None,
                Ok(true) => self.ahead = Some(first),
                Err(message) => {
                    let (line, failure) = (self.line, Some((self.line, message)));
                    return Some(Document { start_line: line, failure, ..Document::new(self) });
                }
            }
        }
        let start_line = self.line;
        Some(Document { start_line, ..Document::new(self) })
    }

    /// Reads the next line into `buf`; false at the end of the input. Never reads past `limit`,
    /// even within one enormous line.
    fn read_line(&mut self, buf: &mut Vec<u8>) -> Result<bool, String> {
        let room = self.limit.saturating_sub(self.bytes).saturating_add(1);
        let n =
            (&mut self.input).take(room).read_until(b'\n', buf).map_err(|e| format!("cannot read: {e}"))?;
        self.bytes += n as u64;
        if self.bytes > self.limit {
            return Err(TOO_LARGE.into());
        }
        Ok(n > 0)
    }
}

/// One document of a `Documents` stream, read line by line as the parser asks for bytes.
struct Document<'a, R> {
    documents: &'a mut Documents<R>,
    /// The line being handed out, and how much of it was.
    buf: Vec<u8>,
    pos: usize,
    /// Whether the document has ended (at a marker or the end of the input).
    done: bool,
    lines: u64,
    start_line: u64,
    /// The line of the first key: not blank, a comment, a marker or a directive.
    first_content: Option<u64>,
    /// Text that is not UTF-8, or a read error, with its line.
    failure: Option<(u64, String)>,
}

impl<'a, R: BufRead> Document<'a, R> {
    fn new(documents: &'a mut Documents<R>) -> Self {
        Document {
            documents,
            buf: Vec::new(),
            pos: 0,
            done: false,
            lines: 0,
            start_line: 0,
            first_content: None,
            failure: None,
        }
    }

    /// Loads the document's next line into `buf`; false at its end.
    fn next_line(&mut self) -> bool {
        if self.done || self.failure.is_some() {
            return false;
        }
        self.buf.clear();
        self.pos = 0;
        match self.documents.ahead.take() {
            Some(line) => self.buf = line,
            None => match self.documents.read_line(&mut self.buf) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return false;
                }
                Err(message) => {
                    self.failure = Some((self.documents.line, message));
                    return false;
                }
            },
        }
        let is_marker = self.buf.starts_with(b"---")
            && self.buf.get(3).is_none_or(|c| matches!(c, b' ' | b'\n' | b'\r' | b'\t'));
        if is_marker && self.lines > 0 {
            self.documents.ahead = Some(std::mem::take(&mut self.buf));
            self.done = true;
            return false;
        }
        let line = self.documents.line;
        self.documents.line += 1;
        self.lines += 1;
        let Ok(text) = std::str::from_utf8(&self.buf) else {
            self.failure = Some((line, "not UTF-8 text (is this a binary file?)".into()));
            return false;
        };
        if self.first_content.is_none() {
            let t = text.trim();
            let content =
                !(t.is_empty() || t.starts_with('#') || t == "---" || t == "..." || t.starts_with('%'));
            self.first_content = content.then_some(line);
        }
        true
    }

    /// Reads what remains of the document, so that the next one starts at its marker.
    fn finish(&mut self) {
        while self.next_line() {}
    }
}

impl<R: BufRead> Read for Document<'_, R> {
    /// Hands out as many of the document's lines as fit in `out`.
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut filled = 0;
        while filled < out.len() {
            if self.pos >= self.buf.len() && !self.next_line() {
                break;
            }
            let rest = self.buf.get(self.pos..).unwrap_or_default();
            let n = rest.len().min(out.len() - filled);
            let to = out.get_mut(filled..filled + n).unwrap_or_default();
            to.copy_from_slice(rest.get(..n).unwrap_or_default());
            self.pos += n;
            filled += n;
        }
        Ok(filled)
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) | Value::Number(_) | Value::String(_) => "a scalar",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// The parser's budgets: they stop alias and nesting bombs and scale with the input, so large
/// dumps pass while a few bytes cannot expand into gigabytes.
fn options(len: usize) -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 1_000_000 + len.saturating_mul(2),
            max_nodes: 250_000 + len,
            max_documents: 4,
            max_depth: 100,
            max_aliases: 10_000,
            max_anchors: 10_000,
            max_total_scalar_bytes: 64 * 1024 * 1024 + len,
            max_reader_input_bytes: Some(MAX_FILE_BYTES as usize),
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 1_000_000,
            max_replay_stack_depth: 64,
        },
        with_snippet: false,
    }
}

/// Parses one document (YAML or JSON) of an input of `len` bytes; `kind: List` items go to `emit`
/// with their line. The document is read to its end even when parsing stops early.
fn parse_document<R: BufRead>(
    document: &mut Document<'_, R>,
    len: u64,
    emit: &mut dyn FnMut(u64, Value),
) -> Result<Doc, (u64, String)> {
    let options = options(usize::try_from(len).unwrap_or(usize::MAX));
    let parsed = serde_saphyr::with_deserializer_from_reader_with_options(&mut *document, options, |de| {
        DocSeed { emit }.deserialize(de)
    });
    document.finish();
    parsed.map_err(|e| {
        let line = e.location().map_or(1, |l| l.line().max(1));
        let message = e.to_string();
        let message = message.lines().next().unwrap_or("invalid YAML").trim().to_string();
        (line, strip_location_suffix(&message))
    })
}

/// Drops a trailing "at line N column M" the parser adds, since the caller prints `file:line:`.
fn strip_location_suffix(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).trim_end_matches(',').to_string(),
        None => message.to_string(),
    }
}

/// One YAML document: a mapping, a list whose items were emitted, nothing, or not an object.
enum Doc {
    Object(Map<String, Value>),
    Listed(Map<String, Value>),
    Empty,
    Other(&'static str),
}

struct DocSeed<'a> {
    emit: &'a mut dyn FnMut(u64, Value),
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Doc;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Doc, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = Doc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Kubernetes object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Doc, A::Error> {
        let mut map = Map::new();
        let mut listed = false;
        while let Some(key) = access.next_key::<String>()? {
            if key == "items" {
                // A top-level `items` list is a `kind: List` (or `*List`): stream its items.
                listed = access.next_value_seed(ItemsSeed { emit: &mut *self.emit })?;
            } else {
                let value: Value = access.next_value()?;
                map.insert(key, value);
            }
        }
        Ok(if listed { Doc::Listed(map) } else { Doc::Object(map) })
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
        Ok(Doc::Empty)
    }

    fn visit_none<E: de::Error>(self) -> Result<Doc, E> {
        Ok(Doc::Empty)
    }
}

/// The `items` of a list, each emitted with its line as soon as it is parsed. Yields whether the
/// value was a sequence (a null `items` is an empty list).
struct ItemsSeed<'a> {
    emit: &'a mut dyn FnMut(u64, Value),
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<bool, A::Error> {
        while let Some(item) = access.next_element::<Spanned<Value>>()? {
            (self.emit)(item.referenced.line(), item.value);
        }
        Ok(true)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Loaded, InputError> {
        super::parse("t.yaml", text.as_bytes())
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
    fn documents_are_cut_only_at_markers_in_column_zero() {
        let text = "kind: ConfigMap\ndata:\n  x: |\n    ---\n    y\n---\n\n# c\nkind: Service\n---\n# only a comment\n";
        let loaded = parse(text).unwrap();
        let lines: Vec<u64> = loaded.objects.iter().map(|o| o.origin.as_ref().unwrap().line).collect();
        assert_eq!(lines, vec![1, 9]);
        assert_eq!(loaded.objects[0].value["data"]["x"], "---\ny\n");
    }

    #[test]
    fn comment_only_documents_count_in_the_numbering() {
        let err = parse("# nothing here\n---\nkind: Service\n---\n42\n").unwrap_err();
        assert_eq!(err.to_string(), "t.yaml:5: document 3 is a scalar, not a Kubernetes object");
    }

    #[test]
    fn bytes_that_are_not_utf8_name_their_line() {
        let err = super::parse("t.yaml", b"kind: Service\n---\nkind: \xff\xfe\n").unwrap_err();
        assert_eq!(err.to_string(), "t.yaml:3: not UTF-8 text (is this a binary file?)");
    }

    #[test]
    fn input_past_its_limit_is_refused_while_reading() {
        let text = "kind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: b}\n";
        let mut objects = 0;
        let err = parse_into(&mut Loaded::default(), "-", text.as_bytes(), 40, &mut |_| objects += 1);
        let err = err.unwrap_err().to_string();
        assert!(err.starts_with("-:4: larger than 512 MiB"), "{err}");
        assert_eq!(objects, 1, "the document before the limit was read");
    }

    #[test]
    fn one_enormous_line_is_refused_at_the_limit() {
        let text = format!("{{\"kind\": \"Service\", \"x\": \"{}\"}}", "y".repeat(1000));
        let err = parse_into(&mut Loaded::default(), "-", text.as_bytes(), 100, &mut |_| {}).unwrap_err();
        assert!(err.to_string().starts_with("-:1: larger than 512 MiB"), "{err}");
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
