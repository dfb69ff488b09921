//! Issue 16 item 1: number matching. Microsoft Authenticator asks for the
//! number the sign-in screen shows; the training tenant does the same: the
//! kiosk shows a number, the simulated phone takes the digits typed and a
//! wrong number fails, as in the real app.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

use mfa_assist::flow::{ApprovalState, Effect, EventKind, Notice, Screen};
use mfa_assist::keymap::Key;
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::provider::{Approval, MethodKind, PhoneAction, Provider};
use mfa_assist::secret::Secret;
use std::time::Duration;

/// On the approval screen, the notification out with `number` to match.
fn sent(number: Option<&str>) -> Drive {
    let mut d = on_scan(MethodKind::AuthenticatorPush);
    let effects = d.key(Key::Enter);
    let r = req(&effects);
    d.answer(EventKind::ApprovalSent {
        req: r,
        number: number.map(str::to_string),
    });
    d
}

fn phone_action(effects: &[Effect]) -> Option<PhoneAction> {
    effects.iter().find_map(|e| match e {
        Effect::SimulatePhone { action, .. } => Some(*action),
        _ => None,
    })
}

#[test]
fn the_sent_notification_shows_its_number_and_waits() {
    let d = sent(Some("48"));
    assert!(matches!(
        d.flow.screen,
        Screen::ProveApproval {
            state: ApprovalState::Waiting,
            ..
        }
    ));
    assert_eq!(d.flow.approval_number.as_deref(), Some("48"));
}

#[test]
fn the_training_phone_needs_the_number_before_it_approves() {
    let mut d = sent(Some("48"));
    // A bare `a` is what "tap Approve" used to be: not enough any more.
    let effects = d.key(Key::Char('a'));
    assert_eq!(phone_action(&effects), None);
    assert_eq!(d.flow.notice, Some(Notice::TypeNumber));
    d.type_text("4");
    d.type_text("8");
    d.type_text("9"); // the field holds two digits, as Microsoft's
    assert_eq!(d.flow.phone_typed, "48");
    assert_eq!(d.flow.notice, None);
    let effects = d.key(Key::Char('a'));
    assert_eq!(phone_action(&effects), Some(PhoneAction::ApproveWith(48)));
}

#[test]
fn backspace_corrects_the_typed_number_and_a_wrong_one_is_sent_as_typed() {
    let mut d = sent(Some("48"));
    d.type_text("47");
    d.key(Key::Backspace);
    d.type_text("1");
    let effects = d.key(Key::Char('a'));
    assert_eq!(phone_action(&effects), Some(PhoneAction::ApproveWith(41)));
}

#[test]
fn a_resend_forgets_the_old_number_and_what_was_typed() {
    let mut d = sent(Some("48"));
    d.type_text("48");
    let effects = d.key(Key::Char('r'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::StartApproval { .. }))
    );
    assert_eq!(d.flow.approval_number, None);
    assert_eq!(d.flow.phone_typed, "");
}

#[test]
fn without_a_number_to_match_a_approves_at_once() {
    let mut d = sent(None);
    let effects = d.key(Key::Char('a'));
    assert_eq!(phone_action(&effects), Some(PhoneAction::Approve));
}

// ---------------------------------------------------------------------------
// The training tenant's side
// ---------------------------------------------------------------------------

async fn push_enrollment(t: &TrainingTenant) -> (mfa_assist::provider::Session, String) {
    let s = t
        .sign_in("alex", &Secret::new("Tap-Alex-4821"))
        .await
        .unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    (s, e.id)
}

#[tokio::test]
async fn the_tenant_sends_a_two_digit_number_and_a_wrong_one_fails() {
    let t = TrainingTenant::default_scenario().with_delay(Duration::ZERO);
    let (s, id) = push_enrollment(&t).await;
    let number = t
        .request_approval(&s, &id)
        .await
        .unwrap()
        .expect("a number");
    let n: u8 = number.parse().unwrap();
    assert!((10..=99).contains(&n), "{number}");
    t.simulate_phone(
        &id,
        PhoneAction::ApproveWith(if n == 99 { 10 } else { n + 1 }),
    );
    assert_eq!(t.poll_approval(&s, &id).await.unwrap(), Approval::Rejected);

    // Sent again: a new number, and the right one approves.
    let again = t
        .request_approval(&s, &id)
        .await
        .unwrap()
        .expect("a number");
    assert_ne!(again, number, "a resend shows a new number");
    t.simulate_phone(&id, PhoneAction::ApproveWith(again.parse().unwrap()));
    assert_eq!(t.poll_approval(&s, &id).await.unwrap(), Approval::Approved);
}
