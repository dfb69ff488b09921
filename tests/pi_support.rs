//! Proves the privacyIDEA test support (tests/support/privacyidea) against a
//! real privacyIDEA 3.14. Run with a server:
//!
//! ```sh
//! scripts/privacyidea/with-server.sh cargo test --test pi_support
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

use pi::phone::Phone;
use pi::proxy::CutProxy;
use pi::{PiServer, str_at, totp_now, user_password};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::io::ErrorKind;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PHONE_WAIT: Duration = Duration::from_secs(15);

#[test]
fn time_formats() {
    let t = UNIX_EPOCH + Duration::from_micros(1_795_449_171_745_942);
    assert_eq!(pi::iso_utc(t), "2026-11-23T15:52:51.745942Z");
    assert_eq!(pi::pi_validity_time(t), "2026-11-23T15:52+0000");
    let leap_day = UNIX_EPOCH + Duration::from_secs(951_782_400);
    assert_eq!(pi::pi_validity_time(leap_day), "2000-02-29T00:00+0000");
}

#[tokio::test]
async fn created_users_are_unique_and_exist() {
    let pi = PiServer::from_env();
    let a = pi.create_user("uniq").await;
    let b = pi.create_user("uniq").await;
    assert_ne!(a, b);
    let v = pi
        .admin_call(
            Method::GET,
            "/user/",
            &[("username", &a), ("realm", &pi.realm)],
            None,
        )
        .await;
    assert_eq!(v["result"]["value"][0]["username"], a.as_str(), "{v}");
    assert!(pi.tokens(&a).await.is_empty());
}

#[tokio::test]
async fn registration_code_logs_in_once() {
    let pi = PiServer::from_env();
    let user = pi.create_user("tap").await;
    let in_an_hour = SystemTime::now() + Duration::from_secs(3600);
    let code = pi.issue_registration(&user, Some(in_an_hour)).await;
    assert_eq!(code.len(), 12, "tap_format policy: {code}");
    assert!(code.chars().all(|c| c.is_ascii_alphanumeric()), "{code}");
    let tokens = pi.tokens(&user).await;
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["tokentype"], "registration");
    assert!(
        tokens[0]["info"]["validity_period_end"].is_string(),
        "{}",
        tokens[0]
    );

    let (status, v) = pi.auth(&user, &code, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["authentication"], "ACCEPT");
    assert_eq!(v["result"]["value"]["role"], "user");
    assert!(!pi::jwt_of(&v).is_empty());

    let (status, v) = pi.auth(&user, &code, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "second use: {v}");
    assert!(
        pi.tokens(&user).await.is_empty(),
        "the code is deleted after use"
    );
}

#[tokio::test]
async fn expired_registration_code_is_refused() {
    let pi = PiServer::from_env();
    let user = pi.create_user("tapold").await;
    let two_minutes_ago = SystemTime::now() - Duration::from_secs(120);
    let code = pi.issue_registration(&user, Some(two_minutes_ago)).await;
    let (status, v) = pi.auth(&user, &code, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
}

#[tokio::test]
async fn enroll_totp_for_gives_an_enrolled_token() {
    let pi = PiServer::from_env();
    let user = pi.create_user("totp").await;
    let (serial, secret) = pi.enroll_totp_for(&user, "old phone").await;
    let tokens = pi.tokens(&user).await;
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["serial"], serial.as_str());
    assert_eq!(tokens[0]["tokentype"], "totp");
    assert_eq!(tokens[0]["rollout_state"], "enrolled");
    assert_eq!(tokens[0]["description"], "old phone");

    // The current code is still unused after the verify step.
    let jwt = pi.user_jwt(&user, &totp_now(&secret)).await;
    let (status, v) = pi
        .request(Method::GET, "/token/", Some(&jwt), &[], None)
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["value"]["tokens"][0]["serial"], serial.as_str());

    pi.delete_token(&serial).await;
    assert!(pi.tokens(&user).await.is_empty());
    assert!(pi.token(&serial).await.is_none());
}

/// A user who logged in with a registration code enrolls a push token the
/// way the app does, and the emulated phone registers it.
async fn user_with_push_phone(pi: &PiServer, prefix: &str) -> (String, Phone) {
    let user = pi.create_user(prefix).await;
    let code = pi.issue_registration(&user, None).await;
    let jwt = pi.user_jwt(&user, &code).await;
    let (status, v) = pi
        .request(
            Method::POST,
            "/token/init",
            Some(&jwt),
            &[],
            Some(&json!({"type": "push", "genkey": 1, "description": "new phone"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "push init: {v}");
    assert_eq!(v["detail"]["rollout_state"], "clientwait");
    let serial = str_at(&v, "/detail/serial");
    let uri = str_at(&v, "/detail/pushurl/value");

    let phone = Phone::register(&uri).await.expect("phone registration");
    assert_eq!(phone.serial, serial);
    assert!(!phone.sslverify, "push_ssl_verify=0 in the seeded policy");
    let token = pi.token(&serial).await.expect("the push token exists");
    assert_eq!(token["rollout_state"], "enrolled", "{token}");
    assert_eq!(token["active"], true);
    (user, phone)
}

fn challenge_of(v: &Value) -> String {
    assert_eq!(v["result"]["authentication"], "CHALLENGE", "{v}");
    str_at(v, "/detail/transaction_id")
}

#[tokio::test]
async fn push_login_approved_by_the_phone() {
    let pi = PiServer::from_env();
    let (user, phone) = user_with_push_phone(&pi, "push").await;
    assert!(phone.poll().await.is_empty(), "no challenge before a login");

    let tid = challenge_of(&pi.validate_check(&user, "", None).await);
    assert_eq!(pi.poll_transaction(&tid).await, "pending");
    let challenge = phone.approve_next(PHONE_WAIT).await;
    assert_eq!(challenge.serial, phone.serial);
    assert_eq!(pi.poll_transaction(&tid).await, "accept");

    let v = pi.validate_check(&user, "", Some(&tid)).await;
    assert_eq!(v["result"]["authentication"], "ACCEPT", "{v}");
    let v = pi.validate_check(&user, "", Some(&tid)).await;
    assert_ne!(
        v["result"]["authentication"], "ACCEPT",
        "finalized twice: {v}"
    );

    // The same through /auth, which the app uses to get a user JWT.
    let (status, v) = pi.auth(&user, "", None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let tid = challenge_of(&v);
    phone.approve_next(PHONE_WAIT).await;
    let (status, v) = pi.auth(&user, "", Some(&tid)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["result"]["value"]["role"], "user", "{v}");
}

#[tokio::test]
async fn push_login_declined_by_the_phone() {
    let pi = PiServer::from_env();
    let (user, phone) = user_with_push_phone(&pi, "decline").await;
    let tid = challenge_of(&pi.validate_check(&user, "", None).await);
    let challenge = phone.decline_next(PHONE_WAIT).await;
    assert_eq!(pi.poll_transaction(&tid).await, "declined");
    let v = pi.validate_check(&user, "", Some(&tid)).await;
    assert_ne!(v["result"]["authentication"], "ACCEPT", "{v}");
    assert_eq!(v["result"]["value"], false);
    assert!(
        phone.answer(&challenge, true).await.is_err(),
        "a declined challenge cannot be approved afterwards"
    );
    assert!(phone.poll().await.is_empty());
}

#[tokio::test]
async fn policies_can_be_set_disabled_enabled_and_deleted() {
    let pi = PiServer::from_env();
    let user = pi.create_user("policy").await;
    let password = user_password(&user);
    // Scoped to this user so the tests running alongside are not affected.
    let name = format!("passthru-{user}");
    let (status, _) = pi.auth(&user, &password, None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "login_mode=privacyIDEA, no token"
    );

    pi.set_policy(
        &name,
        json!({"scope": "authentication", "action": "passthru", "realm": pi.realm,
               "user": user, "active": true}),
    )
    .await;
    pi.user_jwt(&user, &password).await;

    pi.disable_policy(&name).await;
    let (status, _) = pi.auth(&user, &password, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    pi.enable_policy(&name).await;
    pi.user_jwt(&user, &password).await;

    pi.delete_policy(&name).await;
    let (status, _) = pi.auth(&user, &password, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn healthz(http: &reqwest::Client, base: &str) -> Result<StatusCode, reqwest::Error> {
    http.get(format!("{base}/healthz/"))
        .send()
        .await
        .map(|r| r.status())
}

#[tokio::test]
async fn proxy_cut_and_restore() {
    let pi = PiServer::from_env();
    let proxy = CutProxy::start(&pi.url).await;
    let http = pi::http_client();
    assert_eq!(healthz(&http, &proxy.url()).await.unwrap(), StatusCode::OK);

    // A connection that is open when the server "stops" must be dropped.
    let mut live = tokio::net::TcpStream::connect(proxy.addr()).await.unwrap();
    live.write_all(b"GET /healthz/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0; 4096];
    assert!(live.read(&mut buf).await.unwrap() > 0);

    proxy.cut().await;
    assert!(proxy.is_cut());
    let err = healthz(&http, &proxy.url()).await.unwrap_err();
    assert!(err.is_connect(), "expected connection refused, got {err:?}");
    let refused = tokio::net::TcpStream::connect(proxy.addr())
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    let read = tokio::time::timeout(Duration::from_secs(5), live.read(&mut buf))
        .await
        .expect("the live connection is closed, not left hanging");
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "live connection still open: {read:?}"
    );

    proxy.restore().await;
    assert!(!proxy.is_cut());
    assert_eq!(healthz(&http, &proxy.url()).await.unwrap(), StatusCode::OK);
    // A login through the restored proxy reaches the real server.
    let (status, v) = pi
        .via(&proxy.url())
        .auth(&pi.admin, pi.admin_password(), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
}
