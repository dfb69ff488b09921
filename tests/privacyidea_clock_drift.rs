//! Clock-drift diagnosis on privacyIDEA: the real server judges the code
//! (and says no); the provider, which holds the new token's key while it is
//! pending, recognises the code of a phone whose clock is off. The phone is
//! oathtool, an independent generator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

use mfa_assist::provider::privacyidea::{PiSettings, PrivacyIdea};
use mfa_assist::provider::{MethodKind, Provider};
use mfa_assist::secret::Secret;
use pi::PiServer;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn oathtool_off_by(secret: &str, steps: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = now.checked_add_signed(steps * 30).unwrap();
    let out = Command::new("oathtool")
        .args(["--totp", "-b", "-N", &format!("@{at}"), secret])
        .output()
        .expect("oathtool is installed");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Seconds the provider says the phone is off after a wrong code from a
/// phone `steps` steps off; the server must have refused the code.
async fn diagnosed(steps: i64) -> Option<i64> {
    let server = PiServer::from_env();
    let p = PrivacyIdea::new(PiSettings {
        base_url: server.url.clone(),
        realm: server.realm.clone(),
        ..PiSettings::default()
    })
    .unwrap();
    let user = server.create_user("drift").await;
    let code = Secret::new(server.issue_registration(&user, None).await);
    let session = p.sign_in(&user, &code).await.unwrap();
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    let typed = oathtool_off_by(e.manual_key.expose(), steps);
    assert!(
        !p.check_code(&session, &e.id, &typed).await.unwrap(),
        "privacyIDEA accepted a code {steps} steps off: pick a larger offset"
    );
    let drift = p.clock_drift(&session, &e.id, &typed);
    p.cancel_enrollment(&session, &e.id).await.unwrap();
    drift
}

/// A step boundary may pass between making the code and checking it.
fn about(seconds: Option<i64>, expected: i64) -> bool {
    seconds.is_some_and(|s| s == expected || s == expected - 30)
}

#[tokio::test]
async fn a_phone_five_minutes_fast_is_recognised() {
    // privacyIDEA itself accepts ±180 s, so drift shows beyond that.
    let seconds = diagnosed(10).await;
    assert!(about(seconds, 300), "{seconds:?}");
}

#[tokio::test]
async fn a_phone_ten_minutes_slow_is_recognised() {
    // 19 steps, not 20: a step boundary passing between making the code and
    // checking it puts a slow phone one step further behind, and 21 steps is
    // outside the window the diagnosis searches (`WINDOW_STEPS`), which made
    // this test fail now and then.
    let seconds = diagnosed(-19).await;
    assert!(
        seconds.is_some_and(|s| s == -570 || s == -600),
        "{seconds:?}"
    );
}

#[tokio::test]
async fn a_phone_far_off_is_only_a_wrong_code() {
    assert_eq!(diagnosed(40).await, None);
}
