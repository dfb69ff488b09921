//! Screen-reader mode says a countdown when it appears, and then again at
//! the moments a listener needs it: as each whole minute is reached, and at
//! 30 s and 10 s before the end. Not every second: the screen reader would
//! talk over everything else. Checked on the text the plain surface writes
//! while the clock runs, a second at a time, for the idle sign-out, the
//! sign-out after Done, the wait for a notification, the wait for the phone
//! to register, and the phone sign-in code's expiry.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "support/kiosk_every_screen.rs"]
mod kiosk_every_screen;
#[path = "support/kiosk_states.rs"]
mod kiosk_states;

use kiosk_every_screen::{on_device_code, on_scan_registering};
use kiosk_states::*;
use mfa_assist::driver::plain::Differ;
use mfa_assist::flow::Flow;
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::ui::qr::QrStyle;
use mfa_assist::ui::{View, plain};

fn page(flow: &Flow) -> mfa_assist::driver::Page {
    let guide = Guide::built_in();
    let branding = branding();
    let view = View {
        flow,
        guide: &guide,
        branding: &branding,
        qr: None,
        qr_style: QrStyle::HalfBlock,
        qr_invert: false,
    };
    plain::page(&view)
}

/// Shows the screen, then lets the clock run `secs` seconds, a second at a
/// time (as the driver draws them), showing each; returns every line
/// written with a `containing` substring, in order.
fn said_while_running(d: &mut Drive, secs: u64, containing: &str) -> Vec<String> {
    said_in_steps(d, secs, 1, containing)
}

/// The same, `step` seconds at a time: for the long waits, whose marks
/// all fall on multiples of the step.
fn said_in_steps(d: &mut Drive, secs: u64, step: u64, containing: &str) -> Vec<String> {
    let mut differ = Differ::new();
    let mut written = differ.update(&page(&d.flow));
    for _ in 0..secs / step {
        d.tick(step * 1_000);
        written.push_str(&differ.update(&page(&d.flow)));
    }
    written
        .split("\r\n")
        .filter(|l| l.contains(containing))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_idle_sign_out_is_said_when_asked_and_again_at_ten_seconds() {
    let mut d = methods_old_app_selected();
    // 180 s of idle time; "Still there?" comes 30 s before the end.
    d.tick(149_000);
    let said = said_while_running(&mut d, 40, "Signing out in");
    assert_eq!(
        said,
        [
            "Signing out in 30 s, and the screen is wiped.",
            "Signing out in 10 s, and the screen is wiped."
        ],
        "{said:#?}"
    );
}

#[test]
fn the_sign_out_after_done_is_said_again_at_ten_seconds() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('f'));
    let said = said_while_running(&mut d, 31, "we sign you out");
    let secs: Vec<&str> = said
        .iter()
        .map(|l| l.rsplit(" in ").next().unwrap())
        .collect();
    assert_eq!(secs, ["30 s.", "10 s."], "{said:#?}");
}

#[test]
fn the_wait_for_a_notification_is_said_at_thirty_and_ten_seconds() {
    let (mut d, _) = on_approval();
    let said = said_while_running(&mut d, 60, "we stop waiting in");
    let left: Vec<&str> = said
        .iter()
        .map(|l| l.rsplit(" in ").next().unwrap())
        .collect();
    // Shown with 48 s left (12 s in); then 0:30 and 0:10.
    assert_eq!(left, ["0:48.", "0:30.", "0:10."], "{said:#?}");
}

#[test]
fn the_wait_for_the_phone_is_said_each_minute_then_at_thirty_and_ten() {
    let mut d = on_scan_registering();
    // Nobody at the keys for five minutes: no idle sign-out in this test.
    d.flow.settings.idle_timeout_ms = 0;
    let said = said_in_steps(&mut d, 300, 5, "We stop waiting in");
    let left: Vec<&str> = said
        .iter()
        .map(|l| l.rsplit(" in ").next().unwrap())
        .collect();
    assert_eq!(
        left,
        [
            "5:00.", "4:00.", "3:00.", "2:00.", "1:00.", "0:30.", "0:10."
        ],
        "{said:#?}"
    );
}

#[test]
fn the_phone_sign_in_code_is_said_each_minute_of_its_fifteen() {
    let (mut d, _, _) = on_device_code();
    let said = said_in_steps(&mut d, 900, 5, "The code works for");
    assert_eq!(said.len(), 15 + 2, "{said:#?}");
    assert!(
        said[0].contains("15:00") || said[0].contains("14:59"),
        "{said:#?}"
    );
    assert!(said[1].contains("14:00"), "{said:#?}");
    assert!(said[15].contains("0:30"), "{said:#?}");
    assert!(said[16].contains("0:10"), "{said:#?}");
}
