//! A clean-up that failed is said on screen, to the person it concerns
//! only: backing out of the QR with the server down leaves an unfinished
//! method on their account, and they (not the next person at the kiosk)
//! are told the service desk can remove it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::flow::{Event, EventKind, Flow, Millis, Notice, Settings, update};
use mfa_assist::guide::Guide;
use mfa_assist::provider::{Account, Capabilities, MethodKind};

fn flow() -> Flow {
    Flow::new(Settings {
        languages: vec!["en".into()],
        kiosk: true,
        idle_timeout_ms: 180_000,
        done_countdown_ms: 30_000,
        capabilities: Capabilities {
            add_kinds: vec![MethodKind::AuthenticatorCode],
            can_delete: true,
            ..Capabilities::default()
        },
    })
}

#[test]
fn a_failed_clean_up_is_told_to_the_person_still_signed_in() {
    let mut f = flow();
    f.account = Some(Account {
        username: "alex".into(),
        display_name: "Alex".into(),
        can_delete: true,
        cannot_add: Vec::new(),
    });
    let effects = update(&mut f, Event::new(Millis(1_000), EventKind::CleanupFailed));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(f.notice, Some(Notice::CleanupFailed));
}

#[test]
fn after_sign_out_the_next_person_is_not_told() {
    let mut f = flow();
    assert!(f.account.is_none());
    update(&mut f, Event::new(Millis(1_000), EventKind::CleanupFailed));
    assert_eq!(f.notice, None);
}

#[test]
fn the_words_name_the_service_desk_in_every_language() {
    let guide = Guide::built_in();
    for lang in ["en", "sv", "fi"] {
        let text = guide.text(lang, "notice.cleanup_failed");
        assert!(text.contains("{helpdesk}"), "{lang}: {text}");
        assert!(!text.is_empty());
    }
}
