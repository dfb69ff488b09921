//! The built-in training tenant: a [`Provider`] that lives in memory and
//! follows the rules a real tenant enforces (one-use passes that expire,
//! attempt limits, the default-method rule), with real TOTP secrets and code
//! checks, and a simulated phone for push approvals.
//!
//! Every call waits the scenario's `delay_ms` so the UI's waiting states are
//! visible. State sits behind a `std::sync::Mutex` that is never held across
//! an `await`.

mod adapter;
mod admin;
mod enroll;
pub mod scenario;
mod sessions;
mod state;

use super::{
    Account, Approval, Capabilities, Confirm, Enrollment, Method, MethodKind, PhoneAction,
    Provider, ProviderError, PushApp, Reply, Session, SignInKind, TrainingAccount, UsedFor,
};
use crate::secret::Secret;
use crate::timefmt::{civil_date, unix_secs};
use scenario::{PassState, PushDelivery, Scenario, ScenarioError};
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
    /// Boxed so it is wiped where it lies when the record goes: inline, a
    /// `Vec` removal would move it out and leave the old bytes behind.
    totp: Box<Totp>,
    push: Option<PushState>,
}

struct PushState {
    sent_at: SystemTime,
    status: Approval,
    /// Notifications sent for this enrollment so far (resends included).
    sends: u32,
    /// The number the sign-in screen shows and the phone asks for
    /// (Microsoft's number matching): two digits, new for every send.
    number: u8,
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
