//! Issue 16 at the desk, in the three languages: the script panel's lines
//! for the old-phone question (item 3), a lost phone signed out everywhere
//! (item 7), the pass read out (item 8's Finnish name) and the test of the
//! new app with the number to match (item 1), drawn at 100×40 in en, sv and
//! fi and kept as snapshots. Each line the script gives is on the screen, in
//! the caller's language, with the opening words of its text.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test desk_words_languages`
//! and read every changed snapshot before committing it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::{self, DeskEffect, DeskEventKind, DeskSettings};
use mfa_assist::keymap::Key;
use mfa_assist::provider::MethodKind;
use mfa_assist::provider::admin::PassInfo;

const SIZE: (u16, u16) = (100, 40);

fn settings_in(lang: &str) -> DeskSettings {
    DeskSettings {
        languages: vec![lang.into()],
        ..settings()
    }
}

/// The text's words up to its first placeholder (at most five).
fn opening(text: &str) -> String {
    let before = text.split('{').next().unwrap_or_default();
    before
        .split_whitespace()
        .take(5)
        .collect::<Vec<_>>()
        .join(" ")
}

fn words(screen: &str) -> String {
    screen
        .replace(['│', '┌', '┐', '└', '┘', '─', '\\'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Draws `h`, checks every script line is on it, keeps the snapshot.
fn check(name: &str, lang: &str, h: &Harness, must: &[&str]) {
    let guide = Guide::built_in();
    let screen = drawn(&h.desk, SIZE);
    let on_screen = words(&screen);
    let ids: Vec<&str> = helpdesk::script(&h.desk).iter().map(|l| l.id).collect();
    for id in must {
        assert!(ids.contains(id), "{lang}/{name}: no {id} in {ids:?}");
    }
    for id in &ids {
        let start = opening(guide.text(lang, id));
        assert!(
            on_screen.contains(&start),
            "{lang}/{name}: `{id}` ({start:?}) is not on the screen:\n{screen}"
        );
    }
    insta::assert_snapshot!(format!("{name}_{lang}"), screen);
}

fn with_pass(h: &mut Harness) {
    let mut state = old_state();
    state.passes.push(PassInfo {
        id: "tap".into(),
        created: None,
        expires: None,
        one_time: Some(true),
        usable: Some(true),
    });
    h.desk.case.as_mut().unwrap().state = Some(state);
}

#[test]
fn the_issue_16_script_lines_in_every_language() {
    for lang in ["en", "sv", "fi"] {
        // Item 3: the question comes first.
        let mut h = Harness::verified(settings_in(lang), old_state());
        check(
            "script_ask_old_phone",
            lang,
            &h,
            &["script.ask_old_phone_say"],
        );

        // Item 7: lost, so the old app goes and the caller is signed out.
        h.key(Key::F(6));
        check("script_lost", lang, &h, &["script.sign_out_say"]);

        // Item 3 at hand, no pass yet: keep the old phone, issue a pass.
        h.key(Key::F(6));
        check(
            "script_at_hand_pass",
            lang,
            &h,
            &["script.keep_old_say", "script.pass_say"],
        );

        // With a pass the caller registers; found, it is tested (item 1)
        // before the old one goes.
        with_pass(&mut h);
        let effects = h.ch('w');
        let req = effects
            .iter()
            .find_map(|e| match e {
                DeskEffect::Watch { req, .. } => Some(*req),
                _ => None,
            })
            .expect("a watch");
        let mut state = h.desk.case.as_ref().unwrap().state.clone().unwrap();
        state.methods.push(method(
            "m-new",
            MethodKind::AuthenticatorPush,
            "iPhone 16",
            false,
        ));
        h.send(DeskEventKind::Watched {
            req,
            answer: Ok(state),
        });
        check(
            "script_found_test_push",
            lang,
            &h,
            &["script.test_push_say", "script.delete_old_now_say"],
        );
    }
}
