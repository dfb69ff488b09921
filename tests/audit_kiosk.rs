#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! The kiosk's audit trail, central and local: the real `App` on the
//! headless driver with the training tenant, its audit going to a unix
//! datagram socket standing in for journald's, another for `/dev/log`, and
//! the JSON-lines file. What arrives is parsed and the whole sequence of a
//! recovery asserted, with the reason of each sign-out; no pass in any of it.

#[path = "support/headless.rs"]
mod headless;
#[path = "support/kiosk_headless.rs"]
#[allow(dead_code)]
mod kiosk_headless;
#[path = "support/log_sink.rs"]
mod log_sink;

use crossterm::event::KeyCode;
use headless::{Harness, Recorder};
use kiosk_headless::{approve_with_shown_number, settings, sign_in};
use log_sink::{Sink, parse_syslog};
use mfa_assist::app::{App, Look};
use mfa_assist::audit::{Plan, Sinks, Trail};
use mfa_assist::flow::Flow;
use mfa_assist::guide::Guide;
use mfa_assist::provider::Provider;
use mfa_assist::provider::training::TrainingTenant;
use std::sync::Arc;
use std::time::Duration;

const AUDIT_ID: &str = mfa_assist::audit::trail::AUDIT_MESSAGE_ID;
const PASS: &str = "Tap-Alex-4821";
const WRONG: &str = "Tap-Alex-0000";

struct Audited {
    h: Harness,
    journal: Sink,
    syslog: Sink,
    file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn start(idle_ms: u64) -> Audited {
    let dir = tempfile::tempdir().unwrap();
    let journal = Sink::bind(dir.path(), "journal.sock");
    let syslog = Sink::bind(dir.path(), "log.sock");
    let file = dir.path().join("audit.jsonl");
    let plan = Plan {
        file: Some(file.clone()),
        journald: Some(journal.path.clone()),
        syslog: Some(syslog.path.clone()),
    };
    let trail = Trail::start(Sinks::open(&plan).unwrap(), |why| panic!("{why}")).unwrap();
    let tenant = TrainingTenant::default_scenario().with_delay(Duration::ZERO);
    let provider: Arc<dyn Provider> = Arc::new(tenant);
    let flow = Flow::new(settings(provider.as_ref(), idle_ms));
    let app =
        App::new(flow, provider, Guide::built_in(), Look::default()).with_audit(trail, "training");
    Audited {
        h: headless::start(app, (100, 40), Recorder::default()),
        journal,
        syslog,
        file,
        _dir: dir,
    }
}

/// The audit records that reached the journal stand-in, as
/// (action, the other fields but the time).
fn audit_records(sink: &Sink) -> Vec<(String, String)> {
    sink.entries()
        .into_iter()
        .filter(|e| e.get("MESSAGE_ID").map(String::as_str) == Some(AUDIT_ID))
        .map(|e| {
            let action = e["AUDIT_ACTION"].clone();
            let mut rest: Vec<String> = e
                .iter()
                .filter(|(k, _)| {
                    k.starts_with("AUDIT_")
                        && !["AUDIT_ACTION", "AUDIT_TS", "AUDIT_JSON"].contains(&k.as_str())
                })
                .map(|(k, v)| format!("{}={v}", k.trim_start_matches("AUDIT_").to_lowercase()))
                .collect();
            rest.sort();
            (action, rest.join(" "))
        })
        .collect()
}

fn rec(action: &str, rest: &str) -> (String, String) {
    (action.to_string(), rest.to_string())
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [PASS, WRONG, "4821", "otpauth", "secret="] {
        assert!(!text.contains(secret), "{what} holds {secret:?}:\n{text}");
    }
}

/// Test: a whole recovery (a wrong pass, the right one, the lost phone's
/// Authenticator deleted, a new one added and proved, the Done countdown)
/// gives exactly these records, in this order, in the journal, in syslog
/// and in the file alike. The failed sign-in names the username as typed,
/// the others the account's own name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recovery_is_audited_exactly_and_everywhere() {
    let a = start(0);
    let h = &a.h;
    h.wait_for("Recover your sign-in").await;
    sign_in(h, "alex", WRONG).await;
    h.wait_for("2 attempts left").await;
    h.text(PASS);
    h.key(KeyCode::Enter);
    h.wait_for("Signed in as Alex Lindqvist").await;
    h.wait_for("iPhone 11").await;
    // The phone is the default, listed first; the Authenticator is below.
    h.key(KeyCode::Down);
    h.key(KeyCode::Char('d'));
    h.wait_for("Press y to delete").await;
    h.key(KeyCode::Char('y'));
    h.wait_for("Deleted").await;
    h.key(KeyCode::Char('a'));
    h.wait_for("Which method").await;
    h.key(KeyCode::Enter);
    h.wait_for("What kind of phone").await;
    h.key(KeyCode::Enter);
    h.wait_for("Get the app ready").await;
    h.key(KeyCode::Enter);
    h.wait_for("Scan this QR code").await;
    h.key(KeyCode::Enter);
    h.wait_for("TRAINING PHONE").await;
    approve_with_shown_number(h).await;
    h.wait_for("All done").await;
    // The 2 s countdown signs out by itself.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    h.wait_for("Recover your sign-in").await;

    let want = vec![
        rec(
            "sign_in_failed",
            "mode=kiosk provider=training reason=wrong_pass user=alex",
        ),
        rec(
            "sign_in_ok",
            "mode=kiosk provider=training user=alex@training.example",
        ),
        rec(
            "method_deleted",
            "kind=authenticator_push label=Authenticator app (iPhone 11) mode=kiosk provider=training user=alex@training.example",
        ),
        rec(
            "method_added",
            "kind=authenticator_push mode=kiosk provider=training user=alex@training.example",
        ),
        rec(
            "signed_out",
            "mode=kiosk provider=training reason=done user=alex@training.example",
        ),
    ];
    a.journal.wait_until("five audit records", |s| {
        audit_records(s).len() >= want.len()
    });
    assert_eq!(audit_records(&a.journal), want);

    // Journal entries carry the priority, the facility and the sender.
    for entry in a.journal.entries() {
        assert_eq!(entry["SYSLOG_IDENTIFIER"], "mfa-assist");
        assert_eq!(entry["PRIORITY"], "5");
        assert_eq!(entry["SYSLOG_FACILITY"], "10");
    }
    // The same records through syslog (authpriv.notice = 85) and the file.
    a.syslog
        .wait_until("five syslog lines", |s| s.datagrams().len() >= want.len());
    let from_syslog: Vec<serde_json::Value> = a
        .syslog
        .datagrams()
        .iter()
        .map(|d| {
            let (pri, json) = parse_syslog(d);
            assert_eq!(pri, 85);
            json
        })
        .collect();
    let file = std::fs::read_to_string(&a.file).unwrap();
    let from_file: Vec<serde_json::Value> = file
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(from_syslog, from_file);
    let from_journal: Vec<serde_json::Value> = a
        .journal
        .entries()
        .iter()
        .map(|e| serde_json::from_str(&e["AUDIT_JSON"]).unwrap())
        .collect();
    assert_eq!(from_journal, from_file);
    let actions: Vec<&str> = from_file
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        want.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>()
    );

    assert_no_secret("the journal", &a.journal.all_text());
    assert_no_secret("syslog", &a.syslog.all_text());
    assert_no_secret("the audit file", &file);
    a.h.finish().await.unwrap();
}

async fn signed_in(a: &Audited) {
    a.h.wait_for("Recover your sign-in").await;
    sign_in(&a.h, "alex", PASS).await;
    a.h.wait_for("iPhone 11").await;
}

fn last_sign_out(sink: &Sink) -> (String, String) {
    sink.wait_until("a sign-out record", |s| {
        audit_records(s).iter().any(|(a, _)| a == "signed_out")
    });
    audit_records(sink).pop().unwrap()
}

/// Test: nobody touches the keyboard: the idle sign-out says "idle".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_sign_out_says_idle() {
    let a = start(1_000);
    signed_in(&a).await;
    let out = last_sign_out(&a.journal);
    assert_eq!(
        out,
        rec(
            "signed_out",
            "mode=kiosk provider=training reason=idle user=alex@training.example"
        )
    );
    a.h.finish().await.unwrap();
}

/// Test: the kiosk's service is stopped (SIGTERM) with someone signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_by_signal_says_signal() {
    let a = start(0);
    signed_in(&a).await;
    let journal = a.journal;
    a.h.finish().await.unwrap();
    let out = last_sign_out(&journal);
    assert_eq!(
        out,
        rec(
            "signed_out",
            "mode=kiosk provider=training reason=signal user=alex@training.example"
        )
    );
}

/// Test: the terminal goes away with someone signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_that_goes_away_says_hang_up() {
    let a = start(0);
    signed_in(&a).await;
    a.h.keys.close_channel();
    let journal = a.journal;
    a.h.ended().await.unwrap();
    let out = last_sign_out(&journal);
    assert_eq!(
        out,
        rec(
            "signed_out",
            "mode=kiosk provider=training reason=hang_up user=alex@training.example"
        )
    );
}

/// Test: a phone number is personal data. Deleting a phone from the kiosk
/// records the method with its number starred out but for the last two
/// digits, in every sink, as adding one from the desk does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_phone_is_recorded_with_its_number_masked() {
    let a = start(0);
    let h = &a.h;
    h.wait_for("Recover your sign-in").await;
    sign_in(h, "kim", "Tap-Kim-2057").await;
    h.wait_for("Office phone").await;
    // The default Authenticator is listed first, the office phone below.
    h.key(KeyCode::Down);
    h.key(KeyCode::Char('d'));
    h.wait_for("Press y to delete").await;
    h.key(KeyCode::Char('y'));
    h.wait_for("Deleted").await;
    a.journal.wait_until("the delete's record", |s| {
        audit_records(s).iter().any(|(a, _)| a == "method_deleted")
    });
    let deleted: Vec<(String, String)> = audit_records(&a.journal)
        .into_iter()
        .filter(|(a, _)| a == "method_deleted")
        .collect();
    assert_eq!(
        deleted,
        vec![rec(
            "method_deleted",
            "kind=phone label=Office phone +* ***-**10 mode=kiosk provider=training user=kim@training.example",
        )]
    );
    a.syslog
        .wait_until("the delete in syslog", |s| s.datagrams().len() >= 2);
    let file = std::fs::read_to_string(&a.file).unwrap();
    for (what, text) in [
        ("the journal", a.journal.all_text()),
        ("syslog", a.syslog.all_text()),
        ("the audit file", file),
    ] {
        assert!(
            !text.contains("555-0110"),
            "{what} holds the number:\n{text}"
        );
    }
    a.h.finish().await.unwrap();
}
