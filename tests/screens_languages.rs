//! Every kiosk screen at 80x24 in Swedish and Finnish (issue 13, item 4):
//! longer words must not push a paragraph off the screen without a word;
//! what gives way is in the help overlay. Snapshots of each screen, and
//! checks that read the Welcome screen and its help.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test screens_languages`
//! and read every changed `tests/snapshots/screens_languages__*.snap`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::flow::{EventKind, Flow, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::provider::{Approval, MethodKind};
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{self, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

fn draw(flow: &Flow) -> Terminal<TestBackend> {
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
    let mut terminal = Terminal::new(TestBackend::new(SMALL.0, SMALL.1)).unwrap();
    terminal.draw(|f| ui::draw(f, &view)).unwrap();
    terminal
}

fn text(terminal: &Terminal<TestBackend>) -> String {
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

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `flow` switched to `lang` as the only language.
fn in_language(mut flow: Flow, lang: &str) -> Flow {
    flow.settings.languages = vec![lang.into()];
    flow.lang = 0;
    flow
}

fn with_lang(training: bool, lang: &str) -> Settings {
    let mut s = settings(training);
    s.languages = vec![lang.into()];
    s
}

/// The kiosk's screens, as `tests/screens.rs` reaches them.
fn states() -> Vec<(&'static str, Flow)> {
    let mut out = vec![
        ("welcome_training", Drive::new(true).flow),
        ("welcome", Drive::new(false).flow),
    ];
    let mut d = Drive::new(true);
    d.key(Key::Enter);
    out.push(("sign_in", d.flow.clone()));
    out.push((
        "sign_in_wrong_pass",
        sign_in_fails(mfa_assist::provider::ProviderError::WrongPass { attempts_left: 2 }).flow,
    ));
    out.push(("methods", methods_old_app_selected().flow));
    let mut d = methods_old_app_selected();
    d.key(Key::Char('d'));
    out.push(("confirm_delete", d.flow));
    out.push((
        "platform",
        on_platform(MethodKind::AuthenticatorPush, false).flow,
    ));
    out.push((
        "prepare",
        on_prepare(MethodKind::AuthenticatorPush, false).flow,
    ));
    out.push(("scan", on_scan(MethodKind::AuthenticatorCode).flow));
    let mut d = on_scan(MethodKind::AuthenticatorCode);
    d.key(Key::Char('c'));
    out.push(("scan_manual", d.flow));
    let mut d = on_prove_code();
    wrong_code(&mut d);
    wrong_code(&mut d);
    out.push(("prove_code_wrong_twice", d.flow));
    out.push(("approval_waiting", on_approval().0.flow));
    out.push((
        "approval_denied",
        approval_polled(Ok(Approval::Rejected)).flow,
    ));
    let (mut d, r) = on_approval();
    let effects = d.answer(EventKind::ApprovalPolled {
        req: r,
        answer: Ok(Approval::Approved),
    });
    d.answer(EventKind::MethodsLoaded {
        req: req(&effects),
        answer: Ok(vec![
            new_app(MethodKind::AuthenticatorPush),
            old_app(),
            phone(),
        ]),
    });
    out.push(("done", d.flow));
    out
}

#[test]
fn every_screen_at_80x24_in_swedish_and_finnish() {
    for lang in ["sv", "fi"] {
        for (name, flow) in states() {
            let flow = in_language(flow, lang);
            let terminal = draw(&flow);
            let screen = text(&terminal);
            assert!(
                !screen.contains('{'),
                "{lang} {name}: unfilled placeholder:\n{screen}"
            );
            insta::assert_snapshot!(format!("{name}_{lang}_80x24"), terminal.backend());
        }
    }
}

/// Each paragraph of Welcome is on the screen, or the screen says help has
/// more and the help has it.
#[test]
fn no_welcome_paragraph_disappears_silently() {
    let guide = Guide::built_in();
    for lang in ["en", "sv", "fi"] {
        for training in [true, false] {
            let flow = Drive::with(with_lang(training, lang)).flow;
            let screen = words(&text(&draw(&flow)));
            let mut help = Drive::with(with_lang(training, lang));
            help.key(Key::Char('?'));
            assert!(help.flow.help_open);
            let help = words(&text(&draw(&help.flow)));
            let hint = words(guide.text(lang, "welcome.more_in_help"));
            for id in ["welcome.intro", "welcome.need", "welcome.other_way"] {
                let para = words(guide.text(lang, id));
                // The first words stand for the paragraph (wrapping may
                // split the rest around a bullet).
                let start: String = para.split(' ').take(4).collect::<Vec<_>>().join(" ");
                if screen.contains(&start) {
                    continue;
                }
                assert!(
                    screen.contains(&hint),
                    "{lang} training={training}: {id} is gone without a word:\n{screen}"
                );
                let in_help = help.contains(&start)
                    || (id == "welcome.other_way" && help.contains("Security Info"))
                    || (id == "welcome.other_way" && help.contains("säkerhetsinformation"))
                    || (id == "welcome.other_way" && help.contains("suojaustiedoissa"));
                assert!(
                    in_help,
                    "{lang} training={training}: {id} is neither on screen nor in help:\n{help}"
                );
            }
        }
    }
}
