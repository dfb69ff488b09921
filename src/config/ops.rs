//! The operator's settings: where the operational log and the audit trail
//! go (`[log]`, `[audit]`).

use super::ConfigError;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::path::PathBuf;

/// `[log]`: the operational log (provider calls, retries, steps, start and
/// exit), never a secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub level: LogLevel,
    pub target: LogTarget,
    /// The file for `target = "file"` (or `"auto"` outside systemd).
    pub file: Option<PathBuf>,
    /// journald's socket; only tests and unusual systems change it.
    pub journal_socket: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogTarget {
    /// journald when systemd connected our output to it (`JOURNAL_STREAM`),
    /// else `file` when one is set, else nowhere.
    #[default]
    Auto,
    Journald,
    File,
    /// Only when stderr is not the terminal the screens are drawn on.
    Stderr,
    Off,
}

/// Where audit records go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditSink {
    /// The local JSON-lines file.
    File,
    /// journald's native protocol, one field per record key.
    Journald,
    /// The local syslog socket (`/dev/log`), facility authpriv.
    Syslog,
}

/// `[audit]`: the audit trail of the desk and the kiosk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// `None`: the desk writes its file; the kiosk writes to journald when
    /// systemd runs it, else keeps no audit.
    #[serde(deserialize_with = "one_or_many")]
    pub sink: Option<Vec<AuditSink>>,
    /// The JSON-lines file; unset: `helpdesk.audit_log`, else the data
    /// directory's `audit.jsonl`.
    pub file: Option<PathBuf>,
    pub journal_socket: Option<PathBuf>,
    pub syslog_socket: Option<PathBuf>,
}

/// `sink = "journald"` or `sink = ["file", "journald"]`.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<AuditSink>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<AuditSink>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("\"file\", \"journald\", \"syslog\" or a list of them")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            AuditSink::deserialize(de::value::StrDeserializer::<E>::new(v)).map(|s| vec![s])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<AuditSink>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(V).map(Some)
}

impl LogConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.target == LogTarget::File && self.file.is_none() {
            return Err(ConfigError::invalid(
                "log.target",
                "`log.target` is \"file\" but `log.file` is not set",
            )
            .with_hint("e.g. file = \"/var/log/mfa-assist/mfa-assist.log\""));
        }
        empty_path("log.file", &self.file)?;
        empty_path("log.journal_socket", &self.journal_socket)
    }
}

impl AuditConfig {
    pub(super) fn validate(&self, helpdesk_audit_log: &Option<PathBuf>) -> Result<(), ConfigError> {
        if let Some(sinks) = &self.sink {
            if sinks.is_empty() {
                return Err(ConfigError::invalid("audit.sink", "`audit.sink` is empty")
                    .with_hint("name one or more of \"file\", \"journald\", \"syslog\""));
            }
            if sinks
                .iter()
                .enumerate()
                .any(|(i, s)| sinks.get(..i).is_some_and(|seen| seen.contains(s)))
            {
                return Err(ConfigError::invalid(
                    "audit.sink",
                    "`audit.sink` names a sink twice",
                ));
            }
        }
        if self.file.is_some() && helpdesk_audit_log.is_some() {
            return Err(ConfigError::invalid(
                "audit.file",
                "both `audit.file` and `helpdesk.audit_log` are set",
            )
            .with_hint("keep `audit.file` and remove `helpdesk.audit_log`"));
        }
        empty_path("audit.file", &self.file)?;
        empty_path("audit.journal_socket", &self.journal_socket)?;
        empty_path("audit.syslog_socket", &self.syslog_socket)
    }
}

fn empty_path(key: &str, path: &Option<PathBuf>) -> Result<(), ConfigError> {
    if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
        return Err(
            ConfigError::invalid(key, format!("`{key}` is an empty path"))
                .with_hint("leave the key out to use the default"),
        );
    }
    Ok(())
}
