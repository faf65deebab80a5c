//! `--what-if PATH`: the files' objects laid over what a cluster read holds, as `kubectl apply`
//! would (same group, kind, namespace and name replaces; new objects are added), and the status
//! that can no longer speak for the result forgotten, so that the specs decide those links.

use crate::model::ObjRef;
use crate::model::refs::{BackendTarget, parent_target};
use crate::snapshot::{RawObject, Snapshot};
use std::collections::BTreeSet;

/// Adds the what-if objects, without their status (they are specs nobody has reconciled), before
/// anything is read: a later read of the same object is then dropped. Returns their identities.
pub fn lay(snap: &mut Snapshot, overlay: Vec<RawObject>, default_namespace: &str) -> BTreeSet<ObjRef> {
    let mut laid = BTreeSet::new();
    for mut raw in overlay {
        if let Some(map) = raw.value.as_object_mut() {
            map.remove("status");
        }
        let at = |p: &str| raw.value.pointer(p).and_then(serde_json::Value::as_str).unwrap_or_default();
        let group = at("/apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
        let ns = Some(at("/metadata/namespace")).filter(|n| !n.is_empty()).unwrap_or(default_namespace);
        laid.insert(ObjRef::new(group, at("/kind"), ns, at("/metadata/name")));
        snap.extend(std::iter::once(raw), default_namespace);
    }
    laid
}

/// Drops the status of cluster objects whose links involve a what-if object: status written
/// before the change cannot speak for it. Routes that a what-if registration targets, or whose
/// parents, backends, backend grants or Gateway extensions are what-if objects; registrations
/// whose route or Secrets are; extensions whose Gateway or grant is.
pub fn forget_touched_status(snap: &mut Snapshot, laid: &BTreeSet<ObjRef>) {
    if laid.is_empty() {
        return;
    }
    let has = |kind: &str, ns: &str, name: &str| {
        laid.iter().any(|o| o.kind == kind && o.name == name && (ns.is_empty() || o.namespace == ns))
    };
    let grant_in = |ns: &str| laid.iter().any(|o| o.kind == "ReferenceGrant" && o.namespace == ns);
    let extension_for = |gw_ns: &str, gw: &str| {
        snap.extensions.values().any(|e| {
            let t = &e.view.spec.target_ref;
            t.name == gw && t.namespace.as_deref() == Some(gw_ns) && laid.contains(&e.objref())
        })
    };
    let targeted = |ns: &str, name: &str| {
        snap.registrations.values().any(|r| {
            laid.contains(&r.objref())
                && r.meta.namespace == ns
                && r.view.1.spec.target_ref.as_ref().is_some_and(|t| t.name == name)
        })
    };
    let mut touched_routes = BTreeSet::new();
    for route in snap.routes.values() {
        let ns = route.meta.namespace.as_str();
        let spec = &route.view.spec;
        let parents = spec.parent_refs.iter().map(|p| parent_target(p, ns)).any(|t| {
            has(&t.kind, &t.namespace, &t.name)
                || extension_for(&t.namespace, &t.name)
                || grant_in(&t.namespace)
        });
        let backends =
            spec.rules.iter().flat_map(|r| &r.backend_refs).map(|b| BackendTarget::of(b, ns)).any(|t| {
                has(&t.kind, &t.namespace, &t.name) || (t.namespace != ns && grant_in(&t.namespace))
            });
        if parents || backends || targeted(ns, &route.meta.name) || laid.contains(&route.objref()) {
            touched_routes.insert((route.meta.namespace.clone(), route.meta.name.clone()));
        }
    }
    let mut touched_regs = BTreeSet::new();
    for reg in snap.registrations.values() {
        let (ns, spec) = (reg.meta.namespace.as_str(), &reg.view.1.spec);
        let route = spec.target_ref.as_ref().is_some_and(|t| {
            touched_routes.contains(&(ns.to_string(), t.name.clone())) || has("HTTPRoute", ns, &t.name)
        });
        let secrets =
            spec.credential_ref.iter().chain(&spec.ca_cert_secret_ref).any(|s| has("Secret", ns, &s.name));
        if route || secrets {
            touched_regs.insert(reg.objref());
        }
    }
    let touched_exts: BTreeSet<ObjRef> = snap
        .extensions
        .values()
        .filter(|e| {
            let t = &e.view.spec.target_ref;
            let gw_ns = t.namespace.as_deref().unwrap_or(&e.meta.namespace);
            has("Gateway", gw_ns, &t.name) || grant_in(gw_ns)
        })
        .map(|e| e.objref())
        .collect();
    let mut unreconciled = laid.clone();
    for route in snap.routes.values_mut() {
        if touched_routes.contains(&(route.meta.namespace.clone(), route.meta.name.clone())) {
            route.view.status = Default::default();
            unreconciled.insert(route.objref());
        }
    }
    for reg in snap.registrations.values_mut() {
        if touched_regs.contains(&reg.objref()) {
            reg.view.1.status = Default::default();
            unreconciled.insert(reg.objref());
        }
    }
    for ext in snap.extensions.values_mut() {
        if touched_exts.contains(&ext.objref()) {
            ext.view.status = Default::default();
            unreconciled.insert(ext.objref());
        }
    }
    snap.lookups.unreconciled = unreconciled;
}
