//! Watching the account while the caller registers: leaving a watch that
//! still runs stops the poller (and one that ended asks nothing more), a new
//! method is recorded once however many answers report it, and in training
//! the agent can play the caller.

use crate::desk::*;
use mfa_assist::helpdesk::{Change, DeskEffect, DeskEventKind, DeskScreen};
use mfa_assist::keymap::Key;
use mfa_assist::provider::MethodKind;
use mfa_assist::provider::admin::CallerState;

fn watch_req(effects: &[DeskEffect]) -> mfa_assist::flow::ReqId {
    effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Watch { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a watch")
}

fn with_new_app() -> CallerState {
    let mut state = old_state();
    state.methods.push(method(
        "m-new",
        MethodKind::AuthenticatorPush,
        "iPhone 16",
        false,
    ));
    state
}

#[test]
fn leaving_a_running_watch_stops_it_and_an_ended_one_asks_nothing() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('w');
    assert_eq!(h.key(Key::Esc), [DeskEffect::StopWatch]);
    assert_eq!(h.desk.screen, DeskScreen::Account);

    // Ended by a new method: the answer stopped it already.
    let req = watch_req(&h.ch('w'));
    let effects = h.send(DeskEventKind::Watched {
        req,
        answer: Ok(with_new_app()),
    });
    assert!(effects.contains(&DeskEffect::StopWatch), "{effects:?}");
    assert_eq!(h.key(Key::Enter), []);
    assert_eq!(h.desk.screen, DeskScreen::Account);

    // Ended by its deadline: the tick stopped it already.
    let mut h = Harness::verified(settings(), old_state());
    h.ch('w');
    h.advance(60_000);
    assert!(
        h.desk
            .case
            .as_ref()
            .unwrap()
            .watch
            .as_ref()
            .unwrap()
            .timed_out
    );
    assert_eq!(h.key(Key::Enter), []);
    assert_eq!(h.desk.screen, DeskScreen::Account);
}

#[test]
fn a_new_method_is_recorded_once_however_many_answers_report_it() {
    let mut h = Harness::verified(settings(), old_state());
    let req = watch_req(&h.ch('w'));
    let first = h.send(DeskEventKind::Watched {
        req,
        answer: Ok(with_new_app()),
    });
    assert_eq!(
        changes(&first),
        [Change::NewMethodSeen {
            kind: MethodKind::AuthenticatorPush,
            label: "iPhone 16".into()
        }]
    );
    // The poller's next answer was already on its way when it was stopped.
    let again = h.send(DeskEventKind::Watched {
        req,
        answer: Ok(with_new_app()),
    });
    assert_eq!(again, []);
}

#[test]
fn in_training_the_agent_can_play_the_caller_registering() {
    let mut training = settings();
    training.capabilities.training_callers = Some(vec!["kim".into()]);
    let mut h = Harness::verified(training, old_state());
    h.ch('w');
    assert_eq!(h.ch('t'), [DeskEffect::SimulateCaller { caller: caller() }]);
    assert_eq!(h.desk.screen, DeskScreen::Watch);
}
