//! Where audit records go: the local JSON-lines file, journald (one field
//! per record key, for `journalctl AUDIT_ACTION=deleted` and for a log
//! pipeline that forwards the journal) and the local syslog socket
//! (facility authpriv, the record as CEE JSON, for rsyslog or syslog-ng
//! and a SIEM behind them). Written by one thread, in order, so the
//! async loop never waits on a disk or a daemon.

use crate::journal::{self, Priority};
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;

/// `journalctl MESSAGE_ID=…` finds every audit record, whatever else the
/// program logged. Fixed for all versions.
pub const AUDIT_MESSAGE_ID: &str = "6f3c2a5d9e8b4c71a2d04b5e7f1a9c36";

/// Which sinks to open, and where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub file: Option<PathBuf>,
    pub journald: Option<PathBuf>,
    pub syslog: Option<PathBuf>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.file.is_none() && self.journald.is_none() && self.syslog.is_none()
    }
}

/// The opened sinks: every one was reachable at start.
pub struct Sinks {
    file: Option<(File, String)>,
    journald: Option<journal::Sender>,
    syslog: Option<journal::Sender>,
}

impl Sinks {
    /// Opens each planned sink, so a trail that cannot be written stops the
    /// start with the reason instead of losing records later.
    pub fn open(plan: &Plan) -> Result<Sinks, String> {
        let file = match &plan.file {
            Some(path) => Some((super::open_log(path)?, path.display().to_string())),
            None => None,
        };
        let socket = |path: &Option<PathBuf>, what: &str| -> Result<_, String> {
            let Some(path) = path else { return Ok(None) };
            let sender = journal::Sender::new(path)
                .and_then(|s| s.reachable().map(|()| s))
                .map_err(|e| {
                    format!(
                        "the audit trail cannot reach {what} at {}: {e}",
                        path.display()
                    )
                })?;
            Ok(Some(sender))
        };
        Ok(Sinks {
            file,
            journald: socket(&plan.journald, "journald")?,
            syslog: socket(&plan.syslog, "syslog")?,
        })
    }

    /// Writes one record (a JSON object) to every sink; each failure is
    /// reported, and the other sinks still get the record.
    pub fn write(&mut self, line: &str, on_error: &dyn Fn(String)) {
        if let Some((file, shown)) = &mut self.file {
            let written = file
                .write_all(line.as_bytes())
                .and_then(|()| file.write_all(b"\n"))
                .and_then(|()| file.sync_data());
            if let Err(e) = written {
                on_error(format!("the audit log {shown}: {e}"));
            }
        }
        if let Some(sender) = &self.journald
            && let Err(e) = sender.send(journal_entry(line).bytes())
        {
            on_error(format!(
                "the audit trail to journald ({}): {e}",
                sender.path().display()
            ));
        }
        if let Some(sender) = &self.syslog {
            let text = format!("@cee: {line}");
            if let Err(e) = sender.send(&journal::syslog_line(Priority::Notice, &text)) {
                on_error(format!(
                    "the audit trail to syslog ({}): {e}",
                    sender.path().display()
                ));
            }
        }
    }
}

/// A record as a journal entry: `AUDIT_<KEY>` for each key (lists and
/// objects as JSON), the whole record in `AUDIT_JSON`, and a one-line
/// MESSAGE for people reading `journalctl`.
pub fn journal_entry(line: &str) -> journal::Entry {
    let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
    let mut summary = String::from("audit:");
    let mut fields = Vec::new();
    if let Some(action) = value.get("action").and_then(|a| a.as_str()) {
        summary.push(' ');
        summary.push_str(action);
    }
    if let Some(object) = value.as_object() {
        for (key, value) in object {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            if key != "ts" && key != "action" && !value.is_array() && !value.is_object() {
                summary.push(' ');
                summary.push_str(key);
                summary.push('=');
                summary.push_str(&text);
            }
            fields.push((format!("AUDIT_{key}"), text));
        }
    }
    let mut entry = journal::Entry::new(&summary, Priority::Notice);
    entry.field("MESSAGE_ID", AUDIT_MESSAGE_ID);
    entry.field("SYSLOG_FACILITY", &journal::FACILITY_AUTHPRIV.to_string());
    for (name, text) in &fields {
        entry.field(name, text);
    }
    entry.field("AUDIT_JSON", line);
    entry
}

/// The audit trail: records go in as JSON lines, a thread writes them.
pub struct Trail {
    lines: mpsc::Sender<String>,
}

impl Trail {
    /// Starts the writer over sinks opened already. `on_error` hears about
    /// each failed write.
    pub fn start(
        mut sinks: Sinks,
        on_error: impl Fn(String) + Send + 'static,
    ) -> Result<Trail, String> {
        let (lines, rx) = mpsc::channel::<String>();
        std::thread::Builder::new()
            .name("audit".into())
            .spawn(move || {
                for line in rx {
                    sinks.write(&line, &on_error);
                }
            })
            .map_err(|e| format!("cannot start the audit writer: {e}"))?;
        Ok(Trail { lines })
    }

    /// Queues a record; it is serialised here, so what is written is what
    /// the caller held at this moment.
    pub fn record(&self, record: &impl serde::Serialize) {
        if let Ok(line) = serde_json::to_string(record) {
            let _ = self.lines.send(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_becomes_fields() {
        let line = r#"{"ts":"2026-12-04T10:00:00Z","user":"kim","action":"sign_in_failed","reason":"wrong_pass","checks":["a"]}"#;
        let entry = journal_entry(line);
        let text = String::from_utf8_lossy(entry.bytes()).into_owned();
        let message = text.lines().next().unwrap_or_default();
        assert!(
            message.starts_with("MESSAGE=audit: sign_in_failed "),
            "{text}"
        );
        assert!(message.contains(" user=kim"), "{text}");
        assert!(message.contains(" reason=wrong_pass"), "{text}");
        assert!(
            !message.contains("2026"),
            "the time is the journal's own: {text}"
        );
        assert!(text.contains("AUDIT_USER=kim\n"), "{text}");
        assert!(text.contains("AUDIT_CHECKS=[\"a\"]\n"), "{text}");
        assert!(text.contains("SYSLOG_FACILITY=10\n"), "{text}");
        assert!(
            text.contains(&format!("MESSAGE_ID={AUDIT_MESSAGE_ID}\n")),
            "{text}"
        );
    }
}
