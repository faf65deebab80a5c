//! The broker link (`--probe`), last on the chain: whether the mcp-gateway broker that serves the
//! registration has loaded it, connected to it and federates its tools, as its `/status` says.

use crate::diagnose::catalog::input::{self, Unread};
use crate::diagnose::{Code, Finding, Fix, LinkState, Walk};
use crate::model::{ObjRef, Release};
use crate::snapshot::{BrokerAnswer, BrokerSaid, BrokerStatus, RegistrationObj};

/// Adds the broker link when the broker was asked (`--probe`); `ext` is the extension that serves
/// the registration, whose namespace holds the broker.
pub fn check(walk: &mut Walk, reg: &RegistrationObj, ext: Option<&ObjRef>) {
    let Some(answers) = &walk.snap().broker else { return };
    let me = reg.objref();
    let Some(answer) = answers.get(&(reg.meta.namespace.clone(), reg.meta.name.clone())) else {
        let why = match (walk.releases.filter(|r| r.broker_status_service().is_some()).is_empty(), ext) {
            (true, _) => format!(
                "not asked: the broker's status is asked from mcp-gateway v0.5.1 on, and this registration runs on {}",
                walk.releases
            ),
            (false, None) => "not asked: no extension serves the registration, so no broker does".to_string(),
            (false, Some(_)) => "not asked".to_string(),
        };
        walk.link(&me, "broker", &me, LinkState::Skipped, why);
        return;
    };
    let broker = &answer.service;
    let relation = "broker";
    match &answer.said {
        BrokerSaid::Status(s) if s.ready => ready(walk, &me, relation, broker, s),
        BrokerSaid::Status(s) => not_ready(walk, reg, relation, broker, s),
        BrokerSaid::NotLoaded(message) => {
            walk.link(
                &me,
                relation,
                broker,
                LinkState::Warn,
                format!("the broker does not know the server: {message:?}"),
            );
            walk.find(Finding::new(
                Code::BrokerNotLoaded,
                me.clone(),
                "",
                format!("the broker {} has not loaded {me}: it answered {message:?}; the config Secret mcp-gateway-config in namespace {} reaches the broker within about a minute of a change", broker.ns_name(), broker.namespace),
                Fix::say(format!("Probe again in a minute; if it persists, check the server's entry in Secret {}/mcp-gateway-config and the controller's logs.", broker.namespace)),
            ));
        }
        BrokerSaid::Unreachable(message) => unreachable(walk, &me, ext, relation, answer, message),
        BrokerSaid::Forbidden(message) => {
            walk.link(
                &me,
                relation,
                broker,
                LinkState::Unknown,
                "cannot verify: forbidden to get services/proxy",
            );
            walk.find(input::read_forbidden(Unread::Probe(broker, message)));
        }
        BrokerSaid::Failed(message) => {
            walk.link(&me, relation, broker, LinkState::Unknown, format!("cannot verify: {message}"));
            walk.find(input::read_failed(Unread::Probe(broker, message)));
        }
    }
}

fn ready(walk: &mut Walk, me: &ObjRef, relation: &str, broker: &ObjRef, s: &BrokerStatus) {
    walk.link(
        me,
        relation,
        broker,
        LinkState::Ok,
        format!("ready: {} tools, {} prompts", s.tools, s.prompts),
    );
    conflicts_and_invalid(walk, me, s);
}

fn conflicts_and_invalid(walk: &mut Walk, me: &ObjRef, s: &BrokerStatus) {
    if !s.conflicts.is_empty() {
        walk.find(Finding::new(
            Code::BrokerToolConflict,
            me.clone(),
            "",
            format!("tools of {me} have the names of another server's tools: {}", s.conflicts.join(", ")),
            Fix::say(
                "Give the registrations distinct prefixes (spec.prefix; spec.toolPrefix before v0.7.0).",
            ),
        ));
    }
    if !s.invalid_tools.is_empty() {
        walk.find(Finding::new(
            Code::BrokerInvalidTools,
            me.clone(),
            "",
            format!("the broker dropped invalid tools of {me}: {}", s.invalid_tools.join(", ")),
            Fix::say(format!("Fix the definitions of {} in the MCP server.", s.invalid_tools.join(", "))),
        ));
    }
}

fn not_ready(walk: &mut Walk, reg: &RegistrationObj, relation: &str, broker: &ObjRef, s: &BrokerStatus) {
    let me = reg.objref();
    walk.link(&me, relation, broker, LinkState::Fail, format!("not ready: {:?}", s.message));
    let mut message =
        format!("the broker {} does not serve the tools of {me}: {:?}", broker.ns_name(), s.message);
    if let Some((have, want)) = &s.protocol_mismatch {
        message.push_str(&format!("; the server speaks MCP {have}, the broker expects {want}"));
    }
    walk.find(Finding::new(Code::BrokerNotReady, me.clone(), "", message, not_ready_fix(walk, reg, s)));
    conflicts_and_invalid(walk, &me, s);
}

/// The fix for a broker error, by its cause.
fn not_ready_fix(walk: &Walk, reg: &RegistrationObj, s: &BrokerStatus) -> Fix {
    let m = s.message.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if let Some((have, want)) = &s.protocol_mismatch {
        return Fix::say(format!(
            "Upgrade the MCP server (its SDK) to protocol version {want}; it answers with {have}."
        ));
    }
    if any(&["401", "403", "unauthorized", "forbidden"]) {
        let label = walk.releases.newest().and_then(Release::credential_label);
        let label = label.map_or(String::new(), |l| format!(", labelled {l}=true,"));
        return match &reg.view.1.spec.credential_ref {
            Some(r) => Fix::say(format!(
                "The upstream refused the broker's credential: make sure Secret {}/{}{label} holds a valid token under key {}.",
                reg.meta.namespace,
                r.name,
                r.key.as_deref().unwrap_or("token")
            )),
            None => Fix::say(format!(
                "The upstream wants a credential: create a Secret holding the token{label} and set spec.credentialRef to it."
            )),
        };
    }
    if any(&["connection refused", "timeout", "deadline exceeded", "no such host", "connect"]) {
        return Fix::say(
            "The broker cannot reach the server: check the backend Service's ready endpoints and that the backendRef port is the one the server listens on.",
        );
    }
    if !s.invalid_tools.is_empty() {
        return Fix::say(format!("Fix the invalid tools of the MCP server: {}.", s.invalid_tools.join(", ")));
    }
    Fix::say("Act on the broker's message; the MCP server's logs tell the rest.")
}

fn unreachable(
    walk: &mut Walk,
    me: &ObjRef,
    ext: Option<&ObjRef>,
    relation: &str,
    answer: &BrokerAnswer,
    message: &str,
) {
    let broker = &answer.service;
    walk.link(me, relation, broker, LinkState::Fail, format!("the broker cannot be reached: {message}"));
    let (asked, _) = walk.split(|r| r.broker_status_service().is_some());
    let owner = ext.cloned().unwrap_or_else(|| me.clone());
    walk.find_on(
        asked,
        Finding::new(
            Code::BrokerUnreachable,
            owner,
            "",
            format!("the broker Service {} cannot be reached: {message}", broker.ns_name()),
            Fix::say(format!(
                "Check the extension's Ready condition and the broker in namespace {ns}: kubectl get deploy,svc,endpointslices -n {ns} -l app.kubernetes.io/name=mcp-gateway",
                ns = broker.namespace
            ))
            .target(broker.clone()),
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::diagnose::testing::{codes, diagnose_weather};
    use crate::diagnose::{Code, LinkState, Report};
    use crate::graph::testing::install;
    use crate::model::ObjRef;
    use crate::snapshot::{BrokerAnswer, BrokerSaid, BrokerStatus};

    fn asked(said: Option<BrokerSaid>) -> Report {
        let mut snap = install(str::to_string);
        let service = ObjRef::service("mcp-system", "mcp-gateway");
        let answers = said.map(|said| {
            (("team-a".to_string(), "weather".to_string()), BrokerAnswer { service, port: 8080, said })
        });
        snap.broker = Some(answers.into_iter().collect());
        diagnose_weather(&snap, None)
    }

    fn broker_state(report: &Report) -> Option<LinkState> {
        report.servers[0].chain.iter().find(|l| &*l.relation == "broker").map(|l| l.state)
    }

    #[test]
    fn each_answer_gives_its_link_and_finding() {
        let ready = BrokerStatus { ready: true, tools: 7, ..Default::default() };
        let report = asked(Some(BrokerSaid::Status(ready)));
        assert_eq!((broker_state(&report), codes(&report)), (Some(LinkState::Ok), vec![]));
        let refused = BrokerStatus { message: "upstream said 401 Unauthorized".into(), ..Default::default() };
        let report = asked(Some(BrokerSaid::Status(refused)));
        assert_eq!(
            (broker_state(&report), codes(&report)),
            (Some(LinkState::Fail), vec![Code::BrokerNotReady])
        );
        assert!(report.servers[0].findings[0].fix.summary.contains("credential"));
        let report = asked(Some(BrokerSaid::NotLoaded("Server not found".into())));
        assert_eq!(codes(&report), [Code::BrokerNotLoaded]);
        let report = asked(Some(BrokerSaid::Forbidden("no".into())));
        assert_eq!(
            (broker_state(&report), codes(&report)),
            (Some(LinkState::Unknown), vec![Code::ReadForbidden])
        );
        let report = asked(Some(BrokerSaid::Unreachable("no endpoints".into())));
        assert_eq!(codes(&report), [Code::BrokerUnreachable]);
    }

    #[test]
    fn a_registration_the_broker_was_not_asked_about_is_skipped_and_without_probe_there_is_no_link() {
        assert_eq!(broker_state(&asked(None)), Some(LinkState::Skipped));
        let report = diagnose_weather(&install(str::to_string), None);
        assert_eq!(broker_state(&report), None);
    }
}
