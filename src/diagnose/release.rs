//! Release detection: which mcp-gateway releases the input can be (`mcp-gateway-versions.md` §3),
//! from the pinned flag, the controller Deployment, the CRDs, the API versions served or used,
//! and what the controllers wrote (finalizers, status strings). Clues are applied strongest
//! first; one that contradicts the stronger ones (an old CRD that lingers after an upgrade) is
//! set aside and said so.

use crate::model::release::{Apis, Clue, Release, Releases, Strength, api_clues, narrow};
use crate::model::{Condition, Generation, Meta};
use crate::snapshot::Snapshot;
use serde::Serialize;
use std::collections::BTreeMap;

use Release::*;

/// `metadata.mcpGateway`: the releases the input can be and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Detected {
    /// The candidate releases, as upstream tags, oldest first.
    #[serde(serialize_with = "tags")]
    pub candidates: Releases,
    /// What each conclusion rests on, strongest first.
    pub evidence: Vec<String>,
}

fn tags<S: serde::Serializer>(r: &Releases, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(r.tags())
}

impl Detected {
    /// The candidates for one registration: the install's, among those that serve its API
    /// generation (all of the generation's when the install runs none of them: the registration
    /// is then ignored, which its own finding says).
    pub fn for_generation(&self, generation: Generation) -> Releases {
        let serving = generation.releases();
        let both = self.candidates.and(serving);
        if both.is_empty() { serving } else { both }
    }

    /// The one line the text report states.
    pub fn line(&self) -> String {
        match self.evidence.first() {
            Some(e) if self.candidates.iter().count() == 1 => {
                let basis = e.split(" → ").next().unwrap_or(e);
                format!("mcp-gateway release: {} (from {basis})", self.candidates)
            }
            _ => format!(
                "mcp-gateway release: one of {} (what was read does not tell them apart; --mcp-gateway-version pins it)",
                self.candidates.tags().join(", ")
            ),
        }
    }
}

/// Works out the candidate releases of the input.
pub fn detect(
    snap: &Snapshot,
    apis: &BTreeMap<String, Vec<String>>,
    how: Apis,
    pinned: Option<Release>,
) -> Detected {
    let mut clues: Vec<Clue> = pinned
        .map(|r| Clue {
            releases: Releases::only(r),
            evidence: format!("--mcp-gateway-version {r}"),
            strength: Strength::Pinned,
        })
        .into_iter()
        .collect();
    clues.extend(snap.release_clues.iter().cloned());
    clues.extend(api_clues(apis, how));
    clues.extend(written_clues(snap));
    let (candidates, evidence) = narrow(clues);
    Detected { candidates, evidence }
}

/// A fact a controller writes, and the releases that write it (§3c).
struct Written {
    what: &'static str,
    releases: Releases,
}

const FINALIZER_KUADRANT: Written =
    Written { what: "finalizer mcp.kuadrant.io/finalizer", releases: Releases::ALL };

/// The releases whose controllers write a registration condition with this reason or message.
fn registration_status(c: &Condition) -> Option<Written> {
    let m = c.message.as_str();
    let (what, releases) = if m.contains("config written successfully") {
        ("Ready message \"config written successfully\"", Releases::from(V0_8_0))
    } else if m.starts_with("Credential validation failed:") {
        ("Ready message \"Credential validation failed: …\"", Releases::range(V0_1_2, V0_4_2))
    } else if m.contains("no valid gateways for httproute") {
        ("Ready message \"no valid gateways for httproute\"", Releases::from(V0_5_0))
    } else if m.contains("no matching mcpgatewayextensions for attached listener") {
        ("Ready message \"no matching mcpgatewayextensions for attached listener\"", Releases::from(V0_8_0))
    } else if m.contains("Total prompts added") {
        ("Ready message \"… Total prompts added …\"", Releases::range(V0_7_0, V0_7_1))
    } else if m.contains("is not a CA certificate") {
        ("Ready message \"… is not a CA certificate\"", Releases::from(V0_9_0))
    } else if c.reason == "PrefixConflict" {
        ("Ready reason PrefixConflict", Releases::only(Main))
    } else if c.reason == "Disabled" {
        ("Ready reason Disabled", Releases::from(V0_7_0))
    } else {
        return None;
    };
    Some(Written { what, releases })
}

/// Whether a condition describes the object's current spec (a stale one may predate an upgrade).
fn fresh(c: &Condition, meta: &Meta) -> bool {
    match (c.observed_generation, meta.generation) {
        (Some(seen), Some(now)) => seen == now,
        _ => true,
    }
}

/// Clues from finalizers and status strings, one per fact with the number of objects.
fn written_clues(snap: &Snapshot) -> Vec<Clue> {
    let mut seen: BTreeMap<&'static str, (Releases, usize)> = BTreeMap::new();
    let mut note = |w: Written| seen.entry(w.what).or_insert((w.releases, 0)).1 += 1;
    for reg in snap.registrations.values() {
        for f in reg.meta.finalizers() {
            match (f.as_str(), reg.view.0) {
                ("mcp.kuadrant.io/finalizer", _) => {
                    note(Written { releases: Releases::from(V0_5_1), ..FINALIZER_KUADRANT })
                }
                ("mcp.kagenti.com/finalizer", Generation::KagentiRegistration) => note(Written {
                    what: "registration finalizer mcp.kagenti.com/finalizer",
                    releases: Releases::from(V0_5_0),
                }),
                _ => {}
            }
        }
        let status = &reg.view.1.status.conditions;
        status.iter().filter(|c| fresh(c, &reg.meta)).filter_map(registration_status).for_each(&mut note);
    }
    for ext in snap.extensions.values() {
        if ext.meta.finalizers().iter().any(|f| f == "mcp.kuadrant.io/finalizer") {
            note(Written { releases: Releases::from(V0_5_1), ..FINALIZER_KUADRANT });
        }
    }
    for route in snap.routes.values() {
        let conditions = route.view.status.parents.iter().flat_map(|p| &p.conditions);
        for c in conditions.filter(|c| c.type_ == "Programmed") {
            match c.reason.as_str() {
                "InUseByMCPServer" => note(Written {
                    what: "HTTPRoute condition Programmed/InUseByMCPServer",
                    releases: Releases::range(V0_1, V0_4_1),
                }),
                "InUseByMCPServerRegistration" => note(Written {
                    what: "HTTPRoute condition Programmed/InUseByMCPServerRegistration",
                    releases: Releases::from(V0_4_2),
                }),
                _ => {}
            }
        }
    }
    let listener_conditions =
        snap.gateways.values().flat_map(|g| &g.view.status.listeners).flat_map(|l| &l.conditions);
    if listener_conditions.clone().any(|c| c.type_ == "MCPGatewayExtension") {
        note(Written {
            what: "Gateway listener condition MCPGatewayExtension",
            releases: Releases::from(V0_5_1),
        });
    }
    seen.into_iter()
        .map(|(what, (releases, n))| Clue {
            releases,
            evidence: format!("{what} on {n} object(s)"),
            strength: Strength::Written,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::RawObject;
    use serde_json::json;

    fn snap(objects: Vec<serde_json::Value>) -> Snapshot {
        Snapshot::build(
            objects.into_iter().map(|value| RawObject { value, origin: None }).collect(),
            "default",
        )
    }

    fn reg(api_version: &str, kind: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut v = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "r", "namespace": "ns"}, "spec": {"targetRef": {"name": "r"}}});
        if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                m.insert(k.clone(), x.clone());
            }
        }
        v
    }

    fn detect_files(s: &Snapshot, pinned: Option<Release>) -> Detected {
        detect(s, &crate::diagnose::api_versions(s), Apis::Used, pinned)
    }

    #[test]
    fn object_versions_narrow_to_their_generation() {
        let s = snap(vec![reg("mcp.kuadrant.io/v1", "MCPServerRegistration", json!({}))]);
        assert_eq!(detect_files(&s, None).candidates, Releases::from(V0_8_0));
        let s = snap(vec![reg("mcp.kagenti.com/v1alpha1", "MCPServer", json!({}))]);
        assert_eq!(detect_files(&s, None).candidates, Releases::range(V0_1, V0_4_1));
    }

    #[test]
    fn an_old_generation_next_to_a_new_one_is_set_aside() {
        let s = snap(vec![
            reg("mcp.kagenti.com/v1alpha1", "MCPServer", json!({})),
            reg("mcp.kuadrant.io/v1", "MCPServerRegistration", json!({})),
        ]);
        let d = detect_files(&s, None);
        assert_eq!(d.candidates, Releases::from(V0_8_0));
        assert!(
            d.evidence.iter().any(|e| e.contains("MCPServer") && e.contains("set aside")),
            "{:?}",
            d.evidence
        );
    }

    #[test]
    fn status_and_finalizers_narrow_further_and_pinning_wins() {
        let status = json!({"status": {"conditions": [{"type": "Ready", "status": "True", "message": "config written successfully"}]}});
        let s = snap(vec![reg("mcp.kuadrant.io/v1alpha1", "MCPServerRegistration", status)]);
        assert_eq!(detect_files(&s, None).candidates, Releases::range(V0_8_0, V0_9_0));
        let fin = json!({"metadata": {"name": "r", "namespace": "ns", "finalizers": ["mcp.kagenti.com/finalizer"]}});
        let s = snap(vec![reg("mcp.kagenti.com/v1alpha1", "MCPServerRegistration", fin)]);
        assert_eq!(detect_files(&s, None).candidates, Releases::range(V0_5_0, V0_5_1));
        assert_eq!(detect_files(&s, Some(V0_5_1)).candidates, Releases::only(V0_5_1));
        // A pin that contradicts everything still wins: the user knows the cluster.
        let d = detect_files(&s, Some(V0_9_0));
        assert_eq!(d.candidates, Releases::only(V0_9_0));
    }

    #[test]
    fn served_versions_tell_main_and_v0_6_apart() {
        let s = snap(vec![]);
        let apis = |v: &[&str]| {
            BTreeMap::from([("MCPServerRegistration".to_string(), v.iter().map(|s| s.to_string()).collect())])
        };
        let d = |v: &[&str]| detect(&s, &apis(v), Apis::Served, None).candidates;
        assert_eq!(d(&["mcp.kuadrant.io/v1"]), Releases::only(Main));
        assert_eq!(d(&["mcp.kuadrant.io/v1", "mcp.kuadrant.io/v1alpha1"]), Releases::range(V0_8_0, V0_9_0));
        assert_eq!(d(&["mcp.kuadrant.io/v1alpha1"]), Releases::range(V0_6_0, V0_7_1));
        assert_eq!(d(&[]), Releases::ALL);
    }

    #[test]
    fn a_registration_of_a_generation_the_install_does_not_run_keeps_its_own_releases() {
        let d = Detected { candidates: Releases::from(V0_8_0), evidence: vec![] };
        assert_eq!(d.for_generation(Generation::KuadrantV1alpha1), Releases::range(V0_8_0, V0_9_0));
        assert_eq!(d.for_generation(Generation::KagentiMcpServer), Releases::range(V0_1, V0_4_1));
    }
}
