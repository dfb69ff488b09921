//! The privacyIDEA provider against a real privacyIDEA 3.14 server (started
//! by `scripts/privacyidea/with-server.sh`, which `./scripts/test.sh` uses).
//! Every test makes its own user, so they run in parallel on one server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

use mfa_assist::provider::privacyidea::{PiSettings, PrivacyIdea};
use mfa_assist::provider::{
    Approval, Confirm, MethodKind, Provider, ProviderError, PushApp, Session,
};
use mfa_assist::secret::Secret;
use pi::PiServer;
use pi::phone::Phone;
use pi::proxy::CutProxy;
use std::time::{Duration, SystemTime};

fn provider_at(url: &str, realm: &str) -> PrivacyIdea {
    PrivacyIdea::new(PiSettings {
        base_url: url.into(),
        realm: realm.into(),
        ..PiSettings::default()
    })
    .expect("provider")
}

fn provider(server: &PiServer) -> PrivacyIdea {
    provider_at(&server.url, &server.realm)
}

/// A new user holding a fresh registration code.
async fn user_with_code(server: &PiServer, prefix: &str) -> (String, Secret) {
    let user = server.create_user(prefix).await;
    let code = server.issue_registration(&user, None).await;
    (user, Secret::new(code))
}

async fn signed_in(server: &PiServer, p: &PrivacyIdea, prefix: &str) -> (String, Session) {
    let (user, code) = user_with_code(server, prefix).await;
    let session = p.sign_in(&user, &code).await.expect("sign in");
    (user, session)
}

fn totp(secret_b32: &str) -> String {
    pi::totp_now(secret_b32)
}

// --- sign-in -----------------------------------------------------------------

#[tokio::test]
async fn a_registration_code_signs_in_once() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (user, code) = user_with_code(&server, "once").await;
    let session = p.sign_in(&user, &code).await.expect("first use works");
    assert_eq!(session.account.username, user);
    assert!(!session.token().is_empty());
    assert!(
        !format!("{session:?}").contains(session.token().expose()),
        "the JWT must not show in Debug"
    );
    // The server deleted the code on its first success.
    assert_eq!(
        p.sign_in(&user, &code).await.unwrap_err(),
        ProviderError::PassUsed
    );
}

#[tokio::test]
async fn a_wrong_code_is_rejected_and_does_not_use_up_the_right_one() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (user, code) = user_with_code(&server, "wrong").await;
    let wrong = Secret::new("AAAAbbbbCCCC");
    assert_eq!(
        p.sign_in(&user, &wrong).await.unwrap_err(),
        ProviderError::PassRejected
    );
    p.sign_in(&user, &code)
        .await
        .expect("the right code still works");
}

#[tokio::test]
async fn an_expired_code_says_expired() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let user = server.create_user("expired").await;
    let ended = SystemTime::now() - Duration::from_secs(3600);
    let code = Secret::new(server.issue_registration(&user, Some(ended)).await);
    assert_eq!(
        p.sign_in(&user, &code).await.unwrap_err(),
        ProviderError::PassExpired
    );
}

#[tokio::test]
async fn a_used_code_with_other_tokens_left_is_rejected() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (user, code) = user_with_code(&server, "usedother").await;
    server.enroll_totp_for(&user, "old phone").await;
    p.sign_in(&user, &code).await.expect("first use");
    // privacyIDEA now only says "wrong otp": a typo and a reused code look alike.
    assert_eq!(
        p.sign_in(&user, &code).await.unwrap_err(),
        ProviderError::PassRejected
    );
}

#[tokio::test]
async fn an_unknown_user_says_so() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let err = p
        .sign_in("nobody-by-this-name", &Secret::new("AAAAbbbbCCCC"))
        .await
        .unwrap_err();
    assert_eq!(err, ProviderError::UnknownUser);
}

#[tokio::test]
async fn too_many_wrong_codes_lock_the_code() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (user, code) = user_with_code(&server, "locked").await;
    let wrong = Secret::new("AAAAbbbbCCCC");
    let mut last = None;
    for _ in 0..12 {
        last = Some(p.sign_in(&user, &wrong).await.unwrap_err());
        if last == Some(ProviderError::Locked) {
            break;
        }
    }
    assert_eq!(last, Some(ProviderError::Locked));
    assert_eq!(
        p.sign_in(&user, &code).await.unwrap_err(),
        ProviderError::Locked
    );
}

#[tokio::test]
async fn a_policy_that_refuses_the_login_is_not_allowed() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (user, code) = user_with_code(&server, "refused").await;
    // Scoped to this one user so parallel tests are untouched.
    let name = format!("deny_{user}");
    server
        .set_policy(
            &name,
            serde_json::json!({
                "scope": "webui", "action": "login_mode=disable",
                "realm": server.realm, "user": user, "active": true,
            }),
        )
        .await;
    let err = p.sign_in(&user, &code).await.unwrap_err();
    server.delete_policy(&name).await;
    assert!(
        matches!(err, ProviderError::NotAllowed(ref why) if why.contains("disabled")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_server_that_is_down_is_said_to_be_down() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let p = provider_at(&url, "testrealm");
    let err = p.sign_in("alice", &Secret::new("x")).await.unwrap_err();
    // Nothing listens: the server is down, not the network.
    assert_eq!(err, ProviderError::ServerDown);
}

#[tokio::test]
async fn plain_http_to_another_host_is_refused_at_start() {
    let err = PrivacyIdea::new(PiSettings {
        base_url: "http://mfa.example.edu".into(),
        ..PiSettings::default()
    })
    .unwrap_err();
    assert!(err.contains("https"), "{err}");
}

// --- methods -----------------------------------------------------------------

#[tokio::test]
async fn tokens_are_listed_as_methods() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (user, code) = user_with_code(&server, "list").await;
    let (serial, _) = server.enroll_totp_for(&user, "old phone").await;
    let session = p.sign_in(&user, &code).await.unwrap();
    let methods = p.list_methods(&session).await.unwrap();
    assert_eq!(methods.len(), 1, "{methods:?}");
    let m = &methods[0];
    assert_eq!(m.id, serial);
    assert_eq!(m.kind, MethodKind::AuthenticatorCode);
    assert!(
        m.label.contains("old phone") && m.label.contains(&serial),
        "{}",
        m.label
    );
    assert!(
        m.added.as_deref().is_some_and(|d| d.starts_with("20")),
        "{m:?}"
    );
    assert!(m.used_for.sign_in);
    assert!(!m.is_default);
    let caps = p.capabilities();
    assert!(caps.can_delete && !caps.can_set_default && !caps.simulated_phone);
    assert_eq!(caps.push_app, PushApp::PrivacyIdeaAuthenticator);
}

#[tokio::test]
async fn deleting_a_token_removes_it_and_twice_is_not_found() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (user, code) = user_with_code(&server, "delete").await;
    let (serial, _) = server.enroll_totp_for(&user, "lost phone").await;
    let session = p.sign_in(&user, &code).await.unwrap();
    p.delete_method(&session, &serial).await.unwrap();
    assert!(p.list_methods(&session).await.unwrap().is_empty());
    assert!(
        server.token(&serial).await.is_none(),
        "gone on the server too"
    );
    assert_eq!(
        p.delete_method(&session, &serial).await.unwrap_err(),
        ProviderError::NotFound
    );
}

#[tokio::test]
async fn another_users_token_cannot_be_deleted() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let other = server.create_user("victim").await;
    let (serial, _) = server.enroll_totp_for(&other, "not yours").await;
    let (_, session) = signed_in(&server, &p, "thief").await;
    assert_eq!(
        p.delete_method(&session, &serial).await.unwrap_err(),
        ProviderError::NotFound
    );
    assert!(server.token(&serial).await.is_some());
}

// --- adding a code app (TOTP with verify-enrollment) ---------------------------

#[tokio::test]
async fn a_code_app_is_added_and_a_wrong_code_can_be_retried() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (_, session) = signed_in(&server, &p, "totp").await;
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    assert_eq!(e.confirm, Confirm::Code { digits: 6 });
    assert_eq!(e.registration, None);
    let uri = e.qr_payload.expose();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={}", e.manual_key.expose())));
    assert_eq!(
        server.token(&e.id).await.unwrap()["rollout_state"],
        "verify"
    );

    let right = totp(e.manual_key.expose());
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert!(!p.check_code(&session, &e.id, wrong).await.unwrap());
    assert_eq!(
        server.token(&e.id).await.unwrap()["rollout_state"],
        "verify"
    );
    assert!(p.check_code(&session, &e.id, &right).await.unwrap());
    assert_eq!(
        server.token(&e.id).await.unwrap()["rollout_state"],
        "enrolled"
    );
    // Proven: walking away afterwards keeps it.
    p.cancel_enrollment(&session, &e.id).await.unwrap();
    assert!(server.token(&e.id).await.is_some());
}

#[tokio::test]
async fn an_abandoned_enrollment_is_deleted() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (_, session) = signed_in(&server, &p, "abandon").await;
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    assert!(server.token(&e.id).await.is_some());
    p.cancel_enrollment(&session, &e.id).await.unwrap();
    assert!(server.token(&e.id).await.is_none());
}

// --- adding a notification app (push, poll-only) ----------------------------

#[tokio::test]
async fn a_push_token_registers_then_a_real_challenge_is_approved() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (_, session) = signed_in(&server, &p, "push").await;
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    assert!(e.qr_payload.expose().starts_with("otpauth://pipush/"));
    assert!(e.manual_key.is_empty(), "a push token cannot be typed in");
    assert!(e.registration.is_some());
    assert!(matches!(e.confirm, Confirm::Approval { .. }));
    assert!(!p.poll_registration(&session, &e.id).await.unwrap());

    let phone = Phone::register(e.qr_payload.expose()).await.unwrap();
    assert!(p.poll_registration(&session, &e.id).await.unwrap());

    p.request_approval(&session, &e.id).await.unwrap();
    assert_eq!(
        p.poll_approval(&session, &e.id).await.unwrap(),
        Approval::Pending
    );
    phone.approve_next(Duration::from_secs(20)).await;
    assert_eq!(
        p.poll_approval(&session, &e.id).await.unwrap(),
        Approval::Approved
    );
    let token = server.token(&e.id).await.unwrap();
    assert_eq!(token["rollout_state"], "enrolled");
    assert_eq!(token["active"], true);
}

#[tokio::test]
async fn a_declined_challenge_is_rejected_and_can_be_sent_again() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (_, session) = signed_in(&server, &p, "decline").await;
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    let phone = Phone::register(e.qr_payload.expose()).await.unwrap();
    p.request_approval(&session, &e.id).await.unwrap();
    phone.decline_next(Duration::from_secs(20)).await;
    assert_eq!(
        p.poll_approval(&session, &e.id).await.unwrap(),
        Approval::Rejected
    );
    p.request_approval(&session, &e.id).await.unwrap();
    phone.approve_next(Duration::from_secs(20)).await;
    assert_eq!(
        p.poll_approval(&session, &e.id).await.unwrap(),
        Approval::Approved
    );
}

#[tokio::test]
async fn a_refused_enrollment_is_not_allowed() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (_, session) = signed_in(&server, &p, "nohotp").await;
    // Other kinds are refused before any request is made.
    let err = p
        .begin_enrollment(&session, MethodKind::SecurityKey)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::NotAllowed(_)), "{err:?}");
}

#[tokio::test]
async fn a_forged_session_is_expired() {
    let server = PiServer::from_env();
    let p = provider(&server);
    let (_, session) = signed_in(&server, &p, "forged").await;
    let forged = Session::new(
        session.account.clone(),
        Secret::new("eyJhbGciOiJIUzI1NiJ9.e30.x"),
    );
    assert_eq!(
        p.list_methods(&forged).await.unwrap_err(),
        ProviderError::SessionExpired
    );
}

// --- the server goes away mid-flow -------------------------------------------

#[tokio::test]
async fn a_server_stopped_mid_flow_is_down_and_work_resumes_when_it_is_back() {
    let server = PiServer::from_env();
    let proxy = CutProxy::start(&server.url).await;
    let p = provider_at(&proxy.url(), &server.realm);
    let (user, code) = user_with_code(&server, "outage").await;
    let (serial, _) = server.enroll_totp_for(&user, "lost phone").await;
    let session = p.sign_in(&user, &code).await.unwrap();
    assert_eq!(p.list_methods(&session).await.unwrap().len(), 1);

    proxy.cut().await;
    assert_eq!(
        p.list_methods(&session).await.unwrap_err(),
        ProviderError::ServerDown
    );
    assert_eq!(
        p.delete_method(&session, &serial).await.unwrap_err(),
        ProviderError::ServerDown
    );
    assert!(
        server.token(&serial).await.is_some(),
        "nothing happened meanwhile"
    );

    proxy.restore().await;
    // Same session, same state: the delete simply works now.
    p.delete_method(&session, &serial).await.unwrap();
    assert!(p.list_methods(&session).await.unwrap().is_empty());
}
