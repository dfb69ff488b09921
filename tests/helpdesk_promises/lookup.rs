//! The lookup field takes a username and nothing else: printable characters
//! up to the limit, typed or pasted.

use crate::desk::*;
use mfa_assist::helpdesk::{DeskEventKind, DeskNotice, DeskScreen, MAX_USERNAME_CHARS};
use mfa_assist::keymap::Key;

fn typed(h: &Harness) -> String {
    match &h.desk.screen {
        DeskScreen::Lookup { username } => username.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn typing_stops_at_the_limit() {
    let mut h = Harness::new(settings());
    for _ in 0..MAX_USERNAME_CHARS + 5 {
        h.ch('a');
    }
    assert_eq!(typed(&h).chars().count(), 256);
    assert_eq!(MAX_USERNAME_CHARS, 256);
}

#[test]
fn control_characters_are_not_typed() {
    let mut h = Harness::new(settings());
    h.ch('k');
    for c in ['\u{7}', '\u{1b}', '\u{9b}', '\u{0}'] {
        h.key(Key::Char(c));
    }
    h.ch('m');
    assert_eq!(typed(&h), "km");
}

#[test]
fn a_paste_fills_the_field_up_to_the_limit_exactly() {
    let mut h = Harness::new(settings());
    h.send(DeskEventKind::Paste("a".repeat(MAX_USERNAME_CHARS)));
    assert_eq!(typed(&h).chars().count(), 256);
    assert_eq!(h.desk.notice, None);
    let mut h = Harness::new(settings());
    h.ch('x');
    h.send(DeskEventKind::Paste("a".repeat(MAX_USERNAME_CHARS)));
    assert_eq!(typed(&h), "x");
    assert_eq!(h.desk.notice, Some(DeskNotice::PasteTooLong));
}

#[test]
fn backspace_and_esc_edit_the_field() {
    let mut h = Harness::new(settings());
    h.type_text("kimx");
    h.key(Key::Backspace);
    assert_eq!(typed(&h), "kim");
    h.key(Key::Esc);
    assert_eq!(typed(&h), "");
}
