//! Every request has its own id, so an answer to an earlier request of the
//! same kind (a poller from a watch the agent already left) is dropped and
//! cannot pass for the current one.

use crate::desk::*;
use mfa_assist::helpdesk::{Change, DeskEffect, DeskEventKind, DeskScreen};
use mfa_assist::keymap::Key;
use mfa_assist::provider::MethodKind;

fn watch_req(effects: &[DeskEffect]) -> mfa_assist::flow::ReqId {
    effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Watch { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a watch")
}

#[test]
fn an_answer_from_a_watch_already_left_is_dropped() {
    let mut h = Harness::verified(settings(), old_state());
    let first = watch_req(&h.ch('w'));
    h.key(Key::Esc);
    assert_eq!(h.desk.screen, DeskScreen::Account);
    let second = watch_req(&h.ch('w'));
    assert_ne!(first, second, "two watches, one id");

    let mut newer = old_state();
    newer.methods.push(method(
        "m-new",
        MethodKind::AuthenticatorPush,
        "iPhone 16",
        false,
    ));
    let effects = h.send(DeskEventKind::Watched {
        req: first,
        answer: Ok(newer.clone()),
    });
    assert!(effects.is_empty(), "{effects:?}");
    let watch = h.desk.case.as_ref().unwrap().watch.as_ref().unwrap();
    assert!(watch.found.is_empty());

    let effects = h.send(DeskEventKind::Watched {
        req: second,
        answer: Ok(newer),
    });
    assert!(effects.contains(&DeskEffect::StopWatch), "{effects:?}");
    assert_eq!(
        changes(&effects),
        vec![Change::NewMethodSeen {
            kind: MethodKind::AuthenticatorPush,
            label: "iPhone 16".into()
        }]
    );
}
