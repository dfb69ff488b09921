//! A key is offered (footer, help) and acts only when it means something
//! for this provider, this account and this moment; and the driver is woken
//! exactly when the desk has something to show: the spinner while a request
//! is out, once a second while watching the caller register, the watch's
//! end, the pass's hiding.

use crate::desk::*;
use mfa_assist::flow::Millis;
use mfa_assist::helpdesk::{DeskPending, DeskScreen, Watch};
use mfa_assist::kernel::{SPINNER_PERIOD_MS, WAITING_PERIOD_MS};
use mfa_assist::keymap::Action;
use mfa_assist::provider::MethodKind;
use mfa_assist::provider::admin::CallerState;

fn on_account(methods: usize, selected: Option<usize>) -> Harness {
    let mut state = old_state();
    state.methods.truncate(methods);
    let mut h = Harness::verified(settings(), state);
    h.desk.screen = DeskScreen::Account;
    h.desk.case.as_mut().unwrap().selected = selected;
    h
}

fn watching(h: &mut Harness, found: bool, timed_out: bool, deadline: u64) {
    h.desk.screen = DeskScreen::Watch;
    h.desk.case.as_mut().unwrap().watch = Some(Watch {
        req: mfa_assist::flow::ReqId(900),
        started: Millis(0),
        known: vec![],
        deadline: Millis(deadline),
        found: if found {
            vec![method(
                "m-new",
                MethodKind::AuthenticatorPush,
                "iPhone",
                false,
            )]
        } else {
            vec![]
        },
        last_error: None,
        timed_out,
    });
}

#[test]
fn language_keys_only_with_a_second_language() {
    let h = Harness::new(settings());
    assert!(!h.desk.action_available(Action::Language));
    assert!(!h.desk.action_available(Action::CallerLanguage));
    let mut s = settings();
    s.languages = vec!["en".into(), "sv".into()];
    let h = Harness::new(s);
    assert!(h.desk.action_available(Action::Language));
    assert!(h.desk.action_available(Action::CallerLanguage));
    let mut s = settings();
    s.languages = vec!["en".into(), "sv".into(), "fi".into()];
    let h = Harness::new(s);
    assert!(h.desk.action_available(Action::Language));
    assert!(h.desk.action_available(Action::CallerLanguage));
}

#[test]
fn sign_out_and_one_use_only_where_the_provider_offers_them() {
    let mut s = settings();
    s.capabilities.can_revoke_sessions = false;
    s.capabilities.one_time_choice = false;
    let h = Harness::new(s);
    assert!(!h.desk.action_available(Action::Revoke));
    assert!(!h.desk.action_available(Action::OneTime));
    let h = Harness::new(settings());
    assert!(h.desk.action_available(Action::Revoke));
    assert!(h.desk.action_available(Action::OneTime));
}

#[test]
fn up_and_down_on_the_account_only_where_there_is_somewhere_to_go() {
    for (methods, selected, offered) in [
        (3, Some(0), true),
        (2, Some(1), true),
        (1, Some(0), false),
        (1, None, true),
        (0, None, false),
    ] {
        let h = on_account(methods, selected);
        for action in [Action::Up, Action::Down] {
            assert_eq!(
                h.desk.action_available(action),
                offered,
                "{methods} methods, selected {selected:?}: {action:?}"
            );
        }
    }
    // Elsewhere (the checklist) they always move.
    let mut h = on_account(0, None);
    h.desk.screen = DeskScreen::Checks { cursor: 0 };
    assert!(h.desk.action_available(Action::Up));
}

#[test]
fn delete_only_with_something_listed() {
    assert!(on_account(1, Some(0)).desk.action_available(Action::Delete));
    assert!(!on_account(0, None).desk.action_available(Action::Delete));
    assert!(
        !Harness::new(settings())
            .desk
            .action_available(Action::Delete)
    );
}

#[test]
fn playing_the_caller_only_in_training_while_nothing_is_found() {
    let mut training = settings();
    training.capabilities.training_callers = Some(vec!["kim".into()]);
    for (found, timed_out, offered) in [
        (false, false, true),
        (true, false, false),
        (false, true, false),
    ] {
        let mut h = Harness::verified(training.clone(), old_state());
        watching(&mut h, found, timed_out, 60_000);
        assert_eq!(
            h.desk.action_available(Action::SimCaller),
            offered,
            "found {found}, timed out {timed_out}"
        );
        assert!(h.desk.training());
    }
    // Not before watching, and never outside training.
    let h = Harness::verified(training, old_state());
    assert!(!h.desk.action_available(Action::SimCaller));
    let mut h = Harness::verified(settings(), old_state());
    watching(&mut h, false, false, 60_000);
    assert!(!h.desk.action_available(Action::SimCaller));
    assert!(!h.desk.training());
}

#[test]
fn next_while_watching_only_once_something_is_found_or_the_watch_ended() {
    for (found, timed_out, offered) in [
        (false, false, false),
        (true, false, true),
        (false, true, true),
        (true, true, true),
    ] {
        let mut h = Harness::verified(settings(), old_state());
        watching(&mut h, found, timed_out, 60_000);
        assert_eq!(
            h.desk.action_available(Action::Next),
            offered,
            "found {found}, timed out {timed_out}"
        );
    }
}

#[test]
fn the_desk_is_woken_only_when_it_has_something_to_show() {
    // Nothing going on: no wake-up at all.
    let mut h = Harness::verified(settings(), old_state());
    h.desk.now = Millis(10_000);
    assert_eq!(h.desk.next_wakeup(), None);

    // A request out: the fast spinner.
    h.desk.pending = Some(DeskPending {
        req: mfa_assist::flow::ReqId(901),
        op: mfa_assist::helpdesk::DeskOp::Load,
        since: Millis(10_000),
    });
    assert_eq!(h.desk.spinner_period_ms(), SPINNER_PERIOD_MS);
    assert_eq!(
        h.desk.next_wakeup(),
        Some(Millis(10_000 + SPINNER_PERIOD_MS))
    );
    h.desk.pending = None;

    // Watching: once a second, or the watch's end when that is sooner.
    assert_eq!(h.desk.spinner_period_ms(), WAITING_PERIOD_MS);
    watching(&mut h, false, false, 60_000);
    assert_eq!(
        h.desk.next_wakeup(),
        Some(Millis(10_000 + WAITING_PERIOD_MS))
    );
    watching(&mut h, false, false, 10_400);
    assert_eq!(h.desk.next_wakeup(), Some(Millis(10_400)));

    // Found, or the watch is over: nothing moves any more.
    watching(&mut h, true, false, 60_000);
    assert_eq!(h.desk.next_wakeup(), None);
    watching(&mut h, false, true, 60_000);
    assert_eq!(h.desk.next_wakeup(), None);
}

#[test]
fn the_account_as_the_views_read_it() {
    let mut state = old_state();
    state.adding.push(method(
        "m-half",
        MethodKind::AuthenticatorPush,
        "iPhone",
        false,
    ));
    state.privilege =
        mfa_assist::provider::admin::Privilege::CheckFailed("roles unreadable".into());
    let h = Harness::verified(settings(), state.clone());
    let case = h.desk.case.as_ref().unwrap();
    assert_eq!(case.adding(), state.adding.as_slice());
    assert_eq!(case.privilege(), Some(&state.privilege));
    let h = Harness::verified(settings(), CallerState::default());
    assert!(h.desk.case.as_ref().unwrap().adding().is_empty());
}

#[test]
fn the_agents_and_the_callers_language_are_kept_apart() {
    let mut s = settings();
    s.languages = vec!["sv".into(), "en".into(), "fi".into()];
    let mut h = Harness::new(s);
    assert_eq!(h.desk.language(), "sv");
    assert_eq!(h.desk.caller_language(), "sv");
    h.desk.caller_lang = 2;
    assert_eq!(h.desk.language(), "sv");
    assert_eq!(h.desk.caller_language(), "fi");
    // An index past the list (a settings reload) falls back to English.
    h.desk.lang = 7;
    assert_eq!(h.desk.language(), "en");
}

/// "Old phone lost/kept" means something only while an Authenticator from
/// before the call is listed (seen on privacyIDEA: F6 offered to an agent
/// whose caller had no method at all).
#[test]
fn the_old_phone_question_only_with_an_old_authenticator() {
    // old_state: phone, Authenticator (Pixel 7), email.
    assert!(
        on_account(3, Some(0))
            .desk
            .action_available(Action::OldPhone)
    );
    // The phone alone: nothing to ask about.
    assert!(
        !on_account(1, Some(0))
            .desk
            .action_available(Action::OldPhone)
    );
    assert!(!on_account(0, None).desk.action_available(Action::OldPhone));
}
