//! What the server lets the signed-in person add shapes the kiosk's offer
//! (privacyIDEA's `enrollPUSH` / `enrollTOTP` rights, read at sign-in into
//! `Account::cannot_add`): a refused kind is never listed, and with none
//! left the kiosk changes nothing, as without `delete`. The pure flow; the
//! real server's side is `e2e_kiosk_no_delete`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::flow::{EventKind, Screen};
use mfa_assist::keymap::{Action, Key};
use mfa_assist::provider::MethodKind;

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

/// On the methods list, signed in as a person refused `refused`.
fn refused(refused: Vec<MethodKind>) -> Drive {
    let mut d = typed_sign_in(true);
    let r = submit_sign_in(&mut d);
    let mut who = account();
    who.cannot_add = refused;
    let effects = d.answer(EventKind::SignedIn {
        req: r,
        answer: Ok(who),
    });
    d.answer(EventKind::MethodsLoaded {
        req: req(&effects),
        answer: Ok(alex_methods()),
    });
    d
}

#[test]
fn a_refused_kind_is_not_offered_and_cannot_be_chosen() {
    let mut d = refused(vec![MethodKind::AuthenticatorPush]);
    assert!(d.flow.action_available(Action::Add));
    assert!(d.flow.action_available(Action::Delete));
    assert_eq!(d.flow.add_kinds(), vec![MethodKind::AuthenticatorCode]);
    d.key(Key::Char('a'));
    assert_eq!(d.flow.screen, Screen::AddMethod { choice: 0 });
    // Down cannot reach a second row: there is none.
    d.key(Key::Down);
    assert_eq!(d.flow.screen, Screen::AddMethod { choice: 0 });
    d.key(Key::Enter);
    assert_eq!(d.flow.screen, Screen::Platform);
    assert_eq!(d.flow.add_kind, MethodKind::AuthenticatorCode);
}

#[test]
fn with_every_kind_refused_nothing_changes_here() {
    let d = refused(vec![
        MethodKind::AuthenticatorPush,
        MethodKind::AuthenticatorCode,
    ]);
    assert!(!d.flow.may_change());
    assert!(!d.flow.action_available(Action::Add));
    assert!(
        !d.flow.action_available(Action::Delete),
        "deleting the lost Authenticator where no replacement can be added here"
    );
}

#[test]
fn nothing_refused_offers_the_kiosks_kinds() {
    let d = refused(Vec::new());
    assert!(d.flow.may_change());
    assert_eq!(
        d.flow.add_kinds(),
        vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode]
    );
}
