//! The clock-drift diagnosis against an independent generator: oathtool
//! makes the code a phone with a wrong clock would show.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::clock_drift::{WINDOW_STEPS, drift_seconds, drift_steps};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use totp_rs::Totp;

const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// A time in the middle of a 30 s step, so ±n steps are unambiguous.
const NOW: u64 = 1_700_000_015;

fn totp() -> Totp {
    let url = format!("otpauth://totp/Training:alex?secret={SECRET}&issuer=Training");
    Totp::from_url_unchecked(url).unwrap()
}

/// What oathtool shows at `unix` seconds.
fn oathtool(unix: u64) -> String {
    let out = Command::new("oathtool")
        .args(["--totp", "-b", "-N", &format!("@{unix}"), SECRET])
        .output()
        .expect("oathtool is installed (see the brief)");
    assert!(out.status.success(), "oathtool failed: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

fn phone_off_by(steps: i64) -> String {
    oathtool(NOW.checked_add_signed(steps * 30).unwrap())
}

#[test]
fn oathtool_agrees_with_the_app_on_the_current_code() {
    // Otherwise every other test here would prove nothing.
    assert_eq!(totp().generate(NOW).to_string(), oathtool(NOW));
}

#[test]
fn a_phone_ahead_or_behind_is_found_at_the_right_step() {
    for steps in [1, -1, 4, -4, 20, -20] {
        let code = phone_off_by(steps);
        assert_eq!(
            drift_steps(&totp(), &code, at(NOW)),
            Some(steps),
            "phone off by {steps} steps"
        );
        assert_eq!(drift_seconds(&totp(), &code, at(NOW)), Some(steps * 30));
    }
}

#[test]
fn beyond_the_window_no_drift_is_claimed() {
    for steps in [WINDOW_STEPS + 1, -(WINDOW_STEPS + 1), 60, -60] {
        let code = phone_off_by(steps);
        // Make sure the code does not coincide with one inside the window.
        let inside = (-WINDOW_STEPS..=WINDOW_STEPS).any(|d| phone_off_by(d) == code);
        if inside {
            continue;
        }
        assert_eq!(drift_steps(&totp(), &code, at(NOW)), None, "off by {steps}");
    }
}

#[test]
fn the_current_code_is_no_drift_and_garbage_is_nothing() {
    assert_eq!(drift_steps(&totp(), &oathtool(NOW), at(NOW)), None);
    for code in ["", "12345", "1234567", "abcdef", "12 456"] {
        assert_eq!(drift_steps(&totp(), code, at(NOW)), None, "{code:?}");
    }
}
