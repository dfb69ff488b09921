//! The Microsoft Graph provider and helpdesk client against a local server
//! that serves Graph's and the identity platform's documented shapes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

use fake_graph::{
    ALT_MOBILE_ID, CLIENT_SECRET, DeviceStep, FakeGraph, FaultReply, GUEST, KIM, OFFICE_ID,
};
use mfa_assist::provider::graph::{
    ConnectError, GraphAdmin, GraphMethod, GraphProvider, MethodType, PhoneNumber, PhoneType,
};
use mfa_assist::provider::secret_source::{SecretSource, from_file, from_lookup};
use mfa_assist::provider::{
    Confirm, DevicePoll, MethodKind, Provider, ProviderError, Session, SignInKind,
};
use mfa_assist::secret::Secret;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const OLD_AUTHENTICATOR: &str = "6a8c4e2d-9a3b-4f1e-8d2c-1b5e7f9a0c31";
const SECURITY_INFO: &str = "https://mysignins.microsoft.com/security-info";

fn provider(fake: &FakeGraph) -> GraphProvider {
    GraphProvider::new(fake.settings()).unwrap()
}

async fn sign_in(fake: &FakeGraph, p: &GraphProvider) -> Session {
    fake.script_device(&[DeviceStep::Success]);
    let code = p.begin_device_sign_in().await.unwrap();
    match p.poll_device_sign_in(&code).await.unwrap() {
        DevicePoll::Done(session) => session,
        other => panic!("expected a session, got {other:?}"),
    }
}

async fn admin(fake: &FakeGraph) -> GraphAdmin {
    GraphAdmin::connect(fake.settings(), Secret::new(CLIENT_SECRET))
        .await
        .unwrap()
}

// ---- device-code sign-in ----------------------------------------------

#[tokio::test]
async fn device_code_sign_in_with_pending_and_slow_down() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    assert_eq!(p.capabilities().sign_in, SignInKind::DeviceCode);
    fake.script_device(&[
        DeviceStep::Pending,
        DeviceStep::SlowDown,
        DeviceStep::Pending,
        DeviceStep::Success,
    ]);
    let code = p.begin_device_sign_in().await.unwrap();
    assert!(code.user_code.starts_with("F7KQ"));
    assert_eq!(code.verification_uri, "https://microsoft.com/devicelogin");
    assert_eq!(code.expires_in, Duration::from_secs(900));
    assert_eq!(code.interval, Duration::from_secs(5));
    assert!(
        !format!("{code:?}").contains("DAQABAAE"),
        "device code in Debug"
    );

    let scope = fake.state().device_scope.clone().unwrap();
    assert!(
        scope.contains("/UserAuthenticationMethod.ReadWrite"),
        "{scope}"
    );
    assert!(
        scope.contains("openid") && scope.contains("profile"),
        "{scope}"
    );
    assert!(
        !scope.contains("offline_access"),
        "no refresh token wanted: {scope}"
    );

    // The driver's loop: Pending, then slow_down grows the interval by 5 s.
    let mut interval = code.interval;
    assert!(matches!(
        p.poll_device_sign_in(&code).await.unwrap(),
        DevicePoll::Pending
    ));
    match p.poll_device_sign_in(&code).await.unwrap() {
        DevicePoll::SlowDown(more) => interval += more,
        other => panic!("{other:?}"),
    }
    assert_eq!(interval, Duration::from_secs(10));
    assert!(matches!(
        p.poll_device_sign_in(&code).await.unwrap(),
        DevicePoll::Pending
    ));
    let DevicePoll::Done(session) = p.poll_device_sign_in(&code).await.unwrap() else {
        panic!("expected a session");
    };
    assert_eq!(session.account.username, KIM);
    assert_eq!(session.account.display_name, "Kim Akers");
    assert!(!format!("{session:?}").contains("fake-access"));
    // Polls are POSTs to the token endpoint, one per call, never repeated.
    assert_eq!(fake.calls("POST", "/oauth2/v2.0/token"), 4);
}

#[tokio::test]
async fn device_code_expired_declined_and_bad_code() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let code = p.begin_device_sign_in().await.unwrap();
    fake.script_device(&[DeviceStep::Expired]);
    assert_eq!(
        p.poll_device_sign_in(&code).await.unwrap_err(),
        ProviderError::SignInExpired
    );
    fake.script_device(&[DeviceStep::Declined]);
    assert_eq!(
        p.poll_device_sign_in(&code).await.unwrap_err(),
        ProviderError::SignInDeclined
    );
    fake.script_device(&[DeviceStep::BadCode]);
    assert!(matches!(
        p.poll_device_sign_in(&code).await.unwrap_err(),
        ProviderError::Protocol(_)
    ));
}

#[tokio::test]
async fn device_code_refusals_speak_to_the_admin() {
    let fake = FakeGraph::start().await;
    let mut s = fake.settings();
    s.client_id = "99999999-0000-0000-0000-000000000000".into();
    let p = GraphProvider::new(s).unwrap();
    match p.begin_device_sign_in().await.unwrap_err() {
        ProviderError::NotAllowed(why) => {
            assert!(why.contains("client) id"), "{why}");
            assert!(why.contains("AADSTS700016"), "{why}");
            assert!(why.contains(&fake.last_request_id().unwrap()), "{why}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn device_code_post_is_not_retried_on_429() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    // A wait past the write's budget (throttle::WRITE_BUDGET) is reported,
    // not waited for and sent again (tests/write_resend.rs has the re-send).
    fake.fail(
        "POST",
        "/oauth2/v2.0/devicecode",
        1,
        FaultReply::TooMany {
            retry_after: Some("600".into()),
        },
    );
    assert_eq!(
        p.begin_device_sign_in().await.unwrap_err(),
        ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(600))
        }
    );
    assert_eq!(fake.calls("POST", "/devicecode"), 1);
}

#[tokio::test]
async fn pass_sign_in_is_not_offered() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    assert!(matches!(
        p.sign_in(KIM, &Secret::new("pass")).await.unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
    assert!(fake.state().log.is_empty());
}

// ---- settings -----------------------------------------------------------

#[tokio::test]
async fn plain_http_only_to_loopback() {
    let fake = FakeGraph::start().await;
    let mut s = fake.settings();
    s.graph_base = "http://graph.example.com/v1.0".into();
    let e = GraphProvider::new(s).unwrap_err();
    assert!(e.contains("https"), "{e}");
    let mut s = fake.settings();
    s.ca_bundle = Some("/nonexistent/bundle.pem".into());
    let e = GraphProvider::new(s).unwrap_err();
    assert!(e.contains("/nonexistent/bundle.pem"), "{e}");
}

#[tokio::test]
async fn capabilities() {
    let fake = FakeGraph::start().await;
    let c = provider(&fake).capabilities();
    assert_eq!(c.add_kinds, vec![MethodKind::AuthenticatorPush]);
    assert!(c.can_delete);
    assert!(!c.can_set_default);
    assert!(!c.simulated_phone);
    assert!(c.training_accounts.is_none());
}

// ---- listing ------------------------------------------------------------

#[tokio::test]
async fn list_maps_every_method_type() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    let methods = p.list_methods(&session).await.unwrap();
    let by_id = |id: &str| methods.iter().find(|m| m.id == id).unwrap();
    assert_eq!(methods.len(), 11);

    let a = by_id(OLD_AUTHENTICATOR);
    assert_eq!(a.kind, MethodKind::AuthenticatorPush);
    assert_eq!(a.label, "Kim's old iPhone");
    assert_eq!(a.added.as_deref(), Some("2023-03-14T09:12:40Z"));
    assert!(a.used_for.sign_in && a.used_for.password_reset);

    let phone = by_id("3179e48a-750b-4051-897c-87b9720928f7");
    assert_eq!(phone.kind, MethodKind::Phone);
    assert_eq!(phone.label, "+1 2065555555 (mobile)");

    let email = by_id("3ddfcfc8-9383-446f-83cc-3ab9be4be18f");
    assert_eq!(email.kind, MethodKind::Email);
    assert_eq!(email.label, "kim@personal.example");
    assert!(!email.used_for.sign_in && email.used_for.password_reset);

    let key = by_id("-2_GRUg2-HYz6_1YG4YRAQ2");
    assert_eq!(key.kind, MethodKind::SecurityKey);
    assert_eq!(key.label, "Red key");
    // The documentation's example spells it `creationDateTime`.
    assert_eq!(key.added.as_deref(), Some("2020-08-10T06:44:09Z"));

    let oath = by_id("b172893e-893e-b172-3e89-72b13e8972b1");
    assert_eq!(oath.kind, MethodKind::AuthenticatorCode);

    let tap = by_id("6f1967b7-15e8-4935-ac26-d50770ed07a7");
    assert_eq!(tap.kind, MethodKind::TemporaryPass);
    assert_eq!(tap.label, "Temporary Access Pass");

    let hello = by_id("b5e01f81-1f81-b5e0-811f-e0b5811fe0b5");
    assert_eq!(hello.kind, MethodKind::Passkey);
    assert_eq!(hello.label, "Kim's Surface Book");

    let password = by_id("28c10230-6103-485e-b985-444c60001490");
    assert_eq!(password.kind, MethodKind::Password);

    let mac = by_id("c1d2e3f4-0000-4000-8000-00000000a001");
    assert_eq!(mac.kind, MethodKind::Passkey);
    assert_eq!(mac.label, "Kim's MacBook");

    let external = by_id("d4c3b2a1-0000-4000-8000-00000000e001");
    assert_eq!(external.kind, MethodKind::Other);
    assert_eq!(external.label, "Contoso Hardware MFA");

    // A type Microsoft added later: listed as Other, never an error.
    let unknown = by_id("e5f6a7b8-0000-4000-8000-00000000f001");
    assert_eq!(unknown.kind, MethodKind::Other);
    assert_eq!(unknown.label, "holographicAuthenticationMethod");

    // v1.0 does not say which one is the default.
    assert!(methods.iter().all(|m| !m.is_default));
}

#[tokio::test]
async fn list_follows_next_links_on_the_same_server_only() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.page_size(Some(3));
    assert_eq!(p.list_methods(&session).await.unwrap().len(), 11);
    assert_eq!(fake.calls("GET", "/me/authentication/methods"), 4);

    // A next link elsewhere would carry the token away: refused.
    fake.state().base = "http://127.0.0.2:9".into();
    assert!(matches!(
        p.list_methods(&session).await.unwrap_err(),
        ProviderError::Protocol(_)
    ));
}

// ---- deleting -----------------------------------------------------------

#[tokio::test]
async fn delete_uses_each_types_endpoint() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.set_default_method(KIM, None);
    p.list_methods(&session).await.unwrap();
    let cases = [
        (OLD_AUTHENTICATOR, "microsoftAuthenticatorMethods"),
        ("3179e48a-750b-4051-897c-87b9720928f7", "phoneMethods"),
        ("3ddfcfc8-9383-446f-83cc-3ab9be4be18f", "emailMethods"),
        ("-2_GRUg2-HYz6_1YG4YRAQ2", "fido2Methods"),
        (
            "b172893e-893e-b172-3e89-72b13e8972b1",
            "softwareOathMethods",
        ),
        (
            "6f1967b7-15e8-4935-ac26-d50770ed07a7",
            "temporaryAccessPassMethods",
        ),
        (
            "b5e01f81-1f81-b5e0-811f-e0b5811fe0b5",
            "windowsHelloForBusinessMethods",
        ),
        (
            "c1d2e3f4-0000-4000-8000-00000000a001",
            "platformCredentialMethods",
        ),
    ];
    for (id, collection) in cases {
        p.delete_method(&session, id).await.unwrap();
        assert_eq!(
            fake.calls("DELETE", &format!("/me/authentication/{collection}/{id}")),
            1,
            "{collection}"
        );
    }
    // The generic /methods/{id} DELETE does not work on Graph: never used.
    assert_eq!(fake.calls("DELETE", "/authentication/methods/"), 0);

    // Graph cannot delete a password, nor a type it does not know; an
    // external method is not the person's to delete (the desk's is).
    let before = fake.calls("DELETE", "");
    for id in [
        "28c10230-6103-485e-b985-444c60001490",
        "e5f6a7b8-0000-4000-8000-00000000f001",
        "d4c3b2a1-0000-4000-8000-00000000e001",
    ] {
        assert!(matches!(
            p.delete_method(&session, id).await.unwrap_err(),
            ProviderError::NotAllowed(_)
        ));
    }
    assert_eq!(fake.calls("DELETE", ""), before);
    let left: Vec<String> = fake
        .methods(KIM)
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
}

#[tokio::test]
async fn delete_without_a_list_lists_first_and_unknown_ids_are_not_found() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.set_default_method(KIM, None);
    p.delete_method(&session, "3ddfcfc8-9383-446f-83cc-3ab9be4be18f")
        .await
        .unwrap();
    assert_eq!(fake.calls("GET", "/me/authentication/methods"), 1);
    assert_eq!(
        p.delete_method(&session, "no-such-id").await.unwrap_err(),
        ProviderError::NotFound
    );
}

#[tokio::test]
async fn deleting_the_default_method_is_explained() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    p.list_methods(&session).await.unwrap();
    assert_eq!(
        p.delete_method(&session, OLD_AUTHENTICATOR)
            .await
            .unwrap_err(),
        ProviderError::DefaultMethod
    );
    // The other wording Graph uses when the default is a phone.
    fake.set_default_method(KIM, Some("3179e48a-750b-4051-897c-87b9720928f7"));
    assert_eq!(
        p.delete_method(&session, "3179e48a-750b-4051-897c-87b9720928f7")
            .await
            .unwrap_err(),
        ProviderError::DefaultMethod
    );
    assert!(matches!(
        p.set_default(&session, OLD_AUTHENTICATOR)
            .await
            .unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
}

// ---- Graph errors -------------------------------------------------------

#[tokio::test]
async fn missing_permission_is_explained_with_the_request_id() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.fail(
        "GET",
        "/me/authentication/methods",
        1,
        FaultReply::Forbidden,
    );
    match p.list_methods(&session).await.unwrap_err() {
        ProviderError::NotAllowed(why) => {
            assert!(why.contains("UserAuthenticationMethod.ReadWrite"), "{why}");
            assert!(why.contains("admin consent"), "{why}");
            assert!(why.contains("Authorization_RequestDenied"), "{why}");
            assert!(why.contains(&fake.last_request_id().unwrap()), "{why}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_errors_carry_the_request_id() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.fail(
        "GET",
        "/me/authentication/methods",
        1,
        FaultReply::Error {
            status: 500,
            code: "generalException",
            message: "General exception while processing.",
        },
    );
    assert_eq!(
        p.list_methods(&session).await.unwrap_err(),
        ProviderError::Server {
            status: 500,
            code: "generalException".into(),
            reference: fake
                .last_request_id()
                .map(|id| format!("request-id {id}, date 2026-11-23T10:00:00")),
        }
    );
    // Not JSON at all (a proxy's page): the request-id header still counts.
    fake.fail(
        "GET",
        "/me/authentication/methods",
        1,
        FaultReply::HtmlError,
    );
    match p.list_methods(&session).await.unwrap_err() {
        ProviderError::Server {
            status, reference, ..
        } => {
            assert_eq!(status, 500);
            assert!(reference.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn malformed_json_is_a_protocol_error() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.fail(
        "GET",
        "/me/authentication/methods",
        1,
        FaultReply::Malformed,
    );
    assert!(matches!(
        p.list_methods(&session).await.unwrap_err(),
        ProviderError::Protocol(_)
    ));
}

#[tokio::test]
async fn expired_token_ends_the_session() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.expire_tokens();
    assert_eq!(
        p.list_methods(&session).await.unwrap_err(),
        ProviderError::SessionExpired
    );
}

// ---- throttling and retries ---------------------------------------------

#[tokio::test]
async fn get_waits_for_retry_after_then_succeeds() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.fail(
        "GET",
        "/me/authentication/methods",
        1,
        FaultReply::TooMany {
            retry_after: Some("1".into()),
        },
    );
    let started = Instant::now();
    assert_eq!(p.list_methods(&session).await.unwrap().len(), 11);
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(fake.calls("GET", "/me/authentication/methods"), 2);
}

#[tokio::test]
async fn get_retries_503_with_an_http_date() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    // A date in the past: retry at once.
    fake.fail(
        "GET",
        "/me/authentication/methods",
        2,
        FaultReply::Unavailable {
            retry_after: Some("Sun, 06 Nov 1994 08:49:37 GMT".into()),
        },
    );
    assert_eq!(p.list_methods(&session).await.unwrap().len(), 11);
    assert_eq!(fake.calls("GET", "/me/authentication/methods"), 3);
}

#[tokio::test]
async fn a_wait_longer_than_the_budget_is_reported_not_slept() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.fail(
        "GET",
        "/me/authentication/methods",
        5,
        FaultReply::TooMany {
            retry_after: Some("600".into()),
        },
    );
    let started = Instant::now();
    assert_eq!(
        p.list_methods(&session).await.unwrap_err(),
        ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(600))
        }
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(fake.calls("GET", "/me/authentication/methods"), 1);
}

#[tokio::test]
async fn writes_are_resent_only_after_a_429() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    fake.set_default_method(KIM, None);
    p.list_methods(&session).await.unwrap();
    fake.fail(
        "DELETE",
        "/microsoftAuthenticatorMethods/",
        1,
        FaultReply::TooMany {
            retry_after: Some("1".into()),
        },
    );
    // A 429 says the DELETE was not carried out: it is sent again after
    // the wait, once. A 503 (below) may come after the work: never again.
    p.delete_method(&session, OLD_AUTHENTICATOR).await.unwrap();
    assert_eq!(fake.calls("DELETE", ""), 2);

    fake.fail(
        "POST",
        "/phoneMethods",
        1,
        FaultReply::Unavailable {
            retry_after: Some("1".into()),
        },
    );
    let number = PhoneNumber::parse("+1 4255550100").unwrap();
    assert!(matches!(
        p.add_phone(&session, &number, PhoneType::Office)
            .await
            .unwrap_err(),
        ProviderError::RateLimited { .. }
    ));
    assert_eq!(fake.calls("POST", "/phoneMethods"), 1);
}

#[tokio::test]
async fn timeouts_retry_reads_but_not_writes() {
    let fake = FakeGraph::start().await;
    let mut s = fake.settings();
    s.timeout = Duration::from_millis(300);
    let p = GraphProvider::new(s).unwrap();
    let session = sign_in(&fake, &p).await;
    fake.fail(
        "GET",
        "/me/authentication/methods",
        1,
        FaultReply::Slow(Duration::from_secs(2)),
    );
    // The first try times out, the second gets through.
    assert_eq!(p.list_methods(&session).await.unwrap().len(), 11);
    assert_eq!(fake.calls("GET", "/me/authentication/methods"), 2);

    fake.set_default_method(KIM, None);
    fake.fail(
        "DELETE",
        "/emailMethods/",
        1,
        FaultReply::Slow(Duration::from_secs(2)),
    );
    assert_eq!(
        p.delete_method(&session, "3ddfcfc8-9383-446f-83cc-3ab9be4be18f")
            .await
            .unwrap_err(),
        ProviderError::Timeout
    );
    assert_eq!(fake.calls("DELETE", "/emailMethods/"), 1);
}

#[tokio::test]
async fn nobody_listening_is_the_server_down() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    // A port nothing listens on (bound, then released).
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let mut s = fake.settings();
    s.graph_base = format!("http://127.0.0.1:{port}/v1.0");
    let offline = GraphProvider::new(s).unwrap();
    assert_eq!(
        offline.list_methods(&session).await.unwrap_err(),
        ProviderError::ServerDown
    );
}

// ---- adding the Authenticator -------------------------------------------

#[tokio::test]
async fn registration_is_seen_when_a_new_authenticator_appears() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    assert_eq!(e.kind, MethodKind::AuthenticatorPush);
    assert_eq!(e.qr_payload.expose(), SECURITY_INFO);
    assert!(e.manual_key.is_empty());
    assert_eq!(e.confirm, Confirm::Appears);
    assert_eq!(e.registration, Some(fake.settings().registration_wait));
    assert_eq!(e.account_name, KIM);

    // Two more looks at the list before the phone's registration lands.
    fake.authenticator_appears_after(KIM, 2, "Kim's new Pixel");
    assert!(!p.poll_registration(&session, &e.id).await.unwrap());
    assert!(!p.poll_registration(&session, &e.id).await.unwrap());
    assert!(p.poll_registration(&session, &e.id).await.unwrap());

    let methods = p.list_methods(&session).await.unwrap();
    let new = methods
        .iter()
        .find(|m| m.label == "Kim's new Pixel")
        .unwrap();
    assert_eq!(new.kind, MethodKind::AuthenticatorPush);
    assert_eq!(new.added, None, "createdDateTime may be null");

    // Graph cannot test the new app; the person proved it by registering.
    assert!(matches!(
        p.request_approval(&session, &e.id).await.unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
    assert!(matches!(
        p.poll_approval(&session, &e.id).await.unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
    assert!(matches!(
        p.check_code(&session, &e.id, "123456").await.unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
}

#[tokio::test]
async fn an_authenticator_that_was_already_there_is_not_new() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    let before = fake.register_authenticator(KIM, "Registered before");
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    assert!(!p.poll_registration(&session, &e.id).await.unwrap());
    // Deleting the old one does not count as a registration either.
    fake.set_default_method(KIM, None);
    p.list_methods(&session).await.unwrap();
    p.delete_method(&session, &before).await.unwrap();
    assert!(!p.poll_registration(&session, &e.id).await.unwrap());
    fake.register_authenticator(KIM, "Registered now");
    assert!(p.poll_registration(&session, &e.id).await.unwrap());
}

#[tokio::test]
async fn cancel_and_sign_out_forget_the_enrollment() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    assert!(matches!(
        p.begin_enrollment(&session, MethodKind::AuthenticatorCode)
            .await
            .unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    p.cancel_enrollment(&session, &e.id).await.unwrap();
    assert_eq!(
        p.poll_registration(&session, &e.id).await.unwrap_err(),
        ProviderError::NotFound
    );
    let e = p
        .begin_enrollment(&session, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    let calls = fake.state().log.len();
    p.sign_out(&session).await.unwrap();
    // Nothing to call on Graph for a delegated sign-out.
    assert_eq!(fake.state().log.len(), calls);
    assert_eq!(
        p.poll_registration(&session, &e.id).await.unwrap_err(),
        ProviderError::NotFound
    );
}

// ---- phone --------------------------------------------------------------

#[tokio::test]
async fn add_phone_follows_graphs_rules() {
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    let number = PhoneNumber::parse("+1 (425) 555-0100").unwrap();
    assert_eq!(number.as_str(), "+1 4255550100");

    let office = p
        .add_phone(&session, &number, PhoneType::Office)
        .await
        .unwrap();
    assert_eq!(office.id, OFFICE_ID);
    assert_eq!(office.kind, MethodKind::Phone);
    assert_eq!(office.label, "+1 4255550100 (office)");

    let alt = p
        .add_phone(&session, &number, PhoneType::AlternateMobile)
        .await
        .unwrap();
    assert_eq!(alt.id, ALT_MOBILE_ID);

    // Kim has a mobile number already: one per type.
    match p
        .add_phone(&session, &number, PhoneType::Mobile)
        .await
        .unwrap_err()
    {
        ProviderError::Conflict(why) => assert!(why.contains("one per type"), "{why}"),
        other => panic!("{other:?}"),
    }
    // The added phone can be deleted through its type without a new list.
    p.delete_method(&session, OFFICE_ID).await.unwrap();
    assert_eq!(fake.calls("GET", "/me/authentication/methods"), 0);
}

// ---- helpdesk (app-only) ------------------------------------------------

#[tokio::test]
async fn admin_token_is_fetched_once_and_renewed_after_401() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    assert!(!format!("{a:?}").contains(CLIENT_SECRET));
    a.list_methods(KIM).await.unwrap();
    a.lookup_user(KIM).await.unwrap();
    assert_eq!(fake.calls("POST", "/oauth2/v2.0/token"), 1);

    // A token revoked early: one new token, the call goes through.
    fake.expire_tokens();
    assert_eq!(a.list_methods(KIM).await.unwrap().len(), 11);
    assert_eq!(fake.calls("POST", "/oauth2/v2.0/token"), 2);
}

#[tokio::test]
async fn admin_token_is_renewed_before_it_expires() {
    let fake = FakeGraph::start().await;
    fake.app_token_lifetime(Duration::from_secs(2));
    let a = admin(&fake).await;
    a.list_methods(KIM).await.unwrap();
    assert_eq!(fake.calls("POST", "/oauth2/v2.0/token"), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    a.list_methods(KIM).await.unwrap();
    assert_eq!(fake.calls("POST", "/oauth2/v2.0/token"), 2);
}

#[tokio::test]
async fn admin_wrong_secret_is_explained_without_the_secret() {
    let fake = FakeGraph::start().await;
    let wrong = "wrong~secret~value~123";
    let e = GraphAdmin::connect(fake.settings(), Secret::new(wrong))
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("client secret"), "{text}");
    assert!(!text.contains(wrong) && !format!("{e:?}").contains(wrong));
    assert!(matches!(
        e,
        ConnectError::Provider(ProviderError::NotAllowed(_))
    ));
    let mut s = fake.settings();
    s.tenant = String::new();
    assert!(matches!(
        GraphAdmin::connect(s, Secret::new(CLIENT_SECRET))
            .await
            .unwrap_err(),
        ConnectError::Config(_)
    ));
}

#[tokio::test]
async fn admin_looks_users_up() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    let kim = a.lookup_user(KIM).await.unwrap();
    assert_eq!(kim.id, "48d31887-5fad-4d73-a9f5-3c356e68a038");
    assert_eq!(kim.display_name, "Kim Akers");
    assert_eq!(kim.user_type.as_deref(), Some("Member"));
    // `#EXT#` must reach Graph as part of the path, not as a fragment.
    let guest = a.lookup_user(GUEST).await.unwrap();
    assert_eq!(guest.user_type.as_deref(), Some("Guest"));
    assert_eq!(
        a.lookup_user("nobody@contoso.example").await.unwrap_err(),
        ProviderError::UnknownUser
    );
    let log = fake.state().log.clone();
    let lookup = log
        .iter()
        .find(|r| r.path.starts_with("/v1.0/users/kim"))
        .unwrap();
    assert!(
        lookup.query.contains("$select=id,userPrincipalName"),
        "{}",
        lookup.query
    );
}

#[tokio::test]
async fn admin_lists_deletes_and_hits_the_default_rule() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    let user = a.lookup_user(KIM).await.unwrap();
    let methods = a.list_methods(&user.id).await.unwrap();
    assert_eq!(methods.len(), 11);
    let old = methods
        .iter()
        .find(|m| m.method.id == OLD_AUTHENTICATOR)
        .unwrap();
    assert_eq!(old.method_type, MethodType::MicrosoftAuthenticator);
    assert_eq!(
        a.delete_method(&user.id, old).await.unwrap_err(),
        ProviderError::DefaultMethod
    );
    fake.set_default_method(KIM, None);
    a.delete_method(&user.id, old).await.unwrap();
    assert_eq!(
        fake.calls(
            "DELETE",
            &format!(
                "/users/{}/authentication/microsoftAuthenticatorMethods/",
                user.id
            )
        ),
        2
    );
    let password = methods
        .iter()
        .find(|m| m.method_type == MethodType::Password)
        .unwrap();
    assert!(matches!(
        a.delete_method(&user.id, password).await.unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
}

#[tokio::test]
async fn admin_missing_role_names_the_application_permission() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    fake.fail("GET", "/authentication/methods", 1, FaultReply::Forbidden);
    match a.list_methods(KIM).await.unwrap_err() {
        ProviderError::NotAllowed(why) => {
            assert!(why.contains("UserAuthenticationMethod.Read.All"), "{why}");
            assert!(why.contains(&fake.last_request_id().unwrap()), "{why}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn admin_issues_a_pass_shown_once_and_never_in_debug() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    let issued = a.create_tap(KIM, Some(60), true).await.unwrap();
    let value = fake.state().user(KIM).unwrap().issued_passes[0].clone();
    assert_eq!(issued.pass.expose(), value);
    assert_eq!(issued.status.lifetime_minutes, Some(60));
    assert_eq!(issued.status.is_usable_once, Some(true));
    assert_eq!(
        issued.status.usability_reason.as_deref(),
        Some("EnabledByPolicy")
    );
    assert!(!format!("{issued:?}").contains(&value), "pass in Debug");
    // Graph keeps one pass per user, and never shows its value again.
    let passes: Vec<_> = fake
        .methods(KIM)
        .into_iter()
        .filter(|m| m["@odata.type"] == "#microsoft.graph.temporaryAccessPassAuthenticationMethod")
        .collect();
    assert_eq!(passes.len(), 1);
    assert!(passes[0]["temporaryAccessPass"].is_null());
    let listed = a.list_methods(KIM).await.unwrap();
    assert!(!format!("{listed:?}").contains(&value));
}

#[tokio::test]
async fn admin_pass_refusals() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    // Outside what Graph allows at all: refused before sending.
    assert!(matches!(
        a.create_tap(KIM, Some(5), true).await.unwrap_err(),
        ProviderError::Conflict(_)
    ));
    assert_eq!(fake.calls("POST", "/temporaryAccessPassMethods"), 0);
    // Outside the tenant's policy: Graph says so.
    match a.create_tap(KIM, Some(600), true).await.unwrap_err() {
        ProviderError::Conflict(why) => assert!(why.contains("between 60 and 480"), "{why}"),
        other => panic!("{other:?}"),
    }
    match a.create_tap(GUEST, None, true).await.unwrap_err() {
        ProviderError::NotAllowed(why) => assert!(why.contains("guest"), "{why}"),
        other => panic!("{other:?}"),
    }
    // A POST throttled for longer than the write's budget is reported, not
    // repeated (a 429 within the budget is sent again: tests/write_resend.rs).
    fake.fail(
        "POST",
        "/temporaryAccessPassMethods",
        1,
        FaultReply::TooMany {
            retry_after: Some("600".into()),
        },
    );
    let before = fake.calls("POST", "/temporaryAccessPassMethods");
    assert!(matches!(
        a.create_tap(KIM, None, true).await.unwrap_err(),
        ProviderError::RateLimited { .. }
    ));
    assert_eq!(
        fake.calls("POST", "/temporaryAccessPassMethods"),
        before + 1
    );
    assert!(fake.state().user(KIM).unwrap().issued_passes.is_empty());
}

#[tokio::test]
async fn admin_revokes_sessions() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    a.revoke_sessions(KIM).await.unwrap();
    assert_eq!(fake.state().user(KIM).unwrap().revocations, 1);
    fake.fail("POST", "/revokeSignInSessions", 1, FaultReply::Forbidden);
    match a.revoke_sessions(KIM).await.unwrap_err() {
        ProviderError::NotAllowed(why) => assert!(why.contains("User.RevokeSessions.All"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn admin_watches_for_new_methods() {
    let fake = FakeGraph::start().await;
    let a = admin(&fake).await;
    let known: HashSet<String> = a
        .list_methods(KIM)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.method.id)
        .collect();
    let new_since = |all: Vec<GraphMethod>| -> Vec<GraphMethod> {
        all.into_iter()
            .filter(|m| !known.contains(&m.method.id))
            .collect()
    };
    assert!(new_since(a.list_methods(KIM).await.unwrap()).is_empty());
    let id = fake.register_authenticator(KIM, "Kim's new Pixel");
    let new = new_since(a.list_methods(KIM).await.unwrap());
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].method.id, id);
    assert_eq!(new[0].method.kind, MethodKind::AuthenticatorPush);
}

#[tokio::test]
async fn delegated_user_cannot_issue_passes_or_revoke() {
    // The fake refuses app-only routes to a delegated token, as Graph does
    // for a user without an admin role.
    let fake = FakeGraph::start().await;
    let p = provider(&fake);
    let session = sign_in(&fake, &p).await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let r = client
        .post(format!(
            "{}/users/{}/authentication/temporaryAccessPassMethods",
            fake.graph_base(),
            KIM
        ))
        .bearer_auth(session.token().expose())
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

// ---- client secret ------------------------------------------------------

#[test]
fn client_secret_from_the_environment() {
    let lookup = |name: &str| (name == "GRAPH_SECRET").then(|| "s3cret-value\n".into());
    assert_eq!(
        from_lookup("GRAPH_SECRET", lookup).unwrap().expose(),
        "s3cret-value"
    );
    let e = from_lookup("OTHER", lookup).unwrap_err();
    assert!(e.contains("OTHER") && e.contains("not set"), "{e}");
    let e = from_lookup("EMPTY", |_| Some("  \n".into())).unwrap_err();
    assert!(e.contains("empty"), "{e}");
    // The real environment (cargo sets this for every test run).
    assert_eq!(
        SecretSource::Env("CARGO_PKG_NAME".into())
            .load()
            .unwrap()
            .expose(),
        "mfa-assist"
    );
}

#[cfg(unix)]
#[test]
fn client_secret_from_a_private_file_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph-secret");
    std::fs::write(&path, "file~secret~value\r\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        SecretSource::File(path.clone()).load().unwrap().expose(),
        "file~secret~value"
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = from_file(&path).unwrap_err();
    assert!(e.contains("chmod 600"), "{e}");
    assert!(!e.contains("file~secret~value"), "{e}");
    let e = from_file(&dir.path().join("missing")).unwrap_err();
    assert!(e.contains("missing"), "{e}");
}
