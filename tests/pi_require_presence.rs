//! Issue 16 item 1 against the real privacyIDEA server: with the
//! `push_require_presence` policy (privacyIDEA 3.10+) the phone app shows a
//! few buttons and the person taps the one the sign-in screen shows. The
//! provider returns that character from `request_approval` (it comes back as
//! `presence_answer` in the `/validate/check` challenge); the phone emulator
//! taps it, and the approval goes through. A wrong button does not.
//!
//! `scripts/privacyidea/with-server.sh cargo test --test pi_require_presence`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

use mfa_assist::provider::privacyidea::{PiSettings, PrivacyIdea};
use mfa_assist::provider::{Approval, MethodKind, Provider, Session};
use mfa_assist::secret::Secret;
use pi::PiServer;
use pi::phone::Phone;
use std::time::Duration;

fn provider(server: &PiServer) -> PrivacyIdea {
    PrivacyIdea::new(PiSettings {
        base_url: server.url.clone(),
        realm: server.realm.clone(),
        ..PiSettings::default()
    })
    .expect("provider")
}

/// A new user, signed in, with presence required for them alone (parallel
/// tests share the server). Returns the user, the session and the policy.
async fn signed_in_with_presence(server: &PiServer, p: &PrivacyIdea) -> (Session, String) {
    let user = server.create_user("presence").await;
    let code = server.issue_registration(&user, None).await;
    let session = p.sign_in(&user, &Secret::new(code)).await.expect("sign in");
    let policy = format!("presence_{user}");
    server
        .set_policy(
            &policy,
            serde_json::json!({
                "scope": "authentication", "action": "push_require_presence",
                "realm": server.realm, "user": user, "active": true,
            }),
        )
        .await;
    (session, policy)
}

async fn registered_push(p: &PrivacyIdea, session: &Session) -> (String, Phone) {
    let e = p
        .begin_enrollment(session, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    let phone = Phone::register(e.qr_payload.expose()).await.unwrap();
    assert!(p.poll_registration(session, &e.id).await.unwrap());
    (e.id, phone)
}

#[tokio::test]
async fn the_character_to_tap_is_shown_and_tapping_it_approves() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (session, policy) = signed_in_with_presence(&server, &p).await;
    let (id, phone) = registered_push(&p, &session).await;

    let shown = p.request_approval(&session, &id).await.unwrap();
    let shown = shown.expect("require presence: a character for the sign-in screen");
    let challenge = phone.next_challenge(Duration::from_secs(20)).await;
    assert!(
        challenge.presence_options.len() >= 2,
        "the app shows several buttons: {:?}",
        challenge.presence_options
    );
    assert!(challenge.presence_options.contains(&shown));
    phone
        .approve_with_presence(&challenge, &shown)
        .await
        .unwrap();
    let answer = p.poll_approval(&session, &id).await.unwrap();
    server.delete_policy(&policy).await;
    assert_eq!(answer, Approval::Approved);
}

#[tokio::test]
async fn a_wrong_button_does_not_approve() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (session, policy) = signed_in_with_presence(&server, &p).await;
    let (id, phone) = registered_push(&p, &session).await;

    let shown = p.request_approval(&session, &id).await.unwrap().unwrap();
    let challenge = phone.next_challenge(Duration::from_secs(20)).await;
    let wrong = challenge
        .presence_options
        .iter()
        .find(|o| **o != shown)
        .expect("another button")
        .clone();
    let refused = phone.approve_with_presence(&challenge, &wrong).await;
    let answer = p.poll_approval(&session, &id).await.unwrap();
    server.delete_policy(&policy).await;
    assert!(refused.is_err(), "the server took the wrong button");
    assert_eq!(answer, Approval::Pending);
}

#[tokio::test]
async fn without_the_policy_nothing_is_shown() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let user = server.create_user("nopresence").await;
    let code = server.issue_registration(&user, None).await;
    let session = p.sign_in(&user, &Secret::new(code)).await.unwrap();
    let (id, phone) = registered_push(&p, &session).await;
    assert_eq!(p.request_approval(&session, &id).await.unwrap(), None);
    phone.approve_next(Duration::from_secs(20)).await;
    assert_eq!(
        p.poll_approval(&session, &id).await.unwrap(),
        Approval::Approved
    );
}
