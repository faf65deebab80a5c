//! The default text output: per server, the chain as an indented tree with one line per link (the
//! first broken link marked), then its findings with their fixes; short enough to paste.

use crate::diagnose::finding::{Finding, Link, LinkState, Report, ServerReport, Verdict};
use std::fmt::Write;

fn symbol(state: LinkState) -> &'static str {
    match state {
        LinkState::Ok => "✓",
        LinkState::Fail => "✗",
        LinkState::Warn => "!",
        LinkState::Unknown => "?",
        LinkState::Skipped => "-",
    }
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Healthy => "HEALTHY",
        Verdict::Degraded => "DEGRADED",
        Verdict::Unknown => "UNKNOWN",
        Verdict::Broken => "BROKEN",
    }
}

/// Renders the whole report.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for server in &report.servers {
        render_server(&mut out, server);
        out.push('\n');
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "Other findings:");
        for f in &report.findings {
            render_finding(&mut out, f, "  ");
        }
        out.push('\n');
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} server(s): {} healthy, {} broken, {} degraded, {} unknown",
        s.servers, s.healthy, s.broken, s.degraded, s.unknown
    );
    out
}

fn render_server(out: &mut String, server: &ServerReport) {
    let r = &server.reference;
    let _ = writeln!(
        out,
        "{} {}/{} ({}, {}): {}",
        r.kind,
        r.namespace,
        r.name,
        r.api_version,
        server.generation,
        verdict(server.verdict)
    );
    let depths = depths(&server.chain);
    let first_broken = server.chain.iter().position(|l| l.state == LinkState::Fail);
    for (i, (link, depth)) in server.chain.iter().zip(depths).enumerate() {
        let indent = "  ".repeat(depth + 1);
        let head = if link.from == link.to {
            link.relation.clone()
        } else {
            format!("{} → {}", link.relation, link.to)
        };
        let mark = if Some(i) == first_broken { "   ◀ first broken link" } else { "" };
        let _ = writeln!(out, "{indent}{} {head}: {}{mark}", symbol(link.state), link.evidence);
    }
    if !server.findings.is_empty() {
        let _ = writeln!(out, "  Findings:");
        for f in &server.findings {
            render_finding(out, f, "    ");
        }
    }
}

/// Nesting of each link: one deeper than the latest earlier link that points at its `from`.
fn depths(chain: &[Link]) -> Vec<usize> {
    let mut depths: Vec<usize> = Vec::with_capacity(chain.len());
    for (i, link) in chain.iter().enumerate() {
        let parent = (0..i).rev().find(|&j| chain[j].to == link.from && chain[j].from != chain[j].to);
        depths.push(parent.map_or(0, |j| depths[j] + 1));
    }
    depths
}

fn render_finding(out: &mut String, f: &Finding, indent: &str) {
    let id = f.code.info().id;
    let field = if f.field.is_empty() { String::new() } else { format!(" {}", f.field) };
    let reason = f.reason.as_deref().map_or(String::new(), |r| format!(" [{r}]"));
    let _ = writeln!(
        out,
        "{indent}{} {id} {} ({}): {}{field}{reason}",
        severity_symbol(f),
        f.name,
        f.severity.as_str(),
        f.object
    );
    let _ = writeln!(out, "{indent}  {}", f.message);
    let _ = writeln!(out, "{indent}  fix: {}", f.fix.summary);
    if let Some(t) = &f.fix.target
        && t != &f.object
    {
        let _ = writeln!(out, "{indent}  on: {t}");
    }
    if let Some(c) = &f.fix.command {
        let _ = writeln!(out, "{indent}    $ {c}");
    }
    if let Some(y) = &f.fix.yaml {
        for line in y.lines() {
            let _ = writeln!(out, "{indent}    {line}");
        }
    }
    if let Some(o) = &f.origin {
        let _ = writeln!(out, "{indent}  at: {}:{}", o.file, o.line);
    }
}

fn severity_symbol(f: &Finding) -> &'static str {
    match f.severity {
        crate::diagnose::Severity::Error => "✗",
        crate::diagnose::Severity::Warning => "!",
        crate::diagnose::Severity::Info => "i",
    }
}
