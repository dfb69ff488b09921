//! Where the audit trail and the operational log will go, and whether they
//! can be reached from here: a journald or syslog socket answers an empty
//! datagram (which both ignore, so the probe leaves no record), a log file
//! can be appended to or made. Reckoned as the app would at start; a kiosk
//! is taken to run as its systemd service, where both default to journald.

use super::Line;
use super::files::writable_dir;
use crate::config::{Config, LogTarget};
use crate::journal::Sender;
use crate::oplog::{self, Destination, Surroundings};
use std::path::Path;

/// One line per audit sink (the desk's file has its own line already).
pub fn audit(config: &Config, helpdesk: bool) -> Vec<Line> {
    let plan = match crate::setup::audit_plan(config, helpdesk, config.kiosk.enabled) {
        Ok(plan) => plan,
        Err(why) => {
            return vec![Line::fail(
                "audit trail",
                why,
                "set audit.file (or helpdesk.audit_log) in the config file",
            )];
        }
    };
    let mut lines = Vec::new();
    if let Some(path) = plan.file.as_deref().filter(|_| !helpdesk) {
        lines.push(file_line("audit trail (file)", path));
    }
    if let Some(path) = &plan.journald {
        let line = socket_line("audit trail (journald)", path, "journal");
        // Chosen by default for a kiosk under systemd, where the journal is
        // always there; without one this kiosk is not run by systemd.
        if line.ok || config.audit.sink.is_some() {
            lines.push(line);
        } else {
            lines.push(Line::pass(
                "audit trail",
                "none kept: no journal here (a kiosk run by systemd writes to journald); \
                 set audit.sink to keep one",
            ));
        }
    }
    if let Some(path) = &plan.syslog {
        lines.push(socket_line("audit trail (syslog)", path, "syslog"));
    }
    if plan.is_empty() {
        lines.push(Line::pass(
            "audit trail",
            "none kept (a person's own run); set audit.sink to keep one",
        ));
    }
    lines
}

/// The operational log's destination and whether it can be written.
pub fn log(config: &Config) -> Line {
    const CHECK: &str = "operational log";
    let around = Surroundings {
        journal_stream: config.kiosk.enabled,
        stderr_is_terminal: false,
        draws: false,
    };
    match oplog::destination(&config.log, around) {
        Err(why) => Line::fail(CHECK, why, "correct the [log] section of the config file"),
        Ok(Destination::Off) => Line::pass(CHECK, "off (set log.file, or run under systemd)"),
        Ok(Destination::Stderr) => Line::pass(CHECK, "standard error"),
        Ok(Destination::Journald(path)) => {
            let line = socket_line(CHECK, &path, "journal");
            if line.ok || config.log.target != LogTarget::Auto {
                return line;
            }
            // No journal here: this kiosk is not run by systemd, and the
            // log goes where it goes outside systemd.
            match config.log.file.as_deref() {
                Some(file) => file_line(CHECK, file),
                None => Line::pass(
                    CHECK,
                    "off: no journal here (a kiosk run by systemd logs to journald); set log.file",
                ),
            }
        }
        Ok(Destination::File(path)) => file_line(CHECK, &path),
    }
}

fn socket_line(check: &str, path: &Path, what: &str) -> Line {
    let shown = path.display();
    match Sender::new(path).and_then(|s| s.reachable()) {
        Ok(()) => Line::pass(check, format!("{shown}: reachable")),
        Err(e) => Line::fail(
            check,
            format!("{shown}: cannot be reached ({e})"),
            format!(
                "start the {what} service (systemd-journald, or rsyslog for syslog), or name its \
                 socket in the config file"
            ),
        ),
    }
}

/// Appendable if it exists; else its directory takes a new file. Nothing is
/// made or changed by looking.
fn file_line(check: &str, path: &Path) -> Line {
    let shown = path.display();
    if path.exists() {
        return match std::fs::OpenOptions::new().append(true).open(path) {
            Ok(_) => Line::pass(check, format!("{shown}: writable")),
            Err(e) => Line::fail(
                check,
                format!("{shown}: cannot be written ({e})"),
                format!("give this account write access to {shown}"),
            ),
        };
    }
    match path.parent().map(writable_dir) {
        Some(Ok(())) => Line::pass(
            check,
            format!("{shown}: not there yet; made at the first line"),
        ),
        Some(Err(why)) => Line::fail(
            check,
            format!("{shown}: {why}"),
            format!(
                "create {} for this account",
                path.parent().unwrap_or(path).display()
            ),
        ),
        None => Line::fail(check, format!("{shown}: no directory"), "name a file path"),
    }
}
