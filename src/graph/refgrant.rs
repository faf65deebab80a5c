//! ReferenceGrant matching (`gateway-api.md` §5): a grant in the **target** namespace whose `from`
//! names the referrer's group, kind and namespace and whose `to` names the target's group and kind
//! (and name, when set). Misses are explained: a grant in the wrong namespace, or which field of a
//! nearby grant does not match.

pub use crate::model::refs::{Referent as To, Referrer as From};
use crate::model::{ObjRef, ReferenceGrant};
use crate::snapshot::in_namespace;
use crate::snapshot::{Obj, Snapshot};

/// Why no grant permits a reference.
#[derive(Debug, Clone, Default)]
pub struct GrantMiss {
    /// Grants that would permit it but live in the referrer's namespace instead of the target's.
    pub misplaced: Vec<ObjRef>,
    /// Grants in the target namespace that do not match, with the first mismatch.
    pub near_misses: Vec<(ObjRef, String)>,
}

/// Whether a grant permits `from` → `to` (the read planner's question).
pub fn permits(snap: &Snapshot, from: &From, to: &To) -> bool {
    check(snap, from, to).is_ok()
}

/// Finds the grant that permits `from` → `to`.
pub fn check(snap: &Snapshot, from: &From, to: &To) -> Result<ObjRef, GrantMiss> {
    let mut miss = GrantMiss::default();
    for grant in in_namespace(&snap.reference_grants, to.namespace) {
        match mismatch(grant, from, to) {
            None => return Ok(grant.objref()),
            Some(why) => miss.near_misses.push((grant.objref(), why)),
        }
    }
    // The classic mistake: the grant was created next to the referrer instead of the target.
    if from.namespace != to.namespace {
        for grant in in_namespace(&snap.reference_grants, from.namespace) {
            if mismatch(grant, from, to).is_none() {
                miss.misplaced.push(grant.objref());
            }
        }
    }
    Err(miss)
}

/// The first reason `grant` does not permit `from` → `to` (ignoring where the grant lives).
fn mismatch(grant: &Obj<ReferenceGrant>, from: &From, to: &To) -> Option<String> {
    let spec = &grant.view.spec;
    let from_ok = spec
        .from
        .iter()
        .any(|f| f.group == from.group && f.kind == from.kind && f.namespace == from.namespace);
    if !from_ok {
        let near = spec.from.iter().find(|f| f.kind == from.kind).or(spec.from.first());
        return Some(match near {
            None => "spec.from is empty".into(),
            Some(f) if f.namespace != from.namespace => {
                format!("spec.from names namespace {:?}, not {:?}", f.namespace, from.namespace)
            }
            Some(f) if f.group != from.group => {
                format!("spec.from names group {:?}, not {:?}", f.group, from.group)
            }
            Some(f) => format!("spec.from names kind {:?}, not {:?}", f.kind, from.kind),
        });
    }
    let to_ok = spec.to.iter().any(|t| {
        t.group == to.group
            && t.kind == to.kind
            && t.name.as_deref().is_none_or(|n| n.is_empty() || n == to.name)
    });
    if !to_ok {
        let near = spec.to.iter().find(|t| t.kind == to.kind).or(spec.to.first());
        return Some(match near {
            None => "spec.to is empty".into(),
            Some(t) if t.group != to.group => {
                format!("spec.to names group {:?}, not {:?}", t.group, to.group)
            }
            Some(t) if t.kind != to.kind => format!("spec.to names kind {:?}, not {:?}", t.kind, to.kind),
            Some(t) => {
                format!("spec.to names {} {:?}, not {:?}", to.kind, t.name.as_deref().unwrap_or(""), to.name)
            }
        });
    }
    None
}

/// The ReferenceGrant apiVersion to suggest: the one the input uses, else v1beta1 (served by every
/// Gateway API release since v0.6).
pub fn suggested_api_version(snap: &Snapshot) -> String {
    snap.api_versions
        .get("ReferenceGrant")
        .and_then(|v| v.iter().next_back().cloned())
        .unwrap_or_else(|| format!("{}/v1beta1", crate::model::objref::GATEWAY_GROUP))
}

/// A complete ReferenceGrant named `name` that permits `from` → `to`, built with the Gateway API
/// types, as `api_version` (the version the input uses).
pub fn grant(name: &str, from: &From, to: &To, api_version: &str) -> serde_json::Value {
    use gateway_api::referencegrants::{
        ReferenceGrant, ReferenceGrantFrom, ReferenceGrantSpec, ReferenceGrantTo,
    };
    let spec = ReferenceGrantSpec {
        from: vec![ReferenceGrantFrom {
            group: from.group.to_string(),
            kind: from.kind.to_string(),
            namespace: from.namespace.to_string(),
        }],
        to: vec![ReferenceGrantTo {
            group: to.group.to_string(),
            kind: to.kind.to_string(),
            name: Some(to.name.to_string()),
        }],
    };
    let mut grant = ReferenceGrant::new(name, spec);
    grant.metadata.namespace = Some(to.namespace.to_string());
    let mut value = serde_json::to_value(grant).unwrap_or_default();
    if let Some(fields) = value.as_object_mut() {
        fields.insert("apiVersion".into(), serde_json::Value::from(api_version));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::testing::install;
    use crate::model::objref::GATEWAY_GROUP;

    const FROM: From = From { group: GATEWAY_GROUP, kind: "HTTPRoute", namespace: "team-a" };
    const TO: To = To { group: "", kind: "Service", namespace: "backends", name: "weather" };

    #[test]
    fn the_grant_in_the_target_namespace_permits() {
        let snap = install(str::to_string);
        assert_eq!(
            check(&snap, &FROM, &TO).ok(),
            Some(ObjRef::reference_grant("backends", "allow-team-a-routes"))
        );
        let other = From { namespace: "team-b", ..FROM };
        assert!(!permits(&snap, &other, &TO), "the grant names team-a only");
    }

    #[test]
    fn a_grant_next_to_the_referrer_is_misplaced() {
        let snap = install(|s| {
            s.replace(
                "  name: allow-team-a-routes\n  namespace: backends",
                "  name: allow-team-a-routes\n  namespace: team-a",
            )
        });
        let miss = check(&snap, &FROM, &TO).expect_err("no grant in backends");
        assert_eq!(miss.misplaced, [ObjRef::reference_grant("team-a", "allow-team-a-routes")]);
    }

    #[test]
    fn the_suggested_grant_permits_the_reference() {
        let mut snap = install(|s| s.replace("kind: ReferenceGrant", "kind: Ignored"));
        assert!(!permits(&snap, &FROM, &TO));
        let value = grant("allow", &FROM, &TO, "gateway.networking.k8s.io/v1beta1");
        assert_eq!(value["apiVersion"], "gateway.networking.k8s.io/v1beta1");
        let raw = crate::snapshot::RawObject { value, origin: None };
        snap.extend([raw], "default");
        assert!(permits(&snap, &FROM, &TO));
    }
}
