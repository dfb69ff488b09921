#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

//! Clock-drift diagnosis end to end: the real driver and training tenant, a
//! phone simulated by oathtool (an independent TOTP generator) whose clock
//! is off. A wrong code from such a phone names the clock, in plain words.

#[path = "support/headless.rs"]
mod headless;
#[path = "support/kiosk_headless.rs"]
mod kiosk_headless;

use crossterm::event::KeyCode;
use headless::Harness;
use kiosk_headless::{sign_in, start_with};
use mfa_assist::provider::training::TrainingTenant;
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

/// Mid-step, so "n steps off" is exact.
const NOW: u64 = 1_700_000_015;

fn oathtool(secret: &str, unix: u64) -> String {
    let out = Command::new("oathtool")
        .args(["--totp", "-b", "-N", &format!("@{unix}"), secret])
        .output()
        .expect("oathtool is installed");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Add a code app up to the manual key, read the key off the screen (as
/// the person would), then go on to the code field.
async fn key_of_new_code_app(h: &Harness) -> String {
    sign_in(h, "alex", "Tap-Alex-4821").await;
    h.wait_for("iPhone 11").await;
    h.key(KeyCode::Char('a'));
    h.wait_for("Which method").await;
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    h.wait_for("What kind of phone").await;
    h.key(KeyCode::Enter);
    h.wait_for("Get the app ready").await;
    h.key(KeyCode::Enter);
    h.wait_for("Scan this QR code").await;
    h.key(KeyCode::Char('c'));
    let screen = h.wait_for("Key ").await;
    let line = screen
        .lines()
        .find(|l| l.trim_start().starts_with("Key "))
        .unwrap_or_else(|| panic!("no key line:\n{screen}"));
    let key: String = line
        .trim_start()
        .trim_start_matches("Key")
        .split_whitespace()
        .take_while(|g| g.len() <= 4 && g.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    assert!(key.len() >= 16, "key {key:?} from {line:?}");
    h.key(KeyCode::Enter);
    h.wait_for("code").await;
    key
}

async fn type_code_from_phone_off_by(steps: i64, wait_for: &str) -> String {
    let tenant = TrainingTenant::default_scenario()
        .with_delay(Duration::ZERO)
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
    let h = start_with(tenant, 0, (100, 40));
    let key = key_of_new_code_app(&h).await;
    let code = oathtool(&key, NOW.checked_add_signed(steps * 30).unwrap());
    h.text(&code);
    h.key(KeyCode::Enter);
    let screen = h.wait_for(wait_for).await;
    let _ = h.finish().await;
    screen
}

#[tokio::test]
async fn a_phone_two_minutes_fast_is_told_so() {
    let screen = type_code_from_phone_off_by(4, "clock").await;
    assert!(screen.contains("about 2 minutes fast"), "{screen}");
    assert!(screen.contains("automatic date"), "{screen}");
}

#[tokio::test]
async fn a_phone_ten_minutes_slow_is_told_so() {
    let screen = type_code_from_phone_off_by(-20, "clock").await;
    assert!(screen.contains("about 10 minutes slow"), "{screen}");
}

#[tokio::test]
async fn one_step_off_is_still_accepted_not_diagnosed() {
    // The training tenant allows one step either way, like most servers.
    for steps in [1, -1] {
        let screen = type_code_from_phone_off_by(steps, "All done").await;
        assert!(!screen.contains("clock is about"), "{screen}");
    }
}

#[tokio::test]
async fn far_outside_the_window_is_just_a_wrong_code() {
    let screen = type_code_from_phone_off_by(25, "didn't match").await;
    assert!(!screen.contains("clock is about"), "{screen}");
}
