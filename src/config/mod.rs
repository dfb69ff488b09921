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

mod entra;
mod error;
mod helpdesk;
mod load;
mod organisation;
mod privacyidea;
mod ui;
mod validate;
pub use entra::*;
pub use error::*;
pub use helpdesk::*;
pub use load::*;
pub use organisation::*;
pub use privacyidea::*;
pub use ui::*;
#[allow(unused_imports)]
use validate::*;

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
