//! The confirmation before a change: the caller's rights are checked again
//! at the moment of the change (the account may have been re-read since the
//! question was put), and cancelling goes back to where the agent was.

use crate::desk::*;
use mfa_assist::helpdesk::{Change, DeskEffect, DeskScreen, Pending};
use mfa_assist::keymap::Key;
use mfa_assist::provider::admin::Privilege;

/// Turns the caller privileged, as a re-read of the account would.
fn found_privileged(h: &mut Harness) {
    let case = h.desk.case.as_mut().unwrap();
    let mut state = case.state.clone().unwrap();
    state.privilege = Privilege::Privileged(vec!["Helpdesk Administrator".into()]);
    case.state = Some(state);
}

fn changes_anything(effects: &[DeskEffect]) -> bool {
    effects
        .iter()
        .any(|e| is_change(e) || matches!(e, DeskEffect::AddPhone { .. }))
}

#[test]
fn rights_are_checked_again_when_each_change_is_confirmed() {
    let mut phone = settings();
    phone.capabilities.can_add_phone = true;
    for (what, keys) in [
        ("delete", "d"),
        ("reset", "r"),
        ("add_phone", "n+46 70-123 45 67\n"),
    ] {
        let mut h = Harness::verified(phone.clone(), old_state());
        for c in keys.chars() {
            match c {
                '\n' => h.key(Key::Enter),
                c => h.ch(c),
            };
        }
        assert!(
            matches!(h.desk.screen, DeskScreen::Confirm(_)),
            "{what}: {:?}",
            h.desk.screen
        );
        found_privileged(&mut h);
        let effects = h.key(Key::Enter);
        assert!(!changes_anything(&effects), "{what}: {effects:?}");
        assert_eq!(h.desk.screen, DeskScreen::Privileged, "{what}");
        assert_eq!(
            changes(&effects),
            [Change::RefusedPrivileged {
                attempted: what.into(),
                reason: "Helpdesk Administrator".into(),
            }],
            "{what}"
        );
    }
}

#[test]
fn cancelling_the_end_of_the_call_goes_back_where_the_agent_was() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('f');
    assert_eq!(h.desk.screen, DeskScreen::Confirm(Pending::Finish));
    assert!(h.key(Key::Esc).is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Account);

    h.ch('w');
    assert_eq!(h.desk.screen, DeskScreen::Watch);
    h.ch('f');
    assert_eq!(h.desk.screen, DeskScreen::Confirm(Pending::Finish));
    assert!(h.key(Key::Esc).is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Watch);
    assert!(h.desk.case.as_ref().unwrap().watch.is_some());
}
