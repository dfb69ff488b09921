#![allow(clippy::unwrap_used, clippy::expect_used)]

//! `[log]` and `[audit]`: what an operator writes, and the mistakes the
//! start refuses with the key named.

use mfa_assist::config::{self, AuditSink, LogLevel, LogTarget};
use std::path::Path;

fn parse(text: &str) -> Result<config::Config, String> {
    config::parse(text, Path::new("/etc/mfa-assist/config.toml")).map_err(|e| e.to_string())
}

#[test]
fn one_sink_or_a_list() {
    let c = parse("[audit]\nsink = \"journald\"\n").unwrap();
    assert_eq!(c.audit.sink, Some(vec![AuditSink::Journald]));
    let c = parse("[audit]\nsink = [\"file\", \"syslog\"]\n").unwrap();
    assert_eq!(c.audit.sink, Some(vec![AuditSink::File, AuditSink::Syslog]));
    assert_eq!(parse("").unwrap().audit.sink, None);
}

#[test]
fn a_sink_that_does_not_exist_is_named() {
    for text in [
        "[audit]\nsink = \"both\"\n",
        "[audit]\nsink = [\"file\", \"splunk\"]\n",
        "[audit]\nsink = []\n",
        "[audit]\nsink = [\"file\", \"file\"]\n",
    ] {
        let e = parse(text).unwrap_err();
        assert!(e.contains("sink"), "{text}: {e}");
    }
}

#[test]
fn relative_paths_are_beside_the_config() {
    let c =
        parse("[log]\ntarget = \"file\"\nfile = \"log/app.log\"\n[audit]\nfile = \"a.jsonl\"\n")
            .unwrap();
    assert_eq!(c.log.target, LogTarget::File);
    assert_eq!(
        c.log.file.unwrap(),
        Path::new("/etc/mfa-assist/log/app.log")
    );
    assert_eq!(c.audit.file.unwrap(), Path::new("/etc/mfa-assist/a.jsonl"));
}

#[test]
fn log_mistakes_are_refused() {
    let e = parse("[log]\ntarget = \"file\"\n").unwrap_err();
    assert!(e.contains("log.file"), "{e}");
    let e = parse("[log]\nlevel = \"loud\"\n").unwrap_err();
    assert!(e.contains("level"), "{e}");
    let e = parse("[log]\ntarget = \"tty\"\n").unwrap_err();
    assert!(e.contains("target"), "{e}");
    assert_eq!(
        parse("[log]\nlevel = \"trace\"\n").unwrap().log.level,
        LogLevel::Trace
    );
}

#[test]
fn two_audit_files_are_refused() {
    let e =
        parse("[audit]\nfile = \"a.jsonl\"\n[helpdesk]\naudit_log = \"b.jsonl\"\n").unwrap_err();
    assert!(
        e.contains("audit.file") && e.contains("helpdesk.audit_log"),
        "{e}"
    );
}
