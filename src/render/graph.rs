//! `-o dot` and `-o mermaid`: every chain as a graph, broken links marked.

use crate::diagnose::finding::{LinkState, Report};
use crate::model::ObjRef;
use std::collections::BTreeMap;
use std::fmt::Write;

fn label(o: &ObjRef) -> String {
    format!("{}\\n{}", o.kind, o.ns_name())
}

/// An edge: from node, to node, relation, state.
type Edge = (usize, usize, String, LinkState);

/// Nodes (stable ids) and edges of every chain, deduplicated.
fn graph(report: &Report) -> (BTreeMap<ObjRef, usize>, Vec<Edge>) {
    let mut nodes: BTreeMap<ObjRef, usize> = BTreeMap::new();
    let mut edges = Vec::new();
    for server in &report.servers {
        for l in &server.chain {
            if l.from == l.to {
                continue;
            }
            let n = nodes.len();
            let from = *nodes.entry((*l.from).clone()).or_insert(n);
            let n = nodes.len();
            let to = *nodes.entry((*l.to).clone()).or_insert(n);
            let edge = (from, to, l.relation.to_string(), l.state);
            if !edges.contains(&edge) {
                edges.push(edge);
            }
        }
    }
    (nodes, edges)
}

/// Graphviz.
pub fn dot(report: &Report) -> String {
    let (nodes, edges) = graph(report);
    let mut out =
        String::from("digraph mcp_doctor {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
    let mut by_id: Vec<(&usize, &ObjRef)> = nodes.iter().map(|(o, i)| (i, o)).collect();
    by_id.sort();
    for (id, o) in by_id {
        let _ = writeln!(out, "  n{id} [label=\"{}\"];", label(o).replace('"', "'"));
    }
    for (from, to, rel, state) in edges {
        let style = match state {
            LinkState::Fail => ", color=red, fontcolor=red, penwidth=2",
            LinkState::Warn => ", color=orange",
            LinkState::Unknown | LinkState::Skipped => ", style=dashed, color=gray",
            LinkState::Ok => "",
        };
        let _ = writeln!(out, "  n{from} -> n{to} [label=\"{}\"{style}];", rel.replace('"', "'"));
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart.
pub fn mermaid(report: &Report) -> String {
    let (nodes, edges) = graph(report);
    let mut out = String::from("flowchart LR\n");
    let mut by_id: Vec<(&usize, &ObjRef)> = nodes.iter().map(|(o, i)| (i, o)).collect();
    by_id.sort();
    for (id, o) in by_id {
        let _ = writeln!(out, "  n{id}[\"{}<br/>{}\"]", o.kind, o.ns_name().replace('"', "'"));
    }
    let mut broken = Vec::new();
    for (i, (from, to, rel, state)) in edges.iter().enumerate() {
        let arrow = match state {
            LinkState::Fail => "-. \"✗ ",
            LinkState::Unknown | LinkState::Skipped => "-. \"? ",
            _ => "-- \"",
        };
        let close = if matches!(state, LinkState::Fail | LinkState::Unknown | LinkState::Skipped) {
            "\" .->"
        } else {
            "\" -->"
        };
        let _ = writeln!(out, "  n{from} {arrow}{}{close} n{to}", rel.replace('"', "'"));
        if *state == LinkState::Fail {
            broken.push(i.to_string());
        }
    }
    if !broken.is_empty() {
        let _ = writeln!(out, "  linkStyle {} stroke:red,stroke-width:2px", broken.join(","));
    }
    out
}
