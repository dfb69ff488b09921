//! Snapshots of the safe-order texts (issue 16 item 3) in en, sv and fi at
//! 80×24: the question, the at-hand hint, the warning before deleting the
//! old phone's Authenticator too early, and the hint once the new one works.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test --test screens_safe_order`
//! and read every changed snapshot before committing it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

use mfa_assist::flow::{EventKind, Flow, Screen};
use mfa_assist::keymap::Key;
use mfa_assist::provider::{Approval, MethodKind};

const LANGS: [&str; 3] = ["en", "sv", "fi"];

/// Draws `flow` in each language, checks `must` (per language) is on
/// screen, and snapshots it.
fn check(name: &str, flow: &Flow, must: [&str; 3]) {
    for (i, lang) in LANGS.iter().enumerate() {
        let mut flow = flow.clone();
        flow.settings.languages = LANGS.iter().map(|l| l.to_string()).collect();
        flow.lang = i;
        let terminal = draw_small(&flow);
        let screen = screen_text(&terminal)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            screen.contains(must[i]),
            "{name}_{lang}: `{}` not on screen:\n{}",
            must[i],
            screen_text(&terminal)
        );
        insta::assert_snapshot!(format!("{name}_{lang}"), terminal.backend());
    }
}

/// Old phone at hand, the new Authenticator added and proven, and the list
/// read again with it: back on the methods list. Returns the list read.
fn at_hand_new_one_proven() -> (Drive, Vec<mfa_assist::provider::Method>) {
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('h'));
    d.key(Key::Char('a'));
    d.key(Key::Enter);
    d.key(Key::Enter);
    let e = d.key(Key::Enter);
    d.answer(EventKind::EnrollmentReady {
        req: req(&e),
        answer: Ok(enrollment(MethodKind::AuthenticatorPush)),
    });
    let e = d.key(Key::Enter);
    let e = d.answer(EventKind::ApprovalPolled {
        req: req(&e),
        answer: Ok(Approval::Approved),
    });
    let mut list = alex_methods();
    list.push(new_app(MethodKind::AuthenticatorPush));
    d.answer(EventKind::MethodsLoaded {
        req: req(&e),
        answer: Ok(list.clone()),
    });
    (d, list)
}

#[test]
fn the_question() {
    let d = on_methods(alex_methods());
    check(
        "safe_order_question",
        &d.flow,
        [
            "Press l if it is gone, h if you still have it",
            "Tryck l om den är borta, h om du har den kvar",
            "Paina l, jos se on poissa, h, jos se on tallessa",
        ],
    );
}

#[test]
fn at_hand_add_first() {
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('h'));
    check(
        "safe_order_keep_old",
        &d.flow,
        [
            "Keep the old phone for now",
            "Behåll den gamla telefonen tills vidare",
            "Pidä vanha puhelin vielä",
        ],
    );
}

#[test]
fn at_hand_delete_too_early_warns() {
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('h'));
    d.key(Key::Char('d'));
    assert!(matches!(d.flow.screen, Screen::ConfirmDelete { .. }));
    check(
        "safe_order_delete_too_early",
        &d.flow,
        [
            "You still have this phone",
            "Du har den här telefonen kvar",
            "Tämä puhelin on vielä tallessa",
        ],
    );
}

#[test]
fn at_hand_new_one_works_delete_old_now() {
    let (d, _) = at_hand_new_one_proven();
    check(
        "safe_order_delete_old_now",
        &d.flow,
        [
            "Your new method works. Now delete the old phone's",
            "Din nya metod fungerar. Ta nu bort den gamla telefonens",
            "Uusi tapasi toimii. Poista nyt vanhan puhelimen",
        ],
    );
}

/// Once the old phone's Authenticator is gone too, the hint says the work is
/// done: "delete an old one with d" with the new one selected would have
/// led the person to delete the method they just proved.
#[test]
fn at_hand_old_one_deleted_says_finish() {
    let (mut d, mut list) = at_hand_new_one_proven();
    d.key(Key::Char('d'));
    let e = d.key(Key::Char('y'));
    let e = d.answer(EventKind::Deleted {
        req: req(&e),
        answer: Ok(()),
    });
    list.retain(|m| m.id != old_app().id);
    d.answer(EventKind::MethodsLoaded {
        req: req(&e),
        answer: Ok(list),
    });
    assert!(d.flow.old_app().is_none(), "the old Authenticator is gone");
    for (i, _) in LANGS.iter().enumerate() {
        let mut flow = d.flow.clone();
        flow.settings.languages = LANGS.iter().map(|l| l.to_string()).collect();
        flow.lang = i;
        let screen = screen_text(&draw_small(&flow));
        for tell_d in ["with d", "med d", "painamalla d"] {
            assert!(
                !screen.contains(tell_d),
                "no old method is left, yet the hint offers d:\n{screen}"
            );
        }
    }
    check(
        "safe_order_all_done",
        &d.flow,
        [
            "Your new method works and no old Authenticator is left",
            "Din nya metod fungerar och ingen gammal Authenticator finns kvar",
            "Uusi tapasi toimii, eikä vanhaa Authenticatoria ole enää",
        ],
    );
}

/// The kept old phone's Authenticator, deleted once the new one works: the
/// confirmation says to remove the account from the old phone's app too
/// (what the guides tell people), not "if the phone turns up again": the
/// person is holding it.
#[test]
fn at_hand_deleting_the_old_one_says_remove_it_from_the_old_phone_too() {
    let (mut d, _) = at_hand_new_one_proven();
    d.key(Key::Char('d'));
    assert!(matches!(d.flow.screen, Screen::ConfirmDelete { .. }));
    for (i, gone) in ["turns up again", "dyker upp igen", "puhelin löytyy"]
        .iter()
        .enumerate()
    {
        let mut flow = d.flow.clone();
        flow.settings.languages = LANGS.iter().map(|l| l.to_string()).collect();
        flow.lang = i;
        let screen = screen_text(&draw_small(&flow));
        assert!(!screen.contains(gone), "{screen}");
    }
    check(
        "safe_order_delete_old_confirm",
        &d.flow,
        [
            "remove this account there too",
            "ta bort kontot där också",
            "poista tili myös sieltä",
        ],
    );
}

/// Lost: the phone may turn up again; an e-mail address is not a phone, so
/// deleting one says nothing about phones.
#[test]
fn lost_or_not_a_phone_the_confirmation_fits_the_method() {
    let mut d = on_methods(alex_methods());
    d.key(Key::Char('l'));
    d.key(Key::Char('d'));
    assert!(matches!(d.flow.screen, Screen::ConfirmDelete { .. }));
    let screen = screen_text(&draw_small(&d.flow));
    assert!(screen.contains("turns up again"), "{screen}");
    assert!(!screen.contains("remove this account there"), "{screen}");

    let mut d = on_methods(vec![phone(), email()]);
    d.key(Key::Down);
    d.key(Key::Char('d'));
    assert!(
        matches!(&d.flow.screen, Screen::ConfirmDelete { method, .. } if method.kind == MethodKind::Email)
    );
    let screen = screen_text(&draw_small(&d.flow));
    assert!(!screen.contains("phone"), "{screen}");
}
