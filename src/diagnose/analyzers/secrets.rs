//! The credential and CA Secrets a registration names: existence in the registration's namespace,
//! the label its generation's controller requires, and the key. Only key names are ever read.

use crate::diagnose::catalog::secret as say;
use crate::diagnose::{LinkState, Walk};
use crate::model::registration::SecretKeyRef;
use crate::model::release::RELEASES;
use crate::model::{Kind, ObjRef, Release};
use crate::snapshot::RegistrationObj;
use crate::snapshot::{get, namespaces_holding};

/// Checks `credentialRef` and `caCertSecretRef`.
pub fn check(walk: &mut Walk, reg: &RegistrationObj) {
    let spec = &reg.view.1.spec;
    if let Some(r) = &spec.credential_ref {
        one(walk, reg, r, "credentialRef", "token", "credential secret");
    }
    // caCertSecretRef exists from v0.7.0; earlier schemas prune it and nothing reads the Secret.
    if let Some(r) = &spec.ca_cert_secret_ref
        && walk.releases.iter().any(Release::has_ca_cert_ref)
    {
        one(walk, reg, r, "caCertSecretRef", "ca.crt", "CA certificate secret");
    }
}

fn one(walk: &mut Walk, reg: &RegistrationObj, r: &SecretKeyRef, field: &str, default_key: &str, what: &str) {
    let me = reg.objref();
    let ns = &reg.meta.namespace;
    let secret_ref = ObjRef::secret(ns, &r.name);
    let key = r.key.as_deref().filter(|k| !k.is_empty()).unwrap_or(default_key);
    let required = |r: Release| if field == "caCertSecretRef" { r.ca_label() } else { r.credential_label() };
    let newest = walk.releases.newest().unwrap_or(Release::Main);
    let label = required(newest).or(Release::Main.credential_label()).unwrap_or_default();
    let origin = reg.origin.as_ref();
    if walk.malformed_link(&me, field, Kind::Secret, ns, &r.name)
        || walk.blocked_link(&me, field, &secret_ref, Kind::Secret, ns, &r.name)
    {
        return;
    }
    let need = say::Needed { owner: &me, secret: &secret_ref, what, key, label };
    let Some(secret) = get(&walk.snap().secrets, ns, &r.name) else {
        let elsewhere = namespaces_holding(&walk.snap().secrets, &r.name);
        let detail = walk.not_found(Kind::Secret, &r.name, "not found");
        walk.link(&me, field, &secret_ref, LinkState::Fail, detail);
        walk.find(say::not_found(&need, &format!("spec.{field}.name"), &elsewhere).at(origin));
        return;
    };
    let mut problems = Vec::new();
    let has = |l: &str| secret.meta.labels.get(l).is_some_and(|v| v == "true");
    let (broken, _) = walk.split(|r| required(r).is_some_and(|l| !has(l)));
    if let Some(label) = broken.newest().and_then(required) {
        let other = RELEASES
            .iter()
            .filter_map(|r| r.credential_label())
            .find(|l| *l != label && secret.meta.labels.contains_key(l));
        let need = say::Needed { label, ..need };
        let finding = say::label_missing(&need, other).at(secret.origin.as_ref());
        problems.extend(walk.lower(broken, finding));
    }
    if !secret.view.keys.iter().any(|k| k == key) {
        let key_field = format!("spec.{field}.key");
        problems.push(say::key_missing(&need, &key_field, &secret.view.keys, Some(&key_field)).at(origin));
    }
    let state = LinkState::of(&problems);
    let evidence = if problems.is_empty() {
        format!("labelled, has key {key}")
    } else {
        problems.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ")
    };
    walk.link(&me, field, &secret_ref, state, evidence);
    problems.into_iter().for_each(|f| walk.find(f));
}

#[cfg(test)]
mod tests {
    use crate::diagnose::Code;
    use crate::diagnose::testing::{codes, weather};

    #[test]
    fn a_credential_secret_that_is_missing_or_unlabelled() {
        let with_credential = |s: &str| {
            s.replace(
                "  prefix: weather_\n",
                "  prefix: weather_\n  credentialRef:\n    name: weather-token\n",
            )
        };
        assert_eq!(codes(&weather(with_credential, "", None)), [Code::SecretNotFound]);
        let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: weather-token\n  namespace: team-a\ndata:\n  token: dG9r\n";
        assert_eq!(codes(&weather(with_credential, secret, None)), [Code::SecretLabelMissing]);
        let labelled = secret.replace(
            "  namespace: team-a\n",
            "  namespace: team-a\n  labels:\n    mcp.kuadrant.io/secret: \"true\"\n",
        );
        assert_eq!(codes(&weather(with_credential, &labelled, None)), []);
    }
}
