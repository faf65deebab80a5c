//! The broker link (`--probe`), last on the chain: whether the mcp-gateway broker that serves the
//! registration has loaded it, connected to it and federates its tools, as its `/status` says.

use crate::diagnose::catalog::broker as say;
use crate::diagnose::catalog::input::{self, Unread};
use crate::diagnose::{LinkState, Walk};
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
            walk.find(say::not_loaded(&me, broker, message));
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
        walk.find(say::tool_conflict(me, &s.conflicts));
    }
    if !s.invalid_tools.is_empty() {
        walk.find(say::invalid_tools(me, &s.invalid_tools));
    }
}

fn not_ready(walk: &mut Walk, reg: &RegistrationObj, relation: &str, broker: &ObjRef, s: &BrokerStatus) {
    let me = reg.objref();
    walk.link(&me, relation, broker, LinkState::Fail, format!("not ready: {:?}", s.message));
    let label = walk.releases.newest().and_then(Release::credential_label);
    let credential_ref = reg.view.1.spec.credential_ref.as_ref();
    let secret = credential_ref.map(|r| ObjRef::secret(&reg.meta.namespace, &r.name));
    let key = credential_ref.and_then(|r| r.key.as_deref()).unwrap_or("token");
    let credential = say::Credential { secret: secret.as_ref().map(|s| (s, key)), label };
    walk.find(say::not_ready(&me, broker, s, credential));
    conflicts_and_invalid(walk, &me, s);
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
    walk.find_on(asked, say::unreachable(&owner, broker, message));
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
