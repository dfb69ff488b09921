//! The helpdesk contract: what the agent's side needs from a provider. The
//! agent acts *for* a caller (admin rights, app-only access), never as them,
//! so every call names the caller it is about.
//!
//! `helpdesk` (the agent's state machine) sees only these plain types; the
//! helpdesk driver calls the trait.

use super::phone::{PhoneNumber, PhoneType};
use super::{LastUsed, Method, ProviderError, PushApp, Reply};
use crate::secret::Secret;

/// The caller as the directory knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The provider's own key (Graph's object id, privacyIDEA's username).
    pub id: String,
    /// What the agent typed, as the provider spells it (UPN, username).
    pub username: String,
    pub display_name: String,
    /// `Some(false)`: the account is disabled; nothing here will help.
    pub enabled: Option<bool>,
}

/// A pass (Temporary Access Pass / registration code) the caller already has.
/// Its value is never readable after it was issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassInfo {
    pub id: String,
    /// ISO text as the provider gives it; views show it as it is.
    pub created: Option<String>,
    pub expires: Option<String>,
    pub one_time: Option<bool>,
    /// `Some(false)`: expired, used up or not yet valid.
    pub usable: Option<bool>,
}

/// Everything the agent sees about the caller's sign-in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallerState {
    /// Registered methods, passes left out (they are in `passes`). Each
    /// one is on the account for good; whether it works today is in
    /// `used_for`.
    pub methods: Vec<Method>,
    pub passes: Vec<PassInfo>,
    /// Methods being added and not usable for sign-in yet: a privacyIDEA
    /// token in `clientwait` (the phone never answered) or `verify` (no
    /// first code yet). They are not registered, and may vanish any moment.
    pub adding: Vec<Method>,
    /// Whether the caller holds administrative rights; changes are refused
    /// for privileged callers (see `Privilege::allows_changes`).
    pub privilege: Privilege,
}

/// What the directory says about the caller's administrative rights.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Privilege {
    /// The provider did not say. Treated as privileged: a desk must never
    /// assume an account is ordinary because nobody looked.
    #[default]
    Unchecked,
    /// Looked, and the caller holds no administrative role.
    Ordinary,
    /// What makes the caller privileged, in the directory's words (role
    /// names, "admin realm …").
    Privileged(Vec<String>),
    /// Looking failed (e.g. the permission to read roles is missing): why.
    /// Treated as privileged.
    CheckFailed(String),
}

impl Privilege {
    /// Only a caller known to be ordinary may have methods deleted or a
    /// pass issued over the phone.
    pub fn allows_changes(&self) -> bool {
        matches!(self, Privilege::Ordinary)
    }
}

/// What the agent asked for when issuing a pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassRequest {
    pub lifetime_minutes: u32,
    pub one_time: bool,
}

/// A pass just issued. The value is shown once and then dropped; `Debug`
/// prints it redacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPass {
    pub pass: Secret,
    pub id: String,
    pub expires: Option<String>,
    pub one_time: bool,
}

/// How the provider names a pass; views pick their words by it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PassName {
    /// Entra ID and the training tenant.
    #[default]
    TemporaryAccessPass,
    /// privacyIDEA's `registration` token.
    RegistrationCode,
}

/// What the agent's side of this provider can do; the screens offer only these.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminCapabilities {
    pub pass_name: PassName,
    /// Lifetimes the agent can choose from, in minutes; the first is the
    /// default. Empty: the provider decides.
    pub pass_lifetimes: Vec<u32>,
    /// `false`: every pass works once (privacyIDEA deletes a registration
    /// token after its first use), so the agent is not asked.
    pub one_time_choice: bool,
    /// Whether the pass screen starts on "works once". Entra's kiosk flow
    /// signs in twice with the pass (the device-code page, then inside
    /// Authenticator), so a one-time pass would strand the caller there.
    pub one_time_default: bool,
    pub can_revoke_sessions: bool,
    /// The app the caller installs; the script names it and its menus.
    pub push_app: PushApp,
    /// Where the caller registers their new method themselves (shown and
    /// read out), e.g. My Security Info.
    pub self_service_url: Option<String>,
    /// Training: callers to practise with, and a key that plays the caller
    /// registering a new Authenticator while the agent watches.
    pub training_callers: Option<Vec<String>>,
    /// Whether the agent can register a phone number the caller reads out
    /// (`Admin::add_phone`). Entra and the training tenant can;
    /// privacyIDEA's SMS tokens are a different thing and are not offered.
    pub can_add_phone: bool,
    /// Whether the methods' "last used" dates mean anything.
    pub last_used: LastUsed,
}

/// The agent's access to one identity provider. Every call may take time;
/// none may panic.
pub trait Admin: Send + Sync + 'static {
    fn capabilities(&self) -> AdminCapabilities;

    /// Find the caller by username (UPN, login name). `UnknownUser` when
    /// there is no such account.
    fn lookup<'a>(&'a self, username: &'a str) -> Reply<'a, Caller>;

    fn caller_state<'a>(&'a self, caller: &'a Caller) -> Reply<'a, CallerState>;

    /// Delete one method or pass by its id. `NotFound` when it is already
    /// gone; `DefaultMethod` when the provider wants the default deleted last.
    fn delete_method<'a>(&'a self, caller: &'a Caller, method_id: &'a str) -> Reply<'a, ()>;

    fn issue_pass<'a>(&'a self, caller: &'a Caller, request: PassRequest) -> Reply<'a, NewPass>;

    /// Sign the caller out everywhere. Only called when
    /// `capabilities().can_revoke_sessions`.
    fn revoke_sessions<'a>(&'a self, _caller: &'a Caller) -> Reply<'a, ()> {
        Box::pin(async { Err(ProviderError::NotAllowed("revoking sessions".into())) })
    }

    /// Register `number` as the caller's phone of `phone_type`, for text or
    /// voice codes. Only called when `capabilities().can_add_phone`.
    /// `Conflict` with the provider's reason when the number or the type
    /// is refused (one number per type; a mobile before an alternate).
    fn add_phone<'a>(
        &'a self,
        _caller: &'a Caller,
        _number: &'a PhoneNumber,
        _phone_type: PhoneType,
    ) -> Reply<'a, Method> {
        Box::pin(async { Err(ProviderError::NotAllowed("adding a phone number".into())) })
    }

    /// Training only: play the caller adding a new Authenticator on their phone.
    fn simulate_caller_registers(&self, _caller: &Caller) {}
}
