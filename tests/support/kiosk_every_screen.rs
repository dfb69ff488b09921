//! One state of every kiosk screen, and of each provider's own version of
//! it (privacyIDEA's self-registering push, Entra's device sign-in and its
//! Authenticator that only "appears"), for the sweeps that must cover them
//! all: plain mode, high contrast, light background.
//!
//! Include after `support/kiosk_states.rs` (as `mod kiosk_states`).
#![allow(dead_code)]

use std::time::Duration;

use crate::kiosk_states::*;
use mfa_assist::flow::{DeviceCodeInfo, Effect, EventKind, Flow, ReqId, Screen, Settings};
use mfa_assist::keymap::Key;
use mfa_assist::provider::{
    Approval, Capabilities, Confirm, Enrollment, Method, MethodKind, ProviderError, PushApp,
    SignInKind, Wait,
};
use mfa_assist::secret::Secret;

/// My Security Info: what Entra's "QR" carries.
pub const MY_SECURITY_INFO: &str = "https://aka.ms/mysecurityinfo";

/// privacyIDEA-like settings: no training, notifications go to the
/// privacyIDEA Authenticator.
pub fn pi_settings() -> Settings {
    Settings {
        capabilities: Capabilities {
            push_app: PushApp::PrivacyIdeaAuthenticator,
            can_set_default: false,
            ..capabilities(false)
        },
        ..settings(false)
    }
}

/// Entra-like settings: sign-in on the phone, only Microsoft Authenticator.
pub fn graph_settings() -> Settings {
    Settings {
        capabilities: Capabilities {
            add_kinds: vec![MethodKind::AuthenticatorPush],
            can_set_default: false,
            sign_in: SignInKind::DeviceCode,
            push_app: PushApp::MicrosoftAuthenticator,
            ..capabilities(false)
        },
        ..settings(false)
    }
}

/// Signed in (by pass) with `settings`, on the method list.
fn signed_in_with(settings: Settings) -> Drive {
    let mut d = Drive::with(settings);
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
    d
}

/// privacyIDEA: Add → the notification app → iPhone → Prepare.
pub fn pi_prepare() -> Drive {
    let mut d = signed_in_with(pi_settings());
    d.key(Key::Char('a'));
    d.key(Key::Enter);
    d.key(Key::Enter);
    assert_eq!(d.flow.screen, Screen::Prepare);
    d
}

/// On Scan for a push token the phone registers by itself (privacyIDEA):
/// no key to type.
pub fn on_scan_registering() -> Drive {
    let mut d = pi_prepare();
    let r = req(&d.key(Key::Enter));
    d.answer(EventKind::EnrollmentReady {
        req: r,
        answer: Ok(Enrollment {
            manual_key: Secret::new(""),
            registration: Some(Wait {
                poll_every: Duration::from_secs(2),
                timeout: Duration::from_secs(300),
            }),
            ..enrollment(MethodKind::AuthenticatorPush)
        }),
    });
    assert!(d.flow.device.is_some());
    d
}

/// Entra: the "QR" opens My Security Info; the new Authenticator showing
/// up on the account is the proof.
pub fn on_scan_graph() -> Drive {
    let mut d = signed_in_with(Settings {
        capabilities: Capabilities {
            sign_in: SignInKind::Pass,
            ..graph_settings().capabilities
        },
        ..graph_settings()
    });
    d.key(Key::Char('a'));
    d.key(Key::Enter);
    d.key(Key::Enter);
    let r = req(&d.key(Key::Enter));
    d.answer(EventKind::EnrollmentReady {
        req: r,
        answer: Ok(Enrollment {
            qr_payload: Secret::new(MY_SECURITY_INFO),
            manual_key: Secret::empty(),
            issuer: "Microsoft".into(),
            confirm: Confirm::Appears,
            registration: Some(Wait {
                poll_every: Duration::from_secs(5),
                timeout: Duration::from_secs(600),
            }),
            ..enrollment(MethodKind::AuthenticatorPush)
        }),
    });
    assert!(matches!(d.flow.screen, Screen::Scan { .. }));
    d
}

/// Entra's sign-in on the phone, the code shown (it works 15 minutes).
/// Returns the sign-in request too.
pub fn on_device_code() -> (Drive, Flow, ReqId) {
    let mut d = Drive::with(graph_settings());
    let effects = d.key(Key::Enter);
    let r = effects
        .iter()
        .find_map(|e| match e {
            Effect::BeginDeviceSignIn { req } => Some(*req),
            _ => None,
        })
        .expect("device sign-in starts");
    let fetching = d.flow.clone();
    d.answer(EventKind::DeviceCodeIssued {
        req: r,
        answer: Ok(DeviceCodeInfo {
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_in: Duration::from_secs(900),
        }),
    });
    (d, fetching, r)
}

/// Entra's sign-in on the phone: fetching the code, the code, declined.
pub fn device_states() -> Vec<(&'static str, Flow)> {
    let (mut d, fetching, r) = on_device_code();
    let code = d.flow.clone();
    let mut help = d.clone_drive();
    help.key(Key::F(1));
    d.answer(EventKind::SignedIn {
        req: r,
        answer: Err(ProviderError::SignInDeclined),
    });
    vec![
        ("device_fetching", fetching),
        ("device_code", code),
        ("help_device", help.flow),
        ("device_declined", d.flow),
    ]
}

impl Drive {
    fn clone_drive(&self) -> Drive {
        Drive {
            flow: self.flow.clone(),
            now: self.now,
        }
    }
}

fn with_help(mut d: Drive) -> Flow {
    d.key(Key::F(1));
    assert!(d.flow.help_open, "help did not open");
    d.flow
}

/// Every kiosk screen: each state once, named.
pub fn every_screen() -> Vec<(&'static str, Flow)> {
    let mut states: Vec<(&'static str, Flow)> = Vec::new();
    let mut add = |name: &'static str, flow: Flow| states.push((name, flow));

    // Welcome
    add("welcome_training", Drive::new(true).flow);
    add("welcome", Drive::new(false).flow);
    let mut d = methods_old_app_selected();
    d.tick(180_000);
    add("welcome_idle_signed_out", d.flow);
    add("help_welcome", with_help(Drive::new(true)));

    // Sign in
    let mut d = Drive::new(true);
    d.key(Key::Enter);
    add("sign_in_empty", d.flow);
    add("sign_in_masked", typed_sign_in(true).flow);
    let mut d = typed_sign_in(true);
    submit_sign_in(&mut d);
    d.tick(300);
    add("sign_in_pending", d.flow);
    add(
        "sign_in_wrong_pass",
        sign_in_fails(ProviderError::WrongPass { attempts_left: 2 }).flow,
    );
    add(
        "sign_in_expired",
        sign_in_fails(ProviderError::PassExpired).flow,
    );
    add("sign_in_used", sign_in_fails(ProviderError::PassUsed).flow);
    add("sign_in_locked", sign_in_fails(ProviderError::Locked).flow);
    add("help_sign_in", with_help(typed_sign_in(true)));
    for (name, flow) in device_states() {
        add(name, flow);
    }

    // Methods
    add("methods_loading", signed_in_loading().0.flow);
    add("methods_list", methods_old_app_selected().flow);
    add("methods_empty", on_methods(Vec::new()).flow);
    let mut d = methods_old_app_selected();
    d.key(Key::Char('d'));
    add("confirm_delete", d.flow.clone());
    let effects = d.key(Key::Char('y'));
    add("methods_deleting", d.flow.clone());
    let effects = d.answer(EventKind::Deleted {
        req: req(&effects),
        answer: Ok(()),
    });
    d.answer(EventKind::MethodsLoaded {
        req: req(&effects),
        answer: Ok(vec![phone(), email()]),
    });
    add("methods_deleted", d.flow);
    let mut d = on_methods(vec![Method {
        is_default: true,
        ..old_app()
    }]);
    d.key(Key::Char('d'));
    add("confirm_delete_last_sign_in", d.flow);
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('d'));
    add("delete_blocked", d.flow);
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('h'));
    add("methods_keep_old", d.flow.clone());
    d.key(Key::Char('d'));
    add("confirm_delete_too_early", d.flow);
    let mut d = methods_old_app_selected();
    d.tick(155_000);
    add("methods_idle_question", d.flow);
    add("help_methods", with_help(methods_old_app_selected()));

    // Add, platform, prepare
    let mut d = methods_old_app_selected();
    d.key(Key::Char('a'));
    add("add_method", d.flow);
    let mut d = signed_in_with(pi_settings());
    d.key(Key::Char('a'));
    add("add_method_privacyidea", d.flow);
    add(
        "platform",
        on_platform(MethodKind::AuthenticatorPush, true).flow,
    );
    add(
        "prepare_iphone_code",
        on_prepare(MethodKind::AuthenticatorCode, false).flow,
    );
    add(
        "prepare_android_code",
        on_prepare(MethodKind::AuthenticatorCode, true).flow,
    );
    add(
        "prepare_iphone_push",
        on_prepare(MethodKind::AuthenticatorPush, false).flow,
    );
    add(
        "prepare_android_push",
        on_prepare(MethodKind::AuthenticatorPush, true).flow,
    );
    add("prepare_iphone_privacyidea", pi_prepare().flow);
    add(
        "help_prepare",
        with_help(on_prepare(MethodKind::AuthenticatorCode, false)),
    );

    // Scan
    add("scan_code", on_scan(MethodKind::AuthenticatorCode).flow);
    add("scan_push", on_scan(MethodKind::AuthenticatorPush).flow);
    let mut d = on_scan(MethodKind::AuthenticatorCode);
    d.key(Key::Char('c'));
    add("scan_manual", d.flow);
    add("scan_watching", on_scan_registering().flow);
    let mut d = on_scan_registering();
    d.key(Key::Enter);
    add("scan_watching_too_early", d.flow);
    let mut d = on_scan_registering();
    d.tick(170_000);
    d.key(Key::Char(' '));
    d.tick(130_000);
    add("scan_watch_timed_out", d.flow);
    let mut d = on_scan_registering();
    d.key(Key::Char('c'));
    add("scan_only_manual", d.flow);
    add("scan_entra", on_scan_graph().flow);
    add(
        "help_scan",
        with_help(on_scan(MethodKind::AuthenticatorCode)),
    );

    // Prove
    add("prove_code", on_prove_code().flow);
    let mut d = on_prove_code();
    d.type_text("482");
    add("prove_code_partial", d.flow);
    let mut d = on_prove_code();
    wrong_code(&mut d);
    wrong_code(&mut d);
    add("prove_code_wrong_twice", d.flow);
    add("help_prove_code", with_help(on_prove_code()));
    add("approval_waiting", on_approval().0.flow);
    add(
        "approval_denied",
        approval_polled(Ok(Approval::Rejected)).flow,
    );
    add(
        "approval_trouble",
        approval_polled(Err(ProviderError::Unreachable)).flow,
    );
    add(
        "approval_failed",
        approval_polled(Err(ProviderError::SessionExpired)).flow,
    );
    let (mut d, _) = on_approval();
    d.tick(60_000);
    add("approval_timed_out", d.flow);
    add("help_approval", with_help(on_approval().0));

    // Done
    let mut d = methods_old_app_selected();
    d.key(Key::Char('f'));
    d.tick(4_200);
    add("done", d.flow);
    let mut d = approval_polled(Ok(Approval::Approved));
    let load = d.flow.pending.map(|p| p.req).expect("methods reload");
    let mut list = alex_methods();
    list.push(new_app(MethodKind::AuthenticatorPush));
    d.answer(EventKind::MethodsLoaded {
        req: load,
        answer: Ok(list),
    });
    d.tick(1_000);
    add("done_added", d.flow);
    states
}
