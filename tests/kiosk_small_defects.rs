//! Small kiosk defects found by trying the kiosk as a new user would (issue
//! 13, item 6): each test drives the pure flow (and, for what shows, the
//! real views) to the place the defect was seen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use mfa_assist::flow::{Effect, EventKind, Flow, MAX_FIELD_CHARS, Notice, Screen, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::provider::{Capabilities, Enrollment, MethodKind, ProviderError, PushApp, Wait};
use mfa_assist::secret::Secret;
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{self, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

fn screen_text(flow: &Flow, (w, h): (u16, u16)) -> String {
    let guide = Guide::built_in();
    let branding = branding();
    let qr = flow
        .enrollment
        .as_ref()
        .map(|e| QrMatrix::encode(e.qr_payload.expose()).unwrap());
    let view = View {
        flow,
        guide: &guide,
        branding: &branding,
        qr: qr.as_ref(),
        qr_style: QrStyle::HalfBlock,
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, &view)).unwrap();
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn typed_pass(flow: &Flow) -> String {
    match &flow.screen {
        Screen::SignIn { pass, .. } => pass.expose().to_string(),
        other => panic!("not on sign-in: {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// A network error on sign-in keeps the typed pass
// ---------------------------------------------------------------------------

#[test]
fn a_sign_in_that_never_reached_a_verdict_keeps_the_typed_pass() {
    for error in [
        ProviderError::Unreachable,
        ProviderError::Timeout,
        ProviderError::RateLimited { retry_after: None },
        ProviderError::Server {
            status: 503,
            code: "unavailable".into(),
            reference: None,
        },
    ] {
        let d = sign_in_fails(error.clone());
        assert_eq!(typed_pass(&d.flow), PASS, "{error:?} wiped the typed pass");
        assert!(matches!(d.flow.notice, Some(Notice::Failed { .. })));
    }
}

#[test]
fn enter_after_a_network_error_sends_the_same_pass_again() {
    let mut d = sign_in_fails(ProviderError::Unreachable);
    let effects = d.key(Key::Enter);
    assert!(
        effects.iter().any(|e| matches!(e,
            Effect::SignIn { pass, username, .. } if pass.expose() == PASS && username == USER)),
        "{effects:?}"
    );
}

#[test]
fn a_pass_the_server_refused_is_still_cleared() {
    for error in [
        ProviderError::WrongPass { attempts_left: 2 },
        ProviderError::PassExpired,
        ProviderError::PassUsed,
        ProviderError::PassRejected,
        ProviderError::Locked,
        ProviderError::TooManyTries,
    ] {
        let d = sign_in_fails(error.clone());
        assert_eq!(typed_pass(&d.flow), "", "{error:?} kept a refused pass");
    }
}

// ---------------------------------------------------------------------------
// Typing into a full field is not a "paste too long"
// ---------------------------------------------------------------------------

#[test]
fn typing_into_a_full_field_says_the_field_is_full() {
    let mut d = Drive::new(true);
    d.key(Key::Enter);
    d.type_text(&"x".repeat(MAX_FIELD_CHARS));
    assert_eq!(d.flow.notice, None);
    d.key(Key::Char('y'));
    assert_eq!(d.flow.notice, Some(Notice::FieldFull));
    let text = screen_text(&d.flow, SMALL);
    assert!(
        !text.contains("pasted"),
        "a paste notice for typing:\n{text}"
    );
    assert!(text.contains("This field is full"), "{text}");
}

// ---------------------------------------------------------------------------
// A pasted code with too many digits says how many a code has
// ---------------------------------------------------------------------------

#[test]
fn a_pasted_seven_digit_code_says_the_code_has_six_digits() {
    let mut d = on_prove_code();
    d.send(200, EventKind::Paste("1234567\n".into()));
    assert_eq!(d.flow.notice, Some(Notice::CodeLength { digits: 6 }));
    let text = screen_text(&d.flow, SMALL);
    assert!(text.contains("The code has 6 digits"), "{text}");
    assert!(!text.contains("Only digits"), "{text}");

    // Letters are still "digits only".
    d.send(200, EventKind::Paste("12ab56".into()));
    assert_eq!(d.flow.notice, Some(Notice::DigitsOnly));
    // And a good paste clears the notice.
    d.send(200, EventKind::Paste("123 456".into()));
    assert_eq!(d.flow.notice, None);
}

// ---------------------------------------------------------------------------
// Esc from the push check: no used QR, no open notification
// ---------------------------------------------------------------------------

#[test]
fn esc_from_the_push_check_closes_it_and_does_not_show_the_used_qr() {
    let (mut d, _) = on_approval();
    let effects = d.key(Key::Esc);
    assert_ne!(d.flow.screen, Screen::Scan { manual: false });
    assert_eq!(d.flow.screen, Screen::Prepare);
    assert_eq!(d.flow.enrollment, None, "the used enrollment is kept");
    assert!(effects.contains(&Effect::StopPolling), "{effects:?}");
    // Removing the unfinished method withdraws its notification too.
    assert!(
        effects.contains(&Effect::CancelEnrollment {
            enrollment_id: "enr-1".into()
        }),
        "{effects:?}"
    );
    // Enter there makes a fresh QR.
    let effects = d.key(Key::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::BeginEnrollment { .. })),
        "{effects:?}"
    );
}

#[test]
fn the_training_phone_has_no_open_notification_after_esc() {
    use mfa_assist::provider::training::TrainingTenant;
    use mfa_assist::provider::{Approval, PhoneAction, Provider};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tenant = TrainingTenant::default_scenario().with_delay(Duration::ZERO);
        let s = tenant
            .sign_in("alex", &Secret::new("Tap-Alex-4821"))
            .await
            .unwrap();
        let e = tenant
            .begin_enrollment(&s, MethodKind::AuthenticatorPush)
            .await
            .unwrap();
        tenant.request_approval(&s, &e.id).await.unwrap();
        assert_eq!(
            tenant.poll_approval(&s, &e.id).await.unwrap(),
            Approval::Pending
        );
        // What Esc asks for (see the flow test above).
        tenant.cancel_enrollment(&s, &e.id).await.unwrap();
        tenant.simulate_phone(&e.id, PhoneAction::Approve);
        assert!(tenant.poll_approval(&s, &e.id).await.is_err());
        let methods = tenant.list_methods(&s).await.unwrap();
        assert!(
            methods
                .iter()
                .all(|m| m.label != mfa_assist::provider::training::PUSH_METHOD_LABEL),
            "approving the withdrawn notification registered a method"
        );
    });
}

// ---------------------------------------------------------------------------
// A push QR too big for 80x24 does not offer a key to type
// ---------------------------------------------------------------------------

/// privacyIDEA push: a long payload, no key, the phone registers itself.
fn on_pi_push_scan() -> Drive {
    let mut d = Drive::with(Settings {
        capabilities: Capabilities {
            push_app: PushApp::PrivacyIdeaAuthenticator,
            can_set_default: false,
            ..capabilities(false)
        },
        ..settings(false)
    });
    d.key(Key::Enter);
    d.type_text(USER);
    d.key(Key::Tab);
    d.type_text(PASS);
    let r = req(&d.key(Key::Enter));
    let effects = d.answer(EventKind::SignedIn {
        req: r,
        answer: Ok(account()),
    });
    d.answer(EventKind::MethodsLoaded {
        req: req(&effects),
        answer: Ok(vec![old_app()]),
    });
    d.key(Key::Char('a'));
    d.key(Key::Enter);
    d.key(Key::Enter);
    let r = req(&d.key(Key::Enter));
    d.answer(EventKind::EnrollmentReady {
        req: r,
        answer: Ok(Enrollment {
            qr_payload: Secret::new(
                "otpauth://pipush/PIPU0006EF87?url=https%3A//pi.example.org/ttype/push\
                 &ttl=10&issuer=privacyIDEA&enrollment_credential=9311ee50678983c0f29d3d843\
                 f86e39405e2b427&v=1&serial=PIPU0006EF87&sslverify=1",
            ),
            manual_key: Secret::new(""),
            registration: Some(Wait {
                poll_every: Duration::from_secs(2),
                timeout: Duration::from_secs(300),
            }),
            ..enrollment(MethodKind::AuthenticatorPush)
        }),
    });
    assert_eq!(d.flow.screen, Screen::Scan { manual: false });
    d
}

#[test]
fn a_push_qr_too_big_for_80x24_does_not_offer_a_key_to_type() {
    let d = on_pi_push_scan();
    let text = screen_text(&d.flow, SMALL);
    assert!(
        text.contains("does not fit"),
        "the QR fits after all:\n{text}"
    );
    assert!(
        !text.contains("type a key"),
        "offers a key there is none of:\n{text}"
    );
    assert!(text.contains("can only be scanned"), "{text}");
}

/// With the key shown instead of the QR (`c`), Enter's label says the
/// account was added, not scanned: the person typed it in (seen in a walk
/// against privacyIDEA: "I've scanned it" under the typed key).
#[test]
fn the_typed_key_screen_says_added_not_scanned() {
    let mut d = on_scan(MethodKind::AuthenticatorCode);
    let qr = screen_text(&d.flow, (100, 40));
    assert!(qr.contains("I've scanned it"), "{qr}");
    d.key(Key::Char('c'));
    assert_eq!(d.flow.screen, Screen::Scan { manual: true });
    let typed = screen_text(&d.flow, (100, 40));
    assert!(typed.contains("Enter  I've added it"), "{typed}");
    assert!(!typed.contains("scanned"), "{typed}");
}
