//! The idle sign-out and a device code on screen (Entra sign-in on the
//! phone). The wait for the phone's sign-in counts as activity only while
//! that sign-in is still awaited: a code whose request has ended holds the
//! sign-out off no longer, even if it is still drawn.
//!
//! The app's executor sends a request's code answer once, so a code stays on
//! screen after its request ended only when a second answer for the same
//! request arrives (here: a failure after the code). The flow takes events
//! from anyone, so its own rule is tested on that sequence: without it
//! (`is_busy(Op::SignIn)` dropped from `idle_deadline`), the dead code held
//! the sign-out off for its whole 15 minutes (cargo-mutants, issue 19).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::flow::{
    DeviceCodeInfo, Effect, Event, EventKind, Flow, Millis, Notice, Op, Screen, Settings, update,
};
use mfa_assist::keymap::Key;
use mfa_assist::provider::{Capabilities, MethodKind, ProviderError, SignInKind};
use std::time::Duration;

/// `idle_timeout_secs = 20`.
const IDLE_20S: u64 = 20_000;

fn settings() -> Settings {
    Settings {
        languages: vec!["en".into()],
        kiosk: true,
        idle_timeout_ms: IDLE_20S,
        done_countdown_ms: 30_000,
        capabilities: Capabilities {
            add_kinds: vec![MethodKind::AuthenticatorPush],
            can_delete: true,
            sign_in: SignInKind::DeviceCode,
            ..Capabilities::default()
        },
    }
}

fn send(flow: &mut Flow, at: Millis, kind: EventKind) -> Vec<Effect> {
    let effects = update(flow, Event::new(at, kind));
    if let Err(e) = flow.check_invariants() {
        panic!("invariant broken: {e}");
    }
    effects
}

fn code_for_15_minutes() -> DeviceCodeInfo {
    DeviceCodeInfo {
        user_code: "ABCD-EFGH".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_in: Duration::from_secs(900),
    }
}

#[test]
fn a_device_code_no_longer_awaited_does_not_hold_off_the_idle_sign_out() {
    let start = Millis(1_000);
    let mut flow = Flow::new(settings());
    let effects = send(&mut flow, start, EventKind::Key(Key::Enter));
    let req = effects
        .iter()
        .find_map(|e| match e {
            Effect::BeginDeviceSignIn { req } => Some(*req),
            _ => None,
        })
        .expect("a device sign-in is asked for");
    send(
        &mut flow,
        start,
        EventKind::DeviceCodeIssued {
            req,
            answer: Ok(code_for_15_minutes()),
        },
    );
    // While the phone's sign-in is awaited, the code's life counts as
    // activity: the sign-out is 20 s after the code expires.
    assert_eq!(
        flow.idle_deadline(),
        Some(start.plus_ms(900_000 + IDLE_20S))
    );

    // The request ends (a failure for it) with the code still drawn.
    send(
        &mut flow,
        start,
        EventKind::DeviceCodeIssued {
            req,
            answer: Err(ProviderError::Unreachable),
        },
    );
    assert!(!flow.is_busy(Op::SignIn));
    assert!(
        matches!(flow.screen, Screen::DeviceSignIn { code: Some(_) }),
        "the sequence this test is about: {:?}",
        flow.screen
    );
    // Now only the person's last key counts: 20 s after it, not 15 min.
    assert_eq!(flow.idle_deadline(), Some(start.plus_ms(IDLE_20S)));
    assert!(
        send(&mut flow, start.plus_ms(IDLE_20S - 1), EventKind::Tick).is_empty(),
        "still shown one millisecond before the idle timeout"
    );
    let effects = send(&mut flow, start.plus_ms(IDLE_20S), EventKind::Tick);
    assert!(effects.contains(&Effect::WipeScreen), "{effects:?}");
    assert_eq!(flow.screen, Screen::Welcome);
    assert_eq!(flow.notice, Some(Notice::SignedOutIdle));
}
