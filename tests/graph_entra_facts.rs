//! Entra ID as Microsoft documents it: the fake Graph checks what Graph
//! checks (permissions in the token, Content-Type, the Temporary Access
//! Pass policy, the re-authentication window) and answers the AADSTS codes
//! seen in practice; each test shows the words the person or agent gets.
//! Sources: docs/graph-facts.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

use fake_graph::{CLIENT_SECRET, DeviceStep, FakeGraph, FaultReply, KIM};
use mfa_assist::guide::Guide;
use mfa_assist::provider::admin::{Admin, PassRequest};
use mfa_assist::provider::graph::{ConnectError, GraphAdmin, GraphDesk, GraphProvider, MethodType};
use mfa_assist::provider::{DevicePoll, Provider, ProviderError, Session};
use mfa_assist::secret::Secret;
use serde_json::json;
use std::time::Duration;

const OLD_AUTHENTICATOR: &str = "6a8c4e2d-9a3b-4f1e-8d2c-1b5e7f9a0c31";
const EXTERNAL: &str = "d4c3b2a1-0000-4000-8000-00000000e001";
const QR_PIN: &str = "9f8e7d6c-0000-4000-8000-00000000c0de";

fn provider(fake: &FakeGraph) -> GraphProvider {
    GraphProvider::new(fake.settings()).unwrap()
}

async fn poll_once(fake: &FakeGraph, p: &GraphProvider) -> Result<DevicePoll, ProviderError> {
    let code = p.begin_device_sign_in().await.unwrap();
    let _ = fake;
    p.poll_device_sign_in(&code).await
}

async fn sign_in(fake: &FakeGraph, p: &GraphProvider) -> Session {
    fake.script_device(&[DeviceStep::Success]);
    match poll_once(fake, p).await.unwrap() {
        DevicePoll::Done(session) => session,
        other => panic!("expected a session, got {other:?}"),
    }
}

async fn admin(fake: &FakeGraph) -> GraphAdmin {
    GraphAdmin::connect(fake.settings(), Secret::new(CLIENT_SECRET))
        .await
        .unwrap()
}

fn not_allowed(e: ProviderError) -> String {
    match e {
        ProviderError::NotAllowed(why) => why,
        other => panic!("expected NotAllowed, got {other:?}"),
    }
}

/// Every language has words for this guide id.
fn words(id: &str) -> Vec<String> {
    let g = Guide::built_in();
    ["en", "sv", "fi"]
        .iter()
        .map(|l| {
            g.lookup(l, id)
                .unwrap_or_else(|| panic!("{l}: {id}"))
                .to_string()
        })
        .collect()
}

// ---- 19.5: the fake checks the token's permissions ---------------------

#[tokio::test]
async fn an_app_token_without_the_write_permission_can_read_but_not_delete() {
    let fake = FakeGraph::start().await;
    fake.grant_app_roles(&["UserAuthenticationMethod.Read.All", "User.Read.All"]);
    let a = admin(&fake).await;
    let kim = a.lookup_user(KIM).await.unwrap();
    a.list_methods(&kim.id).await.unwrap();
    let why = not_allowed(
        a.delete_method_of_type(
            &kim.id,
            OLD_AUTHENTICATOR,
            &MethodType::MicrosoftAuthenticator,
        )
        .await
        .unwrap_err(),
    );
    assert!(
        why.contains("UserAuthenticationMethod.ReadWrite.All"),
        "{why}"
    );
    assert!(why.contains("accessDenied"), "{why}");
    // Nothing was deleted.
    assert!(
        fake.methods(KIM)
            .iter()
            .any(|m| m["id"] == OLD_AUTHENTICATOR)
    );
    let why = not_allowed(a.create_tap(&kim.id, Some(60), false).await.unwrap_err());
    assert!(why.contains("UserAuthMethod-TAP.ReadWrite.All"), "{why}");
    let why = not_allowed(a.revoke_sessions(&kim.id).await.unwrap_err());
    assert!(why.contains("User.RevokeSessions.All"), "{why}");
}

#[tokio::test]
async fn an_app_token_without_user_read_cannot_look_callers_up() {
    let fake = FakeGraph::start().await;
    fake.grant_app_roles(&["UserAuthenticationMethod.ReadWrite.All"]);
    let a = admin(&fake).await;
    let why = not_allowed(a.lookup_user(KIM).await.unwrap_err());
    assert!(why.contains("User.Read.All"), "{why}");
    assert!(why.contains("Authorization_RequestDenied"), "{why}");
}

#[tokio::test]
async fn a_delegated_read_only_token_cannot_delete() {
    let fake = FakeGraph::start().await;
    // The app asks for ReadWrite; consent covers it, but suppose only
    // Read ends up in the token (a narrower grant).
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    {
        let mut s = fake.state();
        for perms in s.grants.values_mut() {
            *perms = vec!["UserAuthenticationMethod.Read".into()];
        }
    }
    p.list_methods(&session).await.unwrap();
    let why = not_allowed(
        p.delete_method(&session, OLD_AUTHENTICATOR)
            .await
            .unwrap_err(),
    );
    assert!(why.contains("UserAuthenticationMethod.ReadWrite"), "{why}");
}

#[tokio::test]
async fn a_post_without_json_content_type_is_not_read() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    let kim = a.lookup_user(KIM).await.unwrap();
    // The product sends JSON properly...
    a.create_tap(&kim.id, Some(60), false).await.unwrap();
    // ...and the fake, like Graph, refuses a body it is not told is JSON.
    let token = fake.state().grants.keys().next().cloned().unwrap();
    let url = format!(
        "{}/users/{}/authentication/temporaryAccessPassMethods",
        fake.graph_base(),
        kim.id
    );
    let r = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .body(r#"{"lifetimeInMinutes":60}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
    );
}

// ---- 19.9: identity-platform codes, each in words ---------------------

#[tokio::test]
async fn consent_missing_is_aadsts65001() {
    let fake = FakeGraph::start().await;
    fake.consent_delegated(&[]);
    fake.script_device(&[DeviceStep::Success]);
    let why = not_allowed(poll_once(&fake, &provider(&fake)).await.unwrap_err());
    assert!(why.contains("consented"), "{why}");
    assert!(why.contains("AADSTS65001"), "{why}");
}

#[tokio::test]
async fn conditional_access_is_aadsts53003() {
    let fake = FakeGraph::start().await;
    fake.state().device_code_blocked = true;
    fake.script_device(&[DeviceStep::Success]);
    let why = not_allowed(poll_once(&fake, &provider(&fake)).await.unwrap_err());
    assert!(why.contains("Conditional Access"), "{why}");
    assert!(why.contains("AADSTS53003"), "{why}");
}

#[tokio::test]
async fn an_expired_client_secret_is_aadsts7000222() {
    let fake = FakeGraph::start().await;
    fake.state().client_secret_expired = true;
    let err = GraphAdmin::connect(fake.settings(), Secret::new(CLIENT_SECRET))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ConnectError::Provider(_)));
    assert!(text.contains("expired"), "{text}");
    assert!(text.contains("AADSTS7000222"), "{text}");
    assert!(!text.contains(CLIENT_SECRET), "{text}");
}

#[tokio::test]
async fn public_client_flows_off_is_aadsts7000218() {
    let fake = FakeGraph::start().await;
    fake.state().public_client = false;
    let why = not_allowed(poll_once(&fake, &provider(&fake)).await.unwrap_err());
    assert!(why.contains("Allow public client flows"), "{why}");
}

#[tokio::test]
async fn device_code_expiry_as_seen_and_as_documented() {
    for step in [DeviceStep::Expired, DeviceStep::ExpiredAsDocumented] {
        let fake = FakeGraph::start().await;
        fake.script_device(&[step]);
        assert_eq!(
            poll_once(&fake, &provider(&fake)).await.unwrap_err(),
            ProviderError::SignInExpired,
            "{step:?}"
        );
    }
    for w in words("error.sign_in_expired") {
        assert!(w.contains("Enter"), "{w}");
    }
}

#[tokio::test]
async fn pending_and_slow_down_keep_polling() {
    let fake = FakeGraph::start().await;
    fake.script_device(&[DeviceStep::Pending, DeviceStep::SlowDown]);
    let p = provider(&fake);
    let code = p.begin_device_sign_in().await.unwrap();
    assert!(matches!(
        p.poll_device_sign_in(&code).await.unwrap(),
        DevicePoll::Pending
    ));
    assert!(matches!(
        p.poll_device_sign_in(&code).await.unwrap(),
        DevicePoll::SlowDown(d) if d == Duration::from_secs(5)
    ));
}

#[tokio::test]
async fn throttling_says_how_long_to_wait() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    fake.fail(
        "*",
        "/users/",
        10,
        FaultReply::TooMany {
            retry_after: Some("600".into()),
        },
    );
    match a.lookup_user(KIM).await.unwrap_err() {
        ProviderError::RateLimited {
            retry_after: Some(wait),
        } => assert_eq!(wait, Duration::from_secs(600)),
        other => panic!("{other:?}"),
    }
    for w in words("error.rate_limited_for") {
        assert!(w.contains("{secs}"), "{w}");
    }
}

// ---- 17.1: a pass refused by the Temporary Access Pass policy ----------

#[tokio::test]
async fn a_pass_outside_the_policy_is_explained_to_the_agent() {
    let fake = FakeGraph::start().await;
    fake.state().user_mut(KIM).unwrap().in_tap_policy = false;
    let a = admin(&fake).await;
    let kim = a.lookup_user(KIM).await.unwrap();
    let why = not_allowed(a.create_tap(&kim.id, Some(60), true).await.unwrap_err());
    assert!(why.contains("group the policy targets"), "{why}");
    assert!(
        why.contains("Temporary Access Pass → Enable and target"),
        "{why}"
    );
    assert!(why.contains("request-id"), "{why}");
}

#[tokio::test]
async fn a_multi_use_pass_under_a_one_time_policy_is_explained() {
    let fake = FakeGraph::start().await;
    fake.state().tap_policy.is_usable_once = true;
    let a = admin(&fake).await;
    let kim = a.lookup_user(KIM).await.unwrap();
    let why = not_allowed(a.create_tap(&kim.id, Some(60), false).await.unwrap_err());
    assert!(why.contains("one-time passes only"), "{why}");
    // A one-time pass goes through.
    a.create_tap(&kim.id, Some(60), true).await.unwrap();
}

// ---- 17.3: the self-service re-authentication window -------------------

#[tokio::test]
async fn a_delete_after_ten_minutes_asks_for_a_fresh_sign_in() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.set_default_method(KIM, None);
    p.list_methods(&session).await.unwrap();
    fake.age_sign_ins();
    assert_eq!(
        p.delete_method(&session, OLD_AUTHENTICATOR)
            .await
            .unwrap_err(),
        ProviderError::ReauthRequired
    );
    // Reads still work; a fresh sign-in can delete.
    p.list_methods(&session).await.unwrap();
    let fresh = sign_in(&fake, &p).await;
    p.delete_method(&fresh, OLD_AUTHENTICATOR).await.unwrap();
    for w in words("error.reauth_required") {
        assert!(w.contains("Enter") && w.contains("10"), "{w}");
    }
}

// ---- 17.4 / 17.5: external methods and the QR code + PIN ---------------

fn add_qr_pin(fake: &FakeGraph) {
    fake.state().user_mut(KIM).unwrap().methods.push(json!({
        "@odata.type": "#microsoft.graph.qrCodePinAuthenticationMethod",
        "id": QR_PIN,
    }));
}

#[tokio::test]
async fn the_kiosk_does_not_delete_external_or_qr_methods() {
    let fake = FakeGraph::start().await;
    add_qr_pin(&fake);
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    p.list_methods(&session).await.unwrap();
    let why = not_allowed(p.delete_method(&session, EXTERNAL).await.unwrap_err());
    assert!(why.contains("helpdesk"), "{why}");
    let why = not_allowed(p.delete_method(&session, QR_PIN).await.unwrap_err());
    assert!(why.contains("helpdesk"), "{why}");
    assert_eq!(fake.calls("DELETE", ""), 0);
}

#[tokio::test]
async fn the_desk_deletes_external_and_qr_methods_where_documented() {
    let fake = FakeGraph::start().await;
    add_qr_pin(&fake);
    fake.set_default_method(KIM, None);
    let a = admin(&fake).await;
    let kim = a.lookup_user(KIM).await.unwrap();
    a.delete_method_of_type(&kim.id, QR_PIN, &MethodType::QrCodePin)
        .await
        .unwrap();
    assert_eq!(
        fake.calls(
            "DELETE",
            &format!("/v1.0/users/{}/authentication/qrCodePinMethod", kim.id)
        ),
        1
    );
    a.delete_method_of_type(&kim.id, EXTERNAL, &MethodType::External)
        .await
        .unwrap();
    let left: Vec<_> = fake.methods(KIM).iter().map(|m| m["id"].clone()).collect();
    assert!(!left.contains(&json!(QR_PIN)) && !left.contains(&json!(EXTERNAL)));
}

// ---- 17.8: `$` UPNs and references with a date --------------------------

#[tokio::test]
async fn a_upn_starting_with_dollar_uses_the_quoted_form() {
    let fake = FakeGraph::start().await;
    {
        let mut s = fake.state();
        let mut u = s.user(KIM).unwrap().clone();
        u.id = "5d6e7f80-0000-4000-8000-000000000d11".into();
        u.upn = "$adele@contoso.example".into();
        s.users.push(u);
    }
    let a = admin(&fake).await;
    let user = a.lookup_user("$adele@contoso.example").await.unwrap();
    assert_eq!(user.id, "5d6e7f80-0000-4000-8000-000000000d11");
    assert_eq!(
        fake.calls("GET", "/v1.0/users('$adele@contoso.example')"),
        1
    );
    a.list_methods("$adele@contoso.example").await.unwrap();
}

#[tokio::test]
async fn a_server_error_reference_has_the_request_id_and_the_date() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    fake.fail(
        "GET",
        "/users/",
        1,
        FaultReply::Error {
            status: 500,
            code: "generalException",
            message: "General exception while processing",
        },
    );
    match a.lookup_user(KIM).await.unwrap_err() {
        ProviderError::Server {
            reference: Some(r), ..
        } => {
            let id = fake.last_request_id().unwrap();
            assert_eq!(r, format!("request-id {id}, date 2026-11-23T10:00:00"));
        }
        other => panic!("{other:?}"),
    }
}

// ---- 17.2: the desk's default pass fits the Entra kiosk flow -----------

#[tokio::test]
async fn the_desk_offers_a_multi_use_pass_first_on_entra() {
    let fake = FakeGraph::start().await;
    let desk = GraphDesk::new(admin(&fake).await);
    let caps = desk.capabilities();
    assert!(caps.one_time_choice);
    assert!(
        !caps.one_time_default,
        "the person signs in twice: on the device-code page and in Authenticator"
    );
    let caller = desk.lookup(KIM).await.unwrap();
    let pass = desk
        .issue_pass(
            &caller,
            PassRequest {
                lifetime_minutes: 60,
                one_time: caps.one_time_default,
            },
        )
        .await
        .unwrap();
    assert!(!pass.one_time);
}
