//! The built-in training tenant against the provider contract.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::provider::scenario::{BUILTIN_SCENARIOS, ScenarioError};
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::provider::{
    Approval, Confirm, Enrollment, Method, MethodKind, PhoneAction, Provider, ProviderError,
    Session,
};
use mfa_assist::secret::Secret;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use totp_rs::{Builder, Secret as TotpSecret, Totp};

const ALEX: &str = "Tap-Alex-4821";
const SAM: &str = "Tap-Sam-7390";
const KIM: &str = "Tap-Kim-2057";
const ROBIN: &str = "Tap-Robin-6614";

/// A clock the test moves by hand: a fixed start plus an offset.
#[derive(Clone)]
struct TestClock {
    start: SystemTime,
    offset_ms: Arc<AtomicI64>,
}

impl TestClock {
    fn new() -> Self {
        // A fixed, step-aligned-plus-a-bit instant: 2024-03-05 12:00:07 UTC.
        TestClock {
            start: UNIX_EPOCH + Duration::from_secs(1_709_640_007),
            offset_ms: Arc::new(AtomicI64::new(0)),
        }
    }

    fn now(&self) -> SystemTime {
        let off = self.offset_ms.load(Ordering::SeqCst);
        if off >= 0 {
            self.start + Duration::from_millis(off as u64)
        } else {
            self.start - Duration::from_millis(off.unsigned_abs())
        }
    }

    fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.as_millis() as i64, Ordering::SeqCst);
    }

    fn unix(&self) -> u64 {
        self.now().duration_since(UNIX_EPOCH).unwrap().as_secs()
    }
}

fn tenant() -> TrainingTenant {
    TrainingTenant::default_scenario().with_delay(Duration::ZERO)
}

fn tenant_with_clock() -> (TrainingTenant, TestClock) {
    let clock = TestClock::new();
    let c = clock.clone();
    (tenant().with_clock(move || c.now()), clock)
}

fn custom(toml: &str) -> TrainingTenant {
    TrainingTenant::from_toml(toml)
        .unwrap()
        .with_delay(Duration::ZERO)
}

async fn sign_in(t: &TrainingTenant, user: &str, pass: &str) -> Result<Session, ProviderError> {
    t.sign_in(user, &Secret::new(pass)).await
}

async fn methods(t: &TrainingTenant, s: &Session) -> Vec<Method> {
    t.list_methods(s).await.unwrap()
}

fn find(ms: &[Method], kind: MethodKind) -> &Method {
    ms.iter().find(|m| m.kind == kind).unwrap()
}

fn totp_from_key(key: &str) -> Totp {
    Builder::new()
        .with_secret(TotpSecret::try_from_base32(key).unwrap())
        .build()
        .unwrap()
}

fn code_at(enrollment: &Enrollment, unix: u64) -> String {
    totp_from_key(enrollment.manual_key.expose())
        .generate(unix)
        .to_string()
}

// ---------------------------------------------------------------- scenarios

#[test]
fn default_scenario_has_the_practice_accounts() {
    let t = tenant();
    let caps = t.capabilities();
    assert_eq!(
        caps.add_kinds,
        vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode]
    );
    assert!(caps.can_delete && caps.can_set_default && caps.simulated_phone);
    let accounts = caps.training_accounts.unwrap();
    let users: Vec<(&str, &str)> = accounts
        .iter()
        .map(|a| (a.username.as_str(), a.pass.as_str()))
        .collect();
    assert_eq!(
        users,
        vec![
            ("alex", ALEX),
            ("sam", SAM),
            ("kim", KIM),
            ("robin", ROBIN),
            ("noa", "Tap-Noa-3158")
        ]
    );
    // Issue 16 item 3: a person whose old phone still works.
    assert!(accounts[4].note.contains("old one still works"));
    assert!(accounts.iter().all(|a| !a.note.is_empty()));
    assert!(accounts[0].note.contains("common case"));
    assert_eq!(t.scenario().issuer, "MFA Training");
    assert_eq!(t.scenario().delay_ms, 600);
    assert_eq!(t.scenario().max_attempts, 3);
}

#[test]
fn every_builtin_scenario_parses() {
    for (name, text) in BUILTIN_SCENARIOS {
        assert!(TrainingTenant::from_toml(text).is_ok(), "{name}");
    }
    assert!(
        TrainingTenant::builtin("push-never-arrives")
            .unwrap()
            .is_ok()
    );
    assert!(TrainingTenant::builtin("no-such-scenario").is_none());
}

#[tokio::test]
async fn the_default_scenario_accounts_are_what_the_banner_promises() {
    let t = tenant();
    // (1) common case: old Authenticator plus a phone that is the default,
    // so the old app can be deleted straight away.
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let ms = methods(&t, &s).await;
    assert_eq!(ms.len(), 2);
    let app = find(&ms, MethodKind::AuthenticatorPush);
    assert!(!app.is_default);
    assert!(find(&ms, MethodKind::Phone).is_default);
    assert!(app.added.is_some() && app.last_used.is_some());
    // (2) expired pass.
    assert_eq!(
        sign_in(&t, "sam", SAM).await.unwrap_err(),
        ProviderError::PassExpired
    );
    // (3) default Authenticator next to phone and email.
    let s = sign_in(&t, "kim", KIM).await.unwrap();
    let ms = methods(&t, &s).await;
    let kinds: Vec<MethodKind> = ms.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        vec![
            MethodKind::AuthenticatorCode,
            MethodKind::Phone,
            MethodKind::Email
        ]
    );
    assert!(ms[0].is_default);
    let email = find(&ms, MethodKind::Email);
    assert!(!email.used_for.sign_in && email.used_for.password_reset);
    // (4) a single sign-in method.
    let s = sign_in(&t, "robin", ROBIN).await.unwrap();
    assert_eq!(methods(&t, &s).await.len(), 1);
}

// ------------------------------------------------------------------ sign-in

#[tokio::test]
async fn sign_in_gives_a_session_for_the_account() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    assert_eq!(s.account.username, "alex@training.example");
    assert_eq!(s.account.display_name, "Alex Lindqvist");
    assert!(!s.token().is_empty());
    assert_ne!(s.token().expose(), ALEX);
}

#[tokio::test]
async fn usernames_are_trimmed_and_case_insensitive() {
    let t = tenant();
    assert!(sign_in(&t, "  ALEX \n", ALEX).await.is_ok());
    let t = tenant();
    assert!(sign_in(&t, "Alex@Training.Example", ALEX).await.is_ok());
}

#[tokio::test]
async fn unknown_user() {
    let t = tenant();
    for user in ["nobody", "", "   ", "alex@elsewhere.example"] {
        assert_eq!(
            sign_in(&t, user, ALEX).await.unwrap_err(),
            ProviderError::UnknownUser
        );
    }
}

#[tokio::test]
async fn wrong_pass_counts_down_then_locks_for_good() {
    let t = tenant();
    assert_eq!(
        sign_in(&t, "alex", "Tap-Alex-0000").await.unwrap_err(),
        ProviderError::WrongPass { attempts_left: 2 }
    );
    assert_eq!(
        sign_in(&t, "alex", "tap-alex-4821").await.unwrap_err(),
        ProviderError::WrongPass { attempts_left: 1 }
    );
    assert_eq!(
        sign_in(&t, "alex", "").await.unwrap_err(),
        ProviderError::Locked
    );
    // The right pass after the lock: still locked.
    assert_eq!(
        sign_in(&t, "alex", ALEX).await.unwrap_err(),
        ProviderError::Locked
    );
    // Other accounts are not affected.
    assert!(sign_in(&t, "kim", KIM).await.is_ok());
}

#[tokio::test]
async fn a_good_sign_in_clears_earlier_wrong_tries() {
    let t = tenant();
    for left in [2, 1] {
        assert_eq!(
            sign_in(&t, "kim", "nope").await.unwrap_err(),
            ProviderError::WrongPass {
                attempts_left: left
            }
        );
    }
    assert!(sign_in(&t, "kim", KIM).await.is_ok());
    // Counted afresh: had the two tries stayed, this third would lock.
    assert_eq!(
        sign_in(&t, "kim", "nope").await.unwrap_err(),
        ProviderError::WrongPass { attempts_left: 2 }
    );
}

#[tokio::test]
async fn max_attempts_comes_from_the_scenario() {
    let t = custom(
        r#"
        max_attempts = 1
        [[accounts]]
        username = "a"
        pass = "p"
        "#,
    );
    assert_eq!(
        sign_in(&t, "a", "x").await.unwrap_err(),
        ProviderError::Locked
    );
}

#[tokio::test]
async fn expired_pass() {
    let t = tenant();
    assert_eq!(
        sign_in(&t, "sam", SAM).await.unwrap_err(),
        ProviderError::PassExpired
    );
    // A wrong pass is still just wrong.
    assert_eq!(
        sign_in(&t, "sam", "Tap-Sam-0000").await.unwrap_err(),
        ProviderError::WrongPass { attempts_left: 2 }
    );
}

#[tokio::test]
async fn a_valid_pass_runs_out_after_its_lifetime() {
    let (t, clock) = tenant_with_clock();
    // The default passes last 480 minutes from the start of the scenario.
    clock.advance(Duration::from_secs(479 * 60));
    assert!(sign_in(&t, "kim", KIM).await.is_ok());
    clock.advance(Duration::from_secs(60));
    assert_eq!(
        sign_in(&t, "alex", ALEX).await.unwrap_err(),
        ProviderError::PassExpired
    );
}

#[tokio::test]
async fn a_pass_works_once() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    assert_eq!(
        sign_in(&t, "alex", ALEX).await.unwrap_err(),
        ProviderError::PassUsed
    );
    t.sign_out(&s).await.unwrap();
    assert_eq!(
        sign_in(&t, "alex", ALEX).await.unwrap_err(),
        ProviderError::PassUsed
    );
}

#[tokio::test]
async fn a_pass_can_start_used() {
    let t = custom(
        r#"
        [[accounts]]
        username = "u"
        pass = "Tap-U-1"
        pass_state = "used"
        "#,
    );
    assert_eq!(
        sign_in(&t, "u", "Tap-U-1").await.unwrap_err(),
        ProviderError::PassUsed
    );
}

#[tokio::test]
async fn reset_starts_the_scenario_over() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    for _ in 0..3 {
        let _ = sign_in(&t, "kim", "wrong").await;
    }
    t.reset();
    assert_eq!(
        t.list_methods(&s).await.unwrap_err(),
        ProviderError::SessionExpired
    );
    assert!(sign_in(&t, "alex", ALEX).await.is_ok());
    assert!(sign_in(&t, "kim", KIM).await.is_ok());
}

// ------------------------------------------------------------------ methods

#[tokio::test]
async fn default_comes_first_in_the_list() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let ms = methods(&t, &s).await;
    let phone = find(&ms, MethodKind::Phone).id.clone();
    t.set_default(&s, &phone).await.unwrap();
    let ms = methods(&t, &s).await;
    assert_eq!(ms[0].id, phone);
    assert!(ms[0].is_default);
    assert_eq!(ms.iter().filter(|m| m.is_default).count(), 1);
}

#[tokio::test]
async fn the_default_method_cannot_go_while_others_remain() {
    let t = tenant();
    let s = sign_in(&t, "kim", KIM).await.unwrap();
    let ms = methods(&t, &s).await;
    let app = find(&ms, MethodKind::AuthenticatorCode).id.clone();
    let phone = find(&ms, MethodKind::Phone).id.clone();
    let email = find(&ms, MethodKind::Email).id.clone();

    assert_eq!(
        t.delete_method(&s, &app).await.unwrap_err(),
        ProviderError::DefaultMethod
    );
    t.delete_method(&s, &phone).await.unwrap();
    assert_eq!(
        t.delete_method(&s, &app).await.unwrap_err(),
        ProviderError::DefaultMethod
    );
    t.delete_method(&s, &email).await.unwrap();
    // Alone now: it may go.
    t.delete_method(&s, &app).await.unwrap();
    assert!(methods(&t, &s).await.is_empty());
    assert_eq!(
        t.delete_method(&s, &app).await.unwrap_err(),
        ProviderError::NotFound
    );
}

#[tokio::test]
async fn the_only_method_can_be_deleted() {
    let t = tenant();
    let s = sign_in(&t, "robin", ROBIN).await.unwrap();
    let id = methods(&t, &s).await[0].id.clone();
    t.delete_method(&s, &id).await.unwrap();
    assert!(methods(&t, &s).await.is_empty());
}

#[tokio::test]
async fn delete_unknown_method() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    assert_eq!(
        t.delete_method(&s, "m-999").await.unwrap_err(),
        ProviderError::NotFound
    );
    // Another account's method is not found either.
    let k = sign_in(&t, "kim", KIM).await.unwrap();
    let kims = methods(&t, &k).await;
    let kim_phone = find(&kims, MethodKind::Phone).id.clone();
    assert_eq!(
        t.delete_method(&s, &kim_phone).await.unwrap_err(),
        ProviderError::NotFound
    );
}

#[tokio::test]
async fn change_the_default_then_delete_the_old_app() {
    let t = tenant();
    let s = sign_in(&t, "kim", KIM).await.unwrap();
    let ms = methods(&t, &s).await;
    let app = find(&ms, MethodKind::AuthenticatorCode).id.clone();
    let phone = find(&ms, MethodKind::Phone).id.clone();
    assert_eq!(
        t.delete_method(&s, &app).await.unwrap_err(),
        ProviderError::DefaultMethod
    );
    t.set_default(&s, &phone).await.unwrap();
    t.delete_method(&s, &app).await.unwrap();
    let ms = methods(&t, &s).await;
    assert_eq!(ms.len(), 2);
    assert!(find(&ms, MethodKind::Phone).is_default);
}

#[tokio::test]
async fn only_sign_in_methods_can_be_default() {
    let t = tenant();
    let s = sign_in(&t, "kim", KIM).await.unwrap();
    let ms = methods(&t, &s).await;
    let email = find(&ms, MethodKind::Email).id.clone();
    assert!(matches!(
        t.set_default(&s, &email).await.unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
    assert_eq!(
        t.set_default(&s, "nope").await.unwrap_err(),
        ProviderError::NotFound
    );
    // Nothing changed.
    assert_eq!(methods(&t, &s).await, ms);
}

// --------------------------------------------------------- code enrollment

#[tokio::test]
async fn code_enrollment_gives_a_short_standard_qr() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    assert_eq!(e.kind, MethodKind::AuthenticatorCode);
    assert_eq!(e.confirm, Confirm::Code { digits: 6 });
    assert_eq!(e.issuer, "MFA Training");
    assert_eq!(e.account_name, "alex@training.example");

    let key = e.manual_key.expose();
    assert_eq!(key.len(), 32, "160-bit secret, base32 without padding");
    assert!(
        key.bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    );

    let url = e.qr_payload.expose();
    assert_eq!(
        url,
        format!(
            "otpauth://totp/MFA%20Training:alex%40training.example?secret={key}&issuer=MFA%20Training"
        )
    );
    for default_param in ["algorithm", "digits", "period"] {
        assert!(!url.contains(default_param), "{url}");
    }

    // totp-rs reads it back to the same secret and defaults.
    let parsed = Totp::from_url(url).unwrap();
    assert_eq!(parsed.secret().to_base32(), key);
    assert_eq!(parsed.digits(), 6);
    assert_eq!(parsed.step(), 30);
    assert_eq!(parsed.algorithm(), totp_rs::Algorithm::SHA1);
    assert_eq!(parsed.issuer(), Some("MFA Training"));
    assert_eq!(parsed.account_name(), "alex@training.example");

    // Every enrollment has its own secret.
    let e2 = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    assert_ne!(e2.manual_key, e.manual_key);
    assert_ne!(e2.id, e.id);
}

#[tokio::test]
async fn codes_within_one_step_either_side_are_accepted() {
    let (t, clock) = tenant_with_clock();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let now = clock.unix();
    for (offset, accepted) in [
        (0i64, true),
        (-30, true),
        (30, true),
        (-90, false),
        (90, false),
    ] {
        let e = t
            .begin_enrollment(&s, MethodKind::AuthenticatorCode)
            .await
            .unwrap();
        let at = (now as i64 + offset) as u64;
        let code = code_at(&e, at);
        assert_eq!(
            t.check_code(&s, &e.id, &code).await.unwrap(),
            accepted,
            "offset {offset}"
        );
        if !accepted {
            // The right code for now still works afterwards.
            let good = code_at(&e, now);
            assert!(t.check_code(&s, &e.id, &good).await.unwrap());
        }
    }
}

#[tokio::test]
async fn the_code_follows_the_real_clock_too() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = code_at(&e, now);
    assert!(t.check_code(&s, &e.id, &code).await.unwrap());
}

#[tokio::test]
async fn malformed_codes_are_just_wrong() {
    let (t, clock) = tenant_with_clock();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    let good = code_at(&e, clock.unix());
    let long = "9".repeat(10_000);
    let bad = [
        "",
        "12345",
        "1234567",
        "12a456",
        "١٢٣٤٥٦", // Arabic-Indic digits
        "12 456",
        "-12345",
        long.as_str(),
        &good[..5],
    ];
    for code in bad {
        assert!(!t.check_code(&s, &e.id, code).await.unwrap(), "{code:?}");
    }
    let wrong: String = good
        .chars()
        .map(|c| if c == '9' { '0' } else { (c as u8 + 1) as char })
        .collect();
    assert!(!t.check_code(&s, &e.id, &wrong).await.unwrap());
    // Surrounding spaces from a paste are forgiven.
    assert!(
        t.check_code(&s, &e.id, &format!(" {good}\n"))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_proven_code_registers_the_method() {
    let (t, clock) = tenant_with_clock();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    assert!(
        t.check_code(&s, &e.id, &code_at(&e, clock.unix()))
            .await
            .unwrap()
    );
    let ms = methods(&t, &s).await;
    assert_eq!(ms.len(), 3);
    let new = find(&ms, MethodKind::AuthenticatorCode);
    assert_eq!(new.label, "Authenticator app");
    assert_eq!(new.added.as_deref(), Some("2024-03-05"));
    assert!(new.used_for.sign_in && new.used_for.password_reset);
    // Alex still has a default (the phone): the new one is not it.
    assert!(!new.is_default);
    assert!(find(&ms, MethodKind::Phone).is_default);
    // The enrollment is done: checking again finds nothing.
    assert_eq!(
        t.check_code(&s, &e.id, "000000").await.unwrap_err(),
        ProviderError::NotFound
    );
}

#[tokio::test]
async fn the_first_method_after_none_becomes_default() {
    let (t, clock) = tenant_with_clock();
    let s = sign_in(&t, "robin", ROBIN).await.unwrap();
    let old = methods(&t, &s).await[0].id.clone();
    t.delete_method(&s, &old).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    assert!(
        t.check_code(&s, &e.id, &code_at(&e, clock.unix()))
            .await
            .unwrap()
    );
    let ms = methods(&t, &s).await;
    assert_eq!(ms.len(), 1);
    assert!(ms[0].is_default);
}

#[tokio::test]
async fn unknown_enrollments_and_other_kinds() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    assert_eq!(
        t.check_code(&s, "enr-404", "123456").await.unwrap_err(),
        ProviderError::NotFound
    );
    assert_eq!(
        t.poll_approval(&s, "enr-404").await.unwrap_err(),
        ProviderError::NotFound
    );
    assert_eq!(
        t.request_approval(&s, "enr-404").await.unwrap_err(),
        ProviderError::NotFound
    );
    assert_eq!(
        t.cancel_enrollment(&s, "enr-404").await.unwrap_err(),
        ProviderError::NotFound
    );
    for kind in [
        MethodKind::Phone,
        MethodKind::Email,
        MethodKind::SecurityKey,
        MethodKind::Passkey,
        MethodKind::TemporaryPass,
        MethodKind::Password,
        MethodKind::Other,
    ] {
        assert!(matches!(
            t.begin_enrollment(&s, kind).await.unwrap_err(),
            ProviderError::NotAllowed(_)
        ));
    }
    // A code enrollment has no notification, a push one no code.
    let code = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    assert!(matches!(
        t.request_approval(&s, &code.id).await.unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
    let push = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    assert!(matches!(
        t.check_code(&s, &push.id, "123456").await.unwrap_err(),
        ProviderError::NotAllowed(_)
    ));
}

#[tokio::test]
async fn enrollments_belong_to_their_session() {
    let t = tenant();
    let a = sign_in(&t, "alex", ALEX).await.unwrap();
    let k = sign_in(&t, "kim", KIM).await.unwrap();
    let e = t
        .begin_enrollment(&a, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    let code = code_at(
        &e,
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    assert_eq!(
        t.check_code(&k, &e.id, &code).await.unwrap_err(),
        ProviderError::NotFound
    );
}

#[tokio::test]
async fn cancel_drops_the_enrollment() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    t.cancel_enrollment(&s, &e.id).await.unwrap();
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap_err(),
        ProviderError::NotFound
    );
    t.simulate_phone(&e.id, PhoneAction::Approve); // ignored, no panic
    assert_eq!(methods(&t, &s).await.len(), 2);
}

// --------------------------------------------------------- push enrollment

#[tokio::test]
async fn push_enrollment_has_a_qr_and_approval_timing() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    assert_eq!(e.kind, MethodKind::AuthenticatorPush);
    assert_eq!(
        e.confirm,
        Confirm::Approval {
            poll_every: Duration::from_secs(2),
            timeout: Duration::from_secs(60)
        }
    );
    let parsed = Totp::from_url(e.qr_payload.expose()).unwrap();
    assert_eq!(parsed.secret().to_base32(), e.manual_key.expose());
}

#[tokio::test]
async fn approve_registers_the_push_method() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    // Before anything is sent the phone has nothing to answer.
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    t.request_approval(&s, &e.id).await.unwrap();
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap(),
        Approval::Approved
    );
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap(),
        Approval::Approved
    );

    let ms = methods(&t, &s).await;
    assert_eq!(ms.len(), 3);
    let pushes: Vec<&Method> = ms
        .iter()
        .filter(|m| m.kind == MethodKind::AuthenticatorPush)
        .collect();
    assert_eq!(pushes.len(), 2);
    assert!(
        pushes
            .iter()
            .any(|m| m.label == "Authenticator app (notifications)" && !m.is_default)
    );

    // Later answers and resends change nothing; no second registration.
    t.simulate_phone(&e.id, PhoneAction::Deny);
    t.request_approval(&s, &e.id).await.unwrap();
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap(),
        Approval::Approved
    );
    assert_eq!(methods(&t, &s).await.len(), 3);
}

#[tokio::test]
async fn approved_push_becomes_default_when_the_old_default_is_gone() {
    let t = tenant();
    let s = sign_in(&t, "robin", ROBIN).await.unwrap();
    let old = methods(&t, &s).await[0].id.clone();
    t.delete_method(&s, &old).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    t.request_approval(&s, &e.id).await.unwrap();
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap(),
        Approval::Approved
    );
    let ms = methods(&t, &s).await;
    assert_eq!(ms.len(), 1);
    assert!(ms[0].is_default);
    assert_eq!(ms[0].kind, MethodKind::AuthenticatorPush);
}

#[tokio::test]
async fn deny_rejects_and_a_resend_starts_over() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    t.request_approval(&s, &e.id).await.unwrap();
    t.simulate_phone(&e.id, PhoneAction::Deny);
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap(),
        Approval::Rejected
    );
    assert_eq!(methods(&t, &s).await.len(), 2);
    t.request_approval(&s, &e.id).await.unwrap();
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap(),
        Approval::Approved
    );
    assert_eq!(methods(&t, &s).await.len(), 3);
}

const SHORT_TIMEOUT: &str = r#"
issuer = "Short"
approval_timeout_secs = 0.2
poll_every_ms = 50

[[accounts]]
username = "pat"
pass = "Tap-Pat-1"
"#;

#[tokio::test]
async fn an_unanswered_notification_expires() {
    let t = custom(SHORT_TIMEOUT);
    let s = sign_in(&t, "pat", "Tap-Pat-1").await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    assert_eq!(
        e.confirm,
        Confirm::Approval {
            poll_every: Duration::from_millis(50),
            timeout: Duration::from_millis(200)
        }
    );
    t.request_approval(&s, &e.id).await.unwrap();
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Expired);
    // Too late to approve.
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Expired);
    assert!(methods(&t, &s).await.is_empty());
    // A resend restarts the clock.
    t.request_approval(&s, &e.id).await.unwrap();
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap(),
        Approval::Approved
    );
    assert_eq!(methods(&t, &s).await.len(), 1);
}

#[tokio::test]
async fn approval_timeout_follows_the_injected_clock() {
    let (t, clock) = tenant_with_clock();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    t.request_approval(&s, &e.id).await.unwrap();
    clock.advance(Duration::from_secs(59));
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    clock.advance(Duration::from_secs(1));
    // The phone answers right at the deadline: too late.
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Expired);
    // A resend gets its own full timeout.
    t.request_approval(&s, &e.id).await.unwrap();
    clock.advance(Duration::from_secs(30));
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
}

#[tokio::test]
async fn in_push_never_arrives_the_phone_never_answers() {
    let t = TrainingTenant::builtin("push-never-arrives")
        .unwrap()
        .unwrap()
        .with_delay(Duration::ZERO);
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    for _ in 0..3 {
        t.request_approval(&s, &e.id).await.unwrap();
        t.simulate_phone(&e.id, PhoneAction::Approve);
        assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    }
    // A code from the app still works.
    let c = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(t.check_code(&s, &c.id, &code_at(&c, now)).await.unwrap());
}

#[tokio::test]
async fn arrives_after_resend_loses_the_first_notification() {
    let t = custom(
        r#"
        push_delivery = "arrives_after_resend"
        [[accounts]]
        username = "a"
        pass = "p"
        "#,
    );
    let s = sign_in(&t, "a", "p").await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    t.request_approval(&s, &e.id).await.unwrap();
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(t.poll_approval(&s, &e.id).await.unwrap(), Approval::Pending);
    t.request_approval(&s, &e.id).await.unwrap();
    t.simulate_phone(&e.id, PhoneAction::Approve);
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap(),
        Approval::Approved
    );
}

// ------------------------------------------------------- sessions, timing

#[tokio::test]
async fn sign_out_ends_the_session() {
    let t = tenant();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorPush)
        .await
        .unwrap();
    t.sign_out(&s).await.unwrap();
    assert_eq!(
        t.list_methods(&s).await.unwrap_err(),
        ProviderError::SessionExpired
    );
    assert_eq!(
        t.begin_enrollment(&s, MethodKind::AuthenticatorCode)
            .await
            .unwrap_err(),
        ProviderError::SessionExpired
    );
    assert_eq!(
        t.poll_approval(&s, &e.id).await.unwrap_err(),
        ProviderError::SessionExpired
    );
    assert_eq!(
        t.sign_out(&s).await.unwrap_err(),
        ProviderError::SessionExpired
    );
    // A session made up by hand is not one.
    let fake = Session::new(s.account.clone(), Secret::new("made-up"));
    assert_eq!(
        t.list_methods(&fake).await.unwrap_err(),
        ProviderError::SessionExpired
    );
}

#[tokio::test]
async fn every_call_takes_the_scenario_delay() {
    let t = TrainingTenant::default_scenario().with_delay(Duration::from_millis(80));
    let started = Instant::now();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let _ = t.list_methods(&s).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(160));
}

#[tokio::test]
async fn calls_run_side_by_side_behind_dyn_provider() {
    let t: Arc<dyn Provider> =
        Arc::new(TrainingTenant::default_scenario().with_delay(Duration::from_millis(200)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (user, pass) in [("alex", ALEX), ("kim", KIM), ("robin", ROBIN)] {
        let t = Arc::clone(&t);
        tasks.push(tokio::spawn(async move {
            let s = t.sign_in(user, &Secret::new(pass)).await?;
            t.list_methods(&s).await
        }));
    }
    for task in tasks {
        assert!(!task.await.unwrap().unwrap().is_empty());
    }
    // Not one after another: the lock is not held while waiting.
    assert!(started.elapsed() < Duration::from_millis(900));
}

#[tokio::test]
async fn unreachable_every_fails_some_calls_without_side_effects() {
    let t = custom(
        r#"
        unreachable_every = 2
        [[accounts]]
        username = "a"
        pass = "p"
        "#,
    );
    let s = sign_in(&t, "a", "p").await.unwrap(); // call 1
    assert_eq!(
        t.list_methods(&s).await.unwrap_err(), // call 2
        ProviderError::Unreachable
    );
    assert!(t.list_methods(&s).await.is_ok()); // call 3
}

// ------------------------------------------------------------- bad input

#[test]
fn bad_scenarios_give_errors_not_panics() {
    let cases: &[(&str, &str)] = &[
        ("this is not toml", "line 1"),
        ("issuer = ", "line 1"),
        ("[[accounts]]\nusername = \"a\"\n", "pass"),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\ncolour = 1\n",
            "colour",
        ),
        (
            "delay_ms = -5\n[[accounts]]\nusername = \"a\"\npass = \"p\"\n",
            "line 1",
        ),
        ("", "no accounts"),
        (
            "max_attempts = 0\n[[accounts]]\nusername = \"a\"\npass = \"p\"\n",
            "max_attempts",
        ),
        (
            "issuer = \"a:b\"\n[[accounts]]\nusername = \"a\"\npass = \"p\"\n",
            "issuer",
        ),
        (
            "approval_timeout_secs = nan\n[[accounts]]\nusername = \"a\"\npass = \"p\"\n",
            "approval_timeout_secs",
        ),
        (
            "approval_timeout_secs = -1.0\n[[accounts]]\nusername = \"a\"\npass = \"p\"\n",
            "approval_timeout_secs",
        ),
        ("[[accounts]]\nusername = \"a\"\npass = \"\"\n", "pass"),
        (
            "[[accounts]]\nusername = \"a b\"\npass = \"p\"\n",
            "username",
        ),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\n[[accounts]]\nusername = \"A\"\npass = \"q\"\n",
            "twice",
        ),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\npass_valid_minutes = 0\n",
            "pass_valid_minutes",
        ),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\npass_state = \"lost\"\n",
            "pass_state",
        ),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\n[[accounts.methods]]\nkind = \"pigeon\"\nlabel = \"x\"\n",
            "pigeon",
        ),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\n[[accounts.methods]]\nkind = \"phone\"\nlabel = \"x\"\nadded = \"last year\"\n",
            "YYYY-MM-DD",
        ),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\n[[accounts.methods]]\nkind = \"email\"\nlabel = \"x\"\nis_default = true\n",
            "default",
        ),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\n[[accounts.methods]]\nkind = \"phone\"\nlabel = \"x\"\nis_default = true\n[[accounts.methods]]\nkind = \"passkey\"\nlabel = \"y\"\nis_default = true\n",
            "is_default",
        ),
        (
            "[[accounts]]\nusername = \"a\"\npass = \"p\"\n[[accounts.methods]]\nkind = \"phone\"\nlabel = \"x\"\nused_for = [\"everything\"]\n",
            "everything",
        ),
        (
            "unreachable_every = 1\n[[accounts]]\nusername = \"a\"\npass = \"p\"\n",
            "unreachable_every",
        ),
        ("\u{0}\u{1}\u{feff}", ""),
        ("[[[[", ""),
    ];
    for (text, hint) in cases {
        let err = TrainingTenant::from_toml(text).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(hint),
            "error for {text:?} should mention {hint:?}: {msg}"
        );
    }
    let huge = "# ".repeat(1_000_000);
    assert!(matches!(
        TrainingTenant::from_toml(&huge).unwrap_err(),
        ScenarioError::Invalid(_)
    ));
    assert!(matches!(
        TrainingTenant::from_path(std::path::Path::new("/no/such/scenario.toml")).unwrap_err(),
        ScenarioError::Io(_)
    ));
}

#[test]
fn syntax_errors_name_the_line() {
    let err = TrainingTenant::from_toml("issuer = \"ok\"\n\n[[accounts]]\nusername = alex\n")
        .unwrap_err();
    assert!(matches!(err, ScenarioError::Syntax(_)));
    assert!(err.to_string().contains("line 4"), "{err}");
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            // A failing case is saved and replayed first on every later run.
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct("proptest-regressions/training_provider.txt")
            )),
            ..ProptestConfig::default()
        })]
        #[test]
        fn any_text_is_an_error_or_a_tenant(text in any::<String>()) {
            let _ = TrainingTenant::from_toml(&text);
        }

        #[test]
        fn scenario_like_text_never_panics(
            delay in any::<i64>(),
            attempts in any::<i64>(),
            timeout in any::<f64>(),
            user in "[a-zA-Z0-9@:. ]{0,12}",
            pass in "\\PC{0,12}",
            minutes in any::<i64>(),
        ) {
            let text = format!(
                "delay_ms = {delay}\nmax_attempts = {attempts}\napproval_timeout_secs = {timeout:?}\n\
                 [[accounts]]\nusername = {user:?}\npass = {pass:?}\npass_valid_minutes = {minutes}\n"
            );
            let _ = TrainingTenant::from_toml(&text);
        }
    }
}

// ---------------------------------------------------------------- secrets

#[tokio::test]
async fn secrets_stay_out_of_debug_output() {
    let (t, clock) = tenant_with_clock();
    let s = sign_in(&t, "alex", ALEX).await.unwrap();
    let e = t
        .begin_enrollment(&s, MethodKind::AuthenticatorCode)
        .await
        .unwrap();
    let key = e.manual_key.expose().to_string();
    let token = s.token().expose().to_string();
    let code = code_at(&e, clock.unix());

    let mut errors = vec![
        sign_in(&t, "alex", ALEX).await.unwrap_err(),
        sign_in(&t, "kim", "Tap-Kim-WRONG").await.unwrap_err(),
        sign_in(&t, "sam", SAM).await.unwrap_err(),
        sign_in(&t, "nobody", ALEX).await.unwrap_err(),
        t.check_code(&s, "enr-x", &code).await.unwrap_err(),
    ];
    for _ in 0..3 {
        errors.push(sign_in(&t, "robin", "Tap-Robin-0000").await.unwrap_err());
    }

    let mut printed = vec![
        format!("{t:?}"),
        format!("{s:?}"),
        format!("{e:?}"),
        format!("{:?}", t.scenario()),
    ];
    for err in &errors {
        printed.push(format!("{err:?}"));
        printed.push(err.to_string());
    }
    let bad = TrainingTenant::from_toml(
        "[[accounts]]\nusername = \"a\"\npass = \"Tap-Secret-9\"\npass_valid_minutes = 0\n",
    )
    .unwrap_err();
    printed.push(format!("{bad:?}"));
    printed.push(bad.to_string());

    for text in &printed {
        for secret in [
            ALEX,
            SAM,
            KIM,
            ROBIN,
            "Tap-Secret-9",
            key.as_str(),
            token.as_str(),
        ] {
            assert!(!text.contains(secret), "{secret:?} leaked in {text}");
        }
        assert!(!text.contains("otpauth"), "QR payload leaked in {text}");
    }
    // The session token is not derived from the pass.
    assert!(!token.contains(ALEX));
}
