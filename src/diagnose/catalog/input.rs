//! The wording of the findings about the input itself and what the doctor could read (MCPD000x):
//! each code's message and fix, from the typed data its caller passes.

use super::Code;
use crate::diagnose::{Finding, Fix};
use crate::model::{Generation, ObjRef, Releases, rbac};
use crate::snapshot::{Blocked, Malformed, Origin, Untyped};

/// MCPD0001: an object the diagnosis needs does not decode.
pub fn malformed(bad: &Malformed) -> Finding {
    let at = if bad.field.is_empty() { String::new() } else { format!(" at {}", bad.field) };
    let what = if bad.field.is_empty() { "the object" } else { bad.field.as_str() };
    Finding::new(
        Code::ObjectMalformed,
        bad.objref.clone(),
        bad.field.clone(),
        format!("{} does not decode{at}: {}", bad.objref, bad.error),
        Fix::say(format!("Correct {what} so that it matches the {} schema.", bad.objref.kind)),
    )
    .at(bad.origin.as_ref())
}

/// MCPD0009: an object off every diagnosed chain does not decode.
pub fn other_malformed(bad: &Malformed) -> Finding {
    malformed(bad).lowered(Code::OtherObjectMalformed)
}

/// MCPD0010: the Gateway API schema refuses a field of a manifest.
pub fn schema_refuses(bad: &Malformed) -> Finding {
    Finding::new(
        Code::SchemaRefuses,
        bad.objref.clone(),
        bad.field.clone(),
        format!("kubectl apply would reject {}: {}: {}", bad.objref, bad.field, bad.error),
        Fix::say(format!(
            "Correct {} in the manifest (the Gateway API schema of the object's kind).",
            bad.field
        )),
    )
    .at(bad.origin.as_ref())
}

/// What the doctor knows of registrations of a name it could not find (MCPD0002).
pub enum NamesSeen {
    /// Registrations of that name elsewhere (`Kind ns/name`).
    Elsewhere(Vec<String>),
    /// Some registrations of the source (`ns/name`), all of them known.
    Listed(&'static str, Vec<String>),
    /// On a cluster: why it could not look in every namespace.
    NotLooked(String),
    /// On a cluster: no namespace holds one.
    NoneInCluster,
    /// In files: the input holds none at all.
    NoneInInput,
}

/// MCPD0002: NAME matches no registration in `namespace` (any namespace when `None`); `served`
/// are the registration resources the cluster serves, for the `kubectl get` of the fix.
pub fn registration_not_found(
    name: &str,
    namespace: Option<&str>,
    seen: NamesSeen,
    served: &[&str],
) -> Finding {
    let hint = match seen {
        NamesSeen::Elsewhere(found) => format!("; it exists as {}", found.join(", ")),
        NamesSeen::Listed(source, all) => format!("; registrations in {source}: {}", all.join(", ")),
        NamesSeen::NotLooked(why) => format!("; {why}"),
        NamesSeen::NoneInCluster => {
            "; no namespace of the cluster holds a registration of that name".to_string()
        }
        NamesSeen::NoneInInput => "; the input holds no registration at all".to_string(),
    };
    let place = namespace.map_or("any namespace".to_string(), |ns| format!("namespace {ns}"));
    let fix = Fix::say("Check the name, or pass -n with the namespace where the registration lives.");
    let fix = match served {
        [] => fix,
        _ => fix.command(format!("kubectl get {} -A", served.join(","))),
    };
    Finding::new(
        Code::RegistrationNotFound,
        ObjRef::new(Generation::NEWEST.group(), Generation::NEWEST.kind(), namespace.unwrap_or(""), name),
        "",
        format!("no registration named {name} in {place}{hint}"),
        fix,
    )
}

/// MCPD0003: no registration in `place` (`namespace` when one was given); `unmatched` of them
/// there do not match the label selector, `elsewhere` are the namespaces that hold some.
pub fn no_registrations(
    namespace: Option<&str>,
    place: &str,
    unmatched: Option<usize>,
    elsewhere: &[&str],
    live: bool,
) -> Finding {
    let hint = match (unmatched, elsewhere) {
        (Some(n), _) => format!("; {n} registration(s) there do not match the label selector"),
        (None, []) => String::new(),
        (None, _) => format!("; registrations exist in namespace(s) {}", elsewhere.join(", ")),
    };
    let fix = match live {
        true => {
            "Create an MCPServerRegistration that targets the server's HTTPRoute, or use -n/-A to look elsewhere."
        }
        false => {
            "Create an MCPServerRegistration that targets the server's HTTPRoute, or add the file that holds it (-f)."
        }
    };
    Finding::new(
        Code::NoRegistrations,
        ObjRef::new("", "Namespace", "", namespace.unwrap_or("*")),
        "",
        format!("no MCPServer or MCPServerRegistration found in {place}{hint}"),
        Fix::say(fix),
    )
}

/// MCPD0004: `objref` is defined twice; the later definition (`kept`) wins.
pub fn duplicate(objref: &ObjRef, kept: Option<&Origin>, dropped: Option<&Origin>) -> Finding {
    let place = |o: Option<&Origin>| o.map_or("stdin".to_string(), |o| format!("{}:{}", o.file, o.line));
    Finding::new(
        Code::DuplicateObject,
        objref.clone(),
        "",
        format!(
            "{objref} is defined twice ({} and {}); the later definition is used",
            place(dropped),
            place(kept)
        ),
        Fix::catalog(Code::DuplicateObject),
    )
    .at(kept)
}

/// MCPD0007: an input object without `kind` or `apiVersion`.
pub fn unidentified(u: &Untyped) -> Finding {
    Finding::new(
        Code::ObjectUnidentified,
        ObjRef::new("", "<no kind>", "", &u.name),
        u.missing,
        format!(
            "an object named {} has no {}, so nothing can say what it is; it is ignored",
            u.name, u.missing
        ),
        Fix::say(format!("Add {} to the object, or remove it from the input.", u.missing)),
    )
    .at(u.origin.as_ref())
}

/// What the doctor could not read or ask (MCPD0005, MCPD0006).
pub enum Unread<'a> {
    /// A read of the API server (`to` is the object it would have given).
    Read(&'a ObjRef, &'a Blocked),
    /// The broker `to` through the service proxy, and what the API server said.
    Probe(&'a ObjRef, &'a str),
}

/// MCPD0005: the API server refused the read; the fix is the Role that allows it.
pub fn read_forbidden(unread: Unread) -> Finding {
    let (to, message, fix) = match unread {
        Unread::Read(to, b) => {
            let ns = Some(b.namespace.as_str()).filter(|ns| !ns.is_empty());
            let rule = rbac::rule(&[&b.group], &[&b.resource], &["get", "list"]);
            let role = rbac::role(&format!("{}-{}", rbac::READ_ROLE, b.resource), ns, vec![rule]);
            let message = format!(
                "cannot read {to}: the API server refused to {} (group {:?}); links that need it are unknown",
                b.what(),
                b.group
            );
            (
                to,
                message,
                Fix::say(format!("Grant {} on {} to the user running the doctor.", b.verb, b.resource))
                    .object(&role),
            )
        }
        Unread::Probe(broker, said) => {
            let role = rbac::role(
                "mcp-doctor-probe",
                Some(&broker.namespace),
                vec![rbac::probe_rule(Some(&broker.name))],
            );
            let message = format!(
                "cannot ask the broker {}: the API server refused to get services/proxy in namespace {} ({said}); the broker link is unknown",
                broker.ns_name(),
                broker.namespace
            );
            let fix = "Grant get on services/proxy in the broker's namespace to the user running the doctor, or run without --probe.";
            (broker, message, Fix::say(fix).object(&role))
        }
    };
    Finding::new(Code::ReadForbidden, to.clone(), "", message, fix)
}

/// MCPD0006: the read or the probe failed (timeouts, 5xx after retries).
pub fn read_failed(unread: Unread) -> Finding {
    let (to, message, fix) = match unread {
        Unread::Read(to, b) => (
            to,
            format!("cannot read {to}: {} failed ({}); links that need it are unknown", b.what(), b.message),
            "Run again, with a larger --request-timeout if the API server is slow.",
        ),
        Unread::Probe(broker, said) => (
            broker,
            format!("cannot ask the broker {}: {said}; the broker link is unknown", broker.ns_name()),
            "Run again; check the broker's pods in that namespace if it keeps failing.",
        ),
    };
    Finding::new(Code::ReadFailed, to.clone(), "", message, Fix::say(fix))
}

/// MCPD0008: `f` breaks on the `broken` candidate releases only and works on the `fine` ones.
pub fn breaks_on_some_releases(f: Finding, broken: Releases, fine: Releases) -> Finding {
    let message = format!(
        "{} (on mcp-gateway {broken}; on {fine} this works: pass --mcp-gateway-version if you know the release)",
        f.message
    );
    Finding { message, ..f.lowered(Code::BreaksOnSomeReleases) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Release;

    #[test]
    fn a_name_found_nowhere_says_where_it_looked_and_lists_what_is_served() {
        let f = registration_not_found(
            "weather",
            Some("team-b"),
            NamesSeen::Elsewhere(vec!["MCPServerRegistration team-a/weather".into()]),
            &["mcpserverregistrations"],
        );
        assert!(
            f.message.starts_with("no registration named weather in namespace team-b; it exists as"),
            "{}",
            f.message
        );
        assert_eq!(f.fix.command.as_deref(), Some("kubectl get mcpserverregistrations -A"));
        let f = registration_not_found("weather", None, NamesSeen::NoneInInput, &[]);
        assert!(f.message.contains("in any namespace") && f.fix.command.is_none(), "{f:?}");
    }

    #[test]
    fn a_refused_probe_asks_for_a_role_narrowed_to_the_broker() {
        let broker = ObjRef::service("mcp-system", "mcp-gateway");
        let f = read_forbidden(Unread::Probe(&broker, "forbidden"));
        let role: serde_json::Value =
            serde_saphyr::from_str(f.fix.yaml.as_deref().unwrap_or_default()).expect("YAML");
        assert_eq!(
            (&role["kind"], &role["metadata"]["namespace"]),
            (&serde_json::json!("Role"), &serde_json::json!("mcp-system"))
        );
        assert_eq!(role["rules"][0]["resourceNames"][0], "mcp-gateway");
    }

    #[test]
    fn breaking_on_some_releases_names_both_sides() {
        let f = malformed(&Malformed {
            objref: ObjRef::route("team-a", "weather"),
            kind: crate::model::Kind::HttpRoute,
            field: "spec.rules".into(),
            error: "invalid type".into(),
            origin: None,
        });
        let f = breaks_on_some_releases(f, Releases::only(Release::V0_5_0), Releases::only(Release::V0_4_2));
        assert!(f.message.ends_with("(on mcp-gateway v0.5.0; on v0.4.2 this works: pass --mcp-gateway-version if you know the release)"), "{}", f.message);
    }
}
