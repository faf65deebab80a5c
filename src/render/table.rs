//! The scan table: one row per server (namespace, name, generation, route, gateway/listener,
//! verdict, first broken link with its code); `-o wide` adds prefix, backend and extension.

use super::style::Styles;
use crate::diagnose::finding::{Link, Report, ServerReport, Severity, Verdict};
use comfy_table::{ContentArrangement, Table, presets};
use std::time::Duration;

fn link(server: &ServerReport, relation: impl Fn(&str) -> bool) -> Option<&Link> {
    server.chain.iter().find(|l| relation(&l.relation))
}

/// `Verdict` as shown in tables and trees.
pub fn verdict_cell(v: Verdict, styles: &Styles) -> String {
    match v {
        Verdict::Healthy => Styles::paint(styles.ok, "healthy"),
        Verdict::Broken => Styles::paint(styles.fail, "broken"),
        Verdict::Degraded => Styles::paint(styles.warn, "degraded"),
        Verdict::Unknown => Styles::paint(styles.dim, "unknown"),
    }
}

/// A server's first broken link with its code (`MCPD0504 backendRefs[0] → Service ns/name`).
fn first_broken(server: &ServerReport) -> Option<String> {
    let b = server.first_broken.as_ref()?;
    let what = if b.relation.is_empty() { b.to.to_string() } else { format!("{} → {}", b.relation, b.to) };
    Some(format!("{} {what}", b.code.info().id))
}

/// `--wait`'s progress line between rounds: how many servers hold a finding at or above
/// `fail_on`, the first one's first broken link, the time left and the next check.
pub fn waiting_line(report: &Report, fail_on: Severity, left: Duration, next: Duration) -> String {
    let waiting: Vec<&ServerReport> =
        report.servers.iter().filter(|s| s.findings.iter().any(|f| f.severity >= fail_on)).collect();
    let first = waiting.first().map_or(String::new(), |server| {
        let r = &server.reference;
        let link = first_broken(server).unwrap_or_else(|| verdict_cell(server.verdict, &Styles::plain()));
        format!(": {}/{} {link}", r.namespace, r.name)
    });
    format!(
        "waiting for {} of {} server(s){first} ({} left, next check in {})",
        waiting.len(),
        report.servers.len(),
        short_duration(left),
        short_duration(next)
    )
}

/// `1m23s`, `45s`, `0s`: whole seconds, rounded up.
fn short_duration(d: Duration) -> String {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// Renders the table.
pub fn render(report: &Report, wide: bool, styles: &Styles) -> String {
    let mut table = Table::new();
    table.load_style(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    let mut header =
        vec!["NAMESPACE", "NAME", "GENERATION", "ROUTE", "GATEWAY/LISTENER", "VERDICT", "FIRST BROKEN"];
    if wide {
        header.extend(["PREFIX", "BACKEND", "EXTENSION", "FINDINGS"]);
    }
    table.set_header(header);
    for s in &report.servers {
        let r = &s.reference;
        let version = r.api_version.rsplit_once('/').map_or(&*r.api_version, |(_, v)| v);
        let route = link(s, |rel| rel == "targetRef").map_or("-".to_string(), |l| l.to.name.clone());
        let gateway = link(s, |rel| rel.starts_with("listener")).map_or("-".to_string(), |l| {
            let section = l.relation.strip_prefix("listener ").unwrap_or("*");
            format!("{}/{section}", l.to.ns_name())
        });
        let broken = first_broken(s).unwrap_or_else(|| "-".to_string());
        let mut row = vec![
            r.namespace.clone(),
            r.name.clone(),
            format!("{}/{version}", r.kind),
            route,
            gateway,
            verdict_cell(s.verdict, styles),
            broken,
        ];
        if wide {
            let prefix = link(s, |rel| rel == "registration")
                .and_then(|l| {
                    l.evidence.split("prefix \"").nth(1).map(|p| p.trim_end_matches('"').to_string())
                })
                .unwrap_or_else(|| "-".into());
            let backend = link(s, |rel| rel.contains("backendRefs") && !rel.ends_with("grant")).map_or(
                "-".to_string(),
                |l| {
                    let port =
                        l.evidence.strip_prefix("Service port ").map_or(String::new(), |p| format!(":{p}"));
                    format!("{}{port}", l.to.ns_name())
                },
            );
            let ext = link(s, |rel| rel == "served by").map_or("-".to_string(), |l| l.to.ns_name());
            row.extend([prefix, backend, ext, s.findings.len().to_string()]);
        }
        table.add_row(row);
    }
    // Like kubectl: no leading padding, no trailing blanks.
    let mut out: String = table
        .to_string()
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end().to_string() + "\n")
        .collect();
    out.push('\n');
    super::tree::summary_line(&mut out, report);
    out
}

#[cfg(test)]
mod tests {
    use super::short_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_kubectl_writes_them() {
        assert_eq!(short_duration(Duration::ZERO), "0s");
        assert_eq!(short_duration(Duration::from_millis(1500)), "2s");
        assert_eq!(short_duration(Duration::from_secs(120)), "2m");
        assert_eq!(short_duration(Duration::from_secs(83)), "1m23s");
    }
}
