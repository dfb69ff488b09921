//! The training tenant seen from the helpdesk (`Admin`): what the agent does
//! must really happen in the tenant, as the trainee's kiosk side sees it. A
//! pass issued is the one that signs in, a new pass lifts a lock, revoking
//! ends the caller's sessions (and nobody else's).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::provider::admin::{Admin, Caller, PassName, PassRequest};
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::provider::{MethodKind, Provider, ProviderError, PushApp, Session};
use mfa_assist::secret::Secret;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ALEX: &str = "Tap-Alex-4821";
const KIM: &str = "Tap-Kim-2057";
const ROBIN: &str = "Tap-Robin-6614";

/// 2024-03-05 12:00:07 UTC plus what the test adds.
#[derive(Clone)]
struct Clock(Arc<AtomicU64>);

impl Clock {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_709_640_007 + self.0.load(Ordering::SeqCst))
    }

    fn advance_secs(&self, secs: u64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

fn tenant() -> (TrainingTenant, Clock) {
    let clock = Clock(Arc::new(AtomicU64::new(0)));
    let c = clock.clone();
    let t = TrainingTenant::default_scenario()
        .with_delay(Duration::ZERO)
        .with_clock(move || c.now());
    (t, clock)
}

async fn caller(t: &TrainingTenant, name: &str) -> Caller {
    t.lookup(name).await.unwrap()
}

async fn sign_in(t: &TrainingTenant, user: &str, pass: &str) -> Result<Session, ProviderError> {
    t.sign_in(user, &Secret::new(pass)).await
}

fn request(minutes: u32, one_time: bool) -> PassRequest {
    PassRequest {
        lifetime_minutes: minutes,
        one_time,
    }
}

#[tokio::test]
async fn the_issued_pass_is_the_one_that_signs_in() {
    let (t, _) = tenant();
    let kim = caller(&t, "kim").await;
    let new = t.issue_pass(&kim, request(60, true)).await.unwrap();
    let pass = new.pass.expose().to_string();
    // Twelve base32 characters: nothing to mishear when read aloud.
    assert_eq!(pass.len(), 12, "{pass}");
    assert!(
        pass.chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)),
        "{pass}"
    );
    assert_eq!(new.id, "pass-kim");
    assert!(new.one_time);
    assert_eq!(new.expires.as_deref(), Some("2024-03-05 13:00 UTC"));

    // The old pass no longer works; the new one does.
    assert_eq!(
        sign_in(&t, "kim", KIM).await.unwrap_err(),
        ProviderError::WrongPass { attempts_left: 2 }
    );
    let session = sign_in(&t, "kim", &pass).await.unwrap();
    assert_eq!(session.account.username, "kim@training.example");
    // One use was asked for: the second sign-in is refused.
    assert_eq!(
        sign_in(&t, "kim", &pass).await.unwrap_err(),
        ProviderError::PassUsed
    );
    // Two passes in a row differ.
    let again = t.issue_pass(&kim, request(60, true)).await.unwrap();
    assert_ne!(again.pass.expose(), pass);
}

#[tokio::test]
async fn a_many_use_pass_works_again_until_its_lifetime_ends() {
    let (t, clock) = tenant();
    let alex = caller(&t, "alex").await;
    let new = t.issue_pass(&alex, request(60, false)).await.unwrap();
    assert!(!new.one_time);
    let pass = new.pass.expose().to_string();
    sign_in(&t, "alex", &pass).await.unwrap();
    sign_in(&t, "alex", &pass).await.unwrap();
    // 60 minutes as asked, in seconds: usable one second before, gone at.
    clock.advance_secs(60 * 60 - 1);
    sign_in(&t, "alex", &pass).await.unwrap();
    let state = t.caller_state(&alex).await.unwrap();
    assert_eq!(state.passes[0].usable, Some(true));
    clock.advance_secs(1);
    let state = t.caller_state(&alex).await.unwrap();
    assert_eq!(state.passes[0].usable, Some(false));
    assert_eq!(
        sign_in(&t, "alex", &pass).await.unwrap_err(),
        ProviderError::PassExpired
    );
}

#[tokio::test]
async fn a_new_pass_lifts_the_lock_and_starts_the_count_afresh() {
    let (t, _) = tenant();
    for _ in 0..3 {
        let _ = sign_in(&t, "kim", "nope").await;
    }
    assert_eq!(
        sign_in(&t, "kim", KIM).await.unwrap_err(),
        ProviderError::Locked
    );
    let kim = caller(&t, "kim").await;
    // The agent sees why the old pass cannot help.
    let state = t.caller_state(&kim).await.unwrap();
    assert_eq!(state.passes[0].usable, Some(false));

    let new = t.issue_pass(&kim, request(60, true)).await.unwrap();
    let state = t.caller_state(&kim).await.unwrap();
    assert_eq!(state.passes[0].usable, Some(true));
    // The earlier wrong tries are forgotten: one more wrong try leaves two.
    assert_eq!(
        sign_in(&t, "kim", "nope").await.unwrap_err(),
        ProviderError::WrongPass { attempts_left: 2 }
    );
    sign_in(&t, "kim", new.pass.expose()).await.unwrap();
}

#[tokio::test]
async fn revoking_ends_the_callers_sessions_and_nobody_elses() {
    let (t, _) = tenant();
    let kim_session = sign_in(&t, "kim", KIM).await.unwrap();
    let robin_session = sign_in(&t, "robin", ROBIN).await.unwrap();
    assert!(t.list_methods(&kim_session).await.is_ok());

    let kim = caller(&t, "kim").await;
    assert!(Admin::capabilities(&t).can_revoke_sessions);
    t.revoke_sessions(&kim).await.unwrap();
    assert_eq!(
        t.list_methods(&kim_session).await.unwrap_err(),
        ProviderError::SessionExpired
    );
    assert!(t.list_methods(&robin_session).await.is_ok());
}

#[tokio::test]
async fn caller_state_lists_methods_default_first_and_the_pass() {
    let (t, clock) = tenant();
    let alex = caller(&t, "ALEX@training.example ").await;
    assert_eq!(alex.id, "alex@training.example");
    assert_eq!(alex.username, "alex@training.example");
    assert_eq!(alex.display_name, "Alex Lindqvist");
    assert_eq!(alex.enabled, Some(true));

    let state = t.caller_state(&alex).await.unwrap();
    let kinds: Vec<MethodKind> = state.methods.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [MethodKind::Phone, MethodKind::AuthenticatorPush]);
    assert!(state.methods[0].is_default);
    assert_eq!(state.passes.len(), 1);
    let pass = &state.passes[0];
    assert_eq!(pass.id, "pass-alex");
    assert_eq!(pass.created.as_deref(), Some("2024-03-05 12:00 UTC"));
    // 480 minutes from the start of the scenario.
    assert_eq!(pass.expires.as_deref(), Some("2024-03-05 20:00 UTC"));
    assert_eq!(pass.one_time, Some(true));
    assert_eq!(pass.usable, Some(true));

    // Used once: not usable any more.
    sign_in(&t, "alex", ALEX).await.unwrap();
    assert_eq!(
        t.caller_state(&alex).await.unwrap().passes[0].usable,
        Some(false)
    );
    // An expired pass (sam) is shown as not usable, whatever the clock says.
    let sam = caller(&t, "sam").await;
    assert_eq!(
        t.caller_state(&sam).await.unwrap().passes[0].usable,
        Some(false)
    );
    // Robin's pass runs out 480 minutes in: usable one second before.
    let robin = caller(&t, "robin").await;
    clock.advance_secs(480 * 60 - 1);
    assert_eq!(
        t.caller_state(&robin).await.unwrap().passes[0].usable,
        Some(true)
    );
    clock.advance_secs(1);
    assert_eq!(
        t.caller_state(&robin).await.unwrap().passes[0].usable,
        Some(false)
    );
}

#[tokio::test]
async fn unknown_callers_are_unknown() {
    let (t, _) = tenant();
    assert_eq!(
        t.lookup("nobody").await.unwrap_err(),
        ProviderError::UnknownUser
    );
    let ghost = Caller {
        id: "ghost".into(),
        username: "ghost".into(),
        display_name: "Ghost".into(),
        enabled: Some(true),
    };
    assert_eq!(
        t.caller_state(&ghost).await.unwrap_err(),
        ProviderError::UnknownUser
    );
    assert_eq!(
        t.issue_pass(&ghost, request(60, true)).await.unwrap_err(),
        ProviderError::UnknownUser
    );
    assert_eq!(
        t.revoke_sessions(&ghost).await.unwrap_err(),
        ProviderError::UnknownUser
    );
    assert_eq!(
        Admin::delete_method(&t, &ghost, "m-1").await.unwrap_err(),
        ProviderError::UnknownUser
    );
}

#[tokio::test]
async fn deleting_the_pass_or_a_method_from_the_desk() {
    let (t, _) = tenant();
    let alex = caller(&t, "alex").await;
    // Deleting the pass uses it up: the caller cannot sign in with it.
    Admin::delete_method(&t, &alex, "pass-alex").await.unwrap();
    assert_eq!(
        sign_in(&t, "alex", ALEX).await.unwrap_err(),
        ProviderError::PassUsed
    );
    assert_eq!(
        Admin::delete_method(&t, &alex, "pass-alex")
            .await
            .unwrap_err(),
        ProviderError::NotFound
    );
    // Another account's pass id is not this caller's pass.
    assert_eq!(
        Admin::delete_method(&t, &alex, "pass-kim")
            .await
            .unwrap_err(),
        ProviderError::NotFound
    );
    let state = t.caller_state(&alex).await.unwrap();
    let app = state
        .methods
        .iter()
        .find(|m| m.kind == MethodKind::AuthenticatorPush)
        .unwrap()
        .id
        .clone();
    let phone = state.methods[0].id.clone();
    // The default goes last.
    assert_eq!(
        Admin::delete_method(&t, &alex, &phone).await.unwrap_err(),
        ProviderError::DefaultMethod
    );
    Admin::delete_method(&t, &alex, &app).await.unwrap();
    let left = t.caller_state(&alex).await.unwrap().methods;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, phone);
}

#[tokio::test]
async fn the_simulated_caller_adds_an_authenticator_the_desk_can_see() {
    let (t, _) = tenant();
    let robin = caller(&t, "robin").await;
    let before = t.caller_state(&robin).await.unwrap().methods.len();
    t.simulate_caller_registers(&robin);
    let methods = t.caller_state(&robin).await.unwrap().methods;
    assert_eq!(methods.len(), before + 1);
    let new = methods
        .iter()
        .find(|m| m.label == "Authenticator app (new phone)")
        .unwrap();
    assert_eq!(new.kind, MethodKind::AuthenticatorPush);
    assert_eq!(new.added.as_deref(), Some("2024-03-05"));
}

#[test]
fn the_desk_offers_what_the_tenant_can_do() {
    let (t, _) = tenant();
    let caps = Admin::capabilities(&t);
    assert_eq!(caps.pass_name, PassName::TemporaryAccessPass);
    assert_eq!(caps.pass_lifetimes, [60, 480, 1440]);
    assert!(caps.one_time_choice);
    assert!(caps.can_revoke_sessions);
    assert_eq!(caps.push_app, PushApp::MicrosoftAuthenticator);
    assert_eq!(caps.self_service_url, None);
    assert_eq!(
        caps.training_callers,
        Some(vec![
            "alex".to_string(),
            "sam".into(),
            "kim".into(),
            "robin".into(),
            "noa".into()
        ])
    );
}
