//! Issue 16 item 7: a lost or stolen phone may still be signed in, and
//! deleting its Authenticator does not end those sessions. The desk script
//! suggests signing out everywhere while an old Authenticator is in play,
//! only where the provider can, and stops once it is done.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::helpdesk::{self, DeskEffect, DeskEventKind};
use mfa_assist::keymap::Key;

fn ids(h: &Harness) -> Vec<&'static str> {
    helpdesk::script(&h.desk).iter().map(|l| l.id).collect()
}

#[test]
fn the_script_suggests_signing_out_everywhere_until_it_is_done() {
    let mut h = Harness::verified(settings(), old_state());
    // The caller says the old phone is lost (F6; issue 16 item 3).
    h.key(Key::F(6));
    assert_eq!(
        ids(&h),
        [
            "script.old_app_do",
            "script.old_app_say",
            "script.sign_out_do",
            "script.sign_out_say"
        ]
    );
    h.ch('s');
    let effects = h.key(Key::Enter);
    let req = effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Revoke { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    h.send(DeskEventKind::Revoked {
        req,
        answer: Ok(()),
    });
    assert!(
        !ids(&h).contains(&"script.sign_out_do"),
        "still suggested after signing out: {:?}",
        ids(&h)
    );
}

#[test]
fn the_suggestion_outlives_the_deleted_app() {
    let mut h = Harness::verified(settings(), old_state());
    h.key(Key::Down);
    h.ch('d');
    let (req, id) = delete_of(&h.key(Key::Enter)).expect("a delete");
    assert_eq!(id, "m-app");
    h.send(DeskEventKind::Deleted {
        req,
        answer: Ok(()),
    });
    let mut state = old_state();
    state.methods.retain(|m| m.id != "m-app");
    h.desk.case.as_mut().unwrap().state = Some(state);
    let now = ids(&h);
    assert!(now.contains(&"script.pass_do"), "{now:?}");
    assert!(now.contains(&"script.sign_out_do"), "{now:?}");
}

#[test]
fn no_suggestion_where_the_provider_cannot_sign_out() {
    let mut s = settings();
    s.capabilities.can_revoke_sessions = false;
    let h = Harness::verified(s, old_state());
    assert!(!ids(&h).contains(&"script.sign_out_do"));
}

/// Once the caller's new Authenticator is there the call is nearly over:
/// the lost phone's sessions are offered before "finish the call", not
/// forgotten because the script moved on to testing the new one.
#[test]
fn the_suggestion_comes_before_the_call_ends() {
    let mut h = Harness::verified(settings(), old_state());
    h.key(Key::Down);
    h.ch('d');
    let (req, _) = delete_of(&h.key(Key::Enter)).expect("a delete");
    h.send(DeskEventKind::Deleted {
        req,
        answer: Ok(()),
    });
    let mut state = old_state();
    state.methods.retain(|m| m.id != "m-app");
    state.methods.push(method(
        "m-new",
        mfa_assist::provider::MethodKind::AuthenticatorPush,
        "Pixel 9",
        false,
    ));
    h.desk.case.as_mut().unwrap().state = Some(state);
    assert_eq!(
        ids(&h),
        [
            "script.found_do",
            "script.test_push_say",
            "script.sign_out_do",
            "script.sign_out_say",
            "script.finish_do"
        ]
    );
}
