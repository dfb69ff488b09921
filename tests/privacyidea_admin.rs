//! The helpdesk's privacyIDEA access (`PiAdmin`) against a real privacyIDEA
//! 3.14 (started by `scripts/privacyidea/with-server.sh`). Every test makes
//! its own users, so they run in parallel on one server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/privacyidea/mod.rs"]
mod pi;

#[path = "support/privacyidea/expiring_proxy.rs"]
mod expiring_proxy;

use expiring_proxy::ExpiringProxy;
use futures::StreamExt;
use mfa_assist::config::{Config, ProviderKind};
use mfa_assist::provider::admin::{Admin, Caller, NewPass, PassName, PassRequest};
use mfa_assist::provider::privacyidea::{PiAdmin, PiConnectError, PiSettings, PrivacyIdea};
use mfa_assist::provider::{MethodKind, Provider, ProviderError, PushApp};
use mfa_assist::secret::Secret;
use pi::PiServer;
use pi::proxy::CutProxy;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, SystemTime};

fn settings_at(url: &str, realm: &str) -> PiSettings {
    PiSettings {
        base_url: url.into(),
        realm: realm.into(),
        ..PiSettings::default()
    }
}

async fn admin_at(server: &PiServer, url: &str) -> PiAdmin {
    PiAdmin::connect(
        settings_at(url, &server.realm),
        &server.admin,
        Secret::new(server.admin_password()),
    )
    .await
    .expect("admin sign-in")
}

async fn admin(server: &PiServer) -> PiAdmin {
    admin_at(server, &server.url).await
}

/// A new user, looked up as the agent would.
async fn caller(server: &PiServer, admin: &PiAdmin, prefix: &str) -> Caller {
    let name = server.create_user(prefix).await;
    admin.lookup(&name).await.expect("lookup of a new user")
}

/// A one-time pass of `minutes`, as the agent asks for one.
async fn issue(admin: &PiAdmin, caller: &Caller, minutes: u32) -> Result<NewPass, ProviderError> {
    let request = PassRequest {
        lifetime_minutes: minutes,
        one_time: true,
    };
    admin.issue_pass(caller, request).await
}

/// `expires` (the desk's `YYYY-MM-DD HH:MM UTC`, the same as every other
/// provider's, not privacyIDEA's stored form) is `minutes` after a moment
/// between `before` and `after`, rounded up to the next minute.
fn assert_ends_after(expires: &str, minutes: u64, before: SystemTime, after: SystemTime) {
    let lifetime = Duration::from_secs(minutes * 60);
    let mut t = before + lifetime;
    let mut allowed = Vec::new();
    while t <= after + lifetime + Duration::from_secs(60) {
        allowed.push(mfa_assist::timefmt::civil_minute(t));
        t += Duration::from_secs(30);
    }
    assert!(
        allowed.iter().any(|a| a == expires),
        "{expires} is not {minutes} minutes from now: {allowed:?}"
    );
}

// --- connecting ----------------------------------------------------------------

#[tokio::test]
async fn a_wrong_password_is_a_clear_error_at_connect() {
    let server = PiServer::from_env();
    let wrong = "not-the-admin-password-9f3";
    let err = PiAdmin::connect(
        settings_at(&server.url, &server.realm),
        &server.admin,
        Secret::new(wrong),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        PiConnectError::Refused {
            admin_user: server.admin.clone()
        }
    );
    let text = err.to_string();
    assert!(text.contains("wrong user name or password"), "{text}");
    assert!(text.contains(&server.admin), "{text}");
    assert!(!text.contains(wrong), "{text}");
}

#[tokio::test]
async fn a_user_account_is_not_an_administrator() {
    let server = PiServer::from_env();
    let user = server.create_user("notadmin").await;
    // With login_mode=privacyIDEA a registration code signs a user in.
    let code = server.issue_registration(&user, None).await;
    let err = PiAdmin::connect(
        settings_at(&server.url, &server.realm),
        &user,
        Secret::new(code),
    )
    .await
    .unwrap_err();
    assert_eq!(err, PiConnectError::NotAdmin { admin_user: user });
}

#[tokio::test]
async fn without_a_realm_the_default_realm_is_used() {
    let server = PiServer::from_env();
    let admin = PiAdmin::connect(
        settings_at(&server.url, ""),
        &server.admin,
        Secret::new(server.admin_password()),
    )
    .await
    .unwrap();
    assert_eq!(admin.realm(), server.realm);
    let name = server.create_user("defrealm").await;
    assert_eq!(admin.lookup(&name).await.unwrap().id, name);
}

#[tokio::test]
async fn plain_http_to_another_host_is_refused() {
    let err = PiAdmin::connect(
        settings_at("http://mfa.example.edu", "r"),
        "admin",
        Secret::new("pw"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, PiConnectError::Config(why) if why.contains("https")),
        "{err:?}"
    );
}

#[tokio::test]
async fn setup_signs_in_with_the_configured_password_file() {
    let server = PiServer::from_env();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.provider.kind = ProviderKind::Privacyidea;
    config.privacyidea.base_url = server.url.clone();
    config.privacyidea.realm = server.realm.clone();

    // No administrator named.
    let err = setup_admin_error(&config).await;
    assert!(err.contains("admin_user") && !err.contains('\n'), "{err}");

    // Named, but the password variable is not set.
    config.privacyidea.admin_user = server.admin.clone();
    config.privacyidea.admin_password_env = "MFA_ASSIST_TEST_SURELY_UNSET_PW".into();
    let err = setup_admin_error(&config).await;
    assert!(
        err.contains("MFA_ASSIST_TEST_SURELY_UNSET_PW") && err.contains("not set"),
        "{err}"
    );

    // A wrong password, from a private file.
    let file = dir.path().join("pi-admin");
    write_private(&file, "wrong-password-in-file\n");
    config.privacyidea.admin_password_file = Some(file.clone());
    let err = setup_admin_error(&config).await;
    assert!(err.contains("wrong user name or password"), "{err}");
    assert!(
        !err.contains("wrong-password-in-file") && !err.contains('\n'),
        "{err}"
    );

    // The right one.
    write_private(&file, &format!("{}\n", server.admin_password()));
    let admin = mfa_assist::setup::admin(&config, None)
        .await
        .expect("signed in");
    let caps = admin.capabilities();
    assert_eq!(caps.pass_name, PassName::RegistrationCode);
    let name = server.create_user("setup").await;
    assert_eq!(admin.lookup(&name).await.unwrap().id, name);
}

fn write_private(path: &std::path::Path, text: &str) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[tokio::test]
async fn capabilities_are_privacyideas() {
    let server = PiServer::from_env();
    let caps = admin(&server).await.capabilities();
    assert_eq!(caps.pass_name, PassName::RegistrationCode);
    assert_eq!(caps.pass_lifetimes, [60, 480, 1440]);
    assert!(!caps.one_time_choice);
    assert!(!caps.can_revoke_sessions);
    assert_eq!(caps.push_app, PushApp::PrivacyIdeaAuthenticator);
    assert_eq!(caps.self_service_url, None);
    assert_eq!(caps.training_callers, None);
}

// --- lookup --------------------------------------------------------------------

#[tokio::test]
async fn lookup_finds_a_known_user_and_not_an_unknown_one() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let name = server.create_user("lookup").await;
    let caller = admin.lookup(&name).await.unwrap();
    assert_eq!(caller.id, name);
    assert_eq!(caller.username, name);
    // create_user sets givenname = the prefix, surname = "Test".
    assert_eq!(caller.display_name, "lookup Test");
    assert_eq!(caller.enabled, None);
    // Typed with stray spaces or in capitals: the same account.
    assert_eq!(admin.lookup(&format!("  {name} ")).await.unwrap().id, name);
    assert_eq!(admin.lookup(&name.to_uppercase()).await.unwrap().id, name);

    for unknown in ["nobody-by-this-name", "", "lookup*", "%61lice"] {
        assert_eq!(
            admin.lookup(unknown).await.unwrap_err(),
            ProviderError::UnknownUser,
            "{unknown:?}"
        );
    }
}

// --- caller state ----------------------------------------------------------------

#[tokio::test]
async fn caller_state_lists_methods_and_passes_with_their_expiry() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let caller = caller(&server, &admin, "state").await;
    let (totp, _) = server.enroll_totp_for(&caller.id, "old phone").await;
    let end = SystemTime::now() + Duration::from_secs(2 * 3600);
    let (pass, _) = server.issue_registration_full(&caller.id, Some(end)).await;
    let ended = SystemTime::now() - Duration::from_secs(3600);
    let (old_pass, _) = server
        .issue_registration_full(&caller.id, Some(ended))
        .await;

    let state = admin.caller_state(&caller).await.unwrap();
    assert_eq!(state.methods.len(), 1, "{state:?}");
    let method = &state.methods[0];
    assert_eq!(method.id, totp);
    assert_eq!(method.kind, MethodKind::AuthenticatorCode);
    assert!(method.label.contains("old phone"), "{}", method.label);
    assert!(method.used_for.sign_in);

    assert_eq!(state.passes.len(), 2, "{state:?}");
    let live = state.passes.iter().find(|p| p.id == pass).unwrap();
    assert_eq!(live.expires, Some(mfa_assist::timefmt::civil_minute(end)));
    assert_eq!(live.one_time, Some(true));
    assert_eq!(live.usable, Some(true));
    assert!(live.created.is_some());
    let old = state.passes.iter().find(|p| p.id == old_pass).unwrap();
    assert_eq!(old.usable, Some(false));
}

#[tokio::test]
async fn caller_state_reads_every_page() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let caller = caller(&server, &admin, "pages").await;
    // More than one page of 50.
    // A few at a time: the test server writes to SQLite.
    let issued: Vec<(String, String)> = futures::stream::iter(0..53)
        .map(|_| server.issue_registration_full(&caller.id, None))
        .buffer_unordered(4)
        .collect()
        .await;
    let state = admin.caller_state(&caller).await.unwrap();
    assert_eq!(state.passes.len(), 53);
    for (serial, _) in &issued {
        assert!(state.passes.iter().any(|p| &p.id == serial), "{serial}");
    }
}

#[tokio::test]
async fn caller_state_of_an_unknown_caller() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let ghost = Caller {
        id: "ghost-never-created".into(),
        username: "ghost-never-created".into(),
        display_name: "Ghost".into(),
        enabled: None,
    };
    assert_eq!(
        admin.caller_state(&ghost).await.unwrap_err(),
        ProviderError::UnknownUser
    );
}

// --- issuing a pass -----------------------------------------------------------------

#[tokio::test]
async fn an_issued_pass_really_signs_the_caller_in_once() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let caller = caller(&server, &admin, "issue").await;
    let before = SystemTime::now();
    let new = issue(&admin, &caller, 60).await.unwrap();
    let after = SystemTime::now();
    assert!(new.one_time);
    assert!(!new.pass.is_empty());
    let debug = format!("{new:?}");
    assert!(!debug.contains(new.pass.expose()), "{debug}");

    // Listed as a pass, ending about an hour from now (rounded up to the minute).
    assert_ends_after(new.expires.as_deref().unwrap(), 60, before, after);
    let state = admin.caller_state(&caller).await.unwrap();
    assert!(state.methods.is_empty(), "{state:?}");
    assert_eq!(state.passes.len(), 1);
    assert_eq!(state.passes[0].id, new.id);
    assert_eq!(state.passes[0].expires, new.expires);
    assert_eq!(state.passes[0].usable, Some(true));
    let token = server.token(&new.id).await.unwrap();
    assert_eq!(token["tokentype"], "registration");
    assert_eq!(token["username"], caller.id.as_str());

    // The kiosk takes it: a real sign-in, after which privacyIDEA deletes it.
    let kiosk = PrivacyIdea::new(settings_at(&server.url, &server.realm)).unwrap();
    let session = kiosk.sign_in(&caller.id, &new.pass).await.unwrap();
    assert_eq!(session.account.username, caller.id);
    assert!(admin.caller_state(&caller).await.unwrap().passes.is_empty());
    assert_eq!(
        kiosk.sign_in(&caller.id, &new.pass).await.unwrap_err(),
        ProviderError::PassUsed
    );
}

#[tokio::test]
async fn a_day_long_pass_and_an_out_of_range_one() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let caller = caller(&server, &admin, "longpass").await;
    let before = SystemTime::now();
    let new = admin
        .issue_pass(
            &caller,
            PassRequest {
                lifetime_minutes: 1440,
                // privacyIDEA cannot make a reusable one; it says so in the answer.
                one_time: false,
            },
        )
        .await
        .unwrap();
    assert!(new.one_time);
    assert_ends_after(
        new.expires.as_deref().unwrap(),
        1440,
        before,
        SystemTime::now(),
    );

    for lifetime_minutes in [0, 100_000] {
        let err = issue(&admin, &caller, lifetime_minutes).await.unwrap_err();
        assert!(matches!(err, ProviderError::NotAllowed(_)), "{err:?}");
    }
    assert_eq!(
        server.tokens(&caller.id).await.len(),
        1,
        "nothing half-made"
    );
}

#[tokio::test]
async fn a_policy_refusal_names_the_reason() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let caller = caller(&server, &admin, "maxtok").await;
    // Scoped to this one user so parallel tests are untouched.
    let policy = format!("maxtok_{}", caller.id);
    server
        .set_policy(
            &policy,
            json!({"scope": "enrollment", "action": "max_token_per_user=1",
                   "realm": server.realm, "user": caller.id, "active": true}),
        )
        .await;
    server.enroll_totp_for(&caller.id, "only one").await;
    let err = issue(&admin, &caller, 60).await.unwrap_err();
    server.delete_policy(&policy).await;
    match err {
        ProviderError::NotAllowed(why) => {
            assert!(why.contains("number of tokens"), "{why}");
            assert!(!why.contains('{'), "no raw dump: {why}");
        }
        other => panic!("expected NotAllowed, got {other:?}"),
    }
}

// --- deleting ---------------------------------------------------------------------

#[tokio::test]
async fn delete_one_method_then_it_is_not_found() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let caller = caller(&server, &admin, "delete").await;
    let (gone, _) = server.enroll_totp_for(&caller.id, "lost phone").await;
    let (kept, _) = server.enroll_totp_for(&caller.id, "new phone").await;

    admin.delete_method(&caller, &gone).await.unwrap();
    assert!(server.token(&gone).await.is_none());
    let state = admin.caller_state(&caller).await.unwrap();
    let ids: Vec<&str> = state.methods.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [kept.as_str()]);

    assert_eq!(
        admin.delete_method(&caller, &gone).await.unwrap_err(),
        ProviderError::NotFound
    );
    assert_eq!(
        admin
            .delete_method(&caller, "../policy/x")
            .await
            .unwrap_err(),
        ProviderError::NotFound
    );
}

#[tokio::test]
async fn a_pass_can_be_withdrawn() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let caller = caller(&server, &admin, "withdraw").await;
    let new = issue(&admin, &caller, 60).await.unwrap();
    admin.delete_method(&caller, &new.id).await.unwrap();
    assert!(admin.caller_state(&caller).await.unwrap().passes.is_empty());
    let kiosk = PrivacyIdea::new(settings_at(&server.url, &server.realm)).unwrap();
    assert!(kiosk.sign_in(&caller.id, &new.pass).await.is_err());
}

#[tokio::test]
async fn another_users_token_is_never_deleted() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let owner = caller(&server, &admin, "owner").await;
    let other = caller(&server, &admin, "other").await;
    let (serial, _) = server.enroll_totp_for(&owner.id, "owner's phone").await;

    let err = admin.delete_method(&other, &serial).await.unwrap_err();
    assert!(matches!(err, ProviderError::NotAllowed(_)), "{err:?}");
    assert!(
        server.token(&serial).await.is_some(),
        "the token is still there"
    );

    // An unassigned token belongs to nobody's call either.
    let v = server
        .admin_call(
            Method::POST,
            "/token/init",
            &[],
            Some(&json!({"type": "totp", "genkey": 1})),
        )
        .await;
    let loose = pi::str_at(&v, "/detail/serial");
    let err = admin.delete_method(&other, &loose).await.unwrap_err();
    assert!(matches!(err, ProviderError::NotAllowed(_)), "{err:?}");
    assert!(server.token(&loose).await.is_some());
    server.delete_token(&loose).await;
}

// --- sessions and outages ---------------------------------------------------------

#[tokio::test]
async fn an_expired_admin_jwt_is_renewed_and_the_call_goes_through() {
    let server = PiServer::from_env();
    let proxy = ExpiringProxy::start(&server.url).await;
    let admin = admin_at(&server, &proxy.url()).await;
    assert_eq!(proxy.sign_ins(), 1);
    let caller = caller(&server, &admin, "expiry").await;
    let (serial, _) = server.enroll_totp_for(&caller.id, "phone").await;

    // A read.
    proxy.expire_next(1);
    let state = admin.caller_state(&caller).await.unwrap();
    assert_eq!(state.methods.len(), 1);
    assert_eq!((proxy.expired_sent(), proxy.sign_ins()), (1, 2));

    // A write: refused with the expired JWT, so sent again and done once.
    proxy.expire_next(1);
    let new = issue(&admin, &caller, 60).await.unwrap();
    assert_eq!((proxy.expired_sent(), proxy.sign_ins()), (2, 3));
    let passes = admin.caller_state(&caller).await.unwrap().passes;
    assert_eq!(passes.len(), 1);
    assert_eq!(passes[0].id, new.id);

    // A delete whose ownership check meets the expiry.
    proxy.expire_next(1);
    admin.delete_method(&caller, &serial).await.unwrap();
    assert!(server.token(&serial).await.is_none());
    assert_eq!(proxy.sign_ins(), 4);

    // The new JWT is kept: no sign-in for the next call.
    admin.lookup(&caller.id).await.unwrap();
    assert_eq!(proxy.sign_ins(), 4);
}

#[tokio::test]
async fn a_jwt_refused_again_after_signing_in_anew_is_an_error_not_a_loop() {
    let server = PiServer::from_env();
    let proxy = ExpiringProxy::start(&server.url).await;
    let admin = admin_at(&server, &proxy.url()).await;
    let name = server.create_user("refused").await;
    proxy.expire_next(1000);
    let err = admin.lookup(&name).await.unwrap_err();
    assert!(matches!(err, ProviderError::NotAllowed(_)), "{err:?}");
    assert_eq!((proxy.expired_sent(), proxy.sign_ins()), (2, 2));
}

#[tokio::test]
async fn an_unreachable_server_says_so_and_recovers() {
    let server = PiServer::from_env();
    let proxy = CutProxy::start(&server.url).await;
    let admin = admin_at(&server, &proxy.url()).await;
    let caller = caller(&server, &admin, "outage").await;
    let (serial, _) = server.enroll_totp_for(&caller.id, "phone").await;

    // Nothing listens any more: the server is down, not the network.
    proxy.cut().await;
    assert_eq!(
        admin.lookup(&caller.id).await.unwrap_err(),
        ProviderError::ServerDown
    );
    assert_eq!(
        admin.caller_state(&caller).await.unwrap_err(),
        ProviderError::ServerDown
    );
    assert_eq!(
        admin.delete_method(&caller, &serial).await.unwrap_err(),
        ProviderError::ServerDown
    );
    let err = issue(&admin, &caller, 60).await.unwrap_err();
    assert_eq!(err, ProviderError::ServerDown);
    // Connecting while it is down says so too.
    let err = PiAdmin::connect(
        settings_at(&proxy.url(), &server.realm),
        &server.admin,
        Secret::new(server.admin_password()),
    )
    .await
    .unwrap_err();
    assert_eq!(err, PiConnectError::Provider(ProviderError::ServerDown));
    assert!(err.to_string().contains("not answering"), "{err}");

    proxy.restore().await;
    assert_eq!(admin.caller_state(&caller).await.unwrap().methods.len(), 1);
}

#[tokio::test]
async fn debug_output_never_shows_the_password() {
    let server = PiServer::from_env();
    let admin = admin(&server).await;
    let debug = format!("{admin:?}");
    assert!(!debug.contains(server.admin_password()), "{debug}");
    // privacyIDEA's JWTs start with the base64 of {"alg":...
    assert!(!debug.contains("eyJ"), "{debug}");
    assert!(debug.contains(&server.url), "{debug}");
}

/// Why helpdesk mode cannot start with `config` (it must not).
async fn setup_admin_error(config: &mfa_assist::config::Config) -> String {
    match mfa_assist::setup::admin(config, None).await {
        Ok(_) => panic!("helpdesk mode started, but should have been refused"),
        Err(e) => e,
    }
}
