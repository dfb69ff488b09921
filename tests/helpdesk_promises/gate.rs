//! The helpdesk gate, one promise per test: nothing that changes the
//! caller's account runs before the checklist passes, the gate is checked
//! again at the moment of the change (not only when the screen opened), a
//! failed verification locks changes for the rest of the call, and every
//! change and failure lands in the record.

use crate::desk::*;
use mfa_assist::flow::ReqId;
use mfa_assist::helpdesk::{
    Change, DeskEffect, DeskEventKind, DeskNotice, DeskOp, DeskScreen, Pending, Verification,
};
use mfa_assist::keymap::{Action, Key};
use mfa_assist::provider::admin::{CallerState, Privilege};
use mfa_assist::provider::{MethodKind, ProviderError};

fn revoke_req(effects: &[DeskEffect]) -> ReqId {
    effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Revoke { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a revoke")
}

/// Every screen that would change the account, reached behind the gate's
/// back: confirming or issuing must still refuse.
fn forced_change_screens() -> Vec<DeskScreen> {
    vec![
        DeskScreen::Confirm(Pending::Delete(method(
            "m-app",
            MethodKind::AuthenticatorPush,
            "Pixel 7",
            false,
        ))),
        DeskScreen::Confirm(Pending::Reset(old_state().methods)),
        DeskScreen::Confirm(Pending::Revoke),
        DeskScreen::IssuePass {
            lifetime: 0,
            one_time: true,
        },
    ]
}

#[test]
fn the_gate_is_checked_again_at_the_moment_of_the_change() {
    for screen in forced_change_screens() {
        let mut h = Harness::with_caller(settings(), old_state());
        h.desk.screen = screen.clone();
        let effects = h.key(Key::Enter);
        assert!(
            !effects.iter().any(is_change),
            "{screen:?} ran unverified: {effects:?}"
        );
        assert_eq!(h.desk.notice, Some(DeskNotice::VerifyFirst), "{screen:?}");

        let mut h = Harness::with_caller(settings(), old_state());
        h.desk.case.as_mut().unwrap().verification = Verification::Failed;
        h.desk.screen = screen.clone();
        let effects = h.key(Key::Enter);
        assert!(
            !effects.iter().any(is_change),
            "{screen:?} ran after a failed verification: {effects:?}"
        );
        assert_eq!(
            h.desk.notice,
            Some(DeskNotice::VerificationFailed),
            "{screen:?}"
        );
    }
}

#[test]
fn after_the_gate_each_change_runs_once_confirmed() {
    let mut h = Harness::verified(settings(), old_state());
    // Delete the selected (first) method.
    h.ch('d');
    assert!(matches!(
        h.desk.screen,
        DeskScreen::Confirm(Pending::Delete(_))
    ));
    let (_, id) = delete_of(&h.key(Key::Enter)).unwrap();
    assert_eq!(id, "m-phone");
    assert_eq!(h.desk.screen, DeskScreen::Account);

    let mut h = Harness::verified(settings(), old_state());
    h.ch('s');
    assert_eq!(h.desk.screen, DeskScreen::Confirm(Pending::Revoke));
    revoke_req(&h.key(Key::Enter));

    let mut h = Harness::verified(settings(), old_state());
    h.ch('p');
    assert!(matches!(h.desk.screen, DeskScreen::IssuePass { .. }));
}

#[test]
fn a_failed_verification_cannot_be_retried_in_the_same_call() {
    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('v');
    h.ch(' ');
    h.ch('x');
    // Cannot-verify asks first: a stray `x` while typing records nothing.
    assert_eq!(h.desk.screen, DeskScreen::Confirm(Pending::CannotVerify));
    let effects = h.key(Key::Enter);
    assert_eq!(h.desk.screen, DeskScreen::Escalate);
    assert_eq!(
        changes(&effects),
        vec![Change::VerificationFailed {
            ticked: vec!["Name and username match".into()]
        }]
    );
    // Back to the account: the checklist does not open again, changes stay locked.
    h.key(Key::Esc);
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert!(h.ch('v').is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert_eq!(h.desk.notice, Some(DeskNotice::VerificationFailed));
    for c in ['p', 'd', 'r', 's'] {
        assert!(h.ch(c).is_empty(), "{c}");
        assert_eq!(h.desk.screen, DeskScreen::Account, "{c}");
        assert_eq!(h.desk.notice, Some(DeskNotice::VerificationFailed), "{c}");
    }
    // Escalating ends the call with the case written.
    let mut h2 = Harness::with_caller(settings(), old_state());
    h2.ch('v');
    h2.ch('x');
    h2.key(Key::Enter);
    assert_eq!(h2.desk.screen, DeskScreen::Escalate);
    // The case closes; it is saved once the account has been read again.
    let effects = h2.key(Key::Enter);
    assert!(changes(&effects).contains(&Change::CaseClosed));
    assert_eq!(h2.desk.screen, DeskScreen::Summary);
}

#[test]
fn more_checks_than_required_verify_and_are_all_recorded() {
    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('v');
    h.ch(' ');
    assert!(!h.desk.action_available(Action::Next));
    assert!(h.key(Key::Enter).is_empty());
    assert_eq!(
        h.desk.case.as_ref().unwrap().verification,
        Verification::NotYet
    );
    h.key(Key::Down);
    h.ch(' ');
    h.key(Key::Down);
    h.ch(' ');
    assert!(h.desk.action_available(Action::Next));
    let effects = h.key(Key::Enter);
    assert_eq!(
        changes(&effects),
        vec![Change::Verified {
            checks: settings().checks,
            required: 2
        }]
    );
    assert_eq!(
        h.desk.case.as_ref().unwrap().verification,
        Verification::Passed(vec![0, 1, 2])
    );
}

#[test]
fn the_checklist_cursor_stays_on_the_list() {
    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('v');
    h.key(Key::Up);
    assert_eq!(h.desk.screen, DeskScreen::Checks { cursor: 0 });
    for _ in 0..5 {
        h.key(Key::Down);
    }
    assert_eq!(h.desk.screen, DeskScreen::Checks { cursor: 2 });
    h.ch(' ');
    assert_eq!(h.desk.case.as_ref().unwrap().ticked, [false, false, true]);
    h.key(Key::Up);
    assert_eq!(h.desk.screen, DeskScreen::Checks { cursor: 1 });
    // Esc leaves the checklist without verifying.
    h.key(Key::Esc);
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert_eq!(
        h.desk.case.as_ref().unwrap().verification,
        Verification::NotYet
    );
}

#[test]
fn reset_deletes_only_second_factors_the_default_last() {
    let mut state = old_state();
    state
        .methods
        .push(method("m-pw", MethodKind::Password, "Password", false));
    let mut h = Harness::verified(settings(), state);
    h.ch('r');
    let DeskScreen::Confirm(Pending::Reset(plan)) = &h.desk.screen else {
        panic!("{:?}", h.desk.screen);
    };
    let ids: Vec<&str> = plan.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m-app", "m-phone"]);

    // Nothing that is a second factor: nothing to reset, nothing asked.
    let only_mail = CallerState {
        methods: vec![method("m-mail", MethodKind::Email, "a@b", false)],
        passes: vec![],
        adding: vec![],
        privilege: Privilege::Ordinary,
    };
    let mut h = Harness::verified(settings(), only_mail);
    assert!(h.ch('r').is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert_eq!(h.desk.notice, Some(DeskNotice::NothingToReset));
}

#[test]
fn delete_with_nothing_listed_says_so() {
    let mut h = Harness::verified(settings(), CallerState::default());
    assert!(!h.desk.action_available(Action::Delete));
    h.desk.screen = DeskScreen::Account;
    let effects = h.send(DeskEventKind::Key(Key::Char('d')));
    assert!(effects.is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Account);
}

#[test]
fn the_selection_moves_within_the_list_and_picks_what_is_deleted() {
    let mut h = Harness::verified(settings(), old_state());
    h.key(Key::Up);
    assert_eq!(h.desk.case.as_ref().unwrap().selected, Some(0));
    for _ in 0..5 {
        h.key(Key::Down);
    }
    assert_eq!(h.desk.case.as_ref().unwrap().selected, Some(2));
    h.key(Key::Up);
    assert_eq!(h.desk.case.as_ref().unwrap().selected, Some(1));
    h.ch('d');
    let (_, id) = delete_of(&h.key(Key::Enter)).unwrap();
    assert_eq!(id, "m-app");
}

#[test]
fn a_method_already_gone_counts_as_deleted() {
    let mut h = Harness::verified(settings(), old_state());
    h.key(Key::Down);
    h.ch('d');
    let (req, _) = delete_of(&h.key(Key::Enter)).unwrap();
    let effects = h.send(DeskEventKind::Deleted {
        req,
        answer: Err(ProviderError::NotFound),
    });
    assert_eq!(
        changes(&effects),
        vec![Change::Deleted {
            kind: MethodKind::AuthenticatorPush,
            label: "Pixel 7".into()
        }]
    );
    assert_eq!(
        h.desk.notice,
        Some(DeskNotice::Deleted {
            label: "Pixel 7".into()
        })
    );
    // The queue is empty: the account is reloaded.
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, DeskEffect::LoadState { .. }))
    );
}

#[test]
fn a_delete_answer_for_another_request_is_dropped() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('d');
    let (req, _) = delete_of(&h.key(Key::Enter)).unwrap();
    let effects = h.send(DeskEventKind::Deleted {
        req: ReqId(req.0 + 1),
        answer: Ok(()),
    });
    assert!(effects.is_empty());
    assert!(h.desk.pending.is_some());
    assert_eq!(h.desk.case.as_ref().unwrap().entries.len(), 2);
}

#[test]
fn a_failed_revoke_is_recorded_and_explained() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('s');
    let req = revoke_req(&h.key(Key::Enter));
    let effects = h.send(DeskEventKind::Revoked {
        req,
        answer: Err(ProviderError::Unreachable),
    });
    assert_eq!(
        changes(&effects),
        vec![Change::RevokeFailed {
            error: ProviderError::Unreachable.to_string()
        }]
    );
    assert_eq!(
        h.desk.notice,
        Some(DeskNotice::Failed {
            op: DeskOp::Revoke,
            error: ProviderError::Unreachable
        })
    );
    // A second answer to the same request changes nothing.
    let again = h.send(DeskEventKind::Revoked {
        req,
        answer: Ok(()),
    });
    assert!(again.is_empty());
}

#[test]
fn a_revoke_that_worked_says_so() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('s');
    let req = revoke_req(&h.key(Key::Enter));
    h.send(DeskEventKind::Revoked {
        req,
        answer: Ok(()),
    });
    assert_eq!(h.desk.notice, Some(DeskNotice::Revoked));
    assert!(h.desk.pending.is_none());
}

#[test]
fn cancel_on_confirm_changes_nothing() {
    for key in [Key::Esc, Key::Char('n')] {
        let mut h = Harness::verified(settings(), old_state());
        h.ch('s');
        assert!(h.key(key).is_empty());
        assert_eq!(h.desk.screen, DeskScreen::Account);
    }
}

#[test]
fn one_request_at_a_time() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('g');
    assert!(h.desk.pending.is_some());
    for key in [Key::Char('g'), Key::Char('w'), Key::Char('d')] {
        let effects = h.key(key);
        assert!(effects.is_empty(), "{key:?}: {effects:?}");
        assert_eq!(h.desk.notice, Some(DeskNotice::Busy), "{key:?}");
        assert_eq!(h.desk.screen, DeskScreen::Account);
    }
    // Moving the selection is not a request: allowed.
    h.key(Key::Down);
    assert_eq!(h.desk.case.as_ref().unwrap().selected, Some(1));
}

#[test]
fn help_closes_on_any_key_and_does_nothing_else() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('?');
    assert!(h.desk.help_open);
    assert!(h.key(Key::Enter).is_empty());
    assert!(!h.desk.help_open);
    assert_eq!(h.desk.screen, DeskScreen::Account);
}
