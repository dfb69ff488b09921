//! The helpdesk state machine, driven by keys and provider answers the way
//! the driver would: above all, that nothing changes a caller's account
//! before the identity checklist passes, and that no record holds a secret.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::flow::ReqId;
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::{
    self, Change, DeskEffect, DeskEventKind, DeskNotice, DeskScreen, PASS_SHOWN_MS, Pending,
    Verification,
};
use mfa_assist::keymap::Key;
use mfa_assist::provider::admin::{NewPass, PassInfo, PassName};
use mfa_assist::provider::{MethodKind, ProviderError};
use mfa_assist::secret::Secret;

#[test]
fn nothing_changes_before_the_checklist_passes() {
    let mut h = Harness::with_caller(settings(), old_state());
    for key in ['p', 'd', 'r', 's'] {
        let effects = h.ch(key);
        assert!(
            !effects.iter().any(is_change),
            "{key} changed something: {effects:?}"
        );
        assert_eq!(h.desk.screen, DeskScreen::Account, "after {key}");
        assert_eq!(h.desk.notice, Some(DeskNotice::VerifyFirst), "after {key}");
        // Enter on whatever is showing must not confirm anything either.
        assert!(!h.key(Key::Enter).iter().any(is_change));
    }
    // Looking is allowed: refresh and watch do not change the account.
    assert!(!h.ch('g').iter().any(is_change));
}

#[test]
fn the_gate_needs_n_of_m_checks_and_records_which() {
    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('v');
    assert!(matches!(h.desk.screen, DeskScreen::Checks { .. }));
    h.ch(' ');
    // One of two: Enter is not offered and does nothing.
    assert!(!h.desk.action_available(mfa_assist::keymap::Action::Next));
    assert!(h.key(Key::Enter).is_empty());
    assert!(matches!(h.desk.screen, DeskScreen::Checks { .. }));
    h.key(Key::Down);
    h.key(Key::Down);
    h.ch(' ');
    let effects = h.key(Key::Enter);
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert_eq!(
        changes(&effects),
        vec![Change::Verified {
            checks: vec![
                "Name and username match".into(),
                "Code sent to private email read back".into()
            ],
            required: 2,
        }]
    );
    assert_eq!(
        h.desk.case.as_ref().unwrap().verification,
        Verification::Passed(vec![0, 2])
    );
}

#[test]
fn unticking_takes_a_check_back() {
    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('v');
    h.ch(' ');
    h.key(Key::Down);
    h.ch(' ');
    h.ch(' ');
    assert_eq!(h.desk.case.as_ref().unwrap().ticked_count(), 1);
    assert!(h.key(Key::Enter).is_empty());
}

#[test]
fn a_failed_verification_locks_changes_for_the_rest_of_the_call() {
    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('v');
    h.ch(' ');
    // `x` asks first; Enter records it.
    assert!(h.ch('x').is_empty());
    let effects = h.key(Key::Enter);
    assert_eq!(h.desk.screen, DeskScreen::Escalate);
    assert_eq!(
        changes(&effects),
        vec![Change::VerificationFailed {
            ticked: vec!["Name and username match".into()]
        }]
    );
    h.key(Key::Esc);
    assert_eq!(h.desk.screen, DeskScreen::Account);
    // No second try on the same call.
    h.ch('v');
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert_eq!(h.desk.notice, Some(DeskNotice::VerificationFailed));
    for key in ['p', 'd', 'r', 's'] {
        assert!(!h.ch(key).iter().any(is_change));
        assert_eq!(h.desk.notice, Some(DeskNotice::VerificationFailed));
    }
}

#[test]
fn reset_all_deletes_one_at_a_time_with_the_default_last() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('r');
    let DeskScreen::Confirm(Pending::Reset(plan)) = &h.desk.screen else {
        panic!("no reset confirmation: {:?}", h.desk.screen);
    };
    // Email is not a second factor: it stays.
    let ids: Vec<&str> = plan.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m-app", "m-phone"]);
    let effects = h.key(Key::Enter);
    let (req, id) = delete_of(&effects).unwrap();
    assert_eq!(id, "m-app");
    let effects = h.send(DeskEventKind::Deleted {
        req,
        answer: Ok(()),
    });
    let (req, id) = delete_of(&effects).unwrap();
    assert_eq!(id, "m-phone");
    // Already gone counts as deleted.
    let effects = h.send(DeskEventKind::Deleted {
        req,
        answer: Err(ProviderError::NotFound),
    });
    assert!(delete_of(&effects).is_none());
    load_req(&effects);
    let recorded: Vec<Change> = h
        .desk
        .case
        .as_ref()
        .unwrap()
        .entries
        .iter()
        .map(|e| e.change.clone())
        .filter(|c| matches!(c, Change::Deleted { .. }))
        .collect();
    assert_eq!(recorded.len(), 2);
}

#[test]
fn a_failed_delete_stops_the_reset_and_says_why() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('r');
    let (req, _) = delete_of(&h.key(Key::Enter)).unwrap();
    let effects = h.send(DeskEventKind::Deleted {
        req,
        answer: Err(ProviderError::Server {
            status: 503,
            code: "serviceUnavailable".into(),
            reference: Some("req-1".into()),
        }),
    });
    assert!(delete_of(&effects).is_none(), "the reset went on");
    load_req(&effects);
    assert!(matches!(
        changes(&effects).as_slice(),
        [Change::DeleteFailed { .. }]
    ));
    assert!(matches!(h.desk.notice, Some(DeskNotice::Failed { .. })));
}

#[test]
fn deleting_one_method_asks_first_and_cancel_changes_nothing() {
    let mut h = Harness::verified(settings(), old_state());
    h.key(Key::Down);
    h.ch('d');
    let DeskScreen::Confirm(Pending::Delete(m)) = &h.desk.screen else {
        panic!("no confirmation");
    };
    assert_eq!(m.id, "m-app");
    assert!(h.key(Key::Esc).is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Account);
    h.ch('d');
    let (_, id) = delete_of(&h.key(Key::Enter)).unwrap();
    assert_eq!(id, "m-app");
}

#[test]
fn a_pass_is_shown_once_then_gone_and_never_recorded() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('p');
    h.key(Key::Right);
    h.ch('o');
    let effects = h.key(Key::Enter);
    let (req, request) = effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::IssuePass { req, request, .. } => Some((*req, *request)),
            _ => None,
        })
        .unwrap();
    assert_eq!(request.lifetime_minutes, 480);
    assert!(!request.one_time);
    let effects = h.send(DeskEventKind::PassIssued {
        req,
        answer: Ok(NewPass {
            pass: Secret::new(PASS.to_string()),
            id: "tap-1".into(),
            expires: Some("2027-01-15 18:00 UTC".into()),
            one_time: false,
        }),
    });
    assert!(matches!(h.desk.screen, DeskScreen::PassShown { .. }));
    // Nothing the desk hands out or prints carries the pass.
    for e in &effects {
        assert!(!format!("{e:?}").contains(PASS));
        if let DeskEffect::Audit { entry, .. } = e {
            assert!(!serde_json::to_string(entry).unwrap().contains(PASS));
        }
    }
    assert!(!format!("{:?}", h.desk).contains(PASS));

    let effects = h.key(Key::Enter);
    assert!(effects.contains(&DeskEffect::WipeScreen));
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert_eq!(h.desk.notice, Some(DeskNotice::PassHidden));

    let summary = helpdesk::summary(&h.desk, &Guide::built_in());
    assert!(summary.contains("many uses, 480 min"), "{summary}");
    assert!(!summary.contains(PASS));
}

#[test]
fn a_pass_left_on_screen_hides_itself() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('p');
    let effects = h.key(Key::Enter);
    let req = effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::IssuePass { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    h.send(DeskEventKind::PassIssued {
        req,
        answer: Ok(NewPass {
            pass: Secret::new(PASS.to_string()),
            id: "tap-1".into(),
            expires: None,
            one_time: true,
        }),
    });
    assert!(h.advance(PASS_SHOWN_MS / 2).is_empty());
    assert!(matches!(h.desk.screen, DeskScreen::PassShown { .. }));
    let effects = h.advance(PASS_SHOWN_MS);
    assert!(effects.contains(&DeskEffect::WipeScreen));
    assert_eq!(h.desk.screen, DeskScreen::Account);
}

#[test]
fn one_use_is_forced_where_the_provider_has_no_choice() {
    let mut s = settings();
    s.capabilities.one_time_choice = false;
    s.capabilities.pass_name = PassName::RegistrationCode;
    let mut h = Harness::verified(s, old_state());
    h.ch('p');
    assert!(!h.desk.action_available(mfa_assist::keymap::Action::OneTime));
    h.ch('o');
    let effects = h.key(Key::Enter);
    let request = effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::IssuePass { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    assert!(request.one_time);
}

#[test]
fn revoking_is_offered_only_where_the_provider_can() {
    let mut s = settings();
    s.capabilities.can_revoke_sessions = false;
    let mut h = Harness::verified(s, old_state());
    assert!(h.ch('s').is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Account);

    let mut h = Harness::verified(settings(), old_state());
    h.ch('s');
    let effects = h.key(Key::Enter);
    let req = effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Revoke { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    let effects = h.send(DeskEventKind::Revoked {
        req,
        answer: Ok(()),
    });
    assert_eq!(changes(&effects), vec![Change::SessionsRevoked]);
}

#[test]
fn watching_shows_the_new_method_the_moment_it_appears() {
    let mut h = Harness::verified(settings(), old_state());
    let effects = h.ch('w');
    let req = effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Watch { req, every_ms, .. } => {
                assert_eq!(*every_ms, 2000);
                Some(*req)
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(h.desk.screen, DeskScreen::Watch);
    // Same methods: nothing to report; a failed poll is shown, not fatal.
    assert!(
        h.send(DeskEventKind::Watched {
            req,
            answer: Ok(old_state())
        })
        .is_empty()
    );
    h.send(DeskEventKind::Watched {
        req,
        answer: Err(ProviderError::Unreachable),
    });
    let watch = h.desk.case.as_ref().unwrap().watch.as_ref().unwrap();
    assert_eq!(watch.last_error, Some(ProviderError::Unreachable));
    // A stale poller's answer is dropped.
    let mut newer = old_state();
    newer.methods.push(method(
        "m-new",
        MethodKind::AuthenticatorPush,
        "iPhone 16",
        false,
    ));
    assert!(
        h.send(DeskEventKind::Watched {
            req: ReqId(9999),
            answer: Ok(newer.clone())
        })
        .is_empty()
    );
    let effects = h.send(DeskEventKind::Watched {
        req,
        answer: Ok(newer),
    });
    assert!(effects.contains(&DeskEffect::StopWatch));
    assert_eq!(
        changes(&effects),
        vec![Change::NewMethodSeen {
            kind: MethodKind::AuthenticatorPush,
            label: "iPhone 16".into()
        }]
    );
    let script = helpdesk::script(&h.desk);
    assert!(script.iter().any(|l| l.id == "script.test_push_say"));
}

#[test]
fn a_watch_gives_up_at_its_deadline() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('w');
    let effects = h.advance(60_001);
    assert!(effects.contains(&DeskEffect::StopWatch));
    assert_eq!(h.desk.notice, Some(DeskNotice::WatchTimedOut));
    h.key(Key::Enter);
    assert_eq!(h.desk.screen, DeskScreen::Account);
}

#[test]
fn the_script_follows_the_account() {
    let mut h = Harness::with_caller(settings(), old_state());
    let ids = |h: &Harness| -> Vec<&'static str> {
        helpdesk::script(&h.desk).iter().map(|l| l.id).collect()
    };
    assert_eq!(ids(&h), ["script.verify_do", "script.verify_say"]);
    let mut h2 = Harness::verified(settings(), old_state());
    let lines = helpdesk::script(&h2.desk);
    // Lost or still at hand? Asked first; until answered, the usual order.
    assert_eq!(lines[0].id, "script.ask_old_phone_do");
    assert_eq!(lines[2].id, "script.old_app_do");
    assert!(format!("{:?}", lines[2].args).contains("Pixel 7"));
    // Old app gone, no pass: issue one.
    let mut state = old_state();
    state.methods.retain(|m| m.id != "m-app");
    h2.desk.case.as_mut().unwrap().state = Some(state.clone());
    assert_eq!(ids(&h2), ["script.pass_do", "script.pass_say"]);
    // A usable pass: install and register, per platform.
    state.passes.push(PassInfo {
        id: "tap".into(),
        created: None,
        expires: None,
        one_time: Some(true),
        usable: Some(true),
    });
    h2.desk.case.as_mut().unwrap().state = Some(state);
    assert_eq!(ids(&h2)[0], "script.install_say_iphone");
    h2.key(Key::F(4));
    assert_eq!(ids(&h2)[0], "script.install_say_android");
    assert_eq!(ids(&h2)[1], "script.register_url_say");
    h.ch('v');
}

#[test]
fn finishing_writes_the_case_and_the_next_caller_starts_clean() {
    let mut h = Harness::verified(settings(), old_state());
    // `f` asks first; Enter closes the case and re-reads the account; the
    // summary is saved once that read is back.
    assert!(h.ch('f').is_empty());
    let effects = h.key(Key::Enter);
    assert!(!effects.contains(&DeskEffect::SaveCase));
    assert_eq!(changes(&effects), vec![Change::CaseClosed]);
    assert_eq!(h.desk.screen, DeskScreen::Summary);
    let effects = h.send(DeskEventKind::StateLoaded {
        req: load_req(&effects),
        answer: Ok(old_state()),
    });
    assert_eq!(effects, vec![DeskEffect::SaveCase]);
    let summary = helpdesk::summary(&h.desk, &Guide::built_in());
    assert!(summary.contains("Agent: jdoe"), "{summary}");
    assert!(summary.contains("Kim Berg (kim@example.edu)"), "{summary}");
    assert!(summary.contains("✓ Name and username match"), "{summary}");
    assert!(summary.contains("✓ Date of birth matches"), "{summary}");
    h.send(DeskEventKind::CaseSaved(Ok("/cases/x.txt".into())));
    assert_eq!(h.ch('c'), vec![DeskEffect::CopyCase]);
    let effects = h.key(Key::Enter);
    assert!(effects.contains(&DeskEffect::WipeScreen));
    assert!(h.desk.case.is_none());
    assert!(matches!(h.desk.screen, DeskScreen::Lookup { .. }));
}

#[test]
fn lookup_failures_and_bad_input_are_explained() {
    let mut h = Harness::new(settings());
    assert!(h.key(Key::Enter).is_empty());
    assert_eq!(h.desk.notice, Some(DeskNotice::EmptyUsername));
    h.send(DeskEventKind::Paste("x".repeat(10_000)));
    assert_eq!(h.desk.notice, Some(DeskNotice::PasteTooLong));
    h.send(DeskEventKind::Paste(" kim\u{1b}[31m\n".into()));
    assert_eq!(
        h.desk.screen,
        DeskScreen::Lookup {
            username: "kim[31m".into()
        }
    );
    let req = lookup_req(&h.key(Key::Enter));
    // An answer to another request is dropped.
    h.send(DeskEventKind::LookedUp {
        req: ReqId(req.0 + 7),
        answer: Ok(caller()),
    });
    assert!(h.desk.case.is_none());
    h.send(DeskEventKind::LookedUp {
        req,
        answer: Err(ProviderError::UnknownUser),
    });
    assert!(h.desk.case.is_none());
    assert!(matches!(
        h.desk.notice,
        Some(DeskNotice::Failed {
            error: ProviderError::UnknownUser,
            ..
        })
    ));
}

#[test]
fn quitting_mid_call_closes_the_case_record() {
    let mut h = Harness::with_caller(settings(), old_state());
    let effects = h.send(DeskEventKind::Interrupt);
    assert!(effects.contains(&DeskEffect::Quit));
    assert_eq!(changes(&effects), vec![Change::CaseClosed]);
}
