//! Snapshots of the desk adding a phone number, at 80x24 and 120x40: the
//! key on the account, the number typed, a number that cannot be sent, the
//! question, the help, and the account after it was added.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test desk_phone_screens`
//! and read every changed snapshot before committing it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::helpdesk::{Desk, DeskEffect, DeskEventKind, DeskSettings};
use mfa_assist::keymap::Key;
use mfa_assist::provider::MethodKind;

/// No raw text ids, no unfilled placeholders, then the snapshot; returns
/// the small screen's text.
fn check(name: &str, desk: &Desk) -> String {
    let sections = ["desk.", "case.", "script.", "key.", "help."];
    each_size(name, desk, &sections, |snap, _, terminal| {
        insta::assert_snapshot!(snap, terminal.backend());
    })
}

fn phone_settings() -> DeskSettings {
    let mut s = settings();
    s.capabilities.can_add_phone = true;
    s
}

#[test]
fn the_account_offers_adding_a_phone() {
    let h = Harness::verified(phone_settings(), old_state());
    let screen = check("phone_account_key", &h.desk);
    assert!(screen.contains("n  Add phone number"), "{screen}");
}

#[test]
fn typing_the_number() {
    let mut h = Harness::verified(phone_settings(), old_state());
    h.ch('n');
    h.type_text("+46 70-123 45 67");
    let screen = check("phone_typed", &h.desk);
    assert!(screen.contains("+46 70-123 45 67"), "{screen}");
    assert!(screen.contains("Tab"), "{screen}");
}

#[test]
fn a_number_without_a_country_code() {
    let mut h = Harness::verified(phone_settings(), old_state());
    h.ch('n');
    h.type_text("070-123 45 67");
    h.key(Key::Enter);
    let screen = check("phone_invalid", &h.desk);
    assert!(
        screen.contains("Start with + and the country code"),
        "{screen}"
    );
}

#[test]
fn the_question_before_it_is_added() {
    let mut h = Harness::verified(phone_settings(), old_state());
    h.ch('n');
    h.type_text("+1 (425) 555-0100 x12");
    h.key(Key::Tab);
    h.key(Key::Tab);
    h.key(Key::Enter);
    let screen = check("phone_confirm", &h.desk);
    assert!(screen.contains("+1 4255550100x12"), "{screen}");
    assert!(screen.contains("office"), "{screen}");
}

#[test]
fn help_on_the_phone_screen() {
    let mut h = Harness::verified(phone_settings(), old_state());
    h.ch('n');
    h.key(Key::F(1));
    let screen = check("phone_help", &h.desk);
    assert!(screen.contains("one number per type"), "{screen}");
}

#[test]
fn after_it_was_added() {
    let mut h = Harness::verified(phone_settings(), old_state());
    h.ch('n');
    h.type_text("+46 701234567");
    h.key(Key::Tab);
    h.key(Key::Tab);
    h.key(Key::Enter);
    let effects = h.key(Key::Enter);
    let req = effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::AddPhone { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    let effects = h.send(DeskEventKind::PhoneAdded {
        req,
        answer: Ok(method(
            "m-office",
            MethodKind::Phone,
            "+46 701234567 (office)",
            false,
        )),
    });
    let mut state = old_state();
    state.methods.push(method(
        "m-office",
        MethodKind::Phone,
        "+46 701234567 (office)",
        false,
    ));
    h.send(DeskEventKind::StateLoaded {
        req: load_req(&effects),
        answer: Ok(state),
    });
    check("phone_added", &h.desk);
}
