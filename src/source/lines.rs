//! Where a field is: the line of `spec.rules[0].backendRefs[0].port` in a block-style YAML object
//! whose first key is on a known line, so that `at:` points at the field, not at the object. Flow
//! style, JSON and anything unexpected give `None` (the object's line stays).

use crate::model::refs::{FieldStep as Step, field_steps};

/// Files larger than this keep their objects' lines (reading them again would cost too much).
const MAX_REREAD_BYTES: u64 = 64 * 1024 * 1024;

/// The text of `path` for `field_line`, when it is a file small enough to read again.
pub fn reread(path: &str) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    (path != "-" && size <= MAX_REREAD_BYTES).then(|| std::fs::read_to_string(path).ok()).flatten()
}

/// Column of the first character that is neither a space nor a sequence dash (`- `).
fn content_column(line: &str) -> usize {
    let mut col = 0;
    let bytes = line.as_bytes();
    while col < bytes.len() {
        match (bytes.get(col), bytes.get(col + 1)) {
            (Some(b' '), _) => col += 1,
            (Some(b'-'), Some(b' ')) => col += 2,
            _ => break,
        }
    }
    col
}

/// A document separator or end marker: the object ends there.
fn document_end(line: &str) -> bool {
    line.starts_with("---") || line.starts_with("...")
}

fn blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// The 1-based line of `field` in `text`, for the object whose first key is on line `start`.
pub fn field_line(text: &str, start: usize, field: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let steps = field_steps(field)?;
    let mut at = start.checked_sub(1)?;
    let mut col = content_column(lines.get(at)?);
    for step in steps {
        at = match step {
            Step::Key(name) => find_key(&lines, at, col, name)?,
            Step::Index(n) => {
                let (line, item_col) = find_item(&lines, at, col, n)?;
                col = item_col;
                line
            }
        };
        // The next mapping's keys sit where the next content line starts (or on this line, after
        // a dash, for an item).
        if let Step::Key(_) = step
            && let Some(next) = (at + 1..lines.len()).find_map(|i| lines.get(i).filter(|l| !blank(l)))
        {
            col = next.len() - next.trim_start().len();
        }
    }
    Some(at + 1)
}

/// The line of key `name` of the mapping whose keys sit at `col`, from line `from` on.
fn find_key(lines: &[&str], from: usize, col: usize, name: &str) -> Option<usize> {
    for (i, line) in lines.iter().enumerate().skip(from) {
        if document_end(line) {
            return None;
        }
        if blank(line) {
            continue;
        }
        let starts = content_column(line);
        if starts < col && i > from {
            return None;
        }
        let head_is_indent = line.get(..col).is_some_and(|h| h.bytes().all(|b| b == b' ' || b == b'-'));
        if starts == col
            && head_is_indent
            && line.get(col..).is_some_and(|rest| rest.strip_prefix(name).is_some_and(|r| r.starts_with(':')))
        {
            return Some(i);
        }
    }
    None
}

/// The line of item `n` of the sequence under the key on line `key_line` (its dashes at `col`
/// or deeper), and the column of the item's keys.
fn find_item(lines: &[&str], key_line: usize, col: usize, n: usize) -> Option<(usize, usize)> {
    let mut seen = 0;
    let mut dash_col = None;
    for (i, line) in lines.iter().enumerate().skip(key_line + 1) {
        if document_end(line) {
            return None;
        }
        if blank(line) {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent < col.saturating_sub(2) || (indent < col && !line.trim_start().starts_with("- ")) {
            return None;
        }
        let dash = line.trim_start().starts_with("- ") || line.trim_start() == "-";
        match dash_col {
            None if dash => dash_col = Some(indent),
            None => return None,
            Some(d) if indent < d => return None,
            _ => {}
        }
        if dash && Some(indent) == dash_col {
            if seen == n {
                return Some((i, indent + 2));
            }
            seen += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: weather
spec:
  parentRefs:
  - name: mcp-gateway
    sectionName: mcps
  hostnames:
  - weather.mcp.local
  rules:
  - backendRefs:
    - name: weather
      port: 8000
    - name: other
      # a comment
      port: 9000
";

    #[test]
    fn finds_keys_items_and_keys_in_items() {
        assert_eq!(field_line(ROUTE, 1, "spec.parentRefs[0]"), Some(7));
        assert_eq!(field_line(ROUTE, 1, "spec.parentRefs[0].sectionName"), Some(8));
        assert_eq!(field_line(ROUTE, 1, "spec.hostnames"), Some(9));
        assert_eq!(field_line(ROUTE, 1, "spec.rules[0].backendRefs[0].port"), Some(14));
        assert_eq!(field_line(ROUTE, 1, "spec.rules[0].backendRefs[1].port"), Some(17));
        assert_eq!(field_line(ROUTE, 1, "spec.rules[0].backendRefs[2]"), None);
        assert_eq!(field_line(ROUTE, 1, "spec.parentRefs[0].namespace"), None);
    }

    #[test]
    fn an_object_inside_a_list_and_a_second_document() {
        let text = format!(
            "items:\n- apiVersion: v1\n  kind: Service\n  spec:\n    ports:\n    - port: 80\n---\n{ROUTE}"
        );
        assert_eq!(field_line(&text, 2, "spec.ports[0].port"), Some(6));
        assert_eq!(field_line(&text, 8, "spec.rules[0].backendRefs[0].port"), Some(21));
    }

    #[test]
    fn a_key_of_the_next_document_is_not_this_objects() {
        let text = "metadata: {name: no-kind}\n---\nkind: Service\n";
        assert_eq!(field_line(text, 1, "kind"), None);
    }

    #[test]
    fn flow_style_and_nonsense_keep_the_object_line() {
        assert_eq!(field_line("spec: {parentRefs: [{name: x}]}\n", 1, "spec.parentRefs[0]"), None);
        assert_eq!(field_line(ROUTE, 1, "spec.rules[x]"), None);
        assert_eq!(field_line(ROUTE, 99, "spec"), None);
    }
}
