//! `mfa-assist check` proves the audit trail and the operational log can
//! be written before the first person arrives: a socket nobody listens on,
//! or a log file in a directory this account cannot write, is a ✗ with the
//! fix, not a start that stops (audit) or a log that silently never comes.
//! The check's own function on parsed configs; datagram sockets bound in a
//! temporary directory stand in for journald and `/dev/log`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/log_sink.rs"]
mod log_sink;

use log_sink::Sink;
use mfa_assist::check::{self, Report};
use mfa_assist::config::{self, ConfigSource};
use std::path::{Path, PathBuf};

async fn run(text: &str) -> Report {
    let path = PathBuf::from("/etc/mfa-assist/config.toml");
    let cfg = config::parse(text, &path).unwrap();
    check::run(Ok((cfg, ConfigSource::Flag(path))), false).await
}

fn line<'a>(r: &'a Report, check: &str) -> &'a check::Line {
    r.checks
        .iter()
        .find(|l| l.check == check)
        .unwrap_or_else(|| panic!("no line {check:?}:\n{}", r.text()))
}

fn sockets(dir: &Path, journal: &str, syslog: &str) -> String {
    format!(
        "[audit]\nsink = [\"journald\", \"syslog\"]\njournal_socket = \"{}\"\nsyslog_socket = \"{}\"\n",
        dir.join(journal).display(),
        dir.join(syslog).display()
    )
}

#[tokio::test]
async fn audit_sockets_that_listen_pass_and_one_that_does_not_fails_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Sink::bind(dir.path(), "journal.sock");
    let r = run(&sockets(dir.path(), "journal.sock", "nobody.sock")).await;
    let j = line(&r, "audit trail (journald)");
    assert!(j.ok, "{}", r.text());
    assert!(j.found.contains("journal.sock"), "{}", r.text());
    let s = line(&r, "audit trail (syslog)");
    assert!(!s.ok, "{}", r.text());
    assert!(s.found.contains("nobody.sock"), "{}", r.text());
    assert!(s.fix.as_deref().unwrap().contains("syslog"), "{}", r.text());
    assert!(!r.ok);
    // The probe is an empty datagram: it leaves no record behind.
    assert!(journal.datagrams().iter().all(|d| d.is_empty()));
}

#[tokio::test]
async fn a_log_file_where_this_account_cannot_write_fails_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("mfa.log");
    let r = run(&format!("[log]\nfile = \"{}\"\n", good.display())).await;
    let l = line(&r, "operational log");
    assert!(l.ok, "{}", r.text());
    assert!(l.found.contains("mfa.log"), "{}", r.text());
    assert!(!good.exists(), "the check makes no file");

    let r = run("[log]\nfile = \"/proc/no-such-dir/mfa.log\"\n").await;
    let l = line(&r, "operational log");
    assert!(!l.ok, "{}", r.text());
    assert!(l.fix.is_some(), "{}", r.text());
}

#[tokio::test]
async fn nothing_configured_says_so_and_passes() {
    let r = run("").await;
    assert!(line(&r, "audit trail").ok, "{}", r.text());
    assert!(line(&r, "operational log").ok, "{}", r.text());
    assert!(r.ok, "{}", r.text());
}

#[tokio::test]
async fn the_log_to_journald_is_checked_like_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(&format!(
        "[log]\ntarget = \"journald\"\njournal_socket = \"{}\"\n",
        dir.path().join("gone.sock").display()
    ))
    .await;
    let l = line(&r, "operational log");
    assert!(!l.ok, "{}", r.text());
    assert!(l.found.contains("gone.sock"), "{}", r.text());
}

/// A kiosk's default is journald when systemd runs it, where the journal is
/// always there: no journal here means this kiosk is not run by systemd
/// and keeps no audit, which is said, not failed. Asked for by name, the
/// same socket is a ✗.
#[tokio::test]
async fn a_kiosks_default_journal_is_used_when_there_and_said_when_not() {
    let dir = tempfile::tempdir().unwrap();
    let _journal = Sink::bind(dir.path(), "journal.sock");
    let kiosk = |socket: &str, sink: &str| {
        format!(
            "[kiosk]\nenabled = true\n\n[audit]\n{sink}journal_socket = \"{}\"\n",
            dir.path().join(socket).display()
        )
    };
    let r = run(&kiosk("journal.sock", "")).await;
    assert!(line(&r, "audit trail (journald)").ok, "{}", r.text());
    let r = run(&kiosk("nobody.sock", "")).await;
    let l = line(&r, "audit trail");
    assert!(l.ok, "{}", r.text());
    assert!(l.found.contains("none kept"), "{}", r.text());
    let r = run(&kiosk("nobody.sock", "sink = [\"journald\"]\n")).await;
    assert!(!line(&r, "audit trail (journald)").ok, "{}", r.text());
}

/// A kiosk with `log.file` and no journal here (not run by systemd) logs
/// to the file, so the file is what is checked.
#[tokio::test]
async fn a_kiosk_without_a_journal_checks_its_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[kiosk]\nenabled = true\n\n[log]\nfile = \"{}\"\njournal_socket = \"{}\"\n",
        dir.path().join("kiosk.log").display(),
        dir.path().join("nobody.sock").display()
    );
    let r = run(&text).await;
    let l = line(&r, "operational log");
    assert!(l.ok, "{}", r.text());
    assert!(l.found.contains("kiosk.log"), "{}", r.text());
    let r = run(&text.replace(
        &dir.path().join("kiosk.log").display().to_string(),
        "/proc/no-such-dir/kiosk.log",
    ))
    .await;
    assert!(!line(&r, "operational log").ok, "{}", r.text());
}
