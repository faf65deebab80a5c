//! The default text output for one server: the chain as an indented tree with one line per link
//! (the first broken link marked), then its findings with their fixes; short enough to paste.

use super::style::Styles;
use crate::diagnose::Severity;
use crate::diagnose::finding::{Finding, Link, LinkState, Report, ServerReport, Verdict};
use std::fmt::Write;

fn symbol(state: LinkState, styles: &Styles) -> String {
    match state {
        LinkState::Ok => Styles::paint(styles.ok, "✓"),
        LinkState::Fail => Styles::paint(styles.fail, "✗"),
        LinkState::Warn => Styles::paint(styles.warn, "!"),
        LinkState::Unknown => Styles::paint(styles.dim, "?"),
        LinkState::Skipped => Styles::paint(styles.dim, "-"),
    }
}

fn verdict(v: Verdict, styles: &Styles) -> String {
    match v {
        Verdict::Healthy => Styles::paint(styles.ok, "HEALTHY"),
        Verdict::Degraded => Styles::paint(styles.warn, "DEGRADED"),
        Verdict::Unknown => Styles::paint(styles.dim, "UNKNOWN"),
        Verdict::Broken => Styles::paint(styles.fail, "BROKEN"),
    }
}

/// Every server as a tree, the other findings, and the summary line.
pub fn render(report: &Report, styles: &Styles) -> String {
    let mut out = String::new();
    for server in &report.servers {
        render_server(&mut out, server, styles);
        out.push('\n');
    }
    other_findings(&mut out, report, styles);
    summary_line(&mut out, report);
    out
}

/// The findings that belong to no server.
pub fn other_findings(out: &mut String, report: &Report, styles: &Styles) {
    if !report.findings.is_empty() {
        let _ = writeln!(out, "Other findings:");
        for f in &report.findings {
            render_finding(out, f, "  ", styles);
        }
        out.push('\n');
    }
}

/// The mcp-gateway release line, then `N server(s): ...`.
pub fn summary_line(out: &mut String, report: &Report) {
    if let Some(files) = &report.metadata.source.what_if {
        let _ = writeln!(
            out,
            "what-if: assuming {} applied to the cluster (nothing was written)",
            files.join(", ")
        );
    }
    let _ = writeln!(out, "{}", report.metadata.mcp_gateway.line());
    let s = &report.summary;
    let suppressed =
        if s.suppressed > 0 { format!(", {} finding(s) suppressed", s.suppressed) } else { String::new() };
    let _ = writeln!(
        out,
        "{} server(s): {} healthy, {} broken, {} degraded, {} unknown{suppressed}",
        s.servers, s.healthy, s.broken, s.degraded, s.unknown
    );
}

/// One server: heading, chain, findings.
pub fn render_server(out: &mut String, server: &ServerReport, styles: &Styles) {
    let r = &server.reference;
    let _ = writeln!(
        out,
        "{} {}/{} ({}, {}): {}",
        r.kind,
        r.namespace,
        r.name,
        r.api_version,
        server.generation,
        verdict(server.verdict, styles)
    );
    chain(out, &server.chain, "  ", styles);
    if !server.findings.is_empty() {
        let _ = writeln!(out, "  Findings:");
        for f in &server.findings {
            render_finding(out, f, "    ", styles);
        }
    }
}

/// The chain as an indented tree, the first broken link marked.
pub fn chain(out: &mut String, chain: &[Link], indent: &str, styles: &Styles) {
    let depths = depths(chain);
    let first_broken = chain.iter().position(|l| l.state == LinkState::Fail);
    for (i, (link, depth)) in chain.iter().zip(depths).enumerate() {
        let pad = format!("{indent}{}", "  ".repeat(depth));
        let head = if link.from == link.to {
            link.relation.to_string()
        } else {
            format!("{} → {}", link.relation, link.to)
        };
        let mark = if Some(i) == first_broken {
            Styles::paint(styles.fail, "   ◀ first broken link")
        } else {
            String::new()
        };
        let _ = writeln!(out, "{pad}{} {head}: {}{mark}", symbol(link.state, styles), link.evidence);
    }
}

/// Nesting of each link: one deeper than the latest earlier link that points at its `from`.
fn depths(chain: &[Link]) -> Vec<usize> {
    let mut depths: Vec<usize> = Vec::with_capacity(chain.len());
    for (i, link) in chain.iter().enumerate() {
        let earlier = chain.iter().take(i).enumerate().rev();
        let parent = earlier.clone().find(|(_, l)| l.to == link.from && l.from != l.to).map(|(j, _)| j);
        depths.push(parent.and_then(|j| depths.get(j)).map_or(0, |d| d + 1));
    }
    depths
}

fn render_finding(out: &mut String, f: &Finding, indent: &str, styles: &Styles) {
    let id = Styles::paint(styles.strong, f.code.info().id);
    let field = if f.field.is_empty() { String::new() } else { format!(" {}", f.field) };
    let reason = f.reason.as_deref().map_or(String::new(), |r| format!(" [{r}]"));
    let cause = f.cause.map_or(String::new(), |c| format!(", from {} {}", c.info().id, c.info().name));
    let (sym, style) = match f.severity {
        Severity::Error => ("✗", styles.fail),
        Severity::Warning => ("!", styles.warn),
        Severity::Info => ("i", styles.dim),
    };
    let _ = writeln!(
        out,
        "{indent}{} {id} {} ({}{cause}): {}{field}{reason}",
        Styles::paint(style, sym),
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

/// A scan: the table, then (unless `summary_only`) every server that is not healthy, in detail.
pub fn scan(report: &Report, wide: bool, detail: Detail, styles: &Styles) -> String {
    let mut out = super::table::render(report, wide, styles);
    match detail {
        Detail::Summary => {}
        Detail::Lines => finding_lines(&mut out, report, styles),
        Detail::Trees => {
            let unhealthy = report.servers.iter().filter(|s| s.verdict != Verdict::Healthy);
            for server in unhealthy {
                out.push('\n');
                render_server(&mut out, server, styles);
            }
            if !report.findings.is_empty() {
                out.push('\n');
                other_findings(&mut out, report, styles);
            }
        }
    }
    out
}

/// A scan that found no registration: only the findings other than "no registrations" (the
/// caller says that on stderr, as kubectl does), in full.
pub fn nothing_found(report: &Report, styles: &Styles) -> String {
    let mut out = String::new();
    let others: Vec<&Finding> =
        report.findings.iter().filter(|f| f.code != crate::diagnose::Code::NoRegistrations).collect();
    if !others.is_empty() {
        let _ = writeln!(out, "Other findings:");
        others.iter().for_each(|f| render_finding(&mut out, f, "  ", styles));
    }
    out
}

/// How much a scan prints after its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The table and totals only (`--summary`).
    Summary,
    /// One line per error or warning, like `istioctl analyze` (the default).
    Lines,
    /// The full chain of every server that is not healthy (`--details`).
    Trees,
}

/// `✗ CODE severity namespace/name: object — title`, errors and warnings (and an unknown server's
/// notes), server by server, then the findings of no server; and how to see one server's chain.
fn finding_lines(out: &mut String, report: &Report, styles: &Styles) {
    let line = |owner: String, f: &Finding| {
        let (sym, style) = match f.severity {
            Severity::Error => ("✗", styles.fail),
            Severity::Warning => ("!", styles.warn),
            Severity::Info => ("?", styles.dim),
        };
        let id = Styles::paint(styles.strong, f.code.info().id);
        let sym = Styles::paint(style, sym);
        let title = match f.cause {
            Some(c) => format!("{} ({}; {})", c.info().title, c.info().id, f.code.info().title),
            None => f.code.info().title.to_string(),
        };
        format!("{sym} {id} {} {owner}{} — {title}\n", f.severity.as_str(), f.object)
    };
    let noisy = |f: &&Finding| f.severity != Severity::Info;
    let mut lines: Vec<String> = report
        .servers
        .iter()
        .flat_map(|s| {
            let owner = format!("{}/{}: ", s.reference.namespace, s.reference.name);
            // An unknown server's notes say why it could not be verified.
            let unknown = s.verdict == Verdict::Unknown;
            s.findings.iter().filter(move |f| unknown || noisy(f)).map(move |f| line(owner.clone(), f))
        })
        .collect();
    lines.extend(report.findings.iter().filter(noisy).map(|f| line(String::new(), f)));
    if lines.is_empty() {
        return;
    }
    out.push('\n');
    lines.iter().for_each(|l| out.push_str(l));
    out.push_str("\n`kubectl mcp-doctor NAME -n NAMESPACE` shows one server's chain and fixes; --details every broken one's.\n");
}
