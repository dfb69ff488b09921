//! The script panel says the right next step for the account as it is now:
//! which words for which phone, which test for which new method, and that a
//! pass is issued only when none usable is left.

use crate::desk::*;
use mfa_assist::helpdesk::script::{Arg, Who};
use mfa_assist::helpdesk::{self, DeskEventKind, DeskScreen, Verification};
use mfa_assist::keymap::Key;
use mfa_assist::provider::MethodKind;
use mfa_assist::provider::admin::{CallerState, PassInfo, PassName};

fn ids(h: &Harness) -> Vec<&'static str> {
    helpdesk::script(&h.desk).iter().map(|l| l.id).collect()
}

fn no_old_app() -> CallerState {
    let mut state = old_state();
    state.methods.retain(|m| m.id != "m-app");
    state
}

fn pass(usable: Option<bool>) -> PassInfo {
    PassInfo {
        id: "tap".into(),
        created: None,
        expires: None,
        one_time: Some(true),
        usable,
    }
}

#[test]
fn before_a_caller_and_before_the_checks() {
    let h = Harness::new(settings());
    assert_eq!(ids(&h), ["script.lookup_do", "script.lookup_say"]);
    let mut h = Harness::with_caller(settings(), old_state());
    assert_eq!(ids(&h), ["script.verify_do", "script.verify_say"]);
    h.desk.case.as_mut().unwrap().verification = Verification::Failed;
    assert_eq!(ids(&h), ["script.failed_do", "script.failed_say"]);
}

#[test]
fn a_pass_is_asked_for_only_when_none_usable_is_left() {
    for (passes, wanted) in [
        (vec![], "script.pass_do"),
        (vec![pass(Some(false))], "script.pass_do"),
        (vec![pass(Some(true))], "script.install_say_iphone"),
        // The provider cannot say: assume it still works.
        (vec![pass(None)], "script.install_say_iphone"),
        (
            vec![pass(Some(false)), pass(Some(true))],
            "script.install_say_iphone",
        ),
    ] {
        let mut state = no_old_app();
        state.passes = passes.clone();
        let h = Harness::verified(settings(), state);
        assert_eq!(ids(&h)[0], wanted, "{passes:?}");
    }
}

#[test]
fn the_pass_is_named_as_the_provider_names_it() {
    let mut s = settings();
    s.capabilities.pass_name = PassName::RegistrationCode;
    s.capabilities.self_service_url = None;
    let h = Harness::verified(s, no_old_app());
    let lines = helpdesk::script(&h.desk);
    assert_eq!(lines[0].who, Who::Agent);
    assert_eq!(lines[0].args, [("pass", Arg::Text("script.pass_code"))]);
    assert_eq!(lines[1].who, Who::Caller);

    let mut state = no_old_app();
    state.passes = vec![pass(Some(true))];
    let mut s = settings();
    s.capabilities.self_service_url = None;
    let h = Harness::verified(s, state.clone());
    assert_eq!(
        ids(&h),
        [
            "script.install_say_iphone",
            "script.register_kiosk_say",
            "script.watch_start_do"
        ]
    );
    let h = Harness::verified(settings(), state);
    let lines = helpdesk::script(&h.desk);
    assert_eq!(lines[1].id, "script.register_url_say");
    assert_eq!(
        lines[1].args,
        [
            ("url", Arg::Plain("https://aka.ms/mysecurityinfo".into())),
            ("pass", Arg::Text("script.pass_tap"))
        ]
    );
    assert_eq!(
        lines[0].args,
        [("app", Arg::Plain("Microsoft Authenticator".into()))]
    );
}

#[test]
fn while_watching_the_caller_is_told_how_to_scan_on_their_phone() {
    let mut h = Harness::verified(settings(), no_old_app());
    h.ch('w');
    assert_eq!(h.desk.screen, DeskScreen::Watch);
    assert_eq!(ids(&h), ["script.watch_do", "script.scan_say_iphone"]);
    h.key(Key::F(4));
    assert_eq!(ids(&h), ["script.watch_do", "script.scan_say_android"]);
}

#[test]
fn the_test_fits_the_new_method() {
    for (kind, test) in [
        (MethodKind::AuthenticatorCode, "script.test_code_say"),
        (MethodKind::AuthenticatorPush, "script.test_push_say"),
    ] {
        let mut h = Harness::verified(settings(), no_old_app());
        let effects = h.ch('w');
        let req = effects
            .iter()
            .find_map(|e| match e {
                mfa_assist::helpdesk::DeskEffect::Watch { req, .. } => Some(*req),
                _ => None,
            })
            .unwrap();
        let mut now = no_old_app();
        now.methods.push(method("m-new", kind, "iPhone 16", false));
        h.send(DeskEventKind::Watched {
            req,
            answer: Ok(now),
        });
        let lines = helpdesk::script(&h.desk);
        let got: Vec<&str> = lines.iter().map(|l| l.id).collect();
        assert_eq!(
            got,
            ["script.found_do", test, "script.finish_do"],
            "{kind:?}"
        );
        assert_eq!(lines[0].args, [("label", Arg::Plain("iPhone 16".into()))]);
    }
}

#[test]
fn an_old_authenticator_comes_first() {
    let mut h = Harness::verified(settings(), old_state());
    // Before anything is deleted, the question that decides the order
    // (issue 16 item 3); the caller says the old phone is lost (F6).
    let lines = helpdesk::script(&h.desk);
    assert_eq!(lines[0].id, "script.ask_old_phone_do");
    assert_eq!(lines[2].id, "script.old_app_do");
    h.key(Key::F(6));
    let lines = helpdesk::script(&h.desk);
    assert_eq!(lines[0].id, "script.old_app_do");
    assert_eq!(lines[1].id, "script.old_app_say");
    assert_eq!(lines[1].args, [("label", Arg::Plain("Pixel 7".into()))]);
    // Then, where the provider can, the lost phone's sessions.
    let rest: Vec<&str> = lines[2..].iter().map(|l| l.id).collect();
    let expected: &[&str] = if h.desk.settings.capabilities.can_revoke_sessions {
        &["script.sign_out_do", "script.sign_out_say"]
    } else {
        &[]
    };
    assert_eq!(rest, expected);
}
