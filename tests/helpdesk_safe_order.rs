//! Issue 16 item 3 at the desk: the script asks the caller whether the old
//! phone is lost or still at hand (F6 records it). Lost: the old
//! Authenticator goes first, as before. At hand: it stays until the new app
//! is registered, and only then does the script say to delete it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::flow::OldPhone;
use mfa_assist::helpdesk::{self, DeskEffect, DeskEventKind};
use mfa_assist::keymap::Key;
use mfa_assist::provider::MethodKind;
use mfa_assist::provider::admin::PassInfo;

fn ids(h: &Harness) -> Vec<&'static str> {
    helpdesk::script(&h.desk).iter().map(|l| l.id).collect()
}

fn answer(h: &Harness) -> Option<OldPhone> {
    h.desk.case.as_ref().unwrap().old_phone
}

#[test]
fn the_question_comes_before_any_delete_and_f6_records_the_answer() {
    let mut h = Harness::verified(settings(), old_state());
    assert_eq!(
        ids(&h)[..2],
        ["script.ask_old_phone_do", "script.ask_old_phone_say"]
    );
    h.key(Key::F(6));
    assert_eq!(answer(&h), Some(OldPhone::Lost));
    // Lost: today's order, the old one first, and sign out everywhere.
    assert_eq!(
        ids(&h),
        [
            "script.old_app_do",
            "script.old_app_say",
            "script.sign_out_do",
            "script.sign_out_say"
        ]
    );
    h.key(Key::F(6));
    assert_eq!(answer(&h), Some(OldPhone::AtHand));
    h.key(Key::F(6));
    assert_eq!(answer(&h), Some(OldPhone::Lost));
}

#[test]
fn at_hand_the_new_app_comes_first_and_the_old_one_goes_after_it_works() {
    let mut h = Harness::verified(settings(), old_state());
    h.key(Key::F(6));
    h.key(Key::F(6));
    assert_eq!(answer(&h), Some(OldPhone::AtHand));
    let lines = ids(&h);
    assert_eq!(lines[..2], ["script.keep_old_do", "script.keep_old_say"]);
    assert!(!lines.contains(&"script.old_app_do"), "{lines:?}");
    // A phone still in the caller's hand is not a reason to sign out everywhere.
    assert!(!lines.contains(&"script.sign_out_do"), "{lines:?}");
    assert!(lines.contains(&"script.pass_do"), "{lines:?}");

    // With a pass, the caller registers; the desk watches.
    let mut state = old_state();
    state.passes.push(PassInfo {
        id: "tap".into(),
        created: None,
        expires: None,
        one_time: Some(true),
        usable: Some(true),
    });
    h.desk.case.as_mut().unwrap().state = Some(state.clone());
    assert!(ids(&h).contains(&"script.watch_start_do"));
    let effects = h.ch('w');
    let req = effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Watch { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a watch");
    state.methods.push(method(
        "m-new",
        MethodKind::AuthenticatorPush,
        "iPhone 16",
        false,
    ));
    h.send(DeskEventKind::Watched {
        req,
        answer: Ok(state),
    });
    let lines = ids(&h);
    let test = lines
        .iter()
        .position(|l| *l == "script.test_push_say")
        .unwrap();
    let delete = lines
        .iter()
        .position(|l| *l == "script.delete_old_now_do")
        .expect("the old one is to be deleted now");
    assert!(test < delete, "test the new one, then delete: {lines:?}");
    let line = &helpdesk::script(&h.desk)[delete];
    assert!(format!("{:?}", line.args).contains("Pixel 7"));
}

#[test]
fn without_an_old_authenticator_nothing_is_asked() {
    let mut state = old_state();
    state.methods.retain(|m| m.id != "m-app");
    let h = Harness::verified(settings(), state);
    assert!(!ids(&h).contains(&"script.ask_old_phone_do"));
}
