//! The account heading promises a ★ for the default only where the
//! provider has one: privacyIDEA and Graph v1.0 report no default, and the
//! heading said "(★ default)" above a table without any ★ (seen on
//! privacyIDEA in tmux).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;

#[test]
fn no_star_promised_where_no_method_is_the_default() {
    let mut state = old_state();
    for m in &mut state.methods {
        m.is_default = false;
    }
    let h = Harness::verified(settings(), state);
    let shown = drawn(&h.desk, (100, 30));
    assert!(
        !shown.contains('★'),
        "no method is the default, yet a ★ is promised:\n{shown}"
    );
    assert!(shown.contains("Registered sign-in methods"), "{shown}");
}

#[test]
fn the_star_is_explained_where_there_is_a_default() {
    let h = Harness::verified(settings(), old_state());
    let shown = drawn(&h.desk, (100, 30));
    assert!(shown.contains("(★ default)"), "{shown}");
}
