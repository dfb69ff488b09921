//! Adding a phone number from the desk, as the state machine decides it:
//! behind the checklist and the privilege gate, checked before it is sent,
//! confirmed, and recorded with the number masked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::{
    Change, DeskEffect, DeskEventKind, DeskNotice, DeskScreen, DeskSettings, Pending,
};
use mfa_assist::keymap::{Action, Key};
use mfa_assist::provider::admin::Privilege;
use mfa_assist::provider::phone::{PhoneNumber, PhoneNumberError, PhoneType};
use mfa_assist::provider::{MethodKind, ProviderError};

fn phone_settings() -> DeskSettings {
    let mut s = settings();
    s.capabilities.can_add_phone = true;
    s
}

fn add_phone_of(effects: &[DeskEffect]) -> Option<(mfa_assist::flow::ReqId, String, PhoneType)> {
    effects.iter().find_map(|e| match e {
        DeskEffect::AddPhone {
            req,
            number,
            phone_type,
            ..
        } => Some((*req, number.as_str().to_string(), *phone_type)),
        _ => None,
    })
}

/// Verified, on the phone screen, `number` typed.
fn typed(number: &str) -> Harness {
    let mut h = Harness::verified(phone_settings(), old_state());
    h.ch('n');
    assert!(matches!(h.desk.screen, DeskScreen::AddPhone { .. }));
    h.type_text(number);
    h
}

#[test]
fn not_offered_where_the_provider_cannot() {
    let mut h = Harness::verified(settings(), old_state());
    assert!(!h.desk.action_available(Action::AddPhone));
    assert!(h.ch('n').is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Account);
}

#[test]
fn nothing_before_the_caller_is_verified() {
    let mut h = Harness::with_caller(phone_settings(), old_state());
    assert!(h.desk.action_available(Action::AddPhone));
    assert!(h.ch('n').is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert_eq!(h.desk.notice, Some(DeskNotice::VerifyFirst));
}

#[test]
fn refused_for_a_privileged_caller_and_recorded() {
    let mut state = old_state();
    state.privilege = Privilege::Privileged(vec!["Global Administrator".into()]);
    let mut h = Harness::verified(phone_settings(), state);
    let effects = h.ch('n');
    assert_eq!(h.desk.screen, DeskScreen::Privileged);
    assert_eq!(
        changes(&effects),
        vec![Change::RefusedPrivileged {
            attempted: "add_phone".into(),
            reason: "Global Administrator".into()
        }]
    );
}

#[test]
fn a_typed_number_is_checked_confirmed_added_and_recorded_masked() {
    let mut h = typed("+46 70-123 45 67");
    // Letters of the keymap are text here: `n`, `d`, `x`… go into the field.
    let effects = h.key(Key::Enter);
    assert!(effects.is_empty());
    assert_eq!(
        h.desk.screen,
        DeskScreen::Confirm(Pending::AddPhone {
            number: PhoneNumber::parse("+46 701234567").unwrap(),
            phone_type: PhoneType::Mobile,
        })
    );
    let effects = h.key(Key::Enter);
    let (req, number, phone_type) = add_phone_of(&effects).expect("an add");
    assert_eq!(number, "+46 701234567");
    assert_eq!(phone_type, PhoneType::Mobile);
    assert_eq!(h.desk.screen, DeskScreen::Account);
    let effects = h.send(DeskEventKind::PhoneAdded {
        req,
        answer: Ok(method(
            "m-new",
            MethodKind::Phone,
            "+46 701234567 (mobile)",
            false,
        )),
    });
    assert_eq!(
        changes(&effects),
        vec![Change::PhoneAdded {
            phone_type: "mobile".into(),
            number: "+** *******67".into(),
        }]
    );
    assert!(
        load_req_opt(&effects).is_some(),
        "the account is read again"
    );
    assert!(matches!(h.desk.notice, Some(DeskNotice::PhoneAdded { .. })));
    // Neither the audit record nor the case summary holds the number.
    for effect in &effects {
        if let DeskEffect::Audit { entry, .. } = effect {
            let json = serde_json::to_string(entry).unwrap();
            assert!(!json.contains("701234567"), "{json}");
            assert!(json.contains("phone_added"), "{json}");
        }
    }
    let summary = mfa_assist::helpdesk::summary(&h.desk, &Guide::built_in());
    assert!(
        summary.contains("Added a mobile phone number: +** *******67"),
        "{summary}"
    );
    assert!(!summary.contains("701234567"), "{summary}");
}

fn load_req_opt(effects: &[DeskEffect]) -> Option<mfa_assist::flow::ReqId> {
    effects.iter().find_map(|e| match e {
        DeskEffect::LoadState { req, .. } => Some(*req),
        _ => None,
    })
}

#[test]
fn a_number_graph_would_refuse_is_never_sent() {
    for (typed_text, why) in [
        ("0701234567", PhoneNumberError::NoCountryCode),
        ("+46701234567", PhoneNumberError::NoSpaceAfterCountryCode),
        ("+46 70 123 45 6a", PhoneNumberError::NotADigit),
        ("+46 12", PhoneNumberError::TooShort),
        ("+46 70123456x", PhoneNumberError::BadExtension),
    ] {
        let mut h = typed(typed_text);
        let effects = h.key(Key::Enter);
        assert!(effects.is_empty(), "{typed_text}");
        assert_eq!(
            h.desk.notice,
            Some(DeskNotice::PhoneInvalid(why)),
            "{typed_text}"
        );
        // Nothing lost: the number stays to be corrected.
        assert_eq!(
            h.desk.screen,
            DeskScreen::AddPhone {
                number: typed_text.into(),
                phone_type: PhoneType::Mobile
            }
        );
    }
}

#[test]
fn tab_picks_the_type_and_cancel_keeps_the_number() {
    let mut h = typed("+1 4255550100");
    h.key(Key::Tab);
    h.key(Key::Tab);
    let DeskScreen::AddPhone { phone_type, .. } = &h.desk.screen else {
        panic!()
    };
    assert_eq!(*phone_type, PhoneType::Office);
    h.key(Key::Tab);
    h.key(Key::Tab);
    h.key(Key::Enter);
    // Esc on the question goes back to the number, not to the account.
    h.key(Key::Esc);
    assert_eq!(
        h.desk.screen,
        DeskScreen::AddPhone {
            number: "+1 4255550100".into(),
            phone_type: PhoneType::AlternateMobile
        }
    );
    h.key(Key::Backspace);
    h.key(Key::Esc);
    assert_eq!(h.desk.screen, DeskScreen::Account);
}

#[test]
fn a_paste_goes_into_the_number() {
    let mut h = Harness::verified(phone_settings(), old_state());
    h.ch('n');
    h.send(DeskEventKind::Paste(" +358 40 1234567\n".into()));
    assert_eq!(
        h.desk.screen,
        DeskScreen::AddPhone {
            number: "+358 40 1234567".into(),
            phone_type: PhoneType::Mobile
        }
    );
    h.send(DeskEventKind::Paste("9".repeat(60)));
    assert_eq!(h.desk.notice, Some(DeskNotice::PasteTooLong));
}

#[test]
fn a_refusal_returns_to_the_number_and_is_recorded() {
    let mut h = typed("+46 701234567");
    h.key(Key::Enter);
    let (req, _, _) = add_phone_of(&h.key(Key::Enter)).unwrap();
    let error = ProviderError::Conflict(
        "the caller already has a number of this type (Entra keeps one per type)".into(),
    );
    let effects = h.send(DeskEventKind::PhoneAdded {
        req,
        answer: Err(error.clone()),
    });
    assert_eq!(
        changes(&effects),
        vec![Change::PhoneAddFailed {
            phone_type: "mobile".into(),
            number: "+** *******67".into(),
            error: error.to_string(),
        }]
    );
    assert_eq!(
        h.desk.screen,
        DeskScreen::AddPhone {
            number: "+46 701234567".into(),
            phone_type: PhoneType::Mobile
        }
    );
    assert!(matches!(h.desk.notice, Some(DeskNotice::Failed { .. })));
}

#[test]
fn the_script_says_what_to_ask_and_what_it_is_for() {
    let mut h = typed("+46 701234567");
    let ids: Vec<&str> = mfa_assist::helpdesk::script(&h.desk)
        .iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(ids, ["script.phone_do", "script.phone_say"]);
    h.key(Key::Enter);
    let (req, _, _) = add_phone_of(&h.key(Key::Enter)).unwrap();
    h.send(DeskEventKind::PhoneAdded {
        req,
        answer: Ok(method("m-new", MethodKind::Phone, "+46 701234567", false)),
    });
    let lines = mfa_assist::helpdesk::script(&h.desk);
    let said = lines
        .iter()
        .find(|l| l.id == "script.phone_added_say")
        .expect("the caller is told");
    assert!(format!("{:?}", said.args).contains("\"67\""), "{said:?}");
}

/// A phone number the desk added is not the new Authenticator the script
/// leads to: no "test it in the app" for it.
#[test]
fn an_added_phone_is_not_taken_for_the_new_app() {
    let mut state = old_state();
    state
        .methods
        .retain(|m| m.kind != MethodKind::AuthenticatorPush);
    let mut h = Harness::verified(phone_settings(), state.clone());
    h.ch('n');
    h.type_text("+46 701234567");
    h.key(Key::Enter);
    let (req, _, _) = add_phone_of(&h.key(Key::Enter)).unwrap();
    let added = method("m-new", MethodKind::Phone, "+46 701234567 (mobile)", false);
    let effects = h.send(DeskEventKind::PhoneAdded {
        req,
        answer: Ok(added.clone()),
    });
    state.methods.push(added);
    h.send(DeskEventKind::StateLoaded {
        req: load_req_opt(&effects).unwrap(),
        answer: Ok(state),
    });
    let ids: Vec<&str> = mfa_assist::helpdesk::script(&h.desk)
        .iter()
        .map(|l| l.id)
        .collect();
    assert!(ids.contains(&"script.phone_added_say"), "{ids:?}");
    assert!(
        !ids.iter()
            .any(|id| id.starts_with("script.test_") || *id == "script.found_do"),
        "{ids:?}"
    );
}

/// Test: a phone the desk deletes (here by a reset) is recorded, in the
/// audit and in the case summary, with its number masked; the agent's own
/// screen may show it, the records may not.
#[test]
fn a_deleted_phone_is_recorded_with_its_number_masked() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('r');
    let (req, id) = delete_of(&h.key(Key::Enter)).unwrap();
    assert_eq!(id, "m-app");
    let (req, id) = delete_of(&h.send(DeskEventKind::Deleted {
        req,
        answer: Ok(()),
    }))
    .unwrap();
    assert_eq!(id, "m-phone");
    let effects = h.send(DeskEventKind::Deleted {
        req,
        answer: Ok(()),
    });
    assert_eq!(
        changes(&effects),
        vec![Change::Deleted {
            kind: MethodKind::Phone,
            label: "+* *** **42".into(),
        }]
    );
    for effect in &effects {
        if let DeskEffect::Audit { entry, .. } = effect {
            let json = serde_json::to_string(entry).unwrap();
            assert!(!json.contains("555 0142"), "{json}");
        }
    }
    let summary = mfa_assist::helpdesk::summary(&h.desk, &Guide::built_in());
    assert!(!summary.contains("555 0142"), "{summary}");
    assert!(summary.contains("+* *** **42"), "{summary}");
}
