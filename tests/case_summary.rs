//! The case summary the agent pastes into the ticket, word for word: who,
//! when (to the minute, in UTC), which checks, every change at its time, and
//! what is registered now, with what is default, unusable, added during
//! the call or still being added. And the audit log's timestamps, to the
//! second. Whole texts are compared, so a dropped line, a wrong time or a
//! lost note fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::{self, Change, Entry, FinalRead, Verification};
use mfa_assist::provider::{MethodKind, ProviderError};

/// 2027-01-15 08:00:00 UTC.
const T0: u64 = 1_800_000_000;

fn summary(h: &Harness) -> String {
    helpdesk::summary(&h.desk, &Guide::built_in())
}

fn at(minutes: u64, change: Change) -> Entry {
    Entry {
        wall: T0 + minutes * 60,
        change,
    }
}

#[test]
fn audit_timestamps_are_utc_to_the_second() {
    assert_eq!(helpdesk::timestamp(T0), "2027-01-15T08:00:00Z");
    assert_eq!(helpdesk::timestamp(T0 + 3_661), "2027-01-15T09:01:01Z");
}

#[test]
fn no_caller_no_summary() {
    let h = Harness::new(settings());
    assert_eq!(summary(&h), "");
}

#[test]
fn every_change_at_its_minute_and_the_account_as_last_read() {
    let mut h = Harness::verified(settings(), old_state());
    let case = h.desk.case.as_mut().unwrap();
    case.opened = T0;
    case.closed = Some(T0 + 25 * 60);
    case.entries = vec![
        at(0, Change::LookedUp),
        at(
            1,
            Change::Verified {
                checks: vec!["x".into()],
                required: 2,
            },
        ),
        at(
            2,
            Change::Deleted {
                kind: MethodKind::AuthenticatorPush,
                label: "Pixel 7".into(),
            },
        ),
        at(
            3,
            Change::DeleteFailed {
                kind: MethodKind::Email,
                label: "kim@home.example".into(),
                error: "busy".into(),
            },
        ),
        at(
            4,
            Change::PassIssued {
                lifetime_minutes: 60,
                one_time: true,
                expires: Some("09:04".into()),
            },
        ),
        at(
            5,
            Change::PassIssued {
                lifetime_minutes: 480,
                one_time: false,
                expires: None,
            },
        ),
        at(
            6,
            Change::PassFailed {
                error: "refused".into(),
            },
        ),
        at(7, Change::SessionsRevoked),
        at(
            8,
            Change::RevokeFailed {
                error: "down".into(),
            },
        ),
        at(
            9,
            Change::NewMethodSeen {
                kind: MethodKind::AuthenticatorCode,
                label: "iPhone 16".into(),
            },
        ),
        at(
            10,
            Change::RefusedPrivileged {
                attempted: "delete".into(),
                reason: "Global Administrator".into(),
            },
        ),
        at(25, Change::CaseClosed),
    ];
    let state = case.state.as_mut().unwrap();
    // Registered before the call: the phone (default) and the e-mail; the
    // code app and a passkey that does not work for sign-in came during it.
    state.methods.retain(|m| m.id != "m-app");
    state.methods.push(method(
        "m-new",
        MethodKind::AuthenticatorCode,
        "iPhone 16",
        false,
    ));
    let mut passkey = method("m-key", MethodKind::Passkey, "Laptop", false);
    passkey.used_for.sign_in = false;
    state.methods.push(passkey);
    state
        .adding
        .push(method("m-half", MethodKind::SecurityKey, "YubiKey", false));
    case.final_read = Some(FinalRead::Failed {
        error: ProviderError::Timeout,
        last_read: Some(T0 + 24 * 60),
    });
    let why = ProviderError::Timeout.to_string();
    assert_eq!(
        summary(&h),
        format!(
            "mfa-assist helpdesk case
Agent: jdoe
Caller: Kim Berg (kim@example.edu)
System: training tenant
Caller's language: en
Opened: 2027-01-15 08:00 UTC
Closed: 2027-01-15 08:25 UTC

Identity: verified (2 checks; 2 of 3 required):
  ✓ Name and username match
  ✓ Date of birth matches

What changed:
  08:02  Deleted Authenticator app (notification): Pixel 7
  08:03  Could not delete Email: kim@home.example (busy)
  08:04  Issued a pass: one use, 60 min, valid until 09:04 (value not recorded)
  08:05  Issued a pass: many uses, 480 min, valid until ? (value not recorded)
  08:06  No pass issued (refused)
  08:07  Signed the caller out of every session
  08:08  Could not sign the caller out (down)
  08:09  Caller registered Authenticator app (6-digit code): iPhone 16
  08:10  Refused (delete): administrative rights: Global Administrator

Could not read the account when the call ended ({why}).
What was registered at the last successful read, 2027-01-15 08:24 UTC:
  • Phone: +* *** **42 (default)
  • Email: kim@home.example
  • Authenticator app (6-digit code): iPhone 16 (added during this call)
  • Passkey: Laptop (not usable for sign-in, added during this call)

Being added, not usable yet (not registered):
  • Security key: YubiKey",
        )
    );
}

#[test]
fn nothing_changed_and_nothing_registered_are_said() {
    let mut h = Harness::verified(settings(), old_state());
    let case = h.desk.case.as_mut().unwrap();
    case.opened = T0;
    case.entries = vec![at(0, Change::LookedUp), at(1, Change::CaseClosed)];
    case.state.as_mut().unwrap().methods.clear();
    case.final_read = Some(FinalRead::Fresh);
    let text = summary(&h);
    assert!(
        text.ends_with(
            "What changed:
  nothing

Registered now:
  no methods"
        ),
        "{text}"
    );
    assert!(!text.contains("Closed:"), "{text}");
}

#[test]
fn a_call_not_verified_or_failed_says_nothing_was_changed() {
    let mut h = Harness::with_caller(settings(), old_state());
    assert!(
        summary(&h).contains("\nIdentity: not verified. Nothing was changed.\n"),
        "{}",
        summary(&h)
    );
    h.desk.case.as_mut().unwrap().verification = Verification::Failed;
    assert!(
        summary(&h)
            .contains("\nIdentity: could NOT be verified; escalated. Nothing was changed.\n"),
        "{}",
        summary(&h)
    );
}
