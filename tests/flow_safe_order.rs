//! Issue 16 item 3: the safe order. The kiosk asks whether the old phone is
//! lost or still at hand; at hand, the new Authenticator is added and proven
//! before the old one is deleted; lost, the old one goes first (the order
//! the flow always had).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

use mfa_assist::flow::{Effect, EventKind, OldPhone, Screen};
use mfa_assist::keymap::{Action, Key};
use mfa_assist::provider::{Approval, MethodKind};

/// Adds a notification Authenticator from Methods and proves it; returns
/// the effects of the approval that proved it.
fn add_and_prove(d: &mut Drive) -> Vec<Effect> {
    d.key(Key::Char('a'));
    assert!(matches!(d.flow.screen, Screen::AddMethod { .. }));
    d.key(Key::Enter);
    d.key(Key::Enter);
    let effects = d.key(Key::Enter);
    let r = req(&effects);
    d.answer(EventKind::EnrollmentReady {
        req: r,
        answer: Ok(enrollment(MethodKind::AuthenticatorPush)),
    });
    let effects = d.key(Key::Enter);
    let r = req(&effects);
    d.answer(EventKind::ApprovalPolled {
        req: r,
        answer: Ok(Approval::Approved),
    })
}

/// The list once the new Authenticator is on it.
fn with_new_app() -> Vec<mfa_assist::provider::Method> {
    let mut list = alex_methods();
    list.push(new_app(MethodKind::AuthenticatorPush));
    list
}

fn load_after(d: &mut Drive, effects: &[Effect], list: Vec<mfa_assist::provider::Method>) {
    let r = req(effects);
    d.answer(EventKind::MethodsLoaded {
        req: r,
        answer: Ok(list),
    });
}

#[test]
fn the_question_is_asked_while_an_old_authenticator_is_listed() {
    let d = on_methods(alex_methods());
    assert_eq!(d.flow.old_phone, None);
    assert!(d.flow.action_available(Action::OldPhoneLost));
    assert!(d.flow.action_available(Action::OldPhoneAtHand));

    // Nothing to ask about without an Authenticator.
    let d = on_methods(vec![phone(), email()]);
    assert!(!d.flow.action_available(Action::OldPhoneLost));
    assert!(!d.flow.action_available(Action::OldPhoneAtHand));
    let mut d = d;
    d.key(Key::Char('h'));
    assert_eq!(
        d.flow.old_phone, None,
        "h does nothing where nothing is asked"
    );
}

#[test]
fn at_hand_the_new_one_is_proven_first_then_the_old_one_is_offered_for_deleting() {
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('h'));
    assert_eq!(d.flow.old_phone, Some(OldPhone::AtHand));
    assert!(d.flow.keep_old_for_now());
    // Answered: the question's keys are gone.
    assert!(!d.flow.action_available(Action::OldPhoneLost));

    let effects = add_and_prove(&mut d);
    // Not Done and its sign-out countdown: back to the list, where the old
    // phone's Authenticator waits to be deleted.
    assert_eq!(d.flow.screen, Screen::Methods);
    assert!(!d.flow.keep_old_for_now());
    load_after(&mut d, &effects, with_new_app());
    assert_eq!(
        d.flow.selected_method().map(|m| m.id.as_str()),
        Some("m-app"),
        "the old Authenticator is selected"
    );
    d.key(Key::Char('d'));
    assert!(matches!(&d.flow.screen, Screen::ConfirmDelete { method, .. } if method.id == "m-app"));
    let effects = d.key(Key::Char('y'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::DeleteMethod { method_id, .. } if method_id == "m-app"))
    );
}

#[test]
fn at_hand_deleting_the_old_one_first_is_still_possible_but_flagged() {
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('h'));
    d.key(Key::Char('d'));
    assert!(matches!(&d.flow.screen, Screen::ConfirmDelete { method, .. } if method.id == "m-app"));
    // The view reads this to warn (tests/screens_safe_order.rs shows it).
    assert!(d.flow.keep_old_for_now());
}

#[test]
fn lost_keeps_todays_order_old_one_first_and_done_after_proving() {
    let mut d = on_methods(alex_methods());
    d.key(Key::Down);
    d.key(Key::Char('l'));
    assert_eq!(d.flow.old_phone, Some(OldPhone::Lost));
    assert!(!d.flow.keep_old_for_now());
    assert_eq!(
        d.flow.selected_method().map(|m| m.id.as_str()),
        Some("m-app"),
        "lost: the cursor goes to the Authenticator to delete"
    );
    d.key(Key::Char('d'));
    let effects = d.key(Key::Char('y'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::DeleteMethod { method_id, .. } if method_id == "m-app"))
    );
    let r = req(&effects);
    let effects = d.answer(EventKind::Deleted {
        req: r,
        answer: Ok(()),
    });
    load_after(&mut d, &effects, vec![phone(), email()]);
    add_and_prove(&mut d);
    assert!(matches!(d.flow.screen, Screen::Done { .. }));
}

#[test]
fn unanswered_proving_ends_on_done_as_before() {
    let mut d = on_methods(alex_methods());
    add_and_prove(&mut d);
    assert!(matches!(d.flow.screen, Screen::Done { .. }));
}

#[test]
fn the_answer_is_forgotten_at_sign_out() {
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('h'));
    d.key(Key::Char('f'));
    d.key(Key::Enter);
    assert_eq!(d.flow.screen, Screen::Welcome);
    assert_eq!(d.flow.old_phone, None);
}
