//! What a person and an agent read while the provider throttles, and what
//! the desk's watch says about its pace: pure state machines on their
//! logical clocks, drawn into a test terminal.
//!
//! - A call waiting out the provider's `Retry-After` shows "busy, still
//!   trying (about N s)", not an error and not a bare spinner; a word
//!   about a request no longer in flight changes nothing.
//! - The desk's watch says "every 3 s" while it polls that fast, and
//!   "every 15–30 s" once the schedule has slowed down (after 2 minutes).
//! - Enter on the scan screen while the watch runs hurries the watch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/desk.rs"]
mod desk;
#[path = "support/kiosk_states.rs"]
mod kiosk_states;

use mfa_assist::flow::{Effect, EventKind, Op, Screen};
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::{DeskEffect, DeskEventKind};
use mfa_assist::keymap::Key;
use mfa_assist::provider::{Confirm, MethodKind, Wait};
use mfa_assist::ui::desk::DeskView;
use mfa_assist::ui::qr::QrStyle;
use mfa_assist::ui::{self, Branding, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;

fn text(terminal: &Terminal<TestBackend>) -> String {
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn kiosk_screen(flow: &mfa_assist::flow::Flow) -> String {
    let guide = Guide::built_in();
    let branding = kiosk_states::branding();
    let view = View {
        flow,
        guide: &guide,
        branding: &branding,
        qr: None,
        qr_style: QrStyle::HalfBlock,
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| ui::draw(f, &view)).unwrap();
    text(&terminal)
}

fn desk_screen(desk: &mfa_assist::helpdesk::Desk) -> String {
    let guide = Guide::built_in();
    let branding = Branding::default();
    let view = DeskView {
        desk,
        guide: &guide,
        branding: &branding,
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|f| mfa_assist::ui::desk::draw(f, &view))
        .unwrap();
    text(&terminal)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_kiosk_call_held_by_the_provider_says_busy_still_trying() {
    let (mut d, load) = kiosk_states::signed_in_loading();
    assert!(d.flow.is_busy(Op::LoadMethods));
    let before = flat(&kiosk_screen(&d.flow));
    assert!(before.contains("Loading your sign-in methods"), "{before}");

    // A word about some other request changes nothing.
    d.send(
        10,
        EventKind::Held {
            req: mfa_assist::flow::ReqId(load.0 + 100),
            wait: Duration::from_secs(20),
        },
    );
    assert_eq!(flat(&kiosk_screen(&d.flow)), before);

    d.send(
        10,
        EventKind::Held {
            req: load,
            wait: Duration::from_secs(20),
        },
    );
    let held = flat(&kiosk_screen(&d.flow));
    assert!(
        held.contains("The service is busy; still trying (about 20 s). Nothing to do."),
        "{held}"
    );
    assert!(!held.contains("rror"), "no error on screen: {held}");
    // The count goes down with the clock.
    d.tick(5_000);
    let later = flat(&kiosk_screen(&d.flow));
    assert!(later.contains("(about 15 s)"), "{later}");

    // The answer arrives: the list, and the busy line is gone.
    d.answer(EventKind::MethodsLoaded {
        req: load,
        answer: Ok(kiosk_states::alex_methods()),
    });
    assert!(!d.flow.is_busy(Op::LoadMethods));
    let done = flat(&kiosk_screen(&d.flow));
    assert!(!done.contains("still trying"), "{done}");
}

#[test]
fn a_desk_call_held_by_the_provider_says_busy_still_trying() {
    let mut h = desk::Harness::new(desk::settings());
    h.type_text("kim");
    let req = desk::lookup_req(&h.key(Key::Enter));
    h.send(DeskEventKind::Held {
        req,
        wait: Duration::from_secs(9),
    });
    let screen = desk_screen(&h.desk);
    assert!(
        screen.contains("The directory is busy; still trying (about 9 s). Nothing to do."),
        "{screen}"
    );
    h.send(DeskEventKind::LookedUp {
        req,
        answer: Ok(desk::caller()),
    });
    assert!(!desk_screen(&h.desk).contains("still trying"));
}

/// The desk's watch, started on the Account screen with `w`.
fn watching() -> desk::Harness {
    let mut state = desk::old_state();
    state
        .methods
        .retain(|m| m.kind != MethodKind::AuthenticatorPush);
    let settings = mfa_assist::helpdesk::DeskSettings {
        watch_timeout_ms: 15 * 60_000,
        ..desk::settings()
    };
    let mut h = desk::Harness::verified(settings, state.clone());
    h.desk.case.as_mut().unwrap().state = Some(state);
    let effects = h.ch('w');
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, DeskEffect::Watch { .. })),
        "{effects:?}"
    );
    h
}

#[test]
fn the_desk_watch_says_its_pace_truthfully_after_two_minutes() {
    let mut h = watching();
    let every = h.desk.settings.watch_every_ms / 1000;
    let first = desk_screen(&h.desk);
    assert!(
        first.contains(&format!("Checking every {every} s for a new method")),
        "{first}"
    );
    // Still in the fast phase just before two minutes.
    h.advance(119_000);
    let fast = desk_screen(&h.desk);
    assert!(
        fast.contains(&format!("Checking every {every} s")),
        "{fast}"
    );
    // The schedule then polls every 15–30 s; the screen says so.
    h.advance(2_000);
    let slow = desk_screen(&h.desk);
    assert!(
        slow.contains("Checking every 15–30 s for a new method"),
        "{slow}"
    );
    assert!(!slow.contains(&format!("every {every} s ")), "{slow}");
}

#[test]
fn enter_on_the_scan_screen_hurries_the_registration_watch() {
    let mut d = kiosk_states::on_prepare(MethodKind::AuthenticatorPush, false);
    let r = kiosk_states::req(&d.key(Key::Enter));
    let mut enrollment = kiosk_states::enrollment(MethodKind::AuthenticatorPush);
    enrollment.confirm = Confirm::Appears;
    enrollment.registration = Some(Wait {
        poll_every: Duration::from_secs(5),
        timeout: Duration::from_secs(600),
    });
    let effects = d.answer(EventKind::EnrollmentReady {
        req: r,
        answer: Ok(enrollment),
    });
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::WatchRegistration { .. })),
        "the watch starts at the QR: {effects:?}"
    );
    assert_eq!(d.flow.screen, Screen::Scan { manual: false });
    // Later the person says they have scanned.
    d.tick(100_000);
    assert_eq!(d.key(Key::Enter), vec![Effect::HurryPolling]);
}
