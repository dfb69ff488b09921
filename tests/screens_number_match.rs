//! Snapshots of the number-matching texts (issue 16 item 1) in en, sv and fi
//! at 80×24: Microsoft's number to type (the training phone asks for it),
//! privacyIDEA's character to tap, the add screen and a wrong number.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test screens_number_match`
//! and read every changed snapshot before committing it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

use mfa_assist::flow::{EventKind, Flow};
use mfa_assist::keymap::Key;
use mfa_assist::provider::{Approval, MethodKind, PushApp};

const LANGS: [&str; 3] = ["en", "sv", "fi"];

/// Draws `flow` in each language, checks `must` (per language) is on
/// screen, and snapshots it.
fn check(name: &str, flow: &Flow, must: [&str; 3]) {
    for (i, lang) in LANGS.iter().enumerate() {
        let mut flow = flow.clone();
        flow.settings.languages = LANGS.iter().map(|l| l.to_string()).collect();
        flow.lang = i;
        let terminal = draw_small(&flow);
        let screen = screen_text(&terminal)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            screen.contains(must[i]),
            "{name}_{lang}: `{}` not on screen:\n{}",
            must[i],
            screen_text(&terminal)
        );
        insta::assert_snapshot!(format!("{name}_{lang}"), terminal.backend());
    }
}

fn waiting(push_app: PushApp, number: &str) -> Flow {
    let mut d = on_scan(MethodKind::AuthenticatorPush);
    d.flow.settings.capabilities.push_app = push_app;
    let e = d.key(Key::Enter);
    d.answer(EventKind::ApprovalSent {
        req: req(&e),
        number: Some(number.into()),
    });
    d.flow
}

#[test]
fn microsoft_number_to_type() {
    let mut flow = waiting(PushApp::MicrosoftAuthenticator, "48");
    flow.phone_typed = "4".into();
    check(
        "number_match_microsoft",
        &flow,
        [
            "Type this number into the app: 48",
            "Skriv in det här numret i appen: 48",
            "Kirjoita tämä numero sovellukseen: 48",
        ],
    );
}

#[test]
fn privacyidea_character_to_tap() {
    let mut flow = waiting(PushApp::PrivacyIdeaAuthenticator, "K");
    flow.settings.capabilities.simulated_phone = false;
    check(
        "number_match_privacyidea",
        &flow,
        [
            "Tap this one in the app: K",
            "Tryck på den här i appen: K",
            "Napauta sovelluksessa tätä: K",
        ],
    );
}

#[test]
fn a_wrong_number_is_a_denial() {
    let mut d = on_scan(MethodKind::AuthenticatorPush);
    let e = d.key(Key::Enter);
    let r = req(&e);
    d.answer(EventKind::ApprovalSent {
        req: r,
        number: Some("48".into()),
    });
    d.answer(EventKind::ApprovalPolled {
        req: r,
        answer: Ok(Approval::Rejected),
    });
    check(
        "number_match_denied",
        &d.flow,
        [
            "or the number typed in the app did not match",
            "eller så stämde inte numret som skrevs i appen",
            "tai sovellukseen kirjoitettu numero ei täsmännyt",
        ],
    );
}

#[test]
fn the_add_screen_says_what_the_app_asks() {
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('a'));
    check(
        "number_match_add",
        &d.flow,
        [
            "you type the number shown on the sign-in screen into the app and tap Yes",
            "du skriver in numret som visas vid inloggningen i appen och trycker Ja",
            "kirjoitat kirjautumisnäkymässä näkyvän numeron sovellukseen ja napautat Kyllä",
        ],
    );
}
