//! `[helpdesk]`: the agent's checklist, records and escalation.

use super::*;

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
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
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
