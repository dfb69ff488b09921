//! The helpdesk contract (`Admin`) on Microsoft Entra ID: `GraphDesk`
//! against the local server that serves Graph's and the identity platform's
//! documented shapes, and `setup::admin` building it from the config.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/fake_graph/mod.rs"]
mod fake_graph;

use fake_graph::{CLIENT_ID, CLIENT_SECRET, DeviceStep, FakeGraph, FaultReply, GUEST, KIM, TENANT};
use mfa_assist::provider::admin::{Admin, Caller, PassName, PassRequest};
use mfa_assist::provider::graph::{GraphAdmin, GraphDesk, GraphProvider, PASS_LIFETIME_MINUTES};
use mfa_assist::provider::{DevicePoll, MethodKind, Provider, ProviderError, PushApp, Session};
use mfa_assist::secret::Secret;
use std::time::{Duration, Instant};

const KIM_ID: &str = "48d31887-5fad-4d73-a9f5-3c356e68a038";
const OLD_AUTHENTICATOR: &str = "6a8c4e2d-9a3b-4f1e-8d2c-1b5e7f9a0c31";
const KIMS_PASS: &str = "6f1967b7-15e8-4935-ac26-d50770ed07a7";
const KIMS_EMAIL: &str = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f";

async fn desk(fake: &FakeGraph) -> GraphDesk {
    let admin = GraphAdmin::connect(fake.settings(), Secret::new(CLIENT_SECRET))
        .await
        .unwrap();
    GraphDesk::new(admin)
}

async fn kim(desk: &GraphDesk) -> Caller {
    desk.lookup(KIM).await.unwrap()
}

fn request(minutes: u32, one_time: bool) -> PassRequest {
    PassRequest {
        lifetime_minutes: minutes,
        one_time,
    }
}

/// The kiosk signed in as Kim (delegated), for comparing what both see.
async fn kiosk_session(fake: &FakeGraph) -> (GraphProvider, Session) {
    let p = GraphProvider::new(fake.settings()).unwrap();
    fake.script_device(&[DeviceStep::Success]);
    let code = p.begin_device_sign_in().await.unwrap();
    match p.poll_device_sign_in(&code).await.unwrap() {
        DevicePoll::Done(session) => (p, session),
        other => panic!("expected a session, got {other:?}"),
    }
}

fn issued_pass(fake: &FakeGraph, upn: &str) -> String {
    fake.state()
        .user(upn)
        .unwrap()
        .issued_passes
        .last()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn capabilities_are_entras() {
    let fake = FakeGraph::start().await;
    let caps = desk(&fake).await.capabilities();
    assert_eq!(caps.pass_name, PassName::TemporaryAccessPass);
    assert!(!caps.pass_lifetimes.is_empty());
    assert!(
        caps.pass_lifetimes
            .iter()
            .all(|m| PASS_LIFETIME_MINUTES.contains(m)),
        "{:?}",
        caps.pass_lifetimes
    );
    // The first (the default) is what Entra's default policy issues.
    assert_eq!(caps.pass_lifetimes[0], 60);
    assert!(caps.one_time_choice);
    assert!(caps.can_revoke_sessions);
    assert_eq!(caps.push_app, PushApp::MicrosoftAuthenticator);
    assert_eq!(
        caps.self_service_url.as_deref(),
        Some("https://aka.ms/mysecurityinfo")
    );
    assert_eq!(caps.training_callers, None);
}

#[tokio::test]
async fn every_offered_lifetime_fits_the_default_policy() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    for minutes in d.capabilities().pass_lifetimes {
        let pass = d.issue_pass(&caller, request(minutes, true)).await;
        assert!(pass.is_ok(), "{minutes} min: {pass:?}");
    }
}

#[tokio::test]
async fn lookup_names_the_caller() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    // Entra matches UPNs without regard to case, and says how it spells them.
    let caller = d.lookup("Kim@Contoso.Example").await.unwrap();
    assert_eq!(
        caller,
        Caller {
            id: KIM_ID.into(),
            username: KIM.into(),
            display_name: "Kim Akers".into(),
            enabled: Some(true),
        }
    );
    fake.set_account_enabled(KIM, false);
    assert_eq!(kim(&d).await.enabled, Some(false));

    let guest = d.lookup(GUEST).await.unwrap();
    assert_eq!(guest.username, GUEST);
    assert_eq!(
        d.lookup("nobody@contoso.example").await.unwrap_err(),
        ProviderError::UnknownUser
    );
    assert_eq!(
        d.lookup("  ").await.unwrap_err(),
        ProviderError::UnknownUser
    );
}

#[tokio::test]
async fn caller_state_maps_methods_as_the_kiosk_does_and_passes_apart() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    let state = d.caller_state(&caller).await.unwrap();

    let (kiosk, session) = kiosk_session(&fake).await;
    let mut seen_by_kiosk = kiosk.list_methods(&session).await.unwrap();
    seen_by_kiosk.retain(|m| m.kind != MethodKind::TemporaryPass);
    assert_eq!(state.methods, seen_by_kiosk);
    assert_eq!(state.methods.len(), 10);
    assert!(
        state
            .methods
            .iter()
            .all(|m| m.id != KIMS_PASS && m.kind != MethodKind::TemporaryPass)
    );

    assert_eq!(state.passes.len(), 1);
    let pass = &state.passes[0];
    assert_eq!(pass.id, KIMS_PASS);
    assert_eq!(pass.created.as_deref(), Some("2024-05-02T08:00:00Z"));
    // startDateTime + lifetimeInMinutes (60).
    assert_eq!(pass.expires.as_deref(), Some("2024-05-02 09:00 UTC"));
    assert_eq!(pass.one_time, Some(true));
    assert_eq!(pass.usable, Some(true));

    // The app-only listing is by object id, not through /me.
    assert_eq!(
        fake.calls(
            "GET",
            &format!("/v1.0/users/{KIM_ID}/authentication/methods")
        ),
        1
    );
}

#[tokio::test]
async fn delete_by_id_uses_the_types_endpoint_from_the_last_listing() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    d.caller_state(&caller).await.unwrap();
    let lists = fake.calls("GET", "/authentication/methods");

    d.delete_method(&caller, KIMS_EMAIL).await.unwrap();
    assert_eq!(
        fake.calls(
            "DELETE",
            &format!("/users/{KIM_ID}/authentication/emailMethods/{KIMS_EMAIL}")
        ),
        1
    );
    // Known from the listing: no second GET.
    assert_eq!(fake.calls("GET", "/authentication/methods"), lists);
    // Gone now: Graph says 404, the contract says NotFound.
    assert_eq!(
        d.delete_method(&caller, KIMS_EMAIL).await.unwrap_err(),
        ProviderError::NotFound
    );
    // A pass is deleted by its id too.
    d.delete_method(&caller, KIMS_PASS).await.unwrap();
    assert_eq!(
        fake.calls("DELETE", "/authentication/temporaryAccessPassMethods/"),
        1
    );
    assert!(d.caller_state(&caller).await.unwrap().passes.is_empty());
}

#[tokio::test]
async fn delete_without_a_listing_lists_first() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    fake.set_default_method(KIM, None);
    d.delete_method(&caller, OLD_AUTHENTICATOR).await.unwrap();
    assert_eq!(fake.calls("GET", "/authentication/methods"), 1);
    assert_eq!(
        fake.calls("DELETE", "/authentication/microsoftAuthenticatorMethods/"),
        1
    );
    assert!(
        !fake
            .methods(KIM)
            .iter()
            .any(|m| m["id"] == OLD_AUTHENTICATOR)
    );
    // An id Graph never listed: NotFound, and nothing deleted.
    assert_eq!(
        d.delete_method(&caller, "no-such-method")
            .await
            .unwrap_err(),
        ProviderError::NotFound
    );
    assert_eq!(fake.calls("DELETE", "/authentication/"), 1);
}

#[tokio::test]
async fn the_default_method_goes_last() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    assert_eq!(
        d.delete_method(&caller, OLD_AUTHENTICATOR)
            .await
            .unwrap_err(),
        ProviderError::DefaultMethod
    );
    // Still there, still known: a second try needs no listing.
    let lists = fake.calls("GET", "/authentication/methods");
    fake.set_default_method(KIM, None);
    d.delete_method(&caller, OLD_AUTHENTICATOR).await.unwrap();
    assert_eq!(fake.calls("GET", "/authentication/methods"), lists);
}

#[tokio::test]
async fn the_password_cannot_be_deleted() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    let state = d.caller_state(&caller).await.unwrap();
    let password = state
        .methods
        .iter()
        .find(|m| m.kind == MethodKind::Password)
        .unwrap();
    match d.delete_method(&caller, &password.id).await.unwrap_err() {
        ProviderError::NotAllowed(why) => assert!(why.contains("password"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.calls("DELETE", "/authentication/"), 0);
}

#[tokio::test]
async fn a_pass_is_shown_once_and_never_in_debug_or_errors() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    let new = d.issue_pass(&caller, request(60, true)).await.unwrap();
    let value = issued_pass(&fake, KIM);
    assert_eq!(new.pass.expose(), value);
    assert!(new.one_time);
    // The fake creates passes at 10:00:00.765173Z, usable at once from 10:00.
    assert_eq!(new.expires.as_deref(), Some("2026-11-23 11:00 UTC"));
    assert!(!format!("{new:?}").contains(&value), "pass in Debug");
    assert!(!format!("{d:?}").contains(CLIENT_SECRET));

    // One pass per user: the new one replaced Kim's old one, and Graph
    // never shows its value again.
    let state = d.caller_state(&caller).await.unwrap();
    assert_eq!(state.passes.len(), 1);
    assert_eq!(state.passes[0].id, new.id);
    assert_eq!(state.passes[0].expires, new.expires);
    assert!(!format!("{state:?}").contains(&value));

    // Refusals after issuing carry no trace of it.
    let too_long = d
        .issue_pass(&caller, request(600, false))
        .await
        .unwrap_err();
    let no_role = {
        fake.fail("GET", "/authentication/methods", 1, FaultReply::Forbidden);
        d.caller_state(&caller).await.unwrap_err()
    };
    for e in [&too_long, &no_role] {
        assert!(!e.to_string().contains(&value), "{e}");
        assert!(!format!("{e:?}").contains(&value), "{e:?}");
    }
    match too_long {
        ProviderError::Conflict(why) => assert!(why.contains("between 60 and 480"), "{why}"),
        other => panic!("{other:?}"),
    }

    // The new pass is deleted by its id without another listing.
    let lists = fake.calls("GET", "/authentication/methods");
    d.delete_method(&caller, &new.id).await.unwrap();
    assert_eq!(fake.calls("GET", "/authentication/methods"), lists);
}

#[tokio::test]
async fn a_multi_use_pass_when_asked() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    let new = d.issue_pass(&caller, request(480, false)).await.unwrap();
    assert!(!new.one_time);
    assert_eq!(new.expires.as_deref(), Some("2026-11-23 18:00 UTC"));
    let post = fake
        .state()
        .log
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/temporaryAccessPassMethods"))
        .count();
    assert_eq!(post, 1);
}

#[tokio::test]
async fn guests_get_no_pass_and_are_told_why() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let guest = d.lookup(GUEST).await.unwrap();
    match d.issue_pass(&guest, request(60, true)).await.unwrap_err() {
        ProviderError::NotAllowed(why) => {
            assert!(why.contains("guest"), "{why}");
            // Issue 16 item 6: the host's desk resets a guest's MFA (it is
            // registered in our tenant), not their home organisation.
            assert!(!why.contains("home organisation"), "{why}");
            assert!(why.contains("this desk resets them"), "{why}");
            assert!(why.contains("Reset all"), "{why}");
            assert!(why.starts_with("Alex Wilber (Fabrikam)"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    // Known from the lookup: Graph is not asked.
    assert_eq!(fake.calls("POST", "/temporaryAccessPassMethods"), 0);

    // A guest this desk did not look up: Graph's refusal, in plain words.
    let other_desk = desk(&fake).await;
    match other_desk
        .issue_pass(&guest, request(60, true))
        .await
        .unwrap_err()
    {
        ProviderError::NotAllowed(why) => {
            assert!(why.contains("guest"), "{why}");
            assert!(why.contains("Reset all"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.calls("POST", "/temporaryAccessPassMethods"), 1);
    assert!(fake.state().user(GUEST).unwrap().issued_passes.is_empty());
}

#[tokio::test]
async fn a_missing_permission_names_what_to_grant() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let cases: [(&str, &str, &str); 4] = [
        ("GET", "/users/kim", "User.Read.All"),
        (
            "GET",
            "/authentication/methods",
            "UserAuthenticationMethod.Read.All",
        ),
        (
            "POST",
            "/temporaryAccessPassMethods",
            "UserAuthenticationMethod.ReadWrite.All",
        ),
        ("POST", "/revokeSignInSessions", "User.RevokeSessions.All"),
    ];
    for (method, path, permission) in cases {
        fake.fail(method, path, 1, FaultReply::Forbidden);
        let caller = Caller {
            id: KIM_ID.into(),
            username: KIM.into(),
            display_name: "Kim Akers".into(),
            enabled: Some(true),
        };
        let e = match path {
            "/users/kim" => d.lookup(KIM).await.unwrap_err(),
            "/authentication/methods" => d.caller_state(&caller).await.unwrap_err(),
            "/temporaryAccessPassMethods" => {
                d.issue_pass(&caller, request(60, true)).await.unwrap_err()
            }
            _ => d.revoke_sessions(&caller).await.unwrap_err(),
        };
        match e {
            ProviderError::NotAllowed(why) => {
                assert!(why.contains(permission), "{path}: {why}");
                assert!(why.contains(&fake.last_request_id().unwrap()), "{why}");
            }
            other => panic!("{path}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn throttled_reads_wait_for_retry_after_writes_report_it() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    fake.fail(
        "GET",
        "/authentication/methods",
        1,
        FaultReply::TooMany {
            retry_after: Some("1".into()),
        },
    );
    let started = Instant::now();
    assert_eq!(d.caller_state(&caller).await.unwrap().methods.len(), 10);
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(fake.calls("GET", "/authentication/methods"), 2);

    // A write answered 429 was not carried out (Graph: "the request was
    // throttled"), so it is sent again after the wait: one pass, one delete.
    fake.fail(
        "POST",
        "/temporaryAccessPassMethods",
        1,
        FaultReply::TooMany {
            retry_after: Some("1".into()),
        },
    );
    d.issue_pass(&caller, request(60, true)).await.unwrap();
    assert_eq!(fake.calls("POST", "/temporaryAccessPassMethods"), 2);
    assert_eq!(fake.state().user(KIM).unwrap().issued_passes.len(), 1);

    fake.fail(
        "DELETE",
        "/emailMethods/",
        1,
        FaultReply::TooMany {
            retry_after: Some("1".into()),
        },
    );
    d.delete_method(&caller, KIMS_EMAIL).await.unwrap();
    assert_eq!(fake.calls("DELETE", "/authentication/"), 2);

    // A wait past the write's budget is reported with the wait Graph asked
    // for ("busy, try again"), not sent again.
    fake.fail(
        "POST",
        "/temporaryAccessPassMethods",
        1,
        FaultReply::TooMany {
            retry_after: Some("600".into()),
        },
    );
    assert_eq!(
        d.issue_pass(&caller, request(60, true)).await.unwrap_err(),
        ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(600))
        }
    );
    assert_eq!(fake.calls("POST", "/temporaryAccessPassMethods"), 3);
    assert_eq!(fake.state().user(KIM).unwrap().issued_passes.len(), 1);
}

#[tokio::test]
async fn malformed_answers_are_protocol_errors() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    fake.fail("GET", "/authentication/methods", 1, FaultReply::Malformed);
    assert!(matches!(
        d.caller_state(&caller).await.unwrap_err(),
        ProviderError::Protocol(_)
    ));
    fake.fail("GET", "/users/", 1, FaultReply::Malformed);
    assert!(matches!(
        d.lookup(KIM).await.unwrap_err(),
        ProviderError::Protocol(_)
    ));
    // A pass answer cut off mid-JSON: no pass, and no half of one.
    fake.fail(
        "POST",
        "/temporaryAccessPassMethods",
        1,
        FaultReply::Malformed,
    );
    assert!(matches!(
        d.issue_pass(&caller, request(60, true)).await.unwrap_err(),
        ProviderError::Protocol(_)
    ));
    // A server error page is a server error with Graph's reference.
    fake.fail("POST", "/revokeSignInSessions", 1, FaultReply::HtmlError);
    match d.revoke_sessions(&caller).await.unwrap_err() {
        ProviderError::Server {
            status: 500,
            reference: Some(_),
            ..
        } => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn revoke_signs_the_caller_out_everywhere() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    d.revoke_sessions(&caller).await.unwrap();
    assert_eq!(fake.state().user(KIM).unwrap().revocations, 1);
    assert_eq!(
        fake.calls(
            "POST",
            &format!("/v1.0/users/{KIM_ID}/revokeSignInSessions")
        ),
        1
    );
    // Training only: nothing happens on a real tenant.
    d.simulate_caller_registers(&caller);
    assert_eq!(fake.methods(KIM).len(), 11);
}

#[tokio::test]
async fn a_new_authenticator_shows_in_the_callers_state() {
    let fake = FakeGraph::start().await;
    let d = desk(&fake).await;
    let caller = kim(&d).await;
    let before = d.caller_state(&caller).await.unwrap();
    let id = fake.register_authenticator(KIM, "Kim's new Pixel");
    let after = d.caller_state(&caller).await.unwrap();
    assert_eq!(after.methods.len(), before.methods.len() + 1);
    let new = after.methods.iter().find(|m| m.id == id).unwrap();
    assert_eq!(new.kind, MethodKind::AuthenticatorPush);
    assert_eq!(new.label, "Kim's new Pixel");
    // Seen in a listing, so deletable by id.
    d.delete_method(&caller, &id).await.unwrap();
}

// ---- setup::admin: helpdesk mode from the config ------------------------

fn entra_config(fake: &FakeGraph, extra: &str) -> mfa_assist::config::Config {
    let text = format!(
        "[provider]\nkind = \"entra\"\n[entra]\ntenant = \"{TENANT}\"\nclient_id = \"{CLIENT_ID}\"\n\
         authority_base = \"{}\"\ngraph_base = \"{}\"\nrequest_timeout_secs = 5\n{extra}",
        fake.authority_base(),
        fake.graph_base()
    );
    mfa_assist::config::parse(&text, std::path::Path::new("/etc/mfa-assist/config.toml")).unwrap()
}

#[cfg(unix)]
fn secret_file(dir: &tempfile::TempDir, value: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.path().join("entra-secret");
    std::fs::write(&path, format!("{value}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// The start-up failure (`dyn Admin` has no Debug for `unwrap_err`).
async fn admin_error(config: &mfa_assist::config::Config) -> String {
    match mfa_assist::setup::admin(config, None).await {
        Ok(_) => panic!("expected helpdesk mode to fail to start"),
        Err(e) => e,
    }
}

fn assert_one_line(message: &str) {
    assert!(
        !message.contains('\n') && !message.contains('\r'),
        "{message:?}"
    );
    assert!(!message.chars().any(char::is_control), "{message:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn setup_admin_signs_in_with_the_secret_file() {
    let fake = FakeGraph::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = secret_file(&dir, CLIENT_SECRET);
    let config = entra_config(
        &fake,
        &format!("client_secret_file = \"{}\"\n", path.display()),
    );
    let admin = mfa_assist::setup::admin(&config, None).await.unwrap();
    // Signed in at start-up, before any call.
    assert_eq!(fake.calls("POST", "/oauth2/v2.0/token"), 1);
    assert_eq!(
        admin.capabilities().pass_name,
        PassName::TemporaryAccessPass
    );
    assert_eq!(admin.lookup(KIM).await.unwrap().id, KIM_ID);
}

#[tokio::test]
async fn setup_admin_names_the_unset_variable() {
    let fake = FakeGraph::start().await;
    let name = "MFA_ASSIST_TEST_SECRET_THAT_IS_NEVER_SET";
    assert!(std::env::var_os(name).is_none());
    let config = entra_config(&fake, &format!("client_secret_env = \"{name}\"\n"));
    let e = admin_error(&config).await;
    assert!(e.contains(name) && e.contains("not set"), "{e}");
    assert_one_line(&e);
    // Nothing was sent without a secret.
    assert_eq!(fake.calls("POST", "/oauth2/v2.0/token"), 0);
}

#[cfg(unix)]
#[tokio::test]
async fn setup_admin_wrong_secret_says_where_to_put_a_new_one() {
    let fake = FakeGraph::start().await;
    let dir = tempfile::tempdir().unwrap();
    let wrong = "Old8Q~expired.secret-value_123";
    let path = secret_file(&dir, wrong);
    let config = entra_config(
        &fake,
        &format!("client_secret_file = \"{}\"\n", path.display()),
    );
    let e = admin_error(&config).await;
    assert!(e.contains("client secret is wrong or has expired"), "{e}");
    assert!(e.contains(&path.display().to_string()), "{e}");
    assert!(e.contains(CLIENT_ID), "{e}");
    assert!(!e.contains(wrong) && !e.contains("Old8Q"), "{e}");
    assert_one_line(&e);
}

#[cfg(unix)]
#[tokio::test]
async fn setup_admin_explains_an_unknown_app_and_an_unreachable_authority() {
    let fake = FakeGraph::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = secret_file(&dir, CLIENT_SECRET);
    let file = format!("client_secret_file = \"{}\"\n", path.display());

    let mut config = entra_config(&fake, &file);
    config.entra.client_id = "99999999-0000-0000-0000-000000000000".into();
    let e = admin_error(&config).await;
    assert!(e.contains("not registered in this tenant"), "{e}");
    assert!(e.contains("entra.client_id"), "{e}");
    assert_one_line(&e);

    // Nobody listening where the sign-in service should be.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut config = entra_config(&fake, &file);
    config.entra.authority_base = format!("http://127.0.0.1:{port}");
    let e = admin_error(&config).await;
    assert!(e.contains("entra.authority_base"), "{e}");
    assert_one_line(&e);
}
