//! The built-in training tenant: a [`Provider`] that lives in memory and
//! follows the rules a real tenant enforces (one-use passes that expire,
//! attempt limits, the default-method rule), with real TOTP secrets and code
//! checks, and a simulated phone for push approvals.
//!
//! Every call waits the scenario's `delay_ms` so the UI's waiting states are
//! visible. State sits behind a `std::sync::Mutex` that is never held across
//! an `await`.

mod admin;

use super::scenario::{self, PassState, PushDelivery, Scenario, ScenarioError};
use super::{
    Account, Approval, Capabilities, Confirm, Enrollment, Method, MethodKind, PhoneAction,
    Provider, ProviderError, PushApp, Reply, Session, SignInKind, TrainingAccount, UsedFor,
};
use crate::secret::Secret;
use crate::timefmt::{civil_date, unix_secs};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use totp_rs::{Builder, Secret as TotpSecret, Totp};

/// Digits of the codes the authenticator app shows.
const CODE_DIGITS: u8 = 6;
/// Enrollments one session may keep open; older ones are dropped.
const MAX_OPEN_ENROLLMENTS: usize = 8;
/// Label of a method added with a typed code.
pub const CODE_METHOD_LABEL: &str = "Authenticator app";
/// Label of a method added with an approved notification.
pub const PUSH_METHOD_LABEL: &str = "Authenticator app (notifications)";

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The built-in training tenant.
pub struct TrainingTenant {
    scenario: Scenario,
    delay: Duration,
    clock: Clock,
    state: Mutex<State>,
}

impl fmt::Debug for TrainingTenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Counts only: passes, tokens and TOTP secrets stay out of sight.
        let state = self.lock();
        f.debug_struct("TrainingTenant")
            .field("issuer", &self.scenario.issuer)
            .field("delay", &self.delay)
            .field("accounts", &state.accounts.len())
            .field("sessions", &state.sessions.len())
            .field("enrollments", &state.enrollments.len())
            .finish()
    }
}

struct State {
    accounts: Vec<AccountState>,
    sessions: Vec<SessionRec>,
    enrollments: Vec<EnrollmentRec>,
    next_id: u64,
    calls: u64,
}

struct AccountState {
    /// As typed on the banner (`alex`).
    pub(super) short_name: String,
    /// Full sign-in name (`alex@training.example`).
    username: String,
    display_name: String,
    pass: Secret,
    pass_state: PassState,
    /// Lifetimes count from here: the scenario start, or when the helpdesk
    /// issued a new pass.
    pass_issued: SystemTime,
    pass_valid_for: Duration,
    /// `false` for a multi-use pass the helpdesk issued.
    pass_one_time: bool,
    failed_attempts: u32,
    locked: bool,
    methods: Vec<Method>,
}

struct SessionRec {
    token: Secret,
    number: u64,
    account: usize,
}

struct EnrollmentRec {
    id: String,
    session: u64,
    account: usize,
    kind: MethodKind,
    totp: Totp,
    push: Option<PushState>,
}

struct PushState {
    sent_at: SystemTime,
    status: Approval,
    /// Notifications sent for this enrollment so far (resends included).
    sends: u32,
}

impl TrainingTenant {
    /// The tenant with the scenario built into the binary.
    pub fn default_scenario() -> TrainingTenant {
        match Scenario::parse(scenario::DEFAULT_SCENARIO) {
            Ok(s) => TrainingTenant::from_scenario(s),
            // The built-in file is checked by the tests; should it ever be
            // broken, fall back to a minimal tenant rather than panic.
            Err(_) => TrainingTenant::from_scenario(fallback_scenario()),
        }
    }

    /// A tenant from scenario text (TOML).
    pub fn from_toml(text: &str) -> Result<TrainingTenant, ScenarioError> {
        Scenario::parse(text).map(TrainingTenant::from_scenario)
    }

    /// A tenant from a scenario file on disk.
    pub fn from_path(path: &std::path::Path) -> Result<TrainingTenant, ScenarioError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ScenarioError::Io(format!("{}: {e}", path.display())))?;
        TrainingTenant::from_toml(&text)
    }

    /// A tenant from one of the built-in scenarios by name (`default`,
    /// `push-never-arrives`, `slow-network`); `None` if there is no such one.
    pub fn builtin(name: &str) -> Option<Result<TrainingTenant, ScenarioError>> {
        scenario::builtin(name).map(TrainingTenant::from_toml)
    }

    /// A tenant from a parsed scenario.
    pub fn from_scenario(scenario: Scenario) -> TrainingTenant {
        let clock: Clock = Arc::new(SystemTime::now);
        let state = State::new(&scenario, clock());
        TrainingTenant {
            delay: scenario.delay(),
            scenario,
            clock,
            state: Mutex::new(state),
        }
    }

    /// Override the scenario's per-call delay (tests use zero).
    pub fn with_delay(mut self, delay: Duration) -> TrainingTenant {
        self.delay = delay;
        self
    }

    /// Read "now" from `clock` instead of the system clock: pass expiry,
    /// approval timeouts, TOTP checks and dates all follow it. The scenario
    /// restarts at the clock's current time (pass lifetimes count from it).
    pub fn with_clock(
        mut self,
        clock: impl Fn() -> SystemTime + Send + Sync + 'static,
    ) -> TrainingTenant {
        self.clock = Arc::new(clock);
        let now = (self.clock)();
        *self.state.get_mut().unwrap_or_else(|e| e.into_inner()) = State::new(&self.scenario, now);
        self
    }

    /// The scenario this tenant runs.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Start the scenario over: passes fresh, attempts cleared, methods as
    /// in the file, every session and enrollment gone.
    pub fn reset(&self) {
        let fresh = State::new(&self.scenario, self.now());
        *self.lock() = fresh;
    }

    fn now(&self) -> SystemTime {
        (self.clock)()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every call: wait, then maybe fail the way a flaky network does.
    async fn call(&self) -> Result<(), ProviderError> {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        let every = u64::from(self.scenario.unreachable_every);
        let mut state = self.lock();
        state.calls = state.calls.wrapping_add(1);
        if every >= 2 && state.calls.is_multiple_of(every) {
            return Err(ProviderError::Unreachable);
        }
        Ok(())
    }

    fn do_sign_in(&self, username: &str, pass: &Secret) -> Result<Session, ProviderError> {
        let now = self.now();
        let max = self.scenario.max_attempts;
        let mut state = self.lock();
        let index = state
            .find_account(username)
            .ok_or(ProviderError::UnknownUser)?;
        let account = state
            .accounts
            .get_mut(index)
            .ok_or(ProviderError::UnknownUser)?;
        if account.locked {
            return Err(ProviderError::Locked);
        }
        if !constant_time_eq(
            pass.expose().trim().as_bytes(),
            account.pass.expose().as_bytes(),
        ) {
            account.failed_attempts = account.failed_attempts.saturating_add(1);
            if account.failed_attempts >= max {
                account.locked = true;
                return Err(ProviderError::Locked);
            }
            return Err(ProviderError::WrongPass {
                attempts_left: max - account.failed_attempts,
            });
        }
        match account.pass_state {
            PassState::Expired => return Err(ProviderError::PassExpired),
            PassState::Used => return Err(ProviderError::PassUsed),
            PassState::Valid => {}
        }
        if let Some(expires) = account.pass_issued.checked_add(account.pass_valid_for)
            && now >= expires
        {
            account.pass_state = PassState::Expired;
            return Err(ProviderError::PassExpired);
        }
        if account.pass_one_time {
            account.pass_state = PassState::Used;
        }
        account.failed_attempts = 0;
        let who = Account {
            username: account.username.clone(),
            display_name: account.display_name.clone(),
        };
        let number = state.take_id();
        let token = Secret::new(TotpSecret::generate().to_base32());
        state.sessions.push(SessionRec {
            token: token.clone(),
            number,
            account: index,
        });
        Ok(Session::new(who, token))
    }

    fn do_list(&self, session: &Session) -> Result<Vec<Method>, ProviderError> {
        let state = self.lock();
        let (account, _) = state.session(session)?;
        let mut methods = state
            .accounts
            .get(account)
            .map(|a| a.methods.clone())
            .unwrap_or_default();
        // Default first, otherwise in the order they were added.
        methods.sort_by_key(|m| !m.is_default);
        Ok(methods)
    }

    fn do_delete(&self, session: &Session, method_id: &str) -> Result<(), ProviderError> {
        let mut state = self.lock();
        delete_from(state.methods_mut(session)?, method_id)
    }

    fn do_set_default(&self, session: &Session, method_id: &str) -> Result<(), ProviderError> {
        let mut state = self.lock();
        let methods = state.methods_mut(session)?;
        let kind = methods
            .iter()
            .find(|m| m.id == method_id)
            .map(|m| m.kind)
            .ok_or(ProviderError::NotFound)?;
        if !kind.is_sign_in_factor() {
            return Err(ProviderError::NotAllowed(
                "only a sign-in method can be the default".into(),
            ));
        }
        for m in methods.iter_mut() {
            m.is_default = m.id == method_id;
        }
        Ok(())
    }

    fn do_begin(&self, session: &Session, kind: MethodKind) -> Result<Enrollment, ProviderError> {
        let confirm = match kind {
            MethodKind::AuthenticatorCode => Confirm::Code {
                digits: CODE_DIGITS,
            },
            MethodKind::AuthenticatorPush => Confirm::Approval {
                poll_every: self.scenario.poll_every(),
                timeout: self.scenario.approval_timeout(),
            },
            _ => {
                return Err(ProviderError::NotAllowed(
                    "the training tenant adds authenticator apps only".into(),
                ));
            }
        };
        let mut state = self.lock();
        let (account, session_number) = state.session(session)?;
        let account_name = state
            .accounts
            .get(account)
            .map(|a| a.username.clone())
            .ok_or(ProviderError::SessionExpired)?;
        let issuer = self.scenario.issuer.trim().to_string();
        let totp = Builder::new()
            .with_secret(TotpSecret::generate())
            .with_issuer(Some(issuer.as_str()))
            .with_account_name(account_name.as_str())
            .build()
            .map_err(|_| ProviderError::Protocol("could not create an authenticator key".into()))?;
        // `to_url` leaves out the defaults (SHA1, 6 digits, 30 s).
        let qr_payload = Secret::new(
            totp.to_url()
                .map_err(|_| ProviderError::Protocol("could not create the QR code".into()))?,
        );
        let manual_key = Secret::new(totp.secret().to_base32());
        let id = format!("enr-{}", state.take_id());

        let open: Vec<usize> = state
            .enrollments
            .iter()
            .enumerate()
            .filter(|(_, e)| e.session == session_number)
            .map(|(i, _)| i)
            .collect();
        if open.len() >= MAX_OPEN_ENROLLMENTS
            && let Some(&oldest) = open.first()
        {
            state.enrollments.remove(oldest);
        }
        state.enrollments.push(EnrollmentRec {
            id: id.clone(),
            session: session_number,
            account,
            kind,
            totp,
            push: None,
        });
        Ok(Enrollment {
            id,
            kind,
            qr_payload,
            manual_key,
            account_name,
            issuer,
            confirm,
            registration: None,
        })
    }

    fn do_check_code(
        &self,
        session: &Session,
        enrollment_id: &str,
        code: &str,
    ) -> Result<bool, ProviderError> {
        let at = self.now();
        let now = unix_secs(at);
        let today = civil_date(at);
        let mut state = self.lock();
        let (_, session_number) = state.session(session)?;
        let index = state.enrollment(enrollment_id, session_number)?;
        let enrollment = state
            .enrollments
            .get(index)
            .ok_or(ProviderError::NotFound)?;
        if enrollment.kind != MethodKind::AuthenticatorCode {
            return Err(ProviderError::NotAllowed(
                "this method is confirmed by approving a notification".into(),
            ));
        }
        let code = code.trim();
        if code.len() != usize::from(CODE_DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(false);
        }
        // One 30-second step of clock difference either way (the builder's skew of 1).
        if enrollment.totp.check(code, now).is_none() {
            return Ok(false);
        }
        let done = state.enrollments.remove(index);
        state.register(
            done.account,
            MethodKind::AuthenticatorCode,
            CODE_METHOD_LABEL,
            &today,
        );
        Ok(true)
    }

    fn do_request_approval(
        &self,
        session: &Session,
        enrollment_id: &str,
    ) -> Result<(), ProviderError> {
        let now = self.now();
        let mut state = self.lock();
        let (_, session_number) = state.session(session)?;
        let index = state.enrollment(enrollment_id, session_number)?;
        let enrollment = state
            .enrollments
            .get_mut(index)
            .ok_or(ProviderError::NotFound)?;
        if enrollment.kind != MethodKind::AuthenticatorPush {
            return Err(ProviderError::NotAllowed(
                "this method is confirmed with a code from the app".into(),
            ));
        }
        match &mut enrollment.push {
            // Already approved: the method is registered, nothing to resend.
            Some(push) if push.status == Approval::Approved => {}
            Some(push) => {
                push.sent_at = now;
                push.status = Approval::Pending;
                push.sends = push.sends.saturating_add(1);
            }
            None => {
                enrollment.push = Some(PushState {
                    sent_at: now,
                    status: Approval::Pending,
                    sends: 1,
                });
            }
        }
        Ok(())
    }

    fn do_poll(&self, session: &Session, enrollment_id: &str) -> Result<Approval, ProviderError> {
        let now = self.now();
        let timeout = self.scenario.approval_timeout();
        let mut state = self.lock();
        let (_, session_number) = state.session(session)?;
        let index = state.enrollment(enrollment_id, session_number)?;
        let enrollment = state
            .enrollments
            .get_mut(index)
            .ok_or(ProviderError::NotFound)?;
        if enrollment.kind != MethodKind::AuthenticatorPush {
            return Err(ProviderError::NotAllowed(
                "this method is confirmed with a code from the app".into(),
            ));
        }
        Ok(match &mut enrollment.push {
            None => Approval::Pending,
            Some(push) => {
                if push.status == Approval::Pending && timed_out(push.sent_at, timeout, now) {
                    push.status = Approval::Expired;
                }
                push.status
            }
        })
    }

    fn do_cancel(&self, session: &Session, enrollment_id: &str) -> Result<(), ProviderError> {
        let mut state = self.lock();
        let (_, session_number) = state.session(session)?;
        let index = state.enrollment(enrollment_id, session_number)?;
        state.enrollments.remove(index);
        Ok(())
    }

    fn do_sign_out(&self, session: &Session) -> Result<(), ProviderError> {
        let mut state = self.lock();
        let (_, session_number) = state.session(session)?;
        state.sessions.retain(|s| s.number != session_number);
        state.enrollments.retain(|e| e.session != session_number);
        Ok(())
    }

    fn do_simulate_phone(&self, enrollment_id: &str, action: PhoneAction) {
        let now = self.now();
        let today = civil_date(now);
        let timeout = self.scenario.approval_timeout();
        let delivery = self.scenario.push_delivery;
        let mut state = self.lock();
        let Some(enrollment) = state
            .enrollments
            .iter_mut()
            .find(|e| e.id == enrollment_id && e.kind == MethodKind::AuthenticatorPush)
        else {
            return;
        };
        let Some(push) = &mut enrollment.push else {
            // Nothing was sent yet: the phone has nothing to answer.
            return;
        };
        if push.status != Approval::Pending {
            return;
        }
        if timed_out(push.sent_at, timeout, now) {
            push.status = Approval::Expired;
            return;
        }
        let arrived = match delivery {
            PushDelivery::Arrives => true,
            PushDelivery::NeverArrives => false,
            PushDelivery::ArrivesAfterResend => push.sends >= 2,
        };
        if !arrived {
            return;
        }
        match action {
            PhoneAction::Deny => push.status = Approval::Rejected,
            PhoneAction::Approve => {
                push.status = Approval::Approved;
                let account = enrollment.account;
                state.register(
                    account,
                    MethodKind::AuthenticatorPush,
                    PUSH_METHOD_LABEL,
                    &today,
                );
            }
        }
    }
}

impl State {
    fn new(scenario: &Scenario, started: SystemTime) -> State {
        let mut state = State {
            accounts: Vec::with_capacity(scenario.accounts.len()),
            sessions: Vec::new(),
            enrollments: Vec::new(),
            next_id: 1,
            calls: 0,
        };
        for seed in &scenario.accounts {
            let mut methods = Vec::with_capacity(seed.methods.len());
            for m in &seed.methods {
                methods.push(Method {
                    id: format!("m-{}", state.take_id()),
                    kind: m.kind,
                    label: m.label.trim().to_string(),
                    added: m.added.clone(),
                    last_used: m.last_used.clone(),
                    is_default: m.is_default,
                    used_for: m.used_for(),
                });
            }
            state.accounts.push(AccountState {
                short_name: seed.username.trim().to_string(),
                username: scenario.full_username(seed),
                display_name: seed.display_name.trim().to_string(),
                pass: seed.pass.clone(),
                pass_state: seed.pass_state,
                pass_issued: started,
                pass_valid_for: Duration::from_secs(seed.pass_valid_minutes.saturating_mul(60)),
                pass_one_time: true,
                failed_attempts: 0,
                locked: false,
                methods,
            });
        }
        state
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    /// Usernames match trimmed and case-insensitively, by short or full name.
    fn find_account(&self, username: &str) -> Option<usize> {
        let wanted = username.trim().to_lowercase();
        if wanted.is_empty() {
            return None;
        }
        self.accounts.iter().position(|a| {
            a.username.to_lowercase() == wanted || a.short_name.to_lowercase() == wanted
        })
    }

    /// The account index and session number of an open session.
    fn session(&self, session: &Session) -> Result<(usize, u64), ProviderError> {
        let token = session.token().expose().as_bytes();
        self.sessions
            .iter()
            .find(|s| constant_time_eq(s.token.expose().as_bytes(), token))
            .map(|s| (s.account, s.number))
            .ok_or(ProviderError::SessionExpired)
    }

    /// The methods of the account a session belongs to.
    fn methods_mut(&mut self, session: &Session) -> Result<&mut Vec<Method>, ProviderError> {
        let (account, _) = self.session(session)?;
        self.accounts
            .get_mut(account)
            .map(|a| &mut a.methods)
            .ok_or(ProviderError::SessionExpired)
    }

    /// An enrollment of this session.
    fn enrollment(&self, id: &str, session: u64) -> Result<usize, ProviderError> {
        self.enrollments
            .iter()
            .position(|e| e.id == id && e.session == session)
            .ok_or(ProviderError::NotFound)
    }

    /// Add a proven method; it becomes the default when the account has no
    /// default sign-in method.
    fn register(&mut self, account: usize, kind: MethodKind, label: &str, today: &str) {
        let id = format!("m-{}", self.take_id());
        let Some(account) = self.accounts.get_mut(account) else {
            return;
        };
        let has_default = account
            .methods
            .iter()
            .any(|m| m.is_default && m.kind.is_sign_in_factor());
        account.methods.push(Method {
            id,
            kind,
            label: label.to_string(),
            added: Some(today.to_string()),
            last_used: Some(today.to_string()),
            is_default: !has_default,
            used_for: UsedFor {
                sign_in: true,
                password_reset: true,
            },
        });
    }
}

impl Provider for TrainingTenant {
    fn capabilities(&self) -> Capabilities {
        let state = self.lock();
        let accounts = state
            .accounts
            .iter()
            .zip(&self.scenario.accounts)
            .map(|(a, seed)| TrainingAccount {
                username: a.short_name.clone(),
                pass: a.pass.expose().to_string(),
                note: seed.note.trim().to_string(),
            })
            .collect();
        Capabilities {
            add_kinds: vec![MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode],
            can_delete: true,
            can_set_default: true,
            simulated_phone: true,
            training_accounts: Some(accounts),
            sign_in: SignInKind::Pass,
            push_app: PushApp::MicrosoftAuthenticator,
        }
    }

    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session> {
        Box::pin(async move {
            self.call().await?;
            self.do_sign_in(username, pass)
        })
    }

    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        Box::pin(async move {
            self.call().await?;
            self.do_list(session)
        })
    }

    fn delete_method<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call().await?;
            self.do_delete(session, method_id)
        })
    }

    fn set_default<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call().await?;
            self.do_set_default(session, method_id)
        })
    }

    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment> {
        Box::pin(async move {
            self.call().await?;
            self.do_begin(session, kind)
        })
    }

    fn check_code<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
        code: &'a str,
    ) -> Reply<'a, bool> {
        Box::pin(async move {
            self.call().await?;
            self.do_check_code(session, enrollment_id, code)
        })
    }

    fn clock_drift(&self, session: &Session, enrollment_id: &str, code: &str) -> Option<i64> {
        let now = self.now();
        let state = self.lock();
        let (_, session_number) = state.session(session).ok()?;
        let index = state.enrollment(enrollment_id, session_number).ok()?;
        let totp = &state.enrollments.get(index)?.totp;
        crate::clock_drift::drift_seconds(totp, code, now)
    }

    fn request_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call().await?;
            self.do_request_approval(session, enrollment_id)
        })
    }

    fn poll_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Approval> {
        Box::pin(async move {
            self.call().await?;
            self.do_poll(session, enrollment_id)
        })
    }

    fn cancel_enrollment<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call().await?;
            self.do_cancel(session, enrollment_id)
        })
    }

    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()> {
        Box::pin(async move {
            self.call().await?;
            self.do_sign_out(session)
        })
    }

    fn simulate_phone(&self, enrollment_id: &str, action: PhoneAction) {
        self.do_simulate_phone(enrollment_id, action);
    }
}

/// A last resort if the built-in scenario ever fails to parse.
fn fallback_scenario() -> Scenario {
    let text = "[[accounts]]\nusername = \"alex\"\npass = \"Tap-Alex-4821\"\n";
    match Scenario::parse(text) {
        Ok(s) => s,
        Err(_) => Scenario {
            issuer: "MFA Training".into(),
            domain: String::new(),
            delay_ms: 600,
            max_attempts: 3,
            poll_every_ms: 2000,
            approval_timeout_secs: 60.0,
            push_delivery: PushDelivery::Arrives,
            unreachable_every: 0,
            accounts: Vec::new(),
        },
    }
}

fn timed_out(sent_at: SystemTime, timeout: Duration, now: SystemTime) -> bool {
    sent_at
        .checked_add(timeout)
        .is_some_and(|deadline| now >= deadline)
}

/// Compare without stopping at the first difference, so the time taken does
/// not tell how much of a pass was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

/// The tenant's rule for deleting: the default method goes last.
fn delete_from(methods: &mut Vec<Method>, method_id: &str) -> Result<(), ProviderError> {
    let position = methods
        .iter()
        .position(|m| m.id == method_id)
        .ok_or(ProviderError::NotFound)?;
    if methods.get(position).is_some_and(|m| m.is_default) && methods.len() > 1 {
        return Err(ProviderError::DefaultMethod);
    }
    methods.remove(position);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }
}
