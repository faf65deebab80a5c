//! `explain CODE`, `explain --list`, and `docs/findings.md`, all generated from the catalog.

use crate::diagnose::{CATALOG, CodeInfo};
use std::fmt::Write;

/// A broken and a fixed example: the objects that differ between the two.
#[derive(Debug, Clone, Default)]
pub struct Example {
    /// The scenario it comes from.
    pub scenario: String,
    /// The objects as they are when broken (YAML documents).
    pub broken: Vec<String>,
    /// The same objects fixed (YAML documents).
    pub fixed: Vec<String>,
    /// The broken and the fixed command line, when they differ (`NAME -n NS`).
    pub commands: Option<(String, String)>,
}

/// The explanation of one code, with its example.
pub fn explain(info: &CodeInfo, example: Option<&Example>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {} ({})", info.id, info.name, info.severity.as_str());
    if let Some(r) = info.reason {
        let _ = writeln!(out, "reason: {r}");
    }
    let _ = writeln!(out, "\n{}\n", capitalize(info.title));
    let _ = writeln!(out, "Why it breaks the gateway:\n  {}\n", info.why);
    let _ = writeln!(out, "How to fix it:\n  {}", info.fix);
    if let Some(e) = example {
        let _ = writeln!(out, "\nExample:");
        let (broken, fixed) = e.commands.clone().unzip();
        for (title, command, docs) in [("Broken", broken, &e.broken), ("Fixed", fixed, &e.fixed)] {
            if docs.is_empty() && command.is_none() {
                continue;
            }
            let _ = writeln!(out, "\n  {title}:");
            if let Some(command) = command {
                let _ = writeln!(out, "    kubectl mcp-doctor {command}");
            }
            for (i, d) in docs.iter().enumerate() {
                if i > 0 {
                    let _ = writeln!(out, "    ---");
                }
                for line in d.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
    }
    out
}

/// One line per code.
pub fn list() -> String {
    let mut out = String::new();
    for c in CATALOG {
        let _ = writeln!(out, "{}  {:<8} {:<38} {}", c.id, c.severity.as_str(), c.name, c.title);
    }
    out
}

/// `docs/findings.md`.
pub fn findings_markdown() -> String {
    let mut out = String::from(
        "# Findings\n\n<!-- Generated from src/diagnose/catalog/mod.rs by `kubectl mcp-doctor explain --markdown`; do not edit. -->\n\n\
         Every finding the doctor reports has a stable code. `kubectl mcp-doctor explain CODE` prints the same text.\n\n\
         | Code | Name | Severity | Reason | What is wrong |\n|---|---|---|---|---|\n",
    );
    for c in CATALOG {
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {} | {} |",
            c.id,
            c.id.to_lowercase(),
            c.name,
            c.severity.as_str(),
            c.reason.unwrap_or(""),
            c.title.replace('|', "\\|")
        );
    }
    for c in CATALOG {
        let _ = write!(out, "\n## {}\n\n`{}` · {}", c.id, c.name, c.severity.as_str());
        if let Some(r) = c.reason {
            let _ = write!(out, " · reason `{r}`");
        }
        let _ = write!(
            out,
            "\n\n{}.\n\n**Why it breaks the gateway.** {}\n\n**Fix.** {}\n",
            capitalize(c.title),
            c.why,
            c.fix
        );
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
}

/// The objects that differ between the broken and the fixed file of a code's scenario.
pub fn example_of(code: crate::diagnose::Code) -> Option<Example> {
    let files = crate::diagnose::examples::example(code)?;
    let (broken, fixed) = (files.broken, files.fixed);
    let parse = |text: &str| -> Vec<serde_json::Value> {
        crate::source::files::parse("example.yaml", text.as_bytes())
            .map(|l| l.objects.into_iter().map(|o| o.value).collect())
            .unwrap_or_default()
    };
    let key = |v: &serde_json::Value| {
        let at = |p: &str| v.pointer(p).and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
        (at("/kind"), at("/metadata/namespace"), at("/metadata/name"), at("/apiVersion"))
    };
    let (broken, fixed) = (parse(broken), parse(fixed));
    let yaml = |v: &serde_json::Value| serde_saphyr::to_string(v).unwrap_or_default();
    let mut example = Example {
        scenario: files.scenario.to_string(),
        commands: commands(files.expect),
        ..Default::default()
    };
    for b in &broken {
        match fixed.iter().find(|f| key(f) == key(b)) {
            Some(f) if f == b => {}
            Some(f) => {
                example.broken.push(yaml(b));
                example.fixed.push(yaml(f));
            }
            None => example.broken.push(yaml(b)),
        }
    }
    example.fixed.extend(fixed.iter().filter(|f| !broken.iter().any(|b| key(b) == key(f))).map(yaml));
    Some(example)
}

/// The command lines of a scenario's broken and fixed runs (its `expect.yaml`), when they differ.
fn commands(expect: &str) -> Option<(String, String)> {
    let expect: serde_json::Value = serde_saphyr::from_str(expect).ok()?;
    let args = |case: &str| -> String {
        let args = expect.pointer(&format!("/{case}/args")).and_then(serde_json::Value::as_array);
        args.into_iter().flatten().filter_map(serde_json::Value::as_str).collect::<Vec<_>>().join(" ")
    };
    let (broken, fixed) = (args("broken"), args("fixed"));
    (broken != fixed).then_some((broken, fixed))
}
