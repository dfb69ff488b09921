//! Every kiosk screen in screen-reader mode (`--plain`): what the plain
//! surface writes when the screen first appears, as a snapshot. Each must be
//! plain text (no box, block or spinner glyph, no control character), say
//! where the focus is, end with the keys and a prompt, and never hold the
//! pass or a QR code. Regenerate with
//! `INSTA_UPDATE=always cargo test --test screens_plain` and read them.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use mfa_assist::driver::plain::{Differ, Page};
use mfa_assist::flow::Flow;
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::provider::{Approval, Method, MethodKind, ProviderError};
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{View, plain};

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

fn page(flow: &Flow) -> Page {
    let guide = Guide::built_in();
    let branding = branding();
    // The executor encodes the QR whatever the surface; the plain one must
    // not use it.
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
    plain::page(&view)
}

/// What the surface writes for a screen it has not shown yet.
fn written(flow: &Flow) -> String {
    Differ::new().update(&page(flow)).replace("\r\n", "\n")
}

fn check(name: &str, flow: &Flow) {
    let text = written(flow);
    for c in text.chars() {
        assert!(
            c == '\n' || !c.is_control(),
            "{name}: control character {c:?}:\n{text}"
        );
        assert!(
            !matches!(c, '\u{2500}'..='\u{259F}' | '\u{2800}'..='\u{28FF}' | '▶'),
            "{name}: drawing glyph {c:?}:\n{text}"
        );
    }
    let lines: Vec<&str> = text.lines().collect();
    // The keys, broken between keys where they are wider than the page
    // (each broken line ends with a comma), end just before the prompt.
    let keys_at = lines.iter().rposition(|l| l.starts_with("Keys: "));
    assert!(
        keys_at.is_some_and(|at| {
            let block = &lines[at..lines.len() - 1];
            !block.is_empty() && block[..block.len() - 1].iter().all(|l| l.ends_with(','))
        }),
        "{name}: the keys come just before the prompt:\n{text}"
    );
    insta::assert_snapshot!(format!("plain_{name}"), text);
}

#[test]
fn welcome() {
    check("welcome_training", &Drive::new(true).flow);
    check("welcome", &Drive::new(false).flow);
    let mut d = methods_old_app_selected();
    d.tick(180_000);
    check("welcome_idle_signed_out", &d.flow);
}

#[test]
fn sign_in_never_holds_the_pass() {
    let mut d = typed_sign_in(true);
    let pass = match &d.flow.screen {
        mfa_assist::flow::Screen::SignIn { pass, .. } => pass.expose().to_string(),
        _ => unreachable!(),
    };
    assert!(!pass.is_empty());
    check("sign_in", &d.flow);
    // Revealed on the full screen: still never in plain mode.
    d.key(Key::F(2));
    let text = written(&d.flow);
    assert!(!text.contains(&pass), "{text}");
    assert!(text.contains(&"*".repeat(pass.chars().count())), "{text}");
    check(
        "sign_in_wrong_pass",
        &sign_in_fails(ProviderError::WrongPass { attempts_left: 2 }).flow,
    );
    check("sign_in_locked", &sign_in_fails(ProviderError::Locked).flow);
}

#[test]
fn methods() {
    check("methods_loading", &signed_in_loading().0.flow);
    check("methods_list", &methods_old_app_selected().flow);
    check("methods_empty", &on_methods(Vec::new()).flow);
    let mut d = methods_old_app_selected();
    d.key(Key::Char('d'));
    check("confirm_delete", &d.flow);
    let mut d = on_methods(vec![Method {
        is_default: true,
        ..old_app()
    }]);
    d.key(Key::Char('d'));
    check("confirm_delete_last_sign_in", &d.flow);
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('d'));
    check("delete_blocked", &d.flow);
}

#[test]
fn add_platform_prepare() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('a'));
    check("add_method", &d.flow);
    check(
        "platform",
        &on_platform(MethodKind::AuthenticatorPush, true).flow,
    );
    check(
        "prepare_iphone_code",
        &on_prepare(MethodKind::AuthenticatorCode, false).flow,
    );
}

#[test]
fn scan_offers_the_key_spelled_never_the_qr() {
    let d = on_scan(MethodKind::AuthenticatorCode);
    check("scan_code", &d.flow);
    let text = written(&d.flow);
    let key = d.flow.enrollment.as_ref().unwrap().manual_key.expose();
    let spelled = plain::spell(key);
    assert!(text.contains(&spelled), "{text}");
    assert!(
        text.contains(&branding().helpdesk),
        "the helpdesk path:\n{text}"
    );
    // `c` changes nothing a listener needs: the same page.
    let mut m = on_scan(MethodKind::AuthenticatorCode);
    m.key(Key::Char('c'));
    assert_eq!(page(&m.flow).lines, page(&d.flow).lines);
    check("scan_push", &on_scan(MethodKind::AuthenticatorPush).flow);
}

#[test]
fn prove() {
    let mut d = on_prove_code();
    check("prove_code", &d.flow);
    d.type_text("12");
    // Typed digits are in the prompt, not in the lines.
    assert_eq!(page(&d.flow).lines, page(&on_prove_code().flow).lines);
    let mut d = on_prove_code();
    wrong_code(&mut d);
    check("prove_code_wrong", &d.flow);
    check("approval_waiting", &on_approval().0.flow);
    check(
        "approval_denied",
        &approval_polled(Ok(Approval::Rejected)).flow,
    );
    let (mut d, _) = on_approval();
    d.tick(60_000);
    check("approval_timed_out", &d.flow);
}

#[test]
fn done_and_help_and_idle() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('f'));
    check("done", &d.flow);
    let mut d = methods_old_app_selected();
    d.key(Key::Char('?'));
    check("help_methods", &d.flow);
    let mut d = typed_sign_in(true);
    d.key(Key::F(1));
    check("help_sign_in", &d.flow);
    // "Still there?" below the screen, never over it.
    let mut d = methods_old_app_selected();
    d.tick(155_000);
    check("methods_idle_question", &d.flow);
}
