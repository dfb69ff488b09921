#![allow(clippy::unwrap_used, clippy::expect_used)]

//! What the driver promises whatever the mode, on the kiosk: every way a
//! session ends wipes the screen and its scrollback (recorded by the
//! harness's terminal, so a missing wipe fails here even though a real
//! terminal's alternate screen would hide it), and a burst of input costs
//! one frame, not one per key.

#[path = "support/headless.rs"]
mod headless;

use crossterm::event::KeyCode;
use headless::{Harness, Recorder};
use mfa_assist::app::{App, Look};
use mfa_assist::flow::{Flow, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::provider::Provider;
use mfa_assist::provider::training::TrainingTenant;
use std::sync::Arc;
use std::time::Duration;

fn kiosk() -> Harness {
    let provider: Arc<dyn Provider> =
        Arc::new(TrainingTenant::default_scenario().with_delay(Duration::ZERO));
    let flow = Flow::new(Settings {
        languages: vec!["en".into()],
        kiosk: true,
        idle_timeout_ms: 0,
        done_countdown_ms: 2_000,
        capabilities: provider.capabilities(),
    });
    let app = App::new(flow, provider, Guide::built_in(), Look::default());
    headless::start(app, (100, 40), Recorder::default())
}

async fn half_signed_in(h: &Harness) {
    h.wait_for("Recover your sign-in").await;
    h.key(KeyCode::Enter);
    h.wait_for("Username").await;
    h.text("alex");
    h.wait_for("alex").await;
}

#[tokio::test]
async fn signing_out_wipes_the_scrollback() {
    let h = kiosk();
    h.wait_for("Recover your sign-in").await;
    h.key(KeyCode::Enter);
    h.wait_for("Username").await;
    h.text("alex");
    h.key(KeyCode::Enter);
    h.text("Tap-Alex-4821");
    h.key(KeyCode::Enter);
    h.wait_for("iPhone 11").await;
    assert_eq!(h.term().scrollback_wipes, 0, "nothing wiped yet");
    h.text("f");
    h.wait_for("Recover your sign-in").await;
    assert_eq!(h.term().scrollback_wipes, 1, "{:?}", h.term());
    h.finish().await.unwrap();
}

#[tokio::test]
async fn ended_from_outside_the_session_is_wiped() {
    let h = kiosk();
    half_signed_in(&h).await;
    let term = Arc::clone(&h.term);
    h.finish().await.unwrap();
    assert_eq!(term.lock().unwrap().scrollback_wipes, 1);
}

#[tokio::test]
async fn the_input_ending_ends_the_session_with_the_wipe() {
    let h = kiosk();
    half_signed_in(&h).await;
    h.keys.close_channel();
    let term = Arc::clone(&h.term);
    let screen = h.screen.clone();
    h.ended().await.unwrap();
    assert_eq!(term.lock().unwrap().scrollback_wipes, 1);
    let last = screen.screen();
    assert!(
        last.contains("Recover your sign-in") && !last.contains("Username"),
        "the last frame is the empty Welcome:\n{last}"
    );
}

/// 3000 keys already waiting are taken before the next frame: far fewer
/// frames than keys, and the screen shows the last of them.
#[tokio::test]
async fn a_burst_of_keys_costs_a_frame_not_a_frame_per_key() {
    let h = kiosk();
    h.wait_for("Recover your sign-in").await;
    h.key(KeyCode::Enter);
    h.wait_for("Username").await;
    let before = h.screen.writes();
    for _ in 0..3000 {
        h.key(KeyCode::Char('x'));
        h.key(KeyCode::Backspace);
    }
    h.text("robin");
    h.wait_for("robin").await;
    let frames = h.screen.writes() - before;
    assert!(frames < 100, "{frames} frames for 6005 keys");
    h.finish().await.unwrap();
}

/// Waiting for the phone takes minutes: the screen is rewritten about once
/// a second (the spinner and the time left), not ten times a second.
#[tokio::test]
async fn waiting_for_the_phone_redraws_about_once_a_second() {
    let h = kiosk();
    h.wait_for("Recover your sign-in").await;
    h.key(KeyCode::Enter);
    h.wait_for("Username").await;
    h.text("alex");
    h.key(KeyCode::Enter);
    h.text("Tap-Alex-4821");
    h.key(KeyCode::Enter);
    h.wait_for("iPhone 11").await;
    for key in [
        KeyCode::Char('a'),
        KeyCode::Enter,
        KeyCode::Enter,
        KeyCode::Enter,
    ] {
        h.key(key);
    }
    h.wait_for("Scan this QR code").await;
    h.key(KeyCode::Enter);
    h.wait_for("TRAINING PHONE").await;
    // Let the notification be sent and the wait begin.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = h.screen.writes();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let writes = h.screen.writes() - before;
    assert!(
        (1..=5).contains(&writes),
        "{writes} screen writes in 3 s of waiting for the phone"
    );
    h.finish().await.unwrap();
}
