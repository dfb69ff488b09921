//! What the agent reads on the desk's screens (issue 10): the device of
//! every method at 100 columns and up, methods being added marked as such,
//! and the privileged-caller refusal saying why and what to do instead.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::helpdesk::DeskScreen;
use mfa_assist::keymap::Key;
use mfa_assist::provider::MethodKind;
use mfa_assist::provider::admin::{CallerState, Privilege};

/// The training tenant's alex, with long device names.
fn alex() -> CallerState {
    CallerState {
        methods: vec![
            method(
                "m-1",
                MethodKind::AuthenticatorPush,
                "Authenticator app (iPhone 11)",
                true,
            ),
            method("m-2", MethodKind::Phone, "Mobile +1 555-0142", false),
            method(
                "m-3",
                MethodKind::AuthenticatorCode,
                "Authenticator app (Samsung Galaxy S23 Ultra)",
                false,
            ),
        ],
        ..old_state()
    }
}

#[test]
fn the_device_name_is_readable_from_100_columns() {
    let h = Harness::verified(settings(), alex());
    for width in [100, 110, 120, 140, 200] {
        let text = drawn(&h.desk, (width, 30));
        for device in ["iPhone 11", "+1 555-0142", "Samsung Galaxy S23 Ultra"] {
            assert!(
                text.lines().any(|l| l.contains('│') && l.contains(device)),
                "{device} cut at {width} columns:\n{text}"
            );
        }
    }
}

#[test]
fn a_method_being_added_says_so_in_the_table_and_the_watch() {
    let mut h = Harness::verified(settings(), old_state());
    let mut state = old_state();
    state.adding.push(method(
        "PIPU0001",
        MethodKind::AuthenticatorPush,
        "privacyIDEA Authenticator · PIPU0001",
        false,
    ));
    h.desk.case.as_mut().unwrap().state = Some(state.clone());
    let text = drawn(&h.desk, (100, 40));
    assert!(
        text.lines()
            .any(|l| l.contains('│') && l.contains("being added")),
        "table:\n{text}"
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Being added, not usable yet: Authenticator app (notification), “privacyIDEA Authenticator · PIPU0001”"),
        "{text}"
    );
    h.ch('w');
    let req = h.desk.case.as_ref().unwrap().watch.as_ref().unwrap().req;
    h.send(mfa_assist::helpdesk::DeskEventKind::Watched {
        req,
        answer: Ok(state),
    });
    let text = drawn(&h.desk, (120, 40));
    assert!(
        text.contains("Being added, not usable yet"),
        "watch:\n{text}"
    );
    assert!(!text.contains("New:"), "watch calls it new:\n{text}");
}

#[test]
fn the_refusal_says_why_and_what_to_do_instead() {
    let state = CallerState {
        privilege: Privilege::Privileged(vec!["Global Administrator".into()]),
        ..old_state()
    };
    let mut h = Harness::verified(settings(), state);
    h.ch('d');
    assert_eq!(h.desk.screen, DeskScreen::Privileged);
    let text = drawn(&h.desk, (100, 30));
    assert!(text.contains("holds administrative rights"), "{text}");
    assert!(text.contains("Global Administrator"), "{text}");
    assert!(text.contains("Instead: change nothing"), "{text}");
    h.key(Key::Esc);
    assert_eq!(h.desk.screen, DeskScreen::Account);

    let state = CallerState {
        privilege: Privilege::CheckFailed("403 Authorization_RequestDenied".into()),
        ..old_state()
    };
    let mut h = Harness::verified(settings(), state);
    h.ch('p');
    let text = drawn(&h.desk, (100, 30));
    assert!(text.contains("could not be read"), "{text}");
    assert!(text.contains("Authorization_RequestDenied"), "{text}");
}
