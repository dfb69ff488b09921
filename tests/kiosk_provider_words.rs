//! Words that fit the provider (issue 13, item 5): on privacyIDEA the kiosk
//! names the pass as the organisation does ("registration code" unless
//! configured) and gives none of Microsoft's advice; the push screens say
//! what really happens. Every kiosk screen a privacyIDEA person can reach,
//! and its help, is drawn in every language and read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use mfa_assist::flow::{EventKind, Flow, Screen, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::provider::{
    Approval, Capabilities, Enrollment, Method, MethodKind, ProviderError, PushApp, UsedFor, Wait,
};
use mfa_assist::secret::Secret;
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{self, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

const LANGS: [&str; 3] = ["en", "sv", "fi"];

fn draw_with(guide: &Guide, flow: &Flow, (w, h): (u16, u16)) -> String {
    // The organisation's own text names the pass its way.
    let branding = ui::Branding {
        no_pass_help: "Ask the service desk: bring photo ID.".into(),
        ..branding()
    };
    let qr = flow
        .enrollment
        .as_ref()
        .map(|e| QrMatrix::encode(e.qr_payload.expose()).unwrap());
    let view = View {
        flow,
        guide,
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

fn draw(flow: &Flow) -> String {
    draw_with(&Guide::built_in(), flow, LARGE)
}

/// Whitespace-insensitive and case-insensitive: wrapped words still match.
fn words(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn pi_settings(lang: &str) -> Settings {
    Settings {
        languages: vec![lang.into()],
        capabilities: Capabilities {
            push_app: PushApp::PrivacyIdeaAuthenticator,
            can_set_default: false,
            ..capabilities(false)
        },
        ..settings(false)
    }
}

fn pi_method(id: &str, kind: MethodKind, label: &str) -> Method {
    method(
        id,
        kind,
        label,
        "2024-09-02T08:14:00Z",
        None,
        false,
        UsedFor {
            sign_in: true,
            password_reset: false,
        },
    )
}

fn signed_in(lang: &str, methods: Vec<Method>) -> Drive {
    let mut d = Drive::with(pi_settings(lang));
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
        answer: Ok(methods),
    });
    d
}

fn pi_enrollment(kind: MethodKind) -> Enrollment {
    match kind {
        MethodKind::AuthenticatorPush => Enrollment {
            manual_key: Secret::new(""),
            registration: Some(Wait {
                poll_every: Duration::from_secs(2),
                timeout: Duration::from_secs(300),
            }),
            ..enrollment(kind)
        },
        _ => enrollment(kind),
    }
}

fn on_scan(lang: &str, kind: MethodKind) -> Drive {
    let mut d = signed_in(
        lang,
        vec![pi_method("m-1", MethodKind::AuthenticatorPush, "old")],
    );
    d.key(Key::Char('a'));
    if kind == MethodKind::AuthenticatorCode {
        d.key(Key::Down);
    }
    d.key(Key::Enter);
    d.key(Key::Enter);
    let r = req(&d.key(Key::Enter));
    d.answer(EventKind::EnrollmentReady {
        req: r,
        answer: Ok(pi_enrollment(kind)),
    });
    assert_eq!(d.flow.screen, Screen::Scan { manual: false });
    d
}

fn on_approval(lang: &str) -> Drive {
    let mut d = on_scan(lang, MethodKind::AuthenticatorPush);
    let watch = d.flow.device.as_ref().unwrap().req;
    d.answer(EventKind::RegistrationPolled {
        req: watch,
        answer: Ok(true),
    });
    assert!(matches!(d.flow.screen, Screen::ProveApproval { .. }));
    d
}

fn approval_req(d: &Drive) -> mfa_assist::flow::ReqId {
    match &d.flow.screen {
        Screen::ProveApproval { req, .. } => *req,
        other => panic!("not waiting for approval: {other:?}"),
    }
}

/// Every kiosk screen a privacyIDEA person can reach, by name.
fn pi_states(lang: &str) -> Vec<(String, Flow)> {
    let mut states: Vec<(String, Flow)> = Vec::new();
    let mut push = |name: &str, d: &Drive| states.push((name.to_string(), d.flow.clone()));

    let d = Drive::with(pi_settings(lang));
    push("welcome", &d);
    let mut d = Drive::with(pi_settings(lang));
    d.key(Key::Enter);
    push("sign_in_empty", &d);
    d.key(Key::Enter);
    d.key(Key::Enter);
    push("sign_in_empty_pass_notice", &d);
    for error in [
        ProviderError::PassRejected,
        ProviderError::PassExpired,
        ProviderError::PassUsed,
        ProviderError::Locked,
        ProviderError::UnknownUser,
        ProviderError::Unreachable,
        ProviderError::TooManyTries,
    ] {
        let mut d = Drive::with(pi_settings(lang));
        d.key(Key::Enter);
        d.type_text(USER);
        d.key(Key::Tab);
        d.type_text(PASS);
        let r = req(&d.key(Key::Enter));
        d.answer(EventKind::SignedIn {
            req: r,
            answer: Err(error.clone()),
        });
        push(&format!("sign_in_{error:?}"), &d);
    }
    let two = vec![
        pi_method("m-1", MethodKind::AuthenticatorPush, "old phone"),
        pi_method("m-2", MethodKind::AuthenticatorCode, "tablet"),
    ];
    let mut d = signed_in(lang, two);
    push("methods", &d);
    d.key(Key::Char('d'));
    push("confirm_delete", &d);
    let mut d = signed_in(
        lang,
        vec![pi_method("m-1", MethodKind::AuthenticatorPush, "old")],
    );
    d.key(Key::Char('d'));
    push("confirm_delete_last", &d);
    let mut d = signed_in(lang, Vec::new());
    push("methods_empty", &d);
    d.key(Key::Char('a'));
    push("add", &d);
    d.key(Key::Enter);
    push("platform", &d);
    d.key(Key::Enter);
    push("prepare_push", &d);
    let d = on_scan(lang, MethodKind::AuthenticatorPush);
    push("scan_push", &d);
    let mut d = on_scan(lang, MethodKind::AuthenticatorCode);
    push("scan_code", &d);
    d.key(Key::Enter);
    push("prove_code", &d);
    let mut d = on_approval(lang);
    push("approval_waiting", &d);
    let r = approval_req(&d);
    d.answer(EventKind::ApprovalPolled {
        req: r,
        answer: Ok(Approval::Rejected),
    });
    push("approval_denied", &d);
    let mut d = on_approval(lang);
    let r = approval_req(&d);
    d.answer(EventKind::ApprovalPolled {
        req: r,
        answer: Ok(Approval::Approved),
    });
    push("done", &d);
    // Done after deleting the only method.
    let mut d = signed_in(
        lang,
        vec![pi_method("m-1", MethodKind::AuthenticatorPush, "old")],
    );
    d.key(Key::Char('d'));
    let r = req(&d.key(Key::Char('y')));
    let effects = d.answer(EventKind::Deleted {
        req: r,
        answer: Ok(()),
    });
    d.answer(EventKind::MethodsLoaded {
        req: req(&effects),
        answer: Ok(Vec::new()),
    });
    d.key(Key::Char('f'));
    push("done_no_methods", &d);

    // And the help of each.
    let with_help: Vec<(String, Flow)> = states
        .iter()
        .map(|(name, flow)| {
            let mut d = Drive {
                flow: flow.clone(),
                now: flow.now.0,
            };
            d.key(Key::F(1));
            (format!("{name}+help"), d.flow)
        })
        .collect();
    states.extend(with_help);
    states
}

/// Microsoft's words and advice, per language: none belongs on privacyIDEA.
fn entra_only(lang: &str) -> &'static [&'static str] {
    match lang {
        "en" => &[
            "temporary access pass",
            "security info",
            "mysecurityinfo",
            "guest",
            "work or school",
            "password",
            "phone number",
            "sign in another way",
        ],
        "sv" => &[
            "åtkomstpass",
            "säkerhetsinformation",
            "mysecurityinfo",
            "gäst",
            "skolkonto",
            "lösenord",
            "telefonnummer",
            "annat sätt",
        ],
        "fi" => &[
            "käyttöoikeustunnu",
            "suojaustie",
            "mysecurityinfo",
            "vieras",
            "koulutili",
            "salasana",
            "puhelinnumero",
            "toisella tavalla",
        ],
        _ => &[],
    }
}

#[test]
fn privacyidea_screens_carry_no_microsoft_advice_in_any_language() {
    let mut bad = Vec::new();
    for lang in LANGS {
        for (name, flow) in pi_states(lang) {
            let screen = words(&draw(&flow));
            for word in entra_only(lang) {
                if screen.contains(word) {
                    bad.push(format!("{lang} {name}: “{word}”"));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "Entra-only words on privacyIDEA:\n{}",
        bad.join("\n")
    );
}

#[test]
fn privacyidea_names_the_pass_a_registration_code() {
    let names = [
        ("en", "registration code"),
        ("sv", "registreringskod"),
        ("fi", "rekisteröintikoodi"),
    ];
    for (lang, name) in names {
        let states = pi_states(lang);
        for wanted in ["welcome", "sign_in_empty", "sign_in_PassExpired"] {
            let (_, flow) = states.iter().find(|(n, _)| n == wanted).unwrap();
            assert!(
                words(&draw(flow)).contains(name),
                "{lang} {wanted} does not say {name}:\n{}",
                draw(flow)
            );
        }
    }
}

#[test]
fn the_organisations_name_for_the_pass_is_used_where_configured() {
    let guide = Guide::built_in().with_pass_names(&[
        ("en".into(), "enrolment code".into()),
        ("sv".into(), "startkod".into()),
    ]);
    let mut d = Drive::with(pi_settings("en"));
    d.key(Key::Enter);
    let en = draw_with(&guide, &d.flow, LARGE);
    assert!(en.contains("Sign in with your enrolment code"), "{en}");
    assert!(en.contains("Enrolment code"), "the field label:\n{en}");
    assert!(!words(&en).contains("registration code"), "{en}");

    let mut d = Drive::with(pi_settings("sv"));
    d.key(Key::Enter);
    let sv = draw_with(&guide, &d.flow, LARGE);
    assert!(sv.contains("Startkod"), "{sv}");
    // Finnish was not configured: its own word.
    let mut d = Drive::with(pi_settings("fi"));
    d.key(Key::Enter);
    let fi = draw_with(&guide, &d.flow, LARGE);
    assert!(fi.contains("Rekisteröintikoodi"), "{fi}");
}

#[test]
fn microsoft_providers_keep_microsofts_name_for_the_pass() {
    let mut d = Drive::new(false);
    d.key(Key::Enter);
    let screen = draw(&d.flow);
    assert!(screen.contains("Temporary Access Pass"), "{screen}");
    assert!(!words(&screen).contains("registration code"), "{screen}");
}

#[test]
fn the_push_scan_footer_says_the_screen_moves_on_by_itself() {
    for (lang, said) in [
        ("en", "moves on by itself"),
        ("sv", "går vidare själv"),
        ("fi", "jatkuu itsestään"),
    ] {
        let d = on_scan(lang, MethodKind::AuthenticatorPush);
        let screen = draw(&d.flow);
        let footer = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert!(words(footer).contains(said), "{lang} footer: {footer}");
    }
}

#[test]
fn a_denied_notification_does_not_assume_it_was_unexpected() {
    for lang in LANGS {
        let (_, flow) = pi_states(lang)
            .into_iter()
            .find(|(n, _)| n == "approval_denied")
            .unwrap();
        let screen = words(&draw(&flow));
        for assumption in [
            "did not expect",
            "don't approve",
            "väntade du dig inte",
            "godkänn den inte",
            "et odottanut",
            "älä hyväksy",
        ] {
            assert!(!screen.contains(assumption), "{lang}: “{assumption}”");
        }
    }
}

#[test]
fn locked_on_privacyidea_says_the_code_is_locked() {
    let (_, flow) = pi_states("en")
        .into_iter()
        .find(|(n, _)| n == "sign_in_Locked")
        .unwrap();
    let screen = words(&draw(&flow));
    assert!(screen.contains("registration code is locked"), "{screen}");
}

#[test]
fn the_kiosks_own_stop_says_what_is_stopped_and_for_how_long() {
    for (lang, not_account, hours) in [
        ("en", "the account itself is not locked", "24 hours"),
        ("sv", "själva kontot är inte låst", "24 timmar"),
        ("fi", "itse tiliä ei ole lukittu", "24 tunniksi"),
    ] {
        let (_, flow) = pi_states(lang)
            .into_iter()
            .find(|(n, _)| n == "sign_in_TooManyTries")
            .unwrap();
        let screen = words(&draw(&flow));
        assert!(screen.contains(not_account), "{lang}: {screen}");
        assert!(screen.contains(hours), "{lang}: {screen}");
    }
}
