#![allow(clippy::unwrap_used, clippy::expect_used)]

//! The driver without a terminal: the real `App` loop with the real training
//! tenant, keys sent through a channel, the screen read from a TestBackend.
//! Covers what flow tests cannot: effects actually run, answers come back
//! through tasks, stale answers are dropped, timers fire.

#[path = "support/headless.rs"]
mod headless;
#[path = "support/kiosk_headless.rs"]
mod kiosk_headless;

use crossterm::event::KeyCode;
use headless::Harness;
use kiosk_headless::{approve_with_shown_number, sign_in, start_with};
use mfa_assist::provider::training::TrainingTenant;
use std::time::Duration;

fn start(delay_ms: u64) -> Harness {
    start_with(
        TrainingTenant::default_scenario().with_delay(Duration::from_millis(delay_ms)),
        0,
        (100, 40),
    )
}

#[tokio::test]
async fn wrong_pass_then_right_pass_shows_the_methods_table() {
    let h = start(0);
    h.wait_for("Recover your sign-in").await;
    sign_in(&h, "alex", "Tap-Alex-0000").await;
    h.wait_for("2 attempts left").await;
    h.text("Tap-Alex-4821");
    h.key(KeyCode::Enter);
    let screen = h.wait_for("Signed in as Alex Lindqvist").await;
    h.wait_for("Mobile +1 555-0142").await;
    assert!(
        !screen.contains("Tap-Alex-4821"),
        "the pass must not stay on screen"
    );
    h.finish().await.unwrap();
}

#[tokio::test]
async fn a_sign_in_abandoned_with_esc_does_not_come_back() {
    let h = start(300);
    sign_in(&h, "alex", "Tap-Alex-4821").await;
    h.wait_for("Checking your pass").await;
    h.key(KeyCode::Esc);
    h.wait_for("Recover your sign-in").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let screen = h.screen.screen();
    assert!(screen.contains("Recover your sign-in"), "{screen}");
    assert!(!screen.contains("Signed in as"), "{screen}");
    h.finish().await.unwrap();
}

#[tokio::test]
async fn simulated_phone_approves_the_new_authenticator() {
    let h = start(0);
    sign_in(&h, "alex", "Tap-Alex-4821").await;
    h.wait_for("iPhone 11").await;
    h.key(KeyCode::Char('a'));
    h.wait_for("Which method").await;
    h.key(KeyCode::Enter); // notification
    h.wait_for("What kind of phone").await;
    h.key(KeyCode::Enter);
    h.wait_for("Get the app ready").await;
    h.key(KeyCode::Enter);
    h.wait_for("Scan this QR code").await;
    h.key(KeyCode::Enter);
    h.wait_for("TRAINING PHONE").await;
    // Number matching: a bare `a` is not enough, the number shown is.
    h.key(KeyCode::Char('a'));
    h.wait_for("Type the number shown on the screen into the training phone")
        .await;
    approve_with_shown_number(&h).await;
    let done = h.wait_for("All done").await;
    assert!(done.contains("Authenticator app (notifications)"), "{done}");
    h.finish().await.unwrap();
}

#[tokio::test]
async fn an_unanswered_notification_times_out_and_can_be_sent_again() {
    let scenario = mfa_assist::provider::scenario::DEFAULT_SCENARIO
        .replace("approval_timeout_secs = 60", "approval_timeout_secs = 0.4")
        .replace("poll_every_ms = 2000", "poll_every_ms = 100");
    let tenant = TrainingTenant::from_toml(&scenario)
        .unwrap()
        .with_delay(Duration::ZERO);
    let h = start_with(tenant, 0, (100, 40));
    sign_in(&h, "alex", "Tap-Alex-4821").await;
    h.wait_for("Signed in as").await;
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
    h.wait_for("No answer arrived in time").await;
    h.key(KeyCode::Char('r'));
    h.wait_for("TRAINING PHONE").await;
    approve_with_shown_number(&h).await;
    h.wait_for("All done").await;
    h.finish().await.unwrap();
}

#[tokio::test]
async fn idle_session_is_signed_out_and_wiped() {
    let h = start_with(
        TrainingTenant::default_scenario().with_delay(Duration::ZERO),
        400,
        (100, 40),
    );
    sign_in(&h, "alex", "Tap-Alex-4821").await;
    h.wait_for("Signed in as").await;
    let screen = h.wait_for("signed out because nothing happened").await;
    assert!(!screen.contains("alex@"), "{screen}");
    h.finish().await.unwrap();
}

#[tokio::test]
async fn huge_paste_is_refused_and_nothing_is_lost() {
    let h = start(0);
    h.key(KeyCode::Enter);
    h.wait_for("Username").await;
    h.text("alex");
    h.key(KeyCode::Tab);
    h.text("Tap");
    h.paste(&"x".repeat(100_000));
    h.wait_for("far too long").await;
    h.paste("-Alex-4821\n");
    h.key(KeyCode::Enter);
    h.wait_for("Signed in as").await;
    h.finish().await.unwrap();
}

#[tokio::test]
async fn unreachable_provider_says_so() {
    let scenario = mfa_assist::provider::scenario::DEFAULT_SCENARIO.replace(
        "max_attempts = 3",
        "max_attempts = 3\nunreachable_every = 2",
    );
    let tenant = TrainingTenant::from_toml(&scenario)
        .unwrap()
        .with_delay(Duration::ZERO);
    let h = start_with(tenant, 0, (100, 40));
    sign_in(&h, "alex", "Tap-Alex-4821").await;
    h.wait_for("can't reach the sign-in service").await;
    h.finish().await.unwrap();
}

#[tokio::test]
async fn tiny_terminal_gets_a_message_not_a_panic() {
    let h = start_with(TrainingTenant::default_scenario(), 0, (30, 8));
    h.wait_for("too small").await;
    h.finish().await.unwrap();
}

#[tokio::test]
async fn ctrl_c_quits_when_not_a_kiosk() {
    let h = start(0);
    h.wait_for("Recover your sign-in").await;
    h.ctrl('c');
    tokio::time::timeout(Duration::from_secs(5), h.done)
        .await
        .expect("app should stop on Ctrl-C")
        .unwrap()
        .unwrap();
}
