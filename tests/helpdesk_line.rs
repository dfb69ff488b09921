//! Issue 16 item 8: the helpdesk line is documented as "one line on every
//! screen" (config.example.toml, `organisation.helpdesk`), under the title
//! bar. Every kiosk screen of a recovery, drawn at the smallest supported
//! size, carries it in that row, in every language.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

use mfa_assist::flow::{EventKind, Flow, Screen};
use mfa_assist::keymap::Key;
use mfa_assist::provider::{MethodKind, ProviderError};

const LINE: &str = "Service desk: +46 8 123 45 67";

/// Every screen of a recovery, named, from Welcome to Done.
fn every_screen() -> Vec<(&'static str, Flow)> {
    let mut out = vec![("welcome", Drive::new(true).flow)];
    out.push(("sign_in", typed_sign_in(true).flow));
    out.push((
        "sign_in_rejected",
        sign_in_fails(ProviderError::PassRejected).flow,
    ));
    out.push(("methods_loading", signed_in_loading().0.flow));
    out.push(("methods", methods_old_app_selected().flow));
    let mut d = methods_old_app_selected();
    d.key(Key::Char('d'));
    assert!(matches!(
        d.flow.screen,
        Screen::ConfirmDelete { .. } | Screen::DeleteBlocked { .. }
    ));
    out.push(("delete", d.flow));
    let mut d = methods_old_app_selected();
    d.key(Key::Char('a'));
    assert!(matches!(d.flow.screen, Screen::AddMethod { .. }));
    out.push(("add", d.flow));
    out.push((
        "platform",
        on_platform(MethodKind::AuthenticatorPush, false).flow,
    ));
    out.push((
        "prepare",
        on_prepare(MethodKind::AuthenticatorPush, true).flow,
    ));
    out.push(("scan", on_scan(MethodKind::AuthenticatorCode).flow));
    out.push(("prove_code", on_prove_code().flow));
    out.push(("approval", on_approval().0.flow));
    let mut d = on_prove_code();
    d.type_text("123456");
    let effects = d.key(Key::Enter);
    let effects = if effects.is_empty() {
        d.key(Key::Enter)
    } else {
        effects
    };
    d.answer(EventKind::CodeChecked {
        req: req(&effects),
        answer: Ok(true),
    });
    assert!(matches!(d.flow.screen, Screen::Done { .. }));
    out.push(("done", d.flow));
    out
}

#[test]
fn the_helpdesk_line_is_on_every_kiosk_screen_in_every_language() {
    let mut missing = Vec::new();
    for lang in ["en", "sv", "fi"] {
        for (name, mut flow) in every_screen() {
            flow.settings.languages = vec![lang.into()];
            flow.lang = 0;
            let screen = screen_text(&draw_small(&flow));
            let row = screen.lines().nth(1).unwrap_or_default();
            if !row.contains(LINE) {
                missing.push(format!("{lang}/{name}:\n{screen}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no helpdesk line under the title bar on:\n{}",
        missing.join("\n\n")
    );
}
