//! Screen-reader mode shows no QR code, so none of its pages may ask the
//! person to show or scan one: each says what they really do instead (type
//! the key, spelled out; open an address on the phone; or, where the app can
//! only scan, choose another method or ask the helpdesk). In en, sv and fi,
//! on every kiosk screen, and in the transcript of a recovery driven through
//! the real driver.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "support/kiosk_every_screen.rs"]
mod kiosk_every_screen;
#[path = "support/kiosk_states.rs"]
mod kiosk_states;
#[path = "support/plain_headless.rs"]
mod plain_headless;

use crossterm::event::KeyCode;
use kiosk_every_screen::{MY_SECURITY_INFO, every_screen};
use kiosk_states::branding;
use mfa_assist::app::{App, Look};
use mfa_assist::driver::plain::Differ;
use mfa_assist::flow::{Flow, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::provider::Provider;
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{View, plain};
use std::sync::Arc;
use std::time::Duration;

const LANGS: [&str; 3] = ["en", "sv", "fi"];

/// Screens of privacyIDEA's notification app, which can only scan: there
/// the QR code is named, to say why there is no key.
const SCAN_ONLY: [&str; 5] = [
    "prepare_iphone_privacyidea",
    "scan_watching",
    "scan_watching_too_early",
    "scan_watch_timed_out",
    "scan_only_manual",
];

/// What the plain surface writes for `flow` shown first, in `lang`.
fn written(flow: &Flow, lang: &str) -> String {
    let mut flow = flow.clone();
    flow.settings.languages = LANGS.iter().map(|l| l.to_string()).collect();
    flow.lang = LANGS.iter().position(|l| *l == lang).unwrap();
    let guide = Guide::built_in();
    let branding = branding();
    let qr = flow
        .enrollment
        .as_ref()
        .map(|e| QrMatrix::encode(e.qr_payload.expose()).unwrap());
    let view = View {
        flow: &flow,
        guide: &guide,
        branding: &branding,
        qr: qr.as_ref(),
        qr_style: QrStyle::HalfBlock,
        qr_invert: false,
    };
    Differ::new()
        .update(&plain::page(&view))
        .replace("\r\n", "\n")
}

#[test]
fn no_page_asks_for_a_qr_code() {
    let mut asked = Vec::new();
    for (name, flow) in every_screen() {
        if SCAN_ONLY.contains(&name) {
            continue;
        }
        for lang in LANGS {
            let text = written(&flow, lang);
            if text.contains("QR") {
                asked.push(format!("{name} ({lang}):\n{text}"));
            }
        }
    }
    assert!(
        asked.is_empty(),
        "{} plain page(s) speak of a QR code:\n\n{}",
        asked.len(),
        asked.join("\n\n")
    );
}

#[test]
fn the_code_app_is_told_to_enter_the_key_by_hand() {
    let states = every_screen();
    let get = |n: &str| &states.iter().find(|(name, _)| *name == n).unwrap().1;
    let musts = [
        ("en", "“Enter code manually”"),
        ("sv", "”Ange kod manuellt”"),
        ("fi", "”Syötä koodi manuaalisesti”"),
    ];
    for name in ["prepare_iphone_code", "prepare_android_code"] {
        for (lang, must) in musts {
            let text = written(get(name), lang);
            assert!(text.contains(must), "{name} ({lang}):\n{text}");
        }
    }
    // The step the key is typed in is named for what is done there.
    let text = written(get("scan_code"), "en");
    assert!(
        text.starts_with("Step 7 of 9: Add the account to your app"),
        "{text}"
    );
    assert!(text.contains("Enter I've added it"), "{text}");
}

#[test]
fn entra_gives_the_address_to_open_on_the_phone() {
    let states = every_screen();
    let flow = &states.iter().find(|(n, _)| *n == "scan_entra").unwrap().1;
    for lang in LANGS {
        let text = written(flow, lang);
        assert!(
            text.contains(MY_SECURITY_INFO),
            "no address ({lang}):\n{text}"
        );
        assert!(text.contains(&branding().helpdesk), "{lang}:\n{text}");
        // No "If you cannot add the key": there is none.
        assert!(!text.contains("cannot add the key"), "{lang}:\n{text}");
    }
}

#[test]
fn a_scan_only_app_offers_the_other_method_or_the_helpdesk() {
    let states = every_screen();
    let musts = [
        ("en", "6-digit code method"),
        ("sv", "6-siffrig kod"),
        ("fi", "6-numeroisen koodin"),
    ];
    for name in SCAN_ONLY {
        let flow = &states.iter().find(|(n, _)| *n == name).unwrap().1;
        for (lang, must) in musts {
            let text = written(flow, lang);
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(must), "{name} ({lang}):\n{text}");
            assert!(text.contains("Esc"), "{name} ({lang}):\n{text}");
            assert!(
                !text.contains("press c") && !text.contains("window bigger"),
                "{name} ({lang}) gives full-screen advice:\n{text}"
            );
        }
    }
}

/// A whole training recovery to the code check, through the real driver on
/// the plain surface: the transcript never speaks of a QR code.
#[tokio::test]
async fn the_transcript_of_a_recovery_never_asks_for_a_qr_code() {
    let provider: Arc<dyn Provider> =
        Arc::new(TrainingTenant::default_scenario().with_delay(Duration::ZERO));
    let flow = Flow::new(Settings {
        languages: vec!["en".into()],
        kiosk: true,
        idle_timeout_ms: 0,
        done_countdown_ms: 2_000,
        capabilities: provider.capabilities(),
    });
    let app = App::new(flow, provider, Guide::built_in(), Look::default());
    let p = plain_headless::start(app);
    let mut at = p.heard("Press a key:", 0).await;
    p.key(KeyCode::Enter);
    at = p.heard("Username: ", at).await;
    p.text("alex");
    p.key(KeyCode::Enter);
    at = p.heard("Temporary Access Pass: ", at).await;
    p.text("Tap-Alex-4821");
    p.key(KeyCode::Enter);
    at = p.heard("Step 3 of 9", at).await;
    p.text("a");
    at = p.heard("Step 4 of 9", at).await;
    p.key(KeyCode::Down);
    at = p.heard("> Authenticator app (6-digit code)", at).await;
    p.key(KeyCode::Enter);
    at = p.heard("Step 5 of 9", at).await;
    p.key(KeyCode::Enter);
    at = p.heard("Step 6 of 9", at).await;
    at = p.heard("“Enter code manually”", at).await;
    p.key(KeyCode::Enter);
    at = p
        .heard("Step 7 of 9: Add the account to your app", at)
        .await;
    at = p.heard("in groups of four:", at).await;
    p.key(KeyCode::Enter);
    at = p.heard("Step 8 of 9", at).await;
    p.heard("Esc goes back to the key.", at).await;
    let text = p.transcript.text();
    assert!(!text.contains("QR"), "{text}");
    p.finish().await.unwrap();
}

/// The keys line is broken between keys at 80 columns, never inside one: a
/// terminal wrapping it at its edge split "I still have it" into "I st" and
/// "ill have it" (seen in tmux on the methods list with the old-phone
/// question). Every page, every language.
#[test]
fn no_written_line_is_wider_than_the_page_and_no_key_is_split() {
    for (name, flow) in every_screen() {
        for lang in LANGS {
            let text = written(&flow, lang);
            for line in text.lines() {
                assert!(
                    line.chars().count() <= 80,
                    "{name} ({lang}): a {}-char line:\n{line}",
                    line.chars().count()
                );
            }
        }
    }
    let methods = every_screen()
        .into_iter()
        .find(|(name, _)| *name == "methods_list")
        .map(|(_, f)| f)
        .expect("methods_list is one of every_screen's");
    let text = written(&methods, "en");
    assert!(text.contains("h I still have it"), "{text}");
}
