//! Where a reference points once the Gateway API defaults are applied (`gateway-api.md` §2, §4,
//! §5): parentRefs, backendRefs, the two ends of a ReferenceGrant check, and the well-known labels
//! that tie objects together. Pure data: the rules that decide a link live in `graph`.

use super::objref::GATEWAY_GROUP;
use super::{BackendRef, ObjRef, ParentRef};

/// The label every Namespace carries with its own name.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";
/// The label that ties an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// The fully defaulted target of a parentRef.
pub fn parent_target(parent_ref: &ParentRef, route_namespace: &str) -> ObjRef {
    let group = parent_ref.group.clone().unwrap_or_else(|| GATEWAY_GROUP.into());
    let kind = parent_ref.kind.clone().unwrap_or_else(|| "Gateway".into());
    let namespace =
        parent_ref.namespace.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| route_namespace.into());
    ObjRef::new(&group, &kind, &namespace, &parent_ref.name)
}

/// A backendRef with its defaults applied.
#[derive(Debug, Clone)]
pub struct BackendTarget {
    /// Group (`""` = core).
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Namespace (the route's by default).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Port, if given.
    pub port: Option<i64>,
}

impl BackendTarget {
    /// Applies the backendRef defaults (`group ""`, `kind Service`, the route's namespace).
    pub fn of(backend: &BackendRef, route_namespace: &str) -> BackendTarget {
        BackendTarget {
            group: backend.group.clone().unwrap_or_default(),
            kind: backend.kind.clone().unwrap_or_else(|| "Service".into()),
            namespace: backend
                .namespace
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| route_namespace.into()),
            name: backend.name.clone(),
            port: backend.port,
        }
    }

    /// Whether it names a core Service.
    pub fn is_service(&self) -> bool {
        self.group.is_empty() && self.kind == "Service"
    }

    /// Whether it names an Istio `Hostname` backend.
    pub fn is_istio_hostname(&self) -> bool {
        self.group == "networking.istio.io" && self.kind == "Hostname"
    }

    /// The referenced object's identity.
    pub fn objref(&self) -> ObjRef {
        ObjRef::new(&self.group, &self.kind, &self.namespace, &self.name)
    }
}

/// The referring end of a reference that may need a ReferenceGrant.
#[derive(Debug, Clone)]
pub struct Referrer<'a> {
    /// Referrer group.
    pub group: &'a str,
    /// Referrer kind.
    pub kind: &'a str,
    /// Referrer namespace.
    pub namespace: &'a str,
}

/// The referenced end.
#[derive(Debug, Clone)]
pub struct Referent<'a> {
    /// Target group (`""` for core).
    pub group: &'a str,
    /// Target kind.
    pub kind: &'a str,
    /// Target namespace (where the grant must live).
    pub namespace: &'a str,
    /// Target name.
    pub name: &'a str,
}
/// One step of a field path as findings write it (`spec.rules[0].port`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldStep<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A list index.
    Index(usize),
}

/// `spec.rules[0].port` as steps; `None` for a path that is not one.
pub fn field_steps(field: &str) -> Option<Vec<FieldStep<'_>>> {
    let mut out = Vec::new();
    for part in field.split('.') {
        let mut pieces = part.split('[');
        let key = pieces.next()?;
        if !key.is_empty() {
            out.push(FieldStep::Key(key));
        }
        for index in pieces {
            out.push(FieldStep::Index(index.strip_suffix(']')?.parse().ok()?));
        }
    }
    Some(out)
}
