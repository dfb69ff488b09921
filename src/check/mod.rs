//! `mfa-assist check`: proves a deployment before the first caller. It reads
//! the same config as the app, runs one probe per line, and says for each
//! one ✓ or ✗ with the fix. Nothing it prints holds a secret: passwords and
//! client secrets are loaded only to sign in with, and the words of every
//! failure come from errors that never carry one.

mod entra;
mod files;
mod privacyidea;
mod sinks;

use crate::config::{Config, ConfigError, ConfigSource, ProviderKind};
use serde::Serialize;

/// One check: what was checked, what was found, and the fix when it failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub ok: bool,
    pub check: String,
    pub found: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Line {
    pub fn pass(check: &str, found: impl Into<String>) -> Line {
        Line {
            ok: true,
            check: check.into(),
            found: found.into(),
            fix: None,
        }
    }

    pub fn fail(check: &str, found: impl Into<String>, fix: impl Into<String>) -> Line {
        Line {
            ok: false,
            check: check.into(),
            found: found.into(),
            fix: Some(fix.into()),
        }
    }
}

/// Every line of a run; the deployment passes when all do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub ok: bool,
    pub checks: Vec<Line>,
}

impl Report {
    fn push(&mut self, line: Line) {
        self.checks.push(line);
    }

    fn extend(&mut self, lines: Vec<Line>) {
        self.checks.extend(lines);
    }

    fn finish(mut self) -> Report {
        self.ok = self.checks.iter().all(|l| l.ok);
        self
    }

    /// One line per check, the fix indented under a failure.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for l in &self.checks {
            let mark = if l.ok { '✓' } else { '✗' };
            out.push_str(&format!("{mark} {}: {}\n", l.check, l.found));
            if let Some(fix) = &l.fix {
                out.push_str(&format!("    fix: {fix}\n"));
            }
        }
        let failed = self.checks.iter().filter(|l| !l.ok).count();
        if failed == 0 {
            out.push_str("All checks passed.\n");
        } else {
            out.push_str(&format!(
                "{failed} of {} checks failed.\n",
                self.checks.len()
            ));
        }
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{\"ok\":false}".into())
    }
}

/// Runs every check that applies to this config. `helpdesk`: check the
/// agent's side too (set by the config or `--helpdesk`).
pub async fn run(loaded: Result<(Config, ConfigSource), ConfigError>, helpdesk: bool) -> Report {
    let mut report = Report::default();
    let (config, source) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            report.push(Line::fail(
                "config",
                e.to_string(),
                "correct the file as the message says, then run the check again",
            ));
            return report.finish();
        }
    };
    report.push(files::config_file(&source));
    match config.validate() {
        Ok(()) => report.push(Line::pass("config keys", "every key is valid")),
        Err(e) => {
            report.push(Line::fail(
                "config keys",
                e.to_string(),
                "correct that key in the config file",
            ));
            return report.finish();
        }
    }
    let helpdesk = helpdesk || config.helpdesk.enabled;
    if helpdesk {
        report.extend(files::desk_paths(&config));
    }
    report.extend(sinks::audit(&config, helpdesk));
    report.push(sinks::log(&config));
    match config.provider.kind {
        ProviderKind::Training => report.push(Line::pass(
            "provider",
            "the built-in training tenant (practice only; nothing to reach)",
        )),
        ProviderKind::Entra => report.extend(entra::checks(&config, helpdesk).await),
        ProviderKind::Privacyidea => report.extend(privacyidea::checks(&config).await),
    }
    report.finish()
}
