//! The desk advises and records only what is true (issue 10): the script
//! tells the caller's old Authenticator from the one registered during the
//! call, a half-added method is never "registered", the summary is read
//! fresh, typing on the account screen changes nothing, and privileged
//! callers are refused deletes and passes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/desk.rs"]
mod desk;

use desk::*;
use mfa_assist::flow::{Platform, ReqId};
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::{
    self, Change, DeskEffect, DeskEventKind, DeskScreen, DeskSettings, FinalRead, Pending,
    Verification, script,
};
use mfa_assist::keymap::{self, Action, Context, Key};
use mfa_assist::provider::admin::{CallerState, Privilege};
use mfa_assist::provider::{Method, MethodKind, ProviderError};

fn ids(h: &Harness) -> Vec<&'static str> {
    script(&h.desk).iter().map(|l| l.id).collect()
}

fn label_of(h: &Harness, id: &str) -> Option<String> {
    script(&h.desk).iter().find(|l| l.id == id).map(|l| {
        l.args
            .iter()
            .find_map(|(name, arg)| match (name, arg) {
                (&"label", helpdesk::script::Arg::Plain(v)) => Some(v.clone()),
                _ => None,
            })
            .unwrap_or_default()
    })
}

fn watch_req(effects: &[DeskEffect]) -> ReqId {
    effects
        .iter()
        .find_map(|e| match e {
            DeskEffect::Watch { req, .. } => Some(*req),
            _ => None,
        })
        .expect("a watch")
}

fn new_app() -> Method {
    method(
        "m-new",
        MethodKind::AuthenticatorPush,
        "Authenticator app (new phone)",
        false,
    )
}

fn with_new_app(mut state: CallerState) -> CallerState {
    state.methods.push(new_app());
    state
}

/// Verified, watched the caller register "new phone", back on the account.
fn registered_during_call() -> Harness {
    let mut h = Harness::verified(settings(), old_state());
    let req = watch_req(&h.ch('w'));
    let effects = h.send(DeskEventKind::Watched {
        req,
        answer: Ok(with_new_app(old_state())),
    });
    assert!(effects.contains(&DeskEffect::StopWatch));
    h.key(Key::Esc);
    assert_eq!(h.desk.screen, DeskScreen::Account);
    h
}

// ---- 10.1: old from new ----

#[test]
fn the_script_never_calls_the_new_authenticator_old() {
    let mut h = registered_during_call();
    // The old one (Pixel 7) is still there: delete that one first.
    assert_eq!(
        label_of(&h, "script.old_app_do").as_deref(),
        Some("Pixel 7")
    );
    // Delete Pixel 7: select it, d, Enter.
    let row = h
        .desk
        .case
        .as_ref()
        .unwrap()
        .methods()
        .iter()
        .position(|m| m.id == "m-app")
        .unwrap();
    h.desk.case.as_mut().unwrap().selected = Some(row);
    h.ch('d');
    let (req, id) = delete_of(&h.key(Key::Enter)).unwrap();
    assert_eq!(id, "m-app");
    let effects = h.send(DeskEventKind::Deleted {
        req,
        answer: Ok(()),
    });
    let mut after = with_new_app(old_state());
    after.methods.retain(|m| m.id != "m-app");
    h.send(DeskEventKind::StateLoaded {
        req: load_req(&effects),
        answer: Ok(after),
    });
    // The panel does not tell the agent to delete the new phone...
    assert_eq!(label_of(&h, "script.old_app_do"), None, "{:?}", ids(&h));
    assert_eq!(ids(&h)[0], "script.found_do");
    // ... and the cursor is not on it.
    let case = h.desk.case.as_ref().unwrap();
    let on = case.selected_method().map(|m| m.id.clone());
    assert_ne!(on.as_deref(), Some("m-new"), "cursor on the new method");
}

#[test]
fn after_a_delete_leaving_only_new_methods_no_row_is_picked() {
    let only_app = CallerState {
        methods: vec![method(
            "m-app",
            MethodKind::AuthenticatorPush,
            "Pixel 7",
            true,
        )],
        ..old_state()
    };
    let mut h = Harness::verified(settings(), only_app.clone());
    let req = watch_req(&h.ch('w'));
    h.send(DeskEventKind::Watched {
        req,
        answer: Ok(with_new_app(only_app)),
    });
    h.key(Key::Esc);
    h.desk.case.as_mut().unwrap().selected = Some(0);
    h.ch('d');
    let (req, _) = delete_of(&h.key(Key::Enter)).unwrap();
    let effects = h.send(DeskEventKind::Deleted {
        req,
        answer: Ok(()),
    });
    h.send(DeskEventKind::StateLoaded {
        req: load_req(&effects),
        answer: Ok(CallerState {
            methods: vec![new_app()],
            ..old_state()
        }),
    });
    assert_eq!(h.desk.case.as_ref().unwrap().selected, None);
    // `d` now deletes nothing by accident.
    h.ch('d');
    assert_eq!(h.desk.screen, DeskScreen::Account);
}

#[test]
fn a_method_created_after_the_call_began_is_new_even_on_the_first_read() {
    let mut state = old_state();
    state.methods.retain(|m| m.id != "m-app");
    let mut fresh = new_app();
    // The harness opens the case at 1_800_000_000 (2027-01-15T08:00:00Z);
    // two minutes later is well past any clock difference.
    fresh.added = Some("2027-01-15T08:02:00Z".into());
    state.methods.push(fresh);
    let h = Harness::verified(settings(), state);
    assert_eq!(label_of(&h, "script.old_app_do"), None, "{:?}", ids(&h));
}

#[test]
fn an_authenticator_there_before_the_call_is_old() {
    let h = Harness::verified(settings(), old_state());
    assert_eq!(
        label_of(&h, "script.old_app_do").as_deref(),
        Some("Pixel 7")
    );
}

// ---- 10.2: half-added is not registered ----

#[test]
fn a_method_being_added_is_not_registered() {
    let mut h = Harness::verified(settings(), old_state());
    let req = watch_req(&h.ch('w'));
    let mut half = old_state();
    half.adding.push(method(
        "PIPU0001",
        MethodKind::AuthenticatorPush,
        "privacyIDEA Authenticator · PIPU0001",
        false,
    ));
    let effects = h.send(DeskEventKind::Watched {
        req,
        answer: Ok(half),
    });
    assert!(changes(&effects).is_empty(), "{effects:?}");
    assert!(!effects.contains(&DeskEffect::StopWatch));
    let case = h.desk.case.as_ref().unwrap();
    assert!(case.watch.as_ref().unwrap().found.is_empty());
    assert_ne!(ids(&h).first(), Some(&"script.found_do"));
    // The case file says "being added", not "registered now".
    let summary = helpdesk::summary(&h.desk, &Guide::built_in());
    let (registered, adding) = summary.split_once("Being added, not usable yet").unwrap();
    assert!(!registered.contains("PIPU0001"), "{summary}");
    assert!(adding.contains("PIPU0001"), "{summary}");
}

#[test]
fn a_new_method_that_cannot_sign_in_is_not_registered() {
    let mut h = Harness::verified(settings(), old_state());
    let req = watch_req(&h.ch('w'));
    let mut off = new_app();
    off.used_for.sign_in = false;
    let mut state = old_state();
    state.methods.push(off);
    let effects = h.send(DeskEventKind::Watched {
        req,
        answer: Ok(state),
    });
    assert!(changes(&effects).is_empty(), "{effects:?}");
}

#[test]
fn a_usable_new_method_is_recorded_once() {
    let mut h = Harness::verified(settings(), old_state());
    let req = watch_req(&h.ch('w'));
    let effects = h.send(DeskEventKind::Watched {
        req,
        answer: Ok(with_new_app(old_state())),
    });
    assert_eq!(
        changes(&effects),
        vec![Change::NewMethodSeen {
            kind: MethodKind::AuthenticatorPush,
            label: "Authenticator app (new phone)".into()
        }]
    );
}

// ---- 10.3: the summary is read fresh ----

fn finish(h: &mut Harness) -> Vec<DeskEffect> {
    assert!(h.ch('f').is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Confirm(Pending::Finish));
    h.key(Key::Enter)
}

#[test]
fn the_summary_is_written_from_a_fresh_read() {
    let mut h = registered_during_call();
    let effects = finish(&mut h);
    assert!(
        !effects.contains(&DeskEffect::SaveCase),
        "saved before the re-read"
    );
    // Meanwhile the new method was deleted elsewhere.
    let effects = h.send(DeskEventKind::StateLoaded {
        req: load_req(&effects),
        answer: Ok(old_state()),
    });
    assert_eq!(effects, vec![DeskEffect::SaveCase]);
    let case = h.desk.case.as_ref().unwrap();
    assert_eq!(case.final_read, Some(FinalRead::Fresh));
    let summary = helpdesk::summary(&h.desk, &Guide::built_in());
    let now = summary.split("Registered now:").nth(1).unwrap();
    assert!(!now.contains("new phone"), "{summary}");
}

#[test]
fn a_failed_final_read_is_said_not_hidden() {
    let mut h = registered_during_call();
    let effects = finish(&mut h);
    let effects = h.send(DeskEventKind::StateLoaded {
        req: load_req(&effects),
        answer: Err(ProviderError::Unreachable),
    });
    assert_eq!(effects, vec![DeskEffect::SaveCase]);
    let summary = helpdesk::summary(&h.desk, &Guide::built_in());
    assert!(!summary.contains("Registered now:"), "{summary}");
    assert!(
        summary.contains("Could not read the account when the call ended (provider unreachable)"),
        "{summary}"
    );
}

// ---- 10.4: typing does not change the interface or the record ----

#[test]
fn typing_on_the_account_screen_changes_nothing() {
    let mut settings = settings();
    settings.languages = vec!["en".into(), "sv".into(), "fi".into()];
    let mut h = Harness::verified(settings, old_state());
    let before = (h.desk.lang, h.desk.caller_lang, h.desk.platform);
    for word in [
        "alice",
        "the quick brown fox jumps over the lazy dog",
        "daisy",
        "fred",
        "xavier",
        "yes",
    ] {
        let mut effects = Vec::new();
        for c in word.chars() {
            effects.extend(h.ch(c));
        }
        for e in &effects {
            assert!(
                matches!(e, DeskEffect::Watch { .. } | DeskEffect::StopWatch),
                "typing {word:?} did {e:?}"
            );
        }
        assert_eq!((h.desk.lang, h.desk.caller_lang, h.desk.platform), before);
        assert!(matches!(
            h.desk.case.as_ref().unwrap().verification,
            Verification::Passed(_)
        ));
        assert!(h.desk.case.as_ref().unwrap().closed.is_none());
        // Back to the account for the next word.
        for _ in 0..3 {
            h.key(Key::Esc);
        }
        if matches!(h.desk.screen, DeskScreen::Watch) {
            h.key(Key::Esc);
        }
    }
    assert_eq!(h.desk.platform, Platform::IPhone);
}

#[test]
fn settings_are_on_function_keys_and_every_key_is_listed() {
    let mut settings = settings();
    settings.languages = vec!["en".into(), "sv".into()];
    let mut h = Harness::verified(settings, old_state());
    h.key(Key::F(2));
    assert_eq!(h.desk.language(), "sv");
    h.key(Key::F(3));
    assert_eq!(h.desk.caller_language(), "sv");
    h.key(Key::F(4));
    assert_eq!(h.desk.platform, Platform::Android);
    // The case file is in the agent's language and names the caller's.
    h.key(Key::F(2));
    assert_eq!(h.desk.language(), "en");
    finish(&mut h);
    let summary = helpdesk::summary(&h.desk, &Guide::built_in());
    assert!(summary.contains("Caller's language: sv"), "{summary}");
    // No desk screen binds a plain letter to a setting, finishing the call
    // or recording a failed verification without asking.
    let desk_contexts = [
        Context::DeskLookup,
        Context::DeskAccount,
        Context::DeskChecks,
        Context::DeskEscalate,
        Context::DeskIssue,
        Context::DeskPass,
        Context::DeskConfirm,
        Context::DeskPrivileged,
        Context::DeskWatch,
        Context::DeskSummary,
    ];
    for context in desk_contexts {
        for b in keymap::for_context(context) {
            let letters = b
                .keys
                .iter()
                .any(|k| matches!(k, Key::Char(c) if c.is_alphabetic()));
            let settles = matches!(
                b.action,
                Action::Language | Action::CallerLanguage | Action::Platform | Action::Confirm
            ) || (b.action == Action::FinishCall && context == Context::DeskEscalate);
            assert!(
                !(letters && settles),
                "{context:?}: {:?} on a letter",
                b.action
            );
        }
    }
}

#[test]
fn finishing_and_cannot_verify_ask_first() {
    let mut h = Harness::verified(settings(), old_state());
    assert!(h.ch('f').is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Confirm(Pending::Finish));
    h.key(Key::Esc);
    assert_eq!(h.desk.screen, DeskScreen::Account);
    assert!(h.desk.case.as_ref().unwrap().closed.is_none());

    let mut h = Harness::with_caller(settings(), old_state());
    h.ch('v');
    assert!(h.ch('x').is_empty());
    assert_eq!(h.desk.screen, DeskScreen::Confirm(Pending::CannotVerify));
    h.key(Key::Esc);
    assert!(matches!(h.desk.screen, DeskScreen::Checks { .. }));
    assert_eq!(
        h.desk.case.as_ref().unwrap().verification,
        Verification::NotYet
    );
}

// ---- 10.5: privileged callers ----

fn privileged(p: Privilege) -> CallerState {
    CallerState {
        privilege: p,
        ..old_state()
    }
}

#[test]
fn privileged_callers_get_no_delete_reset_or_pass() {
    for p in [
        Privilege::Privileged(vec!["Global Administrator".into()]),
        Privilege::CheckFailed("403".into()),
        Privilege::Unchecked,
    ] {
        for key in ['d', 'r', 'p'] {
            let mut h = Harness::verified(settings(), privileged(p.clone()));
            let effects = h.ch(key);
            assert!(!effects.iter().any(is_change), "{p:?} {key}: {effects:?}");
            assert_eq!(h.desk.screen, DeskScreen::Privileged, "{p:?} {key}");
            assert!(
                matches!(
                    changes(&effects).as_slice(),
                    [Change::RefusedPrivileged { .. }]
                ),
                "{p:?} {key}: not audited: {effects:?}"
            );
            assert!(!h.key(Key::Enter).iter().any(is_change));
            assert_eq!(h.desk.screen, DeskScreen::Account);
        }
    }
}

#[test]
fn a_caller_found_privileged_between_question_and_answer_is_refused() {
    let mut h = Harness::verified(settings(), old_state());
    h.ch('d');
    assert!(matches!(
        h.desk.screen,
        DeskScreen::Confirm(Pending::Delete(_))
    ));
    h.desk.case.as_mut().unwrap().state = Some(privileged(Privilege::Privileged(vec![
        "Helpdesk Administrator".into(),
    ])));
    let effects = h.key(Key::Enter);
    assert!(!effects.iter().any(is_change), "{effects:?}");
    assert_eq!(h.desk.screen, DeskScreen::Privileged);
}

#[test]
fn config_can_allow_privileged_callers() {
    let settings = DeskSettings {
        allow_privileged: true,
        ..settings()
    };
    let mut h = Harness::verified(
        settings,
        privileged(Privilege::Privileged(vec!["Global Administrator".into()])),
    );
    h.ch('d');
    assert!(delete_of(&h.key(Key::Enter)).is_some());
}

#[test]
fn the_refusal_is_in_the_case_file() {
    let mut h = Harness::verified(
        settings(),
        privileged(Privilege::Privileged(vec!["Global Administrator".into()])),
    );
    h.ch('p');
    let summary = helpdesk::summary(&h.desk, &Guide::built_in());
    assert!(
        summary.contains("Refused (issue_pass): administrative rights: Global Administrator"),
        "{summary}"
    );
}
