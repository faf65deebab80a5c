//! `-o markdown`: a report to paste into a support ticket. Header (tool, source with credentials
//! stripped, Kubernetes version, served API versions, time), each server's chain and findings with
//! fixes in fenced blocks, and the objects on its chain as YAML in a collapsible section. Never
//! colour; Secret values, managedFields and last-applied annotations never appear.

use super::style::Styles;
use super::tree;
use crate::diagnose::finding::{Finding, Report, ServerReport, Verdict};
use crate::model::ObjRef;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// What the markdown needs besides the report.
pub struct Context<'a> {
    /// The objects as read, by identity.
    pub objects: &'a BTreeMap<ObjRef, Value>,
    /// When the report was made (RFC 3339).
    pub generated_at: String,
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Renders the report.
pub fn render(report: &Report, cx: &Context) -> String {
    let mut out = String::from("# MCP server diagnosis (kubectl mcp-doctor)\n\n| | |\n|---|---|\n");
    let m = &report.metadata;
    let _ = writeln!(out, "| Tool | kubectl-mcp_doctor {} |", m.tool_version);
    let source = match (&m.source.context, &m.source.server, &m.source.files) {
        (Some(ctx), Some(server), _) => {
            format!("cluster, context `{}`, server `{}`", cell(ctx), cell(&strip_credentials(server)))
        }
        (_, _, Some(files)) => {
            format!("files {}", files.iter().map(|f| format!("`{}`", cell(f))).collect::<Vec<_>>().join(", "))
        }
        _ => m.source.mode.to_string(),
    };
    let _ = writeln!(out, "| Source | {source} |");
    if let Some(files) = &m.source.what_if {
        let files: Vec<String> = files.iter().map(|f| format!("`{}`", cell(f))).collect();
        let _ = writeln!(out, "| What-if | assuming {} applied (nothing was written) |", files.join(", "));
    }
    if let Some(v) = &m.kubernetes_version {
        let _ = writeln!(out, "| Kubernetes | {} |", cell(v));
    }
    let apis: Vec<String> = m.apis.iter().map(|(k, v)| format!("{k}: {}", v.join(", "))).collect();
    let _ = writeln!(out, "| API versions | {} |", cell(&apis.join("; ")));
    let release = &m.mcp_gateway;
    let _ =
        writeln!(out, "| mcp-gateway | {} ({}) |", release.candidates, cell(&release.evidence.join("; ")));
    let _ = writeln!(out, "| Generated | {} |", cx.generated_at);
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n**{} server(s): {} healthy, {} broken, {} degraded, {} unknown{}**\n",
        s.servers,
        s.healthy,
        s.broken,
        s.degraded,
        s.unknown,
        if s.suppressed > 0 { format!(", {} finding(s) suppressed", s.suppressed) } else { String::new() }
    );
    for server in &report.servers {
        render_server(&mut out, server, cx);
    }
    if !report.findings.is_empty() {
        out.push_str("## Other findings\n\n");
        for f in &report.findings {
            render_finding(&mut out, f);
        }
    }
    out
}

fn render_server(out: &mut String, server: &ServerReport, cx: &Context) {
    let r = &server.reference;
    let verdict = match server.verdict {
        Verdict::Healthy => "healthy",
        Verdict::Broken => "broken",
        Verdict::Degraded => "degraded",
        Verdict::Unknown => "unknown",
    };
    let _ = writeln!(out, "## {} `{}/{}`: {verdict}\n", r.kind, r.namespace, r.name);
    let _ = write!(out, "API version `{}` ({}).", r.api_version, server.generation);
    if let Some(b) = &server.first_broken {
        let _ = write!(out, " First broken link: `{} → {}` ({}).", b.relation, b.to, b.code.info().id);
    }
    out.push_str("\n\n### Chain\n\n```text\n");
    tree::chain(out, &server.chain, "", &Styles::plain());
    out.push_str("```\n\n");
    if !server.findings.is_empty() {
        out.push_str("### Findings\n\n");
        for f in &server.findings {
            render_finding(out, f);
        }
    }
    let mut refs: BTreeSet<&ObjRef> = BTreeSet::new();
    for l in &server.chain {
        refs.insert(&l.from);
        refs.insert(&l.to);
    }
    let docs: Vec<String> = refs
        .into_iter()
        .filter_map(|r| cx.objects.get(r))
        .map(|v| serde_saphyr::to_string(v).unwrap_or_default())
        .collect();
    if !docs.is_empty() {
        out.push_str("<details>\n<summary>Objects on the chain (YAML; managedFields, last-applied-configuration and Secret values removed)</summary>\n\n```yaml\n");
        for d in docs {
            out.push_str("---\n");
            out.push_str(&d);
            if !d.ends_with('\n') {
                out.push('\n');
            }
        }
        out.push_str("```\n\n</details>\n\n");
    }
}

fn render_finding(out: &mut String, f: &Finding) {
    let info = f.code.info();
    let _ = writeln!(out, "#### {} `{}` ({})\n", info.id, info.name, f.severity.as_str());
    let field = if f.field.is_empty() { String::new() } else { format!(", field `{}`", f.field) };
    let _ = writeln!(out, "- Object: `{}`{field}", f.object);
    if let Some(c) = f.cause {
        let _ = writeln!(out, "- Cause: {} `{}`", c.info().id, c.info().name);
    }
    if let Some(r) = &f.reason {
        let _ = writeln!(out, "- Reason: `{r}`");
    }
    if let Some(o) = &f.origin {
        let _ = writeln!(out, "- At: `{}:{}`", o.file, o.line);
    }
    let _ = writeln!(out, "\n{}\n\n**Fix:** {}", f.message, f.fix.summary);
    if let Some(t) = &f.fix.target
        && t != &f.object
    {
        let _ = writeln!(out, "(on `{t}`)");
    }
    if let Some(c) = &f.fix.command {
        let _ = writeln!(out, "\n```sh\n{c}\n```");
    }
    if let Some(y) = &f.fix.yaml {
        let _ =
            writeln!(out, "\n```yaml\n{}```", if y.ends_with('\n') { y.clone() } else { format!("{y}\n") });
    }
    out.push('\n');
}

/// Drops `user:password@` from a URL.
pub fn strip_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            if path.is_empty() { format!("{scheme}://{host}") } else { format!("{scheme}://{host}/{path}") }
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::strip_credentials;

    #[test]
    fn credentials_are_stripped_from_urls() {
        assert_eq!(strip_credentials("https://admin:s3cret@10.0.0.1:6443"), "https://10.0.0.1:6443");
        assert_eq!(strip_credentials("https://k8s.example.com/path"), "https://k8s.example.com/path");
    }
}
