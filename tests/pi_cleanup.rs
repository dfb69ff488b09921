//! The kiosk leaves no unfinished token on the privacyIDEA server (real
//! server; the TCP proxy of `tests/support/privacyidea/proxy.rs` plays the
//! server going away).
//!
//! `scripts/privacyidea/with-server.sh cargo test --test pi_cleanup`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

use mfa_assist::provider::{MethodKind, Provider};
use mfa_assist::secret::Secret;
use pi::proxy::CutProxy;
use std::path::Path;
use std::sync::Arc;

fn kiosk_at(url: &str, realm: &str) -> Arc<dyn Provider> {
    let text = format!(
        "[provider]\nkind = \"privacyidea\"\n\n[privacyidea]\nbase_url = \"{url}\"\nrealm = \"{realm}\"\n\n\
         [kiosk]\nenabled = true\n"
    );
    let config = mfa_assist::config::parse(&text, Path::new("test.toml")).unwrap();
    mfa_assist::setup::provider(&config, None).unwrap()
}

fn unfinished(tokens: &[serde_json::Value]) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| t["rollout_state"] != "enrolled" && t["tokentype"] != "registration")
        .map(|t| format!("{} {}", t["serial"], t["rollout_state"]))
        .collect()
}

/// Test: the server was down when the person backed out of the QR, so the
/// DELETE failed and the TOTP stayed in `verify`. Sign-out tries again and
/// removes it.
#[tokio::test]
async fn a_clean_up_that_failed_while_the_server_was_down_is_retried_at_sign_out() {
    let server = pi::PiServer::from_env();
    let proxy = CutProxy::start(&server.url).await;
    let user = server.create_user("cleanup").await;
    let code = server.issue_registration(&user, None).await;
    let kiosk = kiosk_at(&proxy.url(), &server.realm);
    let session = kiosk.sign_in(&user, &Secret::new(code)).await.unwrap();
    let enrollment = kiosk
        .begin_enrollment(&session, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    assert_eq!(unfinished(&server.tokens(&user).await).len(), 1);

    proxy.cut().await;
    assert!(
        kiosk
            .cancel_enrollment(&session, &enrollment.id)
            .await
            .is_err(),
        "the server is away: the clean-up cannot have worked"
    );
    proxy.restore().await;
    assert_eq!(
        unfinished(&server.tokens(&user).await).len(),
        1,
        "still in verify"
    );

    kiosk.sign_out(&session).await.unwrap();
    let left = unfinished(&server.tokens(&user).await);
    assert!(left.is_empty(), "left on the server: {left:?}");
}

/// Test: a `token/init` that timed out was carried out by the server after
/// all (an orphan: our description, in `verify`, unknown to this kiosk).
/// The next enrollment removes it, so Done never lists it as "still
/// registered too"; and sign-out removes any that arrives later.
#[tokio::test]
async fn a_token_made_after_our_timeout_is_reconciled_away() {
    let server = pi::PiServer::from_env();
    let user = server.create_user("orphan").await;
    let code = server.issue_registration(&user, None).await;
    let kiosk = kiosk_at(&server.url, &server.realm);
    let session = kiosk.sign_in(&user, &Secret::new(code)).await.unwrap();

    // What the late answer left: made by a kiosk that had given up on it.
    let gave_up = kiosk_at(&server.url, &server.realm);
    let orphan = gave_up
        .begin_enrollment(&session, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    drop(gave_up);

    let retry = kiosk
        .begin_enrollment(&session, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    let tokens = server.tokens(&user).await;
    let serials: Vec<&str> = tokens.iter().filter_map(|t| t["serial"].as_str()).collect();
    assert!(
        !serials.contains(&orphan.id.as_str()),
        "orphan still there: {serials:?}"
    );
    assert!(serials.contains(&retry.id.as_str()), "{serials:?}");

    // Another late one, after the retry: sign-out finds it.
    let late = kiosk_at(&server.url, &server.realm);
    let _ = late
        .begin_enrollment(&session, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    kiosk.sign_out(&session).await.unwrap();
    let left = unfinished(&server.tokens(&user).await);
    assert!(left.is_empty(), "left on the server: {left:?}");
}

/// Test: a finished token is never swept, and nor is someone else's
/// unfinished token (another description: the helpdesk's, another tool's).
#[tokio::test]
async fn finished_and_foreign_tokens_are_left_alone() {
    let server = pi::PiServer::from_env();
    let user = server.create_user("keep").await;
    let (mine, _) = server.enroll_totp_for(&user, "my phone").await;
    let code = server.issue_registration(&user, None).await;
    let kiosk = kiosk_at(&server.url, &server.realm);
    let session = kiosk.sign_in(&user, &Secret::new(code)).await.unwrap();
    kiosk.sign_out(&session).await.unwrap();
    assert!(server.token(&mine).await.is_some());
}
