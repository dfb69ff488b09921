//! The kiosk as built from the config (`setup::provider`: the attempt limit
//! and the sanitiser around the provider) against the real privacyIDEA
//! server: wrong passes cannot lock a person's working Authenticator, an
//! unknown username reads like a wrong pass, and hostile text from the
//! server never reaches the app.
//!
//! `scripts/privacyidea/with-server.sh cargo test --test pi_kiosk_guard`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

use mfa_assist::provider::attempts::MAX_REJECTED;
use mfa_assist::provider::{Provider, ProviderError};
use mfa_assist::secret::Secret;
use std::path::Path;
use std::sync::Arc;

fn kiosk(server: &pi::PiServer) -> Arc<dyn Provider> {
    let text = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{}\"\nrealm = \"{}\"\n\n\
         [kiosk]\nenabled = true\n",
        server.url, server.realm
    );
    let config = mfa_assist::config::parse(&text, Path::new("test.toml")).unwrap();
    mfa_assist::setup::provider(&config, None).unwrap()
}

fn failcount(token: &serde_json::Value) -> (i64, i64) {
    (
        token["failcount"].as_i64().unwrap(),
        token["maxfail"].as_i64().unwrap(),
    )
}

/// Test: twelve wrong passes (six-digit guesses) for one username at one kiosk. Only the first
/// five reach the server; the person's working TOTP ends with a fail
/// counter of 5, below privacyIDEA's max_fail of 10, and their pass still
/// works afterwards at the server.
#[tokio::test]
async fn wrong_passes_cannot_lock_the_persons_working_authenticator() {
    let server = pi::PiServer::from_env();
    let user = server.create_user("guard").await;
    let (totp, _) = server.enroll_totp_for(&user, "my phone").await;
    let _code = server.issue_registration(&user, None).await;
    let kiosk = kiosk(&server);

    let mut answers = Vec::new();
    for i in 0..12 {
        // Six digits: a PIN-less TOTP takes it for a code, so each one
        // counts against the working Authenticator on the server.
        let wrong = Secret::new(format!("{:06}", 314_150 + i));
        answers.push(kiosk.sign_in(&user, &wrong).await.err());
    }
    let reached = answers
        .iter()
        .filter(|a| **a == Some(ProviderError::PassRejected))
        .count();
    assert_eq!(reached, 5, "{answers:?}");
    assert_eq!(MAX_REJECTED, 5);
    assert!(
        answers[5..]
            .iter()
            .all(|a| *a == Some(ProviderError::TooManyTries)),
        "{answers:?}"
    );
    let token = server.token(&totp).await.unwrap();
    let (count, max) = failcount(&token);
    assert_eq!(count, 5, "{token}");
    assert!(count < max, "fail counter {count} of {max}: {token}");
    // The username is matched however it is typed.
    let loud = kiosk
        .sign_in(&format!("  {}  ", user.to_uppercase()), &Secret::new("x"))
        .await;
    assert_eq!(loud.err(), Some(ProviderError::TooManyTries));
}

/// Test: an unknown username gets the same answer as a wrong pass, so the
/// kiosk cannot be used to find out who has an account.
#[tokio::test]
async fn an_unknown_username_reads_like_a_wrong_pass() {
    let server = pi::PiServer::from_env();
    let user = server.create_user("known").await;
    let _code = server.issue_registration(&user, None).await;
    let kiosk = kiosk(&server);
    let wrong = kiosk
        .sign_in(&user, &Secret::new("NOTTHECODE12"))
        .await
        .err();
    let unknown = kiosk
        .sign_in("nobody-by-this-name", &Secret::new("NOTTHECODE12"))
        .await
        .err();
    assert_eq!(wrong, Some(ProviderError::PassRejected));
    assert_eq!(unknown, wrong);
}

/// Test: a token description with U+202E and an ESC, set on the server,
/// reaches the method list with both replaced by U+FFFD.
#[tokio::test]
async fn hostile_token_descriptions_are_sanitised() {
    let server = pi::PiServer::from_env();
    let user = server.create_user("bidi").await;
    let hostile = "phone \u{202E}lmth.exe\u{1b}[2J";
    let _ = server.enroll_totp_for(&user, hostile).await;
    let code = server.issue_registration(&user, None).await;
    let kiosk = kiosk(&server);
    let session = kiosk.sign_in(&user, &Secret::new(code)).await.unwrap();
    let methods = kiosk.list_methods(&session).await.unwrap();
    let labels: Vec<&str> = methods.iter().map(|m| m.label.as_str()).collect();
    assert!(
        labels
            .iter()
            .any(|l| l.contains("phone \u{FFFD}lmth.exe\u{FFFD}[2J")),
        "{labels:?}"
    );
    for l in &labels {
        assert!(!l.contains('\u{202E}') && !l.contains('\u{1b}'), "{l:?}");
    }
}
