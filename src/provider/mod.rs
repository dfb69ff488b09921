//! Over 400 lines because it is the whole provider contract: shared types and the one trait.
//!
//! The provider contract: everything the rest of the app knows about an
//! identity provider. `flow` sees only these plain types; the driver (`app`)
//! calls the trait.

pub mod admin;
pub mod attempts;
pub(crate) mod calendar;
pub mod graph;
pub mod http;
pub mod phone;
pub mod privacyidea;
pub mod sanitize;
pub mod sanitize_admin;
pub use training::scenario;
pub mod secret_source;
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
    /// The server lets this person delete their own methods (privacyIDEA:
    /// `delete` in the user policies' rights). Without it the kiosk neither
    /// deletes nor adds: it would show a QR whose token it could not take
    /// back if the person left it unfinished.
    pub can_delete: bool,
    /// Kinds the server will not let this person add (privacyIDEA: no
    /// `enrollPUSH` / `enrollTOTP` in the rights), so the kiosk does not
    /// offer them. Empty where the provider says nothing.
    pub cannot_add: Vec<MethodKind>,
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

/// How often to ask, and for how long, while something happens on the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    pub poll_every: Duration,
    pub timeout: Duration,
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
    /// Nothing more to test: the method showing up on the account (see
    /// `Enrollment::registration`) is the proof. Entra's Authenticator,
    /// which Graph can neither create nor send a test to.
    Appears,
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
    /// Set when the phone registers itself with the provider after the scan
    /// (privacyIDEA push: `clientwait` → `enrolled`; Entra: a new
    /// Authenticator appears): the driver polls `poll_registration` with
    /// this cadence before the method can be proven.
    pub registration: Option<Wait>,
}

/// How the person proves who they are at the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignInKind {
    /// Username and a Temporary Access Pass / registration code typed here.
    #[default]
    Pass,
    /// OAuth 2.0 device authorization grant: they sign in on their phone.
    DeviceCode,
}

/// A device-code sign-in in progress (RFC 8628). The device code is the
/// secret half; the user code is meant to be read and typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    /// When the codes stop working, counted from when they were issued.
    pub expires_in: Duration,
    /// How long to wait between token polls (the server may raise it).
    pub interval: Duration,
    pub device_code: Secret,
}

/// One poll of the token endpoint during a device-code sign-in.
#[derive(Debug)]
pub enum DevicePoll {
    /// `authorization_pending`: the person has not finished yet.
    Pending,
    /// `slow_down`: wait this much longer between polls from now on.
    SlowDown(Duration),
    Done(Session),
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
    /// Approves as if the number shown had been typed (scripted tests).
    Approve,
    /// Approves with the number the trainee typed into the phone: the
    /// wrong number fails the sign-in, as in Microsoft Authenticator.
    ApproveWith(u8),
    Deny,
}

/// An account listed on the Welcome screen in training mode (passes included:
/// they are made-up practice values, shown on purpose).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingAccount {
    pub username: String,
    pub pass: String,
    /// In the scenario's default language.
    pub note: String,
    /// The note in other languages, `(code, note)`, where the scenario gives it.
    pub notes: Vec<(String, String)>,
}

impl TrainingAccount {
    /// The note in `lang`, else the default one.
    pub fn note_in(&self, lang: &str) -> &str {
        self.notes
            .iter()
            .find(|(code, _)| code == lang)
            .map_or(self.note.as_str(), |(_, note)| note.as_str())
    }
}

/// The phone app that receives this provider's notifications; the steps
/// on screen name it and follow its menus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PushApp {
    #[default]
    MicrosoftAuthenticator,
    PrivacyIdeaAuthenticator,
}

impl PushApp {
    /// The name as the app stores show it.
    pub fn name(self) -> &'static str {
        match self {
            PushApp::MicrosoftAuthenticator => "Microsoft Authenticator",
            PushApp::PrivacyIdeaAuthenticator => "privacyIDEA Authenticator",
        }
    }
}

/// Whether a provider fills [`Method::last_used`]. A column it never
/// fills would read "never" for every method, which is not true.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LastUsed {
    #[default]
    Reported,
    /// Microsoft Graph v1.0: `lastUsedDateTime` is a beta property.
    NeverReported,
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
    pub sign_in: SignInKind,
    /// Set in training mode: the banner lists these.
    pub training_accounts: Option<Vec<TrainingAccount>>,
    pub push_app: PushApp,
    /// Whether the methods' "last used" dates mean anything.
    pub last_used: LastUsed,
}

impl Capabilities {
    /// The provider is privacyIDEA: its notifications go to its own app,
    /// and the kiosk speaks its words (see `View::t`).
    pub fn is_privacyidea(&self) -> bool {
        self.push_app == PushApp::PrivacyIdeaAuthenticator
    }
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
    /// The pass did not work, and the provider cannot say whether it was
    /// mistyped or already used (privacyIDEA with other tokens present).
    PassRejected,
    UnknownUser,
    /// This kiosk has stopped sending passes for this username for a while
    /// (see `attempts`): the server was not asked.
    TooManyTries,
    NotAllowed(String),
    NotFound,
    /// The default method cannot go while other methods exist.
    DefaultMethod,
    Conflict(String),
    RateLimited {
        retry_after: Option<Duration>,
    },
    SessionExpired,
    /// The provider wants a fresh sign-in before this change (Entra: a
    /// person changing their own methods must have signed in within the
    /// last 10 minutes). Signing in again, with the same pass while it
    /// lasts, is the way on.
    ReauthRequired,
    /// A device-code sign-in ran out of time (`expired_token`).
    SignInExpired,
    /// The person refused the sign-in on their phone (`authorization_declined`).
    SignInDeclined,
    /// The server failed or refused in a way the person cannot fix; the
    /// reference (Graph's request id) is for the administrator.
    Server {
        status: u16,
        code: String,
        reference: Option<String>,
    },
    /// The network did not carry the request: no route, no name, no link.
    Unreachable,
    /// The network works but the server does not: nothing listens at its
    /// address, or it dropped the connection without an answer. Not
    /// something a cable or Wi-Fi can fix.
    ServerDown,
    Timeout,
    Protocol(String),
}

impl ProviderError {
    /// Worth another try: the next request may well get through.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::Unreachable
                | ProviderError::ServerDown
                | ProviderError::Timeout
                | ProviderError::RateLimited { .. }
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
            ProviderError::PassRejected => f.write_str("pass not accepted"),
            ProviderError::UnknownUser => f.write_str("unknown user"),
            ProviderError::TooManyTries => f.write_str("too many wrong passes on this kiosk"),
            ProviderError::NotAllowed(why) => write!(f, "not allowed: {why}"),
            ProviderError::NotFound => f.write_str("not found"),
            ProviderError::DefaultMethod => f.write_str("the default method cannot be deleted"),
            ProviderError::Conflict(why) => write!(f, "conflict: {why}"),
            ProviderError::RateLimited { .. } => f.write_str("rate limited"),
            ProviderError::SessionExpired => f.write_str("session expired"),
            ProviderError::ReauthRequired => f.write_str("a fresh sign-in is needed"),
            ProviderError::SignInExpired => f.write_str("sign-in code expired"),
            ProviderError::SignInDeclined => f.write_str("sign-in declined"),
            ProviderError::Server {
                status,
                code,
                reference,
            } => {
                write!(f, "server error {status} {code}")?;
                match reference {
                    Some(r) => write!(f, " (reference {r})"),
                    None => Ok(()),
                }
            }
            ProviderError::Unreachable => f.write_str("provider unreachable"),
            ProviderError::ServerDown => f.write_str("provider not answering"),
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

    /// Device-code sign-in, step 1: get the codes to show.
    fn begin_device_sign_in(&self) -> Reply<'_, DeviceCode> {
        Box::pin(async { Err(ProviderError::NotAllowed("device-code sign-in".into())) })
    }

    /// Device-code sign-in, step 2: one poll of the token endpoint.
    fn poll_device_sign_in<'a>(&'a self, _code: &'a DeviceCode) -> Reply<'a, DevicePoll> {
        Box::pin(async { Err(ProviderError::NotAllowed("device-code sign-in".into())) })
    }

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

    /// After a wrong code: how many seconds the phone's clock is ahead
    /// (negative: behind), when the code belongs to a nearby time step of
    /// the new method's key. Only for providers that hold the key; it never
    /// makes a code valid. See `clock_drift`.
    fn clock_drift(&self, _session: &Session, _enrollment_id: &str, _code: &str) -> Option<i64> {
        None
    }

    /// For enrollments with `registration` set: `Ok(true)` once the phone
    /// has registered itself with the provider.
    fn poll_registration<'a>(
        &'a self,
        _session: &'a Session,
        _enrollment_id: &'a str,
    ) -> Reply<'a, bool> {
        Box::pin(async { Ok(true) })
    }

    /// Send (or send again) the test notification for a push enrollment.
    /// `Some` is what the sign-in screen must show for the person to match
    /// in the app: Microsoft's number to type, privacyIDEA's character to
    /// pick ("require presence"); `None` where the app asks for no match.
    fn request_approval<'a>(
        &'a self,
        session: &'a Session,
        enrollment_id: &'a str,
    ) -> Reply<'a, Option<String>>;

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
