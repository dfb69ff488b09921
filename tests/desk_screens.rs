//! Snapshots of every helpdesk screen at 80x24 and 120x40, reached by
//! driving the real `helpdesk::update` with keys and provider answers.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test desk_screens` and
//! read every changed snapshot before committing it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::helpdesk::{Desk, DeskEffect, DeskEventKind};
use mfa_assist::keymap::Key;
use mfa_assist::provider::admin::{NewPass, PassInfo};
use mfa_assist::provider::{MethodKind, ProviderError};
use mfa_assist::secret::Secret;

/// Every screen: no raw text ids, no unfilled placeholders, a footer with
/// help, then the snapshot.
fn check(name: &str, desk: &Desk) {
    let sections = ["desk.", "case.", "script.", "key.", "help.", "kind."];
    each_size(name, desk, &sections, |snap, screen, terminal| {
        assert!(!screen.contains(PASS) || name.starts_with("pass_shown"));
        insta::assert_snapshot!(snap, terminal.backend());
    });
}

fn issued(h: &mut Harness) {
    h.ch('p');
    let req = h
        .key(Key::Enter)
        .iter()
        .find_map(|e| match e {
            DeskEffect::IssuePass { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    h.send(DeskEventKind::PassIssued {
        req,
        answer: Ok(NewPass {
            pass: Secret::new(PASS.to_string()),
            id: "tap-1".into(),
            expires: Some("2027-01-15 18:00 UTC".into()),
            one_time: true,
        }),
    });
}

#[test]
fn lookup() {
    let mut h = Harness::new(settings());
    check("lookup_empty", &h.desk);
    h.type_text("nobody");
    let req = lookup_req(&h.key(Key::Enter));
    check("lookup_busy", &h.desk);
    h.send(DeskEventKind::LookedUp {
        req,
        answer: Err(ProviderError::UnknownUser),
    });
    check("lookup_unknown", &h.desk);
}

#[test]
fn account() {
    let mut h = Harness::with_caller(settings(), old_state());
    check("account_locked", &h.desk);
    h.ch('d');
    check("account_verify_first", &h.desk);
    let h = Harness::verified(settings(), old_state());
    check("account_verified", &h.desk);
}

#[test]
fn checks_and_escalation() {
    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('v');
    h.ch(' ');
    check("checks_one_ticked", &h.desk);
    h.key(Key::Down);
    h.ch(' ');
    check("checks_enough", &h.desk);
    h.ch('x');
    check("confirm_cannot_verify", &h.desk);
    h.key(Key::Enter);
    check("escalate", &h.desk);
}

#[test]
fn pass() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('p');
    check("issue_pass", &h.desk);
    h.key(Key::Esc);
    issued(&mut h);
    check("pass_shown", &h.desk);
    h.key(Key::Enter);
    check("pass_hidden", &h.desk);
}

#[test]
fn confirmations() {
    let mut h = Harness::verified(settings(), old_state());
    h.key(Key::Down);
    h.ch('d');
    check("confirm_delete", &h.desk);
    h.key(Key::Esc);
    h.ch('r');
    check("confirm_reset", &h.desk);
    h.key(Key::Esc);
    h.ch('s');
    check("confirm_revoke", &h.desk);
}

#[test]
fn watch() {
    let mut h = Harness::verified(settings(), old_state());
    let mut state = old_state();
    state
        .methods
        .retain(|m| m.kind != MethodKind::AuthenticatorPush);
    state.passes.push(PassInfo {
        id: "tap".into(),
        created: None,
        expires: Some("2027-01-15 18:00 UTC".into()),
        one_time: Some(true),
        usable: Some(true),
    });
    h.desk.case.as_mut().unwrap().state = Some(state.clone());
    check("account_ready_to_register", &h.desk);
    let req = h
        .ch('w')
        .iter()
        .find_map(|e| match e {
            DeskEffect::Watch { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    check("watch_waiting", &h.desk);
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
    check("watch_found", &h.desk);
}

#[test]
fn summary_and_help() {
    let mut h = Harness::verified(settings(), old_state());
    issued(&mut h);
    h.key(Key::Enter);
    // The account read after the pass was issued comes back.
    if let Some(p) = h.desk.pending {
        h.send(DeskEventKind::StateLoaded {
            req: p.req,
            answer: Ok(old_state()),
        });
    }
    h.ch('f');
    check("confirm_finish", &h.desk);
    let effects = h.key(Key::Enter);
    h.send(DeskEventKind::StateLoaded {
        req: load_req(&effects),
        answer: Ok(old_state()),
    });
    h.send(DeskEventKind::CaseSaved(Ok("/srv/cases/kim.txt".into())));
    check("summary", &h.desk);
    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('?');
    check("help_account", &h.desk);
}
