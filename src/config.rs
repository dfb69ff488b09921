//! Typed configuration: what an IT admin sets in `config.toml`.
//!
//! Where the file comes from, first match wins:
//! 1. the `--config <path>` flag,
//! 2. the `MFA_ASSIST_CONFIG` environment variable,
//! 3. `config.toml` in the OS config directory (for example
//!    `~/.config/mfa-assist/config.toml` on Linux), only if it exists,
//! 4. `/etc/mfa-assist/config.toml`, the system-wide file an IT department
//!    installs on every kiosk and desk, only if it exists,
//! 5. the built-in defaults (the training tenant).
//!
//! A path named by the flag or the variable must exist: the person asked
//! for it, so silently running on defaults would hide their mistake. The
//! first file found wins whole: files are never merged, so what runs is
//! exactly what one file says.
//!
//! Nothing here panics. Every problem becomes a [`ConfigError`] whose
//! message names the file, the key and the line, and says what is wrong.

use std::ffi::OsStr;
use std::fmt;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

mod ops;
pub use ops::{AuditConfig, AuditSink, LogConfig, LogLevel, LogTarget};

/// Environment variable naming a config file.
pub const ENV_VAR: &str = "MFA_ASSIST_CONFIG";
/// File name looked for in the OS config directory.
pub const FILE_NAME: &str = "config.toml";
/// System-wide config directory, read when the user has no config file.
pub const SYSTEM_DIR: &str = "/etc/mfa-assist";
/// Languages the guide texts exist in.
pub const SUPPORTED_LANGUAGES: &[&str] = &["en", "sv", "fi"];
/// Largest config file we read; real ones are a few kilobytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Longest organisation text (name, help text, helpdesk line), in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Shortest idle timeout that is not "never", in seconds.
pub const MIN_IDLE_TIMEOUT_SECS: u64 = 15;
/// Longest idle timeout, in seconds (one day).
pub const MAX_IDLE_TIMEOUT_SECS: u64 = 86_400;
/// Allowed range of the Done screen countdown, in seconds.
pub const DONE_COUNTDOWN_SECS: std::ops::RangeInclusive<u64> = 3..=600;
/// Most identity checks a helpdesk checklist may hold.
pub const MAX_CHECKS: usize = 12;
/// Longest identity check text, in characters.
pub const MAX_CHECK_CHARS: usize = 200;
/// Longest training delay, in milliseconds.
pub const MAX_TRAINING_DELAY_MS: u64 = 60_000;

/// The whole configuration. Every section and key is optional; what is
/// left out takes its default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub organisation: Organisation,
    pub provider: ProviderConfig,
    pub training: TrainingConfig,
    pub privacyidea: PrivacyIdeaConfig,
    pub entra: EntraConfig,
    pub ui: UiConfig,
    pub kiosk: KioskConfig,
    pub helpdesk: HelpdeskConfig,
    pub log: LogConfig,
    pub audit: AuditConfig,
}

/// The organisation's own words, shown to the person.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Organisation {
    /// Shown in the title bar.
    pub name: String,
    /// Multi-line text on Welcome: how to get a Temporary Access Pass
    /// without one.
    pub no_pass_help: String,
    /// One line on every screen: how to reach the helpdesk.
    pub helpdesk: String,
    /// The organisation's name for privacyIDEA's registration code, as the
    /// kiosk and the helpdesk say it; empty: the guide's own word.
    pub pass_name: String,
    /// The texts above in other languages, each falling back to the text
    /// above (written in the default language) when left out.
    pub en: Option<OrgTexts>,
    pub sv: Option<OrgTexts>,
    pub fi: Option<OrgTexts>,
}

/// One language's organisation texts (`[organisation.sv]`): any left out
/// come from `[organisation]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrgTexts {
    pub name: Option<String>,
    pub no_pass_help: Option<String>,
    pub helpdesk: Option<String>,
    pub pass_name: Option<String>,
}

/// Longest name for the pass, in characters: it is a field label.
pub const MAX_PASS_NAME_CHARS: usize = 40;

impl Organisation {
    /// The texts for `lang`: its own where given, else the default ones.
    pub fn for_language(&self, lang: &str) -> OrgTexts {
        let own = self.translation(lang).cloned().unwrap_or_default();
        OrgTexts {
            name: own.name.or_else(|| Some(self.name.clone())),
            no_pass_help: own.no_pass_help.or_else(|| Some(self.no_pass_help.clone())),
            helpdesk: own.helpdesk.or_else(|| Some(self.helpdesk.clone())),
            pass_name: own
                .pass_name
                .or_else(|| Some(self.pass_name.clone()))
                .filter(|n| !n.trim().is_empty()),
        }
    }

    fn translation(&self, lang: &str) -> Option<&OrgTexts> {
        match lang {
            "en" => self.en.as_ref(),
            "sv" => self.sv.as_ref(),
            "fi" => self.fi.as_ref(),
            _ => None,
        }
    }

    fn translations_mut(&mut self) -> impl Iterator<Item = &mut OrgTexts> {
        [&mut self.en, &mut self.sv, &mut self.fi]
            .into_iter()
            .flatten()
    }
}

impl Default for Organisation {
    fn default() -> Self {
        Organisation {
            name: "Example University".into(),
            no_pass_help: "  • order one at the ID portal, id.example.edu (sign in with your eID), or\n\
                           \x20 • ask the service desk: call +46 8 123 45 67 or visit the desk in the\n\
                           \x20   library with photo ID."
                .into(),
            helpdesk: "Service desk: +46 8 123 45 67, desk in the library".into(),
            pass_name: String::new(),
            en: None,
            sv: None,
            fi: None,
        }
    }
}

/// Which identity provider to talk to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    /// A training scenario file. After loading, a relative path has been
    /// resolved against the config file's directory.
    pub scenario: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// The built-in training tenant: no identity provider needed.
    #[default]
    Training,
    /// A privacyIDEA server (see `[privacyidea]`).
    Privacyidea,
    /// Microsoft Entra ID through Microsoft Graph (see `[entra]`).
    Entra,
}

/// Microsoft Entra ID: the kiosk signs people in by device code.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntraConfig {
    /// Directory (tenant) id or a verified domain.
    pub tenant: String,
    /// Application (client) id of the app registration (a public client).
    pub client_id: String,
    pub request_timeout_secs: u64,
    /// How long the person may take to add the Authenticator.
    pub registration_timeout_secs: u64,
    /// Overrides for national clouds, or a local test server.
    pub authority_base: String,
    pub graph_base: String,
    /// Helpdesk mode: the environment variable holding the app's client
    /// secret (never the command line: other users can read a process's
    /// arguments).
    pub client_secret_env: String,
    /// Helpdesk mode: a file holding the client secret instead; when set,
    /// it is used and the variable is not read. A relative path has been
    /// resolved against the config file's directory.
    pub client_secret_file: Option<PathBuf>,
    /// Never set: present only to refuse a secret written into the file
    /// with words that say where it belongs. Holds nothing of the value.
    #[serde(default)]
    pub client_secret: Option<Refused>,
}

/// A key whose value must not be in the config file. Reading it keeps
/// nothing of the value, so no copy of a secret outlives parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refused;

impl<'de> Deserialize<'de> for Refused {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Refused)
    }
}

/// The variable helpdesk mode reads the Entra app's client secret from,
/// unless `entra.client_secret_env` names another.
pub const DEFAULT_CLIENT_SECRET_ENV: &str = "MFA_ASSIST_ENTRA_CLIENT_SECRET";

impl Default for EntraConfig {
    fn default() -> Self {
        EntraConfig {
            tenant: String::new(),
            client_id: String::new(),
            request_timeout_secs: 20,
            registration_timeout_secs: 900,
            authority_base: "https://login.microsoftonline.com".into(),
            graph_base: "https://graph.microsoft.com/v1.0".into(),
            client_secret_env: DEFAULT_CLIENT_SECRET_ENV.into(),
            client_secret_file: None,
            client_secret: None,
        }
    }
}

impl EntraConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        for (key, value, example) in [
            (
                "entra.tenant",
                &self.tenant,
                "contoso.onmicrosoft.com or the directory id",
            ),
            (
                "entra.client_id",
                &self.client_id,
                "the app registration's Application (client) ID",
            ),
        ] {
            if value.trim().is_empty() {
                return Err(ConfigError::invalid(
                    key,
                    format!("`{key}` is not set, but `provider.kind` is \"entra\""),
                )
                .with_hint(example));
            }
        }
        for (key, url) in [
            ("entra.authority_base", &self.authority_base),
            ("entra.graph_base", &self.graph_base),
        ] {
            crate::provider::http::check_base_url(url)
                .map_err(|why| ConfigError::invalid(key, why))?;
        }
        check_secs(
            "entra.request_timeout_secs",
            self.request_timeout_secs,
            REQUEST_TIMEOUT_SECS,
        )?;
        check_secs(
            "entra.registration_timeout_secs",
            self.registration_timeout_secs,
            PHONE_WAIT_SECS,
        )?;
        self.validate_client_secret()
    }

    /// Where helpdesk mode finds the client secret. Checked here for its
    /// form only: whether the variable is set or the file readable matters
    /// only when helpdesk mode starts, and is reported then.
    fn validate_client_secret(&self) -> Result<(), ConfigError> {
        self.refuse_written_secret()?;
        let name = &self.client_secret_env;
        if !is_env_var_name(name) {
            return Err(ConfigError::invalid(
                "entra.client_secret_env",
                format!(
                    "`entra.client_secret_env` is {}, which is not the name of an environment \
                     variable",
                    quoted_redacted(name)
                ),
            )
            .with_hint(format!(
                "give the variable's name (letters, digits and _), not the secret itself; \
                 e.g. {DEFAULT_CLIENT_SECRET_ENV}"
            )));
        }
        if let Some(file) = &self.client_secret_file
            && file.as_os_str().is_empty()
        {
            return Err(ConfigError::invalid(
                "entra.client_secret_file",
                "`entra.client_secret_file` is an empty path",
            )
            .with_hint("leave the key out to read the secret from the environment variable"));
        }
        Ok(())
    }

    /// A secret in the config file is refused whichever provider is chosen:
    /// config files get copied, backed up and shared.
    fn refuse_written_secret(&self) -> Result<(), ConfigError> {
        if self.client_secret.is_some() {
            return Err(ConfigError::invalid(
                "entra.client_secret",
                "the client secret must not be written in the config file",
            )
            .with_hint(format!(
                "delete this line; put the secret in the environment variable named by \
                 `entra.client_secret_env` (default {DEFAULT_CLIENT_SECRET_ENV}) or in a file \
                 only this account can read, named by `entra.client_secret_file`"
            )));
        }
        Ok(())
    }
}

/// A portable environment variable name: a letter or `_`, then letters,
/// digits and `_`; at most 128 characters.
fn is_env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 128
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A value that may be a secret pasted into the wrong key: quoted only when
/// it is short and looks like a name, otherwise described, never echoed.
fn quoted_redacted(value: &str) -> String {
    let name_like = value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ');
    if name_like && !value.trim().is_empty() {
        quoted(value)
    } else if value.trim().is_empty() {
        "empty".to_string()
    } else {
        format!(
            "a value of {} characters (not shown)",
            value.chars().count()
        )
    }
}

/// Shortest and longest request timeout, in seconds.
pub const REQUEST_TIMEOUT_SECS: std::ops::RangeInclusive<u64> = 1..=120;
/// How long the phone may take to register or approve, in seconds.
pub const PHONE_WAIT_SECS: std::ops::RangeInclusive<u64> = 10..=1800;

/// Method kinds an admin can offer on the Add screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddKindConfig {
    /// Notification app (privacyIDEA Authenticator, Microsoft Authenticator).
    Push,
    /// Any authenticator app showing 6-digit codes (TOTP).
    Code,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyIdeaConfig {
    /// `https://mfa.example.edu`; plain http only to this machine.
    pub base_url: String,
    /// The realm people sign in to; empty = the server's default realm.
    pub realm: String,
    pub request_timeout_secs: u64,
    /// Extra CA certificates (PEM) for an on-premises server. A relative
    /// path has been resolved against the config file's directory.
    pub ca_bundle: Option<PathBuf>,
    /// What the Add screen offers, in this order.
    pub methods: Vec<AddKindConfig>,
    /// How long the phone may take to register a push token after the scan.
    pub registration_timeout_secs: u64,
    /// How long the test notification waits for an answer.
    pub approval_timeout_secs: u64,
    /// Helpdesk mode: the privacyIDEA administrator the agent acts as.
    /// Empty (the default): no helpdesk mode.
    pub admin_user: String,
    /// The environment variable holding that administrator's password.
    pub admin_password_env: String,
    /// A file holding the password instead (not readable by other users).
    /// A relative path has been resolved against the config file's
    /// directory. The password is never taken from the command line.
    pub admin_password_file: Option<PathBuf>,
    /// Helpdesk mode: realms whose users are administrators (of privacyIDEA
    /// or of other systems). The desk refuses deletes and passes for them
    /// unless `helpdesk.allow_privileged` is set.
    pub admin_realms: Vec<String>,
}

/// Where the privacyIDEA admin password is looked for by default.
pub const DEFAULT_PI_ADMIN_PASSWORD_ENV: &str = "MFA_ASSIST_PI_ADMIN_PASSWORD";

impl Default for PrivacyIdeaConfig {
    fn default() -> Self {
        PrivacyIdeaConfig {
            base_url: String::new(),
            realm: String::new(),
            request_timeout_secs: 20,
            ca_bundle: None,
            methods: vec![AddKindConfig::Push, AddKindConfig::Code],
            registration_timeout_secs: 300,
            approval_timeout_secs: 120,
            admin_user: String::new(),
            admin_password_env: DEFAULT_PI_ADMIN_PASSWORD_ENV.into(),
            admin_password_file: None,
            admin_realms: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingConfig {
    /// Overrides the scenario's delay per call; 0 answers at once.
    pub delay_ms: Option<u64>,
}

impl TrainingConfig {
    /// The override delay, if one is set.
    pub fn delay(&self) -> Option<Duration> {
        self.delay_ms.map(Duration::from_millis)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// Language at start; one of `languages`.
    pub language: String,
    /// Languages the person can switch between, in this order.
    pub languages: Vec<String>,
    /// Swap the QR colours, for monochrome terminals.
    pub qr_invert: bool,
    pub qr_style: QrStyleConfig,
    /// Colours of everything but the QR code (which is always dark on light).
    pub theme: ThemeConfig,
    /// Full screen, or plain lines for screen readers.
    pub mode: UiMode,
}

/// How the screens are shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UiMode {
    /// Drawn on the whole terminal: boxes, colours, the QR code.
    #[default]
    Full,
    /// For screen readers (speakup, Orca): each screen written once as
    /// plain lines, then only what changed; no drawing, no colours.
    Plain,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            language: "en".into(),
            languages: SUPPORTED_LANGUAGES
                .iter()
                .map(|l| (*l).to_string())
                .collect(),
            qr_invert: false,
            qr_style: QrStyleConfig::default(),
            theme: ThemeConfig::default(),
            mode: UiMode::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeConfig {
    #[default]
    Default,
    /// The terminal's own foreground and background with bold, underline
    /// and reverse video only: readable on light and dark backgrounds, on
    /// the Linux console and with NO_COLOR.
    HighContrast,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QrStyleConfig {
    /// Two modules per cell with half blocks.
    #[default]
    HalfBlock,
    /// Each module as two coloured spaces, for terminals that draw half
    /// blocks double-width.
    WideSpaces,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KioskConfig {
    /// Kiosk mode: Ctrl-C does not quit; exit by SIGTERM/SIGHUP.
    pub enabled: bool,
    /// Return to Welcome after this long without a key; 0 = never.
    pub idle_timeout_secs: u64,
    /// How long the Done screen counts down before returning to Welcome.
    pub done_countdown_secs: u64,
}

/// Helpdesk mode: the agent's side of the call.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HelpdeskConfig {
    /// Start in helpdesk mode without `--helpdesk`.
    pub enabled: bool,
    /// The agent's name for case notes and the audit log; empty: the login name.
    pub agent: String,
    /// How many of `checks` must pass before anything can be changed.
    pub required_checks: usize,
    /// The organisation's identity checks, read by the agent.
    pub checks: Vec<String>,
    /// What the agent does when the caller cannot be verified.
    pub escalation: String,
    /// Where case summaries are written; empty: the data directory's `cases`.
    pub case_dir: Option<PathBuf>,
    /// The JSON-lines audit log; empty: `audit.jsonl` in the data directory.
    pub audit_log: Option<PathBuf>,
    /// Let the desk delete methods of, and issue passes to, callers who
    /// hold administrative rights (Entra directory roles, privacyIDEA
    /// `admin_realms`). Off: such callers are refused with a screen that
    /// says why.
    pub allow_privileged: bool,
}

impl Default for HelpdeskConfig {
    fn default() -> Self {
        HelpdeskConfig {
            enabled: false,
            agent: String::new(),
            required_checks: 2,
            checks: vec![
                "Caller gives their full name and username, matching the directory".into(),
                "Date of birth matches the student or staff record".into(),
                "Caller reads back the code we sent to the private email or phone on record".into(),
                "Photo ID shown on a video call, or in person at the desk".into(),
            ],
            escalation: "Change nothing. Tell the caller we will call them back on the number \
                         in their record, and pass the ticket to the identity team."
                .into(),
            case_dir: None,
            audit_log: None,
            allow_privileged: false,
        }
    }
}

impl HelpdeskConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        let count = self.checks.len();
        if count == 0 {
            return Err(
                ConfigError::invalid("helpdesk.checks", "`helpdesk.checks` is empty").with_hint(
                    "list the questions or evidence your helpdesk uses to verify a caller",
                ),
            );
        }
        if count > MAX_CHECKS {
            return Err(ConfigError::invalid(
                "helpdesk.checks",
                format!("`helpdesk.checks` has {count} checks, more than {MAX_CHECKS}"),
            ));
        }
        for check in &self.checks {
            if check.trim().is_empty() {
                return Err(ConfigError::invalid(
                    "helpdesk.checks",
                    "`helpdesk.checks` has an empty check",
                ));
            }
            if check.chars().count() > MAX_CHECK_CHARS || check.chars().any(char::is_control) {
                return Err(ConfigError::invalid(
                    "helpdesk.checks",
                    format!(
                        "a check in `helpdesk.checks` is longer than {MAX_CHECK_CHARS} characters or has control characters"
                    ),
                )
                .with_hint("one line per check"));
            }
        }
        if self.required_checks == 0 || self.required_checks > count {
            return Err(ConfigError::invalid(
                "helpdesk.required_checks",
                format!(
                    "`helpdesk.required_checks` is {}, but there are {count} checks",
                    self.required_checks
                ),
            )
            .with_hint(format!("use 1 to {count}")));
        }
        if self.escalation.trim().is_empty() {
            return Err(ConfigError::invalid(
                "helpdesk.escalation",
                "`helpdesk.escalation` is empty",
            )
            .with_hint("say what the agent does when the caller cannot be verified"));
        }
        check_text("helpdesk.escalation", &self.escalation, true)?;
        check_text("helpdesk.agent", &self.agent, false)?;
        for (key, path) in [
            ("helpdesk.case_dir", &self.case_dir),
            ("helpdesk.audit_log", &self.audit_log),
        ] {
            if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
                return Err(
                    ConfigError::invalid(key, format!("`{key}` is an empty path"))
                        .with_hint("leave the key out to use the data directory"),
                );
            }
        }
        Ok(())
    }
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            enabled: false,
            idle_timeout_secs: 180,
            done_countdown_secs: 30,
        }
    }
}

/// Where the configuration came from (for the startup log and `--help`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    /// `--config <path>`.
    Flag(PathBuf),
    /// `$MFA_ASSIST_CONFIG`.
    Env(PathBuf),
    /// `config.toml` in the OS config directory.
    UserDir(PathBuf),
    /// `config.toml` in [`SYSTEM_DIR`].
    SystemDir(PathBuf),
    /// No file: the built-in defaults.
    BuiltIn,
}

impl ConfigSource {
    /// The file read, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigSource::Flag(p)
            | ConfigSource::Env(p)
            | ConfigSource::UserDir(p)
            | ConfigSource::SystemDir(p) => Some(p),
            ConfigSource::BuiltIn => None,
        }
    }
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::Flag(p) => {
                write!(f, "{} (from --config)", clean(&p.display().to_string()))
            }
            ConfigSource::Env(p) => {
                write!(f, "{} (from ${ENV_VAR})", clean(&p.display().to_string()))
            }
            ConfigSource::UserDir(p) | ConfigSource::SystemDir(p) => {
                write!(f, "{}", clean(&p.display().to_string()))
            }
            ConfigSource::BuiltIn => f.write_str("built-in defaults"),
        }
    }
}

/// What kind of problem a [`ConfigError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// A file named by `--config` or `$MFA_ASSIST_CONFIG` does not exist.
    NotFound,
    /// The file exists but cannot be read (permissions, a directory, ...).
    Unreadable,
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not UTF-8 text.
    NotUtf8,
    /// Not valid TOML.
    Syntax,
    /// Valid TOML, but a key is unknown or has the wrong type.
    Schema,
    /// Every key is known, but a value is not allowed.
    Invalid,
}

/// A configuration problem, worded for the person who has to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(Box<ErrorDetail>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct ErrorDetail {
    kind: ConfigErrorKind,
    file: Option<PathBuf>,
    key: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    hint: Option<String>,
}

impl ConfigError {
    fn new(kind: ConfigErrorKind, message: impl Into<String>) -> Self {
        ConfigError(Box::new(ErrorDetail {
            kind,
            file: None,
            key: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }))
    }

    fn invalid(key: &str, message: impl Into<String>) -> Self {
        let mut e = ConfigError::new(ConfigErrorKind::Invalid, message);
        e.0.key = Some(key.to_string());
        e
    }

    fn with_file(mut self, file: &Path) -> Self {
        self.0.file = Some(file.to_path_buf());
        self
    }

    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }

    fn at(mut self, text: &str, pos: usize) -> Self {
        let (line, column) = line_col(text, pos);
        self.0.line = Some(line);
        self.0.column = Some(column);
        self
    }

    pub fn kind(&self) -> ConfigErrorKind {
        self.0.kind
    }

    /// The config file, when the problem is in one.
    pub fn file(&self) -> Option<&Path> {
        self.0.file.as_deref()
    }

    /// The dotted key, e.g. `kiosk.idle_timeout_secs`, when known.
    pub fn key(&self) -> Option<&str> {
        self.0.key.as_deref()
    }

    /// 1-based line in the file, when known.
    pub fn line(&self) -> Option<usize> {
        self.0.line
    }

    /// 1-based column (in characters), when known.
    pub fn column(&self) -> Option<usize> {
        self.0.column
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.file {
            Some(file) => write!(f, "config file {}: ", clean(&file.display().to_string()))?,
            None => f.write_str("configuration: ")?,
        }
        f.write_str(&clean(&self.0.message))?;
        match (self.0.line, self.0.column) {
            (Some(line), Some(column)) => write!(f, " at line {line}, column {column}")?,
            (Some(line), None) => write!(f, " at line {line}")?,
            _ => {}
        }
        if let Some(hint) = &self.0.hint {
            write!(f, " ({})", clean(hint))?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// Find and load the configuration (see the module docs for the order).
pub fn load(flag: Option<&Path>) -> Result<(Config, ConfigSource), ConfigError> {
    let env = std::env::var_os(ENV_VAR);
    let dirs = directories::ProjectDirs::from("", "", "mfa-assist");
    load_in(
        flag,
        env.as_deref(),
        dirs.as_ref().map(|d| d.config_dir()),
        Some(Path::new(SYSTEM_DIR)),
    )
}

/// [`load_in`] with no system-wide directory.
pub fn load_with(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    user_dir: Option<&Path>,
) -> Result<(Config, ConfigSource), ConfigError> {
    load_in(flag, env, user_dir, None)
}

/// [`load`] without reading the environment or the real `/etc`: `env` is
/// the value of `$MFA_ASSIST_CONFIG` (empty counts as unset), `user_dir`
/// the OS config directory and `system_dir` the system-wide directory that
/// may hold `config.toml` (tests point it at a temporary directory).
pub fn load_in(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    user_dir: Option<&Path>,
    system_dir: Option<&Path>,
) -> Result<(Config, ConfigSource), ConfigError> {
    if let Some(path) = flag {
        let config = load_file(path, "given with --config")?;
        return Ok((config, ConfigSource::Flag(path.to_path_buf())));
    }
    if let Some(env) = env.filter(|e| !e.is_empty()) {
        let path = PathBuf::from(env);
        let config = load_file(&path, &format!("named by ${ENV_VAR}"))?;
        return Ok((config, ConfigSource::Env(path)));
    }
    if let Some(path) = existing(user_dir)? {
        let config = load_file(&path, "in the user config directory")?;
        return Ok((config, ConfigSource::UserDir(path)));
    }
    if let Some(path) = existing(system_dir)? {
        let config = load_file(&path, "in the system config directory")?;
        return Ok((config, ConfigSource::SystemDir(path)));
    }
    Ok((Config::default(), ConfigSource::BuiltIn))
}

/// `dir/config.toml` if it exists. A file we cannot even check is an error
/// rather than a silent fall-through to a less specific config.
fn existing(dir: Option<&Path>) -> Result<Option<PathBuf>, ConfigError> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    let path = dir.join(FILE_NAME);
    match path.try_exists() {
        Ok(found) => Ok(found.then_some(path)),
        Err(e) => Err(ConfigError::new(
            ConfigErrorKind::Unreadable,
            format!("cannot check whether it exists: {}", io_reason(&e)),
        )
        .with_file(&path)),
    }
}

/// Read and [`parse`] one file. `named_by` says who asked for it.
fn load_file(path: &Path, named_by: &str) -> Result<Config, ConfigError> {
    let unreadable = |msg: String| ConfigError::new(ConfigErrorKind::Unreadable, msg);
    if path.as_os_str().is_empty() {
        return Err(unreadable(format!("the path {named_by} is empty")));
    }
    let file = File::open(path).map_err(|e| {
        let err = if e.kind() == ErrorKind::NotFound {
            ConfigError::new(
                ConfigErrorKind::NotFound,
                format!("no such file ({named_by})"),
            )
        } else {
            unreadable(format!("cannot open it: {}", io_reason(&e)))
        };
        err.with_file(path)
    })?;
    match file.metadata() {
        Ok(meta) if meta.is_dir() => {
            return Err(unreadable(format!(
                "this is a directory, not a file ({named_by}); name the file itself, e.g. {}",
                clean(&path.join(FILE_NAME).display().to_string())
            ))
            .with_file(path));
        }
        Ok(_) => {}
        Err(e) => {
            return Err(unreadable(format!("cannot read it: {}", io_reason(&e))).with_file(path));
        }
    }
    let mut bytes = Vec::new();
    // One byte more than allowed tells "exactly at the limit" from "over it".
    let limit = u64::try_from(MAX_FILE_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(format!("cannot read it: {}", io_reason(&e))).with_file(path))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large().with_file(path));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bytes = e.as_bytes();
            let good = e.utf8_error().valid_up_to();
            let prefix = std::str::from_utf8(bytes.get(..good).unwrap_or_default()).unwrap_or("");
            return Err(
                ConfigError::new(ConfigErrorKind::NotUtf8, "the file is not UTF-8 text")
                    .with_hint("is this the right file? Save it as UTF-8 plain text")
                    .with_file(path)
                    .at(prefix, prefix.len()),
            );
        }
    };
    parse(&text, path)
}

/// Parse a config file's text and check it. `origin` is the file's path:
/// it appears in error messages, and a relative `provider.scenario` is
/// resolved against its directory.
pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large().with_file(origin));
    }
    let doc = DeTable::parse(text).map_err(|e| {
        let err = ConfigError::new(ConfigErrorKind::Syntax, short(e.message()))
            .with_hint("this is not valid TOML; see config.example.toml for the format")
            .with_file(origin);
        match e.span() {
            Some(span) => err.at(text, span.start),
            None => err,
        }
    })?;
    let mut config = Config::deserialize(toml::de::Deserializer::from(doc.clone()))
        .map_err(|e| schema_error(&e, text, doc.get_ref()).with_file(origin))?;

    if let Some(scenario) = &config.provider.scenario
        && scenario.is_relative()
        && !scenario.as_os_str().is_empty()
        && let Some(dir) = origin.parent()
    {
        config.provider.scenario = Some(dir.join(scenario));
    }
    for path in [
        &mut config.privacyidea.ca_bundle,
        &mut config.privacyidea.admin_password_file,
    ] {
        if let Some(given) = path.as_ref()
            && given.is_relative()
            && !given.as_os_str().is_empty()
            && let Some(dir) = origin.parent()
        {
            *path = Some(dir.join(given));
        }
    }
    for path in [
        &mut config.helpdesk.case_dir,
        &mut config.helpdesk.audit_log,
        &mut config.log.file,
        &mut config.audit.file,
    ]
    .into_iter()
    .flatten()
    {
        if path.is_relative()
            && !path.as_os_str().is_empty()
            && let Some(dir) = origin.parent()
        {
            *path = dir.join(&*path);
        }
    }
    if let Some(file) = &config.entra.client_secret_file
        && file.is_relative()
        && !file.as_os_str().is_empty()
        && let Some(dir) = origin.parent()
    {
        config.entra.client_secret_file = Some(dir.join(file));
    }
    let org = &mut config.organisation;
    for text in [&mut org.name, &mut org.no_pass_help, &mut org.helpdesk] {
        if text.contains("\r\n") {
            *text = text.replace("\r\n", "\n");
        }
    }
    for texts in org.translations_mut() {
        if let Some(text) = texts.no_pass_help.as_mut()
            && text.contains("\r\n")
        {
            *text = text.replace("\r\n", "\n");
        }
    }

    config.validate().map_err(|e| {
        let span = e.key().and_then(|key| value_span(doc.get_ref(), key));
        let e = e.with_file(origin);
        match span {
            Some(span) => e.at(text, span.start),
            None => e,
        }
    })?;
    Ok(config)
}

impl Config {
    /// Check the values a file can hold but the app cannot use.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let org = &self.organisation;
        if org.name.trim().is_empty() {
            return Err(
                ConfigError::invalid("organisation.name", "`organisation.name` is empty")
                    .with_hint("it is shown in the title bar; e.g. name = \"Example University\""),
            );
        }
        check_text("organisation.name", &org.name, false)?;
        check_text("organisation.no_pass_help", &org.no_pass_help, true)?;
        check_text("organisation.helpdesk", &org.helpdesk, false)?;
        check_pass_name("organisation.pass_name", &org.pass_name)?;
        for (lang, texts) in [("en", &org.en), ("sv", &org.sv), ("fi", &org.fi)] {
            let Some(texts) = texts else { continue };
            if let Some(name) = &texts.name {
                let key = format!("organisation.{lang}.name");
                if name.trim().is_empty() {
                    return Err(ConfigError::invalid(&key, format!("`{key}` is empty"))
                        .with_hint("leave it out to use `organisation.name`"));
                }
                check_text(&key, name, false)?;
            }
            if let Some(text) = &texts.no_pass_help {
                check_text(&format!("organisation.{lang}.no_pass_help"), text, true)?;
            }
            if let Some(text) = &texts.helpdesk {
                check_text(&format!("organisation.{lang}.helpdesk"), text, false)?;
            }
            if let Some(name) = &texts.pass_name {
                let key = format!("organisation.{lang}.pass_name");
                if name.trim().is_empty() {
                    return Err(ConfigError::invalid(&key, format!("`{key}` is empty"))
                        .with_hint("leave it out to use `organisation.pass_name`"));
                }
                check_pass_name(&key, name)?;
            }
        }

        if let Some(scenario) = &self.provider.scenario
            && scenario.as_os_str().is_empty()
        {
            return Err(ConfigError::invalid(
                "provider.scenario",
                "`provider.scenario` is an empty path",
            )
            .with_hint("leave the key out to use the built-in scenario"));
        }

        self.entra.refuse_written_secret()?;
        match self.provider.kind {
            ProviderKind::Privacyidea => self.privacyidea.validate()?,
            ProviderKind::Entra => self.entra.validate()?,
            ProviderKind::Training => {}
        }

        if let Some(delay) = self.training.delay_ms
            && delay > MAX_TRAINING_DELAY_MS
        {
            return Err(ConfigError::invalid(
                "training.delay_ms",
                format!("`training.delay_ms` is {delay}, more than {MAX_TRAINING_DELAY_MS}"),
            )
            .with_hint("a few hundred milliseconds is enough to show the spinners"));
        }

        let ui = &self.ui;
        let supported = SUPPORTED_LANGUAGES.join(", ");
        if ui.languages.is_empty() {
            return Err(
                ConfigError::invalid("ui.languages", "`ui.languages` is empty")
                    .with_hint(format!("list at least one of: {supported}")),
            );
        }
        for (i, lang) in ui.languages.iter().enumerate() {
            if !SUPPORTED_LANGUAGES.contains(&lang.as_str()) {
                return Err(ConfigError::invalid(
                    "ui.languages",
                    format!(
                        "`ui.languages` lists {}, which is not a supported language",
                        quoted(lang)
                    ),
                )
                .with_hint(format!("supported: {supported}")));
            }
            if ui
                .languages
                .get(..i)
                .is_some_and(|seen| seen.contains(lang))
            {
                return Err(ConfigError::invalid(
                    "ui.languages",
                    format!("`ui.languages` lists {} twice", quoted(lang)),
                ));
            }
        }
        if !ui.languages.contains(&ui.language) {
            let hint = if SUPPORTED_LANGUAGES.contains(&ui.language.as_str()) {
                format!(
                    "add it to `ui.languages` or pick one of: {}",
                    ui.languages.join(", ")
                )
            } else {
                format!("pick one of: {}", ui.languages.join(", "))
            };
            return Err(ConfigError::invalid(
                "ui.language",
                format!(
                    "`ui.language` is {}, which is not in `ui.languages`",
                    quoted(&ui.language)
                ),
            )
            .with_hint(hint));
        }

        let kiosk = &self.kiosk;
        let idle = kiosk.idle_timeout_secs;
        if idle != 0 && !(MIN_IDLE_TIMEOUT_SECS..=MAX_IDLE_TIMEOUT_SECS).contains(&idle) {
            return Err(ConfigError::invalid(
                "kiosk.idle_timeout_secs",
                format!("`kiosk.idle_timeout_secs` is {idle}"),
            )
            .with_hint(format!(
                "use 0 for never, or {MIN_IDLE_TIMEOUT_SECS} to {MAX_IDLE_TIMEOUT_SECS} seconds"
            )));
        }
        check_secs(
            "kiosk.done_countdown_secs",
            kiosk.done_countdown_secs,
            DONE_COUNTDOWN_SECS,
        )?;
        self.log.validate()?;
        self.audit.validate(&self.helpdesk.audit_log)?;
        self.helpdesk.validate()
    }
}

impl PrivacyIdeaConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.base_url.trim().is_empty() {
            return Err(ConfigError::invalid(
                "privacyidea.base_url",
                "`privacyidea.base_url` is not set, but `provider.kind` is \"privacyidea\"",
            )
            .with_hint("the address of your privacyIDEA server, e.g. base_url = \"https://mfa.example.edu\""));
        }
        if let Err(why) = crate::provider::http::check_base_url(&self.base_url) {
            return Err(ConfigError::invalid("privacyidea.base_url", why));
        }
        check_secs(
            "privacyidea.request_timeout_secs",
            self.request_timeout_secs,
            REQUEST_TIMEOUT_SECS,
        )?;
        check_secs(
            "privacyidea.registration_timeout_secs",
            self.registration_timeout_secs,
            PHONE_WAIT_SECS,
        )?;
        check_secs(
            "privacyidea.approval_timeout_secs",
            self.approval_timeout_secs,
            PHONE_WAIT_SECS,
        )?;
        if self.methods.is_empty() {
            return Err(ConfigError::invalid(
                "privacyidea.methods",
                "`privacyidea.methods` is empty",
            )
            .with_hint("list at least one of: \"push\", \"code\""));
        }
        if self.methods.len() == 2 && self.methods[0] == self.methods[1] {
            return Err(ConfigError::invalid(
                "privacyidea.methods",
                "`privacyidea.methods` lists the same method twice",
            ));
        }
        if let Some(bundle) = &self.ca_bundle
            && !bundle.is_file()
        {
            return Err(ConfigError::invalid(
                "privacyidea.ca_bundle",
                format!(
                    "`privacyidea.ca_bundle` names {}, which is not a readable file",
                    clean(&bundle.display().to_string())
                ),
            )
            .with_hint("a PEM file with your organisation's CA certificate(s)"));
        }
        self.validate_admin()
    }

    /// The helpdesk's administrator settings. Whether they are needed at
    /// all is known only when helpdesk mode starts; here only their form.
    fn validate_admin(&self) -> Result<(), ConfigError> {
        check_text("privacyidea.admin_user", &self.admin_user, false)?;
        let name = &self.admin_password_env;
        let env_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !env_name {
            return Err(ConfigError::invalid(
                "privacyidea.admin_password_env",
                // The value is not repeated: it may be the password itself,
                // typed into the wrong key.
                "`privacyidea.admin_password_env` is not an environment variable name",
            )
            .with_hint(format!(
                "letters, digits and _, e.g. \"{DEFAULT_PI_ADMIN_PASSWORD_ENV}\"; the password itself \
                 goes in that variable or in admin_password_file, never in this file"
            )));
        }
        if let Some(file) = &self.admin_password_file
            && file.as_os_str().is_empty()
        {
            return Err(ConfigError::invalid(
                "privacyidea.admin_password_file",
                "`privacyidea.admin_password_file` is an empty path",
            )
            .with_hint("leave the key out to read the password from admin_password_env"));
        }
        Ok(())
    }
}

/// A number of seconds inside its allowed range.
fn check_secs(
    key: &str,
    secs: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<(), ConfigError> {
    if range.contains(&secs) {
        return Ok(());
    }
    Err(
        ConfigError::invalid(key, format!("`{key}` is {secs}")).with_hint(format!(
            "use {} to {} seconds",
            range.start(),
            range.end()
        )),
    )
}

/// Organisation texts are drawn on the terminal: no control characters
/// (they could move the cursor or change colours), no tabs (their width
/// is unknown), and newlines only where several lines are expected.
/// A name for the pass: one short line, shown as a label and mid-sentence.
fn check_pass_name(key: &str, name: &str) -> Result<(), ConfigError> {
    check_text(key, name, false)?;
    let chars = name.trim().chars().count();
    if chars > MAX_PASS_NAME_CHARS {
        return Err(ConfigError::invalid(
            key,
            format!("`{key}` is {chars} characters long, more than {MAX_PASS_NAME_CHARS}"),
        )
        .with_hint(
            "it is a field label; use the short name people know, e.g. \"registration code\"",
        ));
    }
    Ok(())
}

fn check_text(key: &str, text: &str, multi_line: bool) -> Result<(), ConfigError> {
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(ConfigError::invalid(
            key,
            format!("`{key}` is {chars} characters long, more than {MAX_TEXT_CHARS}"),
        )
        .with_hint("it has to fit on the screen; shorten it"));
    }
    for (i, c) in text.chars().enumerate() {
        if c == '\n' && !multi_line {
            return Err(
                ConfigError::invalid(key, format!("`{key}` has more than one line"))
                    .with_hint("it is shown on a single line"),
            );
        }
        if (c.is_control() && c != '\n') || is_invisible_format(c) {
            let hint = if c == '\t' {
                "use spaces instead of tabs".to_string()
            } else {
                "use plain text only".to_string()
            };
            return Err(ConfigError::invalid(
                key,
                format!(
                    "`{key}` has {} (U+{:04X}) as character {}",
                    if c.is_control() {
                        "a control character"
                    } else {
                        "an invisible formatting character"
                    },
                    u32::from(c),
                    i + 1
                ),
            )
            .with_hint(hint));
        }
    }
    Ok(())
}

fn too_large() -> ConfigError {
    ConfigError::new(
        ConfigErrorKind::TooLarge,
        format!("the file is larger than {MAX_FILE_BYTES} bytes"),
    )
    .with_hint("is this the right file? A config file is a few kilobytes")
}

/// Turn a serde error from the deserializer into our wording, with the key
/// and the position when toml gives a span.
fn schema_error(e: &toml::de::Error, text: &str, doc: &DeTable<'_>) -> ConfigError {
    let raw = e.message();
    let path = e.span().and_then(|span| key_path_at(doc, span.start));
    let mut err = ConfigError::new(ConfigErrorKind::Schema, String::new());

    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let (name, expected) = split_expected(rest);
        let table = path
            .as_ref()
            .and_then(|p| p.split_last().map(|(_, parent)| parent.join(".")))
            .filter(|t| !t.is_empty());
        err.0.message = match &table {
            Some(table) => format!("unknown key {} in [{table}]", short(name)),
            None => format!("unknown key {}", short(name)),
        };
        err.0.hint = expected.map(|x| short(&x));
        err.0.key = path.map(|p| p.join("."));
    } else if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let (name, expected) = split_expected(rest);
        let key = path.map(|p| p.join("."));
        err.0.message = match &key {
            Some(key) => format!("`{key}` has the unknown value {}", short(name)),
            None => format!("unknown value {}", short(name)),
        };
        err.0.hint = expected.map(|x| short(&x));
        err.0.key = key;
    } else {
        let message = short(&humanise(raw));
        let key = path.map(|p| p.join("."));
        err.0.message = match &key {
            Some(key) => format!("`{key}`: {message}"),
            None => message,
        };
        err.0.key = key;
    }
    match e.span() {
        Some(span) => err.at(text, span.start),
        None => err,
    }
}

/// `` `x`, expected one of `a`, `b` `` -> (`` `x` ``, "expected one of ...").
fn split_expected(rest: &str) -> (&str, Option<String>) {
    match rest.split_once(", ") {
        Some((name, tail)) if tail.starts_with("expected") => (name, Some(humanise(tail))),
        Some((name, tail)) if tail.starts_with("there are no") => {
            (name, Some("this section takes no keys".to_string()))
        }
        Some((name, tail)) => (name, Some(tail.to_string())),
        None => (rest, None),
    }
}

/// Plainer words for serde's Rust type names.
fn humanise(message: &str) -> String {
    let message = match message.find("expected struct ") {
        Some(i) => format!(
            "{}expected a [section] of keys",
            message.get(..i).unwrap_or_default()
        ),
        None => message.to_string(),
    };
    message
        .replace(" as i128", " (too large)")
        .replace("expected u64", "expected a whole number (0 or more)")
        .replace("expected a string", "expected text in quotes")
        .replace("expected path string", "expected a file path in quotes")
}

/// The dotted key whose name or value covers byte `pos`.
fn key_path_at(doc: &DeTable<'_>, pos: usize) -> Option<Vec<String>> {
    let mut path = Vec::new();
    let mut table = doc;
    // Our schema is two levels deep; deeper documents fail before here.
    for _ in 0..4 {
        let mut next = None;
        for (key, value) in table.iter() {
            if key.span().contains(&pos) {
                path.push(key.get_ref().to_string());
                return Some(path);
            }
            if let DeValue::Table(inner) = value.get_ref() {
                if value.span().contains(&pos) || table_covers(inner, pos) {
                    next = Some((key.get_ref().to_string(), inner));
                    break;
                }
            } else if value.span().contains(&pos) {
                path.push(key.get_ref().to_string());
                return Some(path);
            }
        }
        let (name, inner) = next?;
        path.push(name);
        table = inner;
    }
    None
}

/// Whether any key or value directly in `table` covers `pos` (a `[section]`
/// header's span need not cover its body).
fn table_covers(table: &DeTable<'_>, pos: usize) -> bool {
    table
        .iter()
        .any(|(k, v)| k.span().contains(&pos) || v.span().contains(&pos))
}

/// The span of the value of a dotted key, e.g. `ui.language`.
fn value_span(doc: &DeTable<'_>, dotted: &str) -> Option<Range<usize>> {
    let mut parts = dotted.split('.').peekable();
    let mut table = doc;
    while let Some(part) = parts.next() {
        let (key, value) = table.iter().find(|(k, _)| k.get_ref() == part)?;
        if parts.peek().is_none() {
            let span = value.span();
            return Some(if span.is_empty() { key.span() } else { span });
        }
        match value.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => return Some(key.span()),
        }
    }
    None
}

/// 1-based line and column (in characters) of byte `pos` in `text`.
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = text.get(..pos).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::NotFound => "not found".into(),
        _ => e.to_string(),
    }
}

/// A value in quotes, shortened and with odd characters escaped.
fn quoted(value: &str) -> String {
    short(&format!("{value:?}"))
}

/// Messages stay readable even when a value is a megabyte of junk.
fn short(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// Characters that would be invisible or rearrange text on a terminal.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Escape anything that could act on the terminal when printed.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_invisible_format(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
