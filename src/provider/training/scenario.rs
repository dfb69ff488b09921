//! Over 400 lines because the scenario schema and the checks on each of its fields are one job.
//! Training scenarios: the TOML files that set up the built-in training
//! tenant (its name, timing, and the practice accounts with their passes and
//! methods).
//!
//! A scenario is parsed and checked here; [`super::TrainingTenant`]
//! turns it into a running tenant. Passes are made-up practice values, but
//! they are still kept in [`Secret`] so they never show up in `Debug` output.

use crate::provider::{MethodKind, UsedFor};
use crate::secret::Secret;
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::time::Duration;

/// The scenario built into the binary and used when none is chosen.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../assets/scenarios/default.toml");

/// Every scenario built into the binary, by name (the file name without
/// `.toml`). The first one is the default.
pub const BUILTIN_SCENARIOS: &[(&str, &str)] = &[
    ("default", DEFAULT_SCENARIO),
    (
        "push-never-arrives",
        include_str!("../../../assets/scenarios/push-never-arrives.toml"),
    ),
    (
        "slow-network",
        include_str!("../../../assets/scenarios/slow-network.toml"),
    ),
];

/// The text of a built-in scenario, if there is one by that name.
pub fn builtin(name: &str) -> Option<&'static str> {
    let name = name.trim();
    let name = name.strip_suffix(".toml").unwrap_or(name);
    BUILTIN_SCENARIOS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, text)| *text)
}

const MAX_SCENARIO_BYTES: usize = 1024 * 1024;
const MAX_ACCOUNTS: usize = 100;
const MAX_METHODS: usize = 50;
const MAX_TEXT: usize = 200;

/// Why a scenario could not be used. The message is meant for a person
/// editing the file: it names the line or the account and field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The file could not be read.
    Io(String),
    /// Not valid TOML, or a field has the wrong type or an unknown name.
    /// The text comes from the TOML parser and gives line and column.
    Syntax(String),
    /// Valid TOML, but a value does not make sense (empty pass, two default
    /// methods, …).
    Invalid(String),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The file's own text is quoted back (a username, a TOML snippet):
        // it goes to a terminal, so it goes through the sanitiser, line by line.
        let clean = |what: &str| {
            what.trim_end()
                .split('\n')
                .map(crate::provider::sanitize::text)
                .collect::<Vec<_>>()
                .join("\n")
        };
        match self {
            ScenarioError::Io(what) => write!(f, "could not read the scenario: {}", clean(what)),
            ScenarioError::Syntax(what) => {
                write!(f, "the scenario is not valid: {}", clean(what))
            }
            ScenarioError::Invalid(what) => {
                write!(f, "the scenario is not valid: {}", clean(what))
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

/// What the simulated phone does with test notifications.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushDelivery {
    /// Every notification reaches the phone.
    #[default]
    Arrives,
    /// No notification ever reaches the phone: approvals time out.
    NeverArrives,
    /// The first notification of each enrollment is lost; a resend arrives.
    ArrivesAfterResend,
}

/// The state of an account's practice pass when the scenario starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassState {
    /// Usable for `pass_valid_minutes` from the start of the scenario.
    #[default]
    Valid,
    /// Already expired.
    Expired,
    /// Already used once (passes are one-use).
    Used,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum UsedForTag {
    SignIn,
    PasswordReset,
}

/// A whole scenario, checked.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Tenant name; the issuer shown in the authenticator app and in the QR.
    #[serde(default = "default_issuer")]
    pub issuer: String,
    /// Appended to usernames without `@` for the full sign-in name (the
    /// account name in the QR). Empty: usernames stay as written.
    #[serde(default)]
    pub domain: String,
    /// How long every provider call takes, so the UI shows its waiting state.
    #[serde(default = "default_delay_ms")]
    pub delay_ms: u64,
    /// Wrong passes allowed before the account locks.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// How often the UI should poll a pending approval.
    #[serde(default = "default_poll_every_ms")]
    pub poll_every_ms: u64,
    /// How long a test notification waits for an answer (fractions allowed).
    #[serde(default = "default_approval_timeout_secs")]
    pub approval_timeout_secs: f64,
    #[serde(default)]
    pub push_delivery: PushDelivery,
    /// Every n-th provider call fails as "unreachable" (0: never).
    #[serde(default)]
    pub unreachable_every: u32,
    #[serde(default)]
    pub accounts: Vec<ScenarioAccount>,
}

/// One practice account.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioAccount {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    /// The practice pass (shown on the Welcome banner on purpose).
    #[serde(deserialize_with = "secret_from_string")]
    pub pass: Secret,
    #[serde(default)]
    pub pass_state: PassState,
    #[serde(default = "default_pass_valid_minutes")]
    pub pass_valid_minutes: u64,
    /// A few words for the banner: what this account practises.
    #[serde(default)]
    pub note: String,
    /// The note in English, Swedish and Finnish, where it differs from
    /// `note` (written in the kiosk's default language).
    #[serde(default)]
    pub note_en: Option<String>,
    #[serde(default)]
    pub note_sv: Option<String>,
    #[serde(default)]
    pub note_fi: Option<String>,
    #[serde(default)]
    pub methods: Vec<ScenarioMethod>,
}

impl ScenarioAccount {
    /// The translated notes, `(code, note)`.
    pub fn notes(&self) -> Vec<(String, String)> {
        [
            ("en", &self.note_en),
            ("sv", &self.note_sv),
            ("fi", &self.note_fi),
        ]
        .into_iter()
        .filter_map(|(code, note)| Some((code.to_string(), note.as_ref()?.trim().to_string())))
        .collect()
    }
}

/// A method the account already has when the scenario starts.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioMethod {
    pub kind: MethodKind,
    pub label: String,
    #[serde(default)]
    pub added: Option<String>,
    #[serde(default)]
    pub last_used: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default, rename = "used_for")]
    used_for_tags: Option<Vec<UsedForTag>>,
}

impl ScenarioMethod {
    /// What the method is used for; when the file does not say, sign-in
    /// factors are used for both, anything else for password reset only.
    pub fn used_for(&self) -> UsedFor {
        match &self.used_for_tags {
            Some(tags) => UsedFor {
                sign_in: tags.contains(&UsedForTag::SignIn),
                password_reset: tags.contains(&UsedForTag::PasswordReset),
            },
            None => UsedFor {
                sign_in: self.kind.is_sign_in_factor(),
                password_reset: true,
            },
        }
    }
}

fn secret_from_string<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    String::deserialize(d).map(Secret::new)
}

fn default_issuer() -> String {
    "MFA Training".to_string()
}
fn default_delay_ms() -> u64 {
    600
}
fn default_max_attempts() -> u32 {
    3
}
fn default_poll_every_ms() -> u64 {
    2000
}
fn default_approval_timeout_secs() -> f64 {
    60.0
}
fn default_pass_valid_minutes() -> u64 {
    480
}

impl Scenario {
    /// Parse and check a scenario. Never panics; every problem comes back as
    /// a [`ScenarioError`] a person can act on.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::Invalid(format!(
                "the file is {} bytes; a scenario may be at most {MAX_SCENARIO_BYTES}",
                text.len()
            )));
        }
        let scenario: Scenario =
            toml::from_str(text).map_err(|e| ScenarioError::Syntax(e.to_string()))?;
        scenario.check()?;
        Ok(scenario)
    }

    /// Time every call takes.
    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms)
    }

    pub fn poll_every(&self) -> Duration {
        Duration::from_millis(self.poll_every_ms)
    }

    pub fn approval_timeout(&self) -> Duration {
        Duration::try_from_secs_f64(self.approval_timeout_secs).unwrap_or(Duration::from_secs(60))
    }

    /// The full sign-in name of an account (`alex` + domain ->
    /// `alex@training.example`).
    pub fn full_username(&self, account: &ScenarioAccount) -> String {
        let user = account.username.trim();
        if self.domain.trim().is_empty() || user.contains('@') {
            user.to_string()
        } else {
            format!("{user}@{}", self.domain.trim())
        }
    }

    fn check(&self) -> Result<(), ScenarioError> {
        let bad = |what: String| Err(ScenarioError::Invalid(what));

        let issuer = self.issuer.trim();
        if issuer.is_empty() {
            return bad(
                "`issuer` is empty; give the tenant a short name such as \"MFA Training\"".into(),
            );
        }
        if issuer.chars().count() > 40 {
            return bad(
                "`issuer` is longer than 40 characters; keep it short, it goes into the QR code"
                    .into(),
            );
        }
        if issuer.contains(':') || issuer.chars().any(char::is_control) {
            return bad("`issuer` may not contain `:` or control characters".into());
        }
        let domain = self.domain.trim();
        if domain.len() > MAX_TEXT
            || domain
                .chars()
                .any(|c| c == ':' || c == '@' || c.is_whitespace() || c.is_control())
        {
            return bad("`domain` must be a plain domain name such as \"training.example\"".into());
        }
        if self.delay_ms > 60_000 {
            return bad(format!(
                "`delay_ms` is {}; at most 60000 (one minute) is allowed",
                self.delay_ms
            ));
        }
        if !(1..=100).contains(&self.max_attempts) {
            return bad(format!(
                "`max_attempts` is {}; it must be between 1 and 100",
                self.max_attempts
            ));
        }
        if !(10..=600_000).contains(&self.poll_every_ms) {
            return bad(format!(
                "`poll_every_ms` is {}; it must be between 10 and 600000",
                self.poll_every_ms
            ));
        }
        let t = self.approval_timeout_secs;
        if !t.is_finite() || t <= 0.0 || t > 86_400.0 {
            return bad(
                "`approval_timeout_secs` must be a number of seconds above 0 and at most 86400"
                    .into(),
            );
        }
        if self.unreachable_every == 1 {
            return bad(
                "`unreachable_every = 1` would fail every call; use 0 (never) or 2 and up".into(),
            );
        }
        if self.accounts.is_empty() {
            return bad("there are no accounts; add at least one [[accounts]] table".into());
        }
        if self.accounts.len() > MAX_ACCOUNTS {
            return bad(format!("more than {MAX_ACCOUNTS} accounts"));
        }

        let mut seen: Vec<String> = Vec::new();
        for (i, account) in self.accounts.iter().enumerate() {
            let n = i + 1;
            let user = account.username.trim();
            if user.is_empty() {
                return bad(format!("account {n}: `username` is empty"));
            }
            let who = format!("account {n} ({user})");
            if user.chars().count() > MAX_TEXT
                || user
                    .chars()
                    .any(|c| c == ':' || c.is_whitespace() || c.is_control())
            {
                return bad(format!(
                    "{who}: `username` may not contain spaces, `:` or control characters"
                ));
            }
            let full = self.full_username(account).to_lowercase();
            if seen.contains(&full) {
                return bad(format!("{who}: the username appears twice"));
            }
            seen.push(full);
            if account.display_name.chars().count() > MAX_TEXT
                || account.note.chars().count() > MAX_TEXT
            {
                return bad(format!(
                    "{who}: `display_name` and `note` may be at most {MAX_TEXT} characters"
                ));
            }
            for (key, note) in [
                ("note_en", &account.note_en),
                ("note_sv", &account.note_sv),
                ("note_fi", &account.note_fi),
            ] {
                let Some(note) = note else { continue };
                if note.trim().is_empty() {
                    return bad(format!(
                        "{who}: `{key}` is empty; leave it out to show `note`"
                    ));
                }
                if note.chars().count() > MAX_TEXT || note.contains(|c: char| c.is_control()) {
                    return bad(format!(
                        "{who}: `{key}` must be one line of at most {MAX_TEXT} characters"
                    ));
                }
            }
            let pass = account.pass.expose();
            if pass.is_empty() {
                return bad(format!("{who}: `pass` is empty"));
            }
            if pass.chars().count() > MAX_TEXT
                || pass.trim() != pass
                || pass.chars().any(char::is_control)
            {
                return bad(format!(
                    "{who}: `pass` may not start or end with spaces or hold control characters"
                ));
            }
            if account.pass_state == PassState::Valid
                && !(1..=525_600).contains(&account.pass_valid_minutes)
            {
                return bad(format!(
                    "{who}: `pass_valid_minutes` must be between 1 and 525600 (a year); \
                     for a pass that has run out write pass_state = \"expired\""
                ));
            }
            if account.methods.len() > MAX_METHODS {
                return bad(format!("{who}: more than {MAX_METHODS} methods"));
            }
            let defaults = account.methods.iter().filter(|m| m.is_default).count();
            if defaults > 1 {
                return bad(format!(
                    "{who}: {defaults} methods have `is_default = true`; at most one may"
                ));
            }
            for (j, method) in account.methods.iter().enumerate() {
                let m = j + 1;
                let label = method.label.trim();
                if label.is_empty() || label.chars().count() > MAX_TEXT {
                    return bad(format!(
                        "{who}, method {m}: `label` must be 1 to {MAX_TEXT} characters"
                    ));
                }
                if method.is_default && !method.kind.is_sign_in_factor() {
                    return bad(format!(
                        "{who}, method {m} ({label}): only a sign-in factor can be the default"
                    ));
                }
                for (field, value) in [("added", &method.added), ("last_used", &method.last_used)] {
                    if let Some(date) = value
                        && !is_iso_date(date)
                    {
                        return bad(format!(
                            "{who}, method {m} ({label}): `{field}` is \"{date}\"; \
                             write the date as YYYY-MM-DD"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    matches!(
        (digits(0..4), digits(5..7), digits(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2024-13-01"));
        assert!(!is_iso_date("2024-1-01x"));
        assert!(!is_iso_date("2024-01-0é"));
        assert!(!is_iso_date("yesterday"));
    }

    #[test]
    fn builtins_parse() {
        for (name, text) in BUILTIN_SCENARIOS {
            assert!(Scenario::parse(text).is_ok(), "{name}");
        }
        assert!(builtin("Slow-Network.toml").is_some());
        assert!(builtin("nope").is_none());
    }
}
