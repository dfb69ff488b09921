//! Keys that work on every screen: quitting closes the case record first;
//! the agent's and the caller's languages cycle through the configured ones.

use crate::desk::*;
use mfa_assist::helpdesk::{Change, DeskEffect};
use mfa_assist::keymap::Key;

fn three_languages() -> mfa_assist::helpdesk::DeskSettings {
    let mut s = settings();
    s.languages = vec!["en".into(), "sv".into(), "fi".into()];
    s
}

#[test]
fn ctrl_c_quits_from_any_screen_and_closes_the_case() {
    let mut h = Harness::with_caller(settings(), old_state());
    let effects = h.key(Key::Ctrl('c'));
    assert_eq!(changes(&effects), vec![Change::CaseClosed]);
    assert_eq!(effects.last(), Some(&DeskEffect::Quit));

    let mut h = Harness::new(settings());
    assert_eq!(
        h.key(Key::Ctrl('c')),
        vec![DeskEffect::StopWatch, DeskEffect::Quit]
    );
}

#[test]
fn languages_cycle_and_wrap() {
    let mut h = Harness::with_caller(three_languages(), old_state());
    let mut seen = Vec::new();
    for _ in 0..4 {
        h.key(Key::F(2));
        seen.push(h.desk.language().to_string());
    }
    assert_eq!(seen, ["sv", "fi", "en", "sv"]);
    // The caller's language moves on its own.
    let mut seen = Vec::new();
    for _ in 0..4 {
        h.key(Key::F(3));
        seen.push(h.desk.caller_language().to_string());
    }
    assert_eq!(seen, ["sv", "fi", "en", "sv"]);
    assert_eq!(h.desk.language(), "sv");
}
