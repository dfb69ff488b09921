//! The provider contract: everything the rest of the app knows about an
//! identity provider. `flow` sees only these plain types; the driver (`app`)
//! calls the trait.

pub mod scenario;
pub mod training;

use crate::secret::Secret;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// What a provider call returns. Boxed so providers can sit behind `dyn`.
pub type Reply<'a, T> = Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    AuthenticatorPush,
    AuthenticatorCode,
    Phone,
    Email,
    SecurityKey,
    Passkey,
    TemporaryPass,
    Password,
    Other,
}

impl MethodKind {
    /// Methods that can stand as a second factor at sign-in.
    pub fn is_sign_in_factor(self) -> bool {
        matches!(
            self,
            MethodKind::AuthenticatorPush
                | MethodKind::AuthenticatorCode
                | MethodKind::Phone
                | MethodKind::SecurityKey
                | MethodKind::Passkey
        )
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct UsedFor {
    #[serde(default)]
    pub sign_in: bool,
    #[serde(default)]
    pub password_reset: bool,
}

/// A registered sign-in method as the provider reports it. Dates are kept as
/// the provider's ISO text; views show the date part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Method {
    pub id: String,
    pub kind: MethodKind,
    pub label: String,
    pub added: Option<String>,
    pub last_used: Option<String>,
    pub is_default: bool,
    pub used_for: UsedFor,
}

/// Who is signed in. The tokens stay in [`Session`], which `flow` never sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub display_name: String,
}

/// An open sign-in with a provider. Opaque outside the provider; the token is
/// wiped on drop.
#[derive(Debug)]
pub struct Session {
    pub account: Account,
    token: Secret,
}

impl Session {
    pub fn new(account: Account, token: Secret) -> Self {
        Session { account, token }
    }

    pub fn token(&self) -> &Secret {
        &self.token
    }
}

/// How a new method proves it works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// The person types the code their app shows.
    Code { digits: u8 },
    /// The provider sends a notification; we poll until it is answered.
    Approval {
        poll_every: Duration,
        timeout: Duration,
    },
}

/// A method being added, not yet proven. The payload and key are secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub id: String,
    pub kind: MethodKind,
    pub qr_payload: Secret,
    pub manual_key: Secret,
    pub account_name: String,
    pub issuer: String,
    pub confirm: Confirm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approval {
    Pending,
    Approved,
    Rejected,
    Expired,
}

/// What the training tenant's simulated phone does when the trainee presses a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneAction {
    Approve,
    Deny,
}

/// An account listed on the Welcome screen in training mode (passes included:
/// they are made-up practice values, shown on purpose).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingAccount {
    pub username: String,
    pub pass: String,
    pub note: String,
}

/// What this provider can do; the UI offers only these.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Kinds offered on the Add screen, in order.
    pub add_kinds: Vec<MethodKind>,
    pub can_delete: bool,
    pub can_set_default: bool,
    /// Training tenant: the phone is simulated by keys on the approval screen.
    pub simulated_phone: bool,
    /// Set in training mode: the banner lists these.
    pub training_accounts: Option<Vec<TrainingAccount>>,
}

/// Failures the UI can explain in plain words. Never carries a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderError {
    WrongPass {
        attempts_left: u32,
    },
    Locked,
    PassExpired,
    PassUsed,
    UnknownUser,
    NotAllowed(String),
    NotFound,
    /// The default method cannot go while other methods exist.
    DefaultMethod,
    Conflict(String),
    RateLimited {
        retry_after: Option<Duration>,
    },
    SessionExpired,
    Unreachable,
    Timeout,
    Protocol(String),
}

impl ProviderError {
    /// Worth another try: the next request may well get through.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::Unreachable | ProviderError::Timeout | ProviderError::RateLimited { .. }
        )
    }
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProviderError::WrongPass { attempts_left } => {
                write!(f, "wrong pass ({attempts_left} attempts left)")
            }
            ProviderError::Locked => f.write_str("account locked"),
            ProviderError::PassExpired => f.write_str("pass expired"),
            ProviderError::PassUsed => f.write_str("pass already used"),
            ProviderError::UnknownUser => f.write_str("unknown user"),
            ProviderError::NotAllowed(why) => write!(f, "not allowed: {why}"),
            ProviderError::NotFound => f.write_str("not found"),
            ProviderError::DefaultMethod => f.write_str("the default method cannot be deleted"),
            ProviderError::Conflict(why) => write!(f, "conflict: {why}"),
            ProviderError::RateLimited { .. } => f.write_str("rate limited"),
            ProviderError::SessionExpired => f.write_str("session expired"),
            ProviderError::Unreachable => f.write_str("provider unreachable"),
            ProviderError::Timeout => f.write_str("request timed out"),
            ProviderError::Protocol(what) => write!(f, "unexpected answer: {what}"),
        }
    }
}

impl std::error::Error for ProviderError {}

/// One identity provider. Every call may take time; none may panic.
pub trait Provider: Send + Sync + 'static {
    fn capabilities(&self) -> Capabilities;

    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session>;

    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>>;

    fn delete_method<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()>;

    fn set_default<'a>(&'a self, session: &'a Session, method_id: &'a str) -> Reply<'a, ()>;

    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment>;

    /// `Ok(false)`: the code is wrong, the person may try again.
    fn check_code<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
        code: &'a str,
    ) -> Reply<'a, bool>;

    /// Send (or send again) the test notification for a push enrollment.
    fn request_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()>;

    fn poll_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Approval>;

    /// Drop an enrollment the person walked away from.
    fn cancel_enrollment<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, ()>;

    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()>;

    /// Training only: the simulated phone answers a notification.
    fn simulate_phone(&self, _enrollment_id: &str, _action: PhoneAction) {}
}
