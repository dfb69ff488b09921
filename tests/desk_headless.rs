#![allow(clippy::unwrap_used, clippy::expect_used)]

//! The helpdesk on the real driver without a terminal, from the same
//! harness as the kiosk's (`tests/support/headless.rs`): the real `DeskApp`
//! executor with the training tenant as the admin provider and real record
//! files. Covers what the desk's state-machine tests cannot: effects run,
//! answers come back through tasks, the clipboard, the case file, the end.

#[path = "support/headless.rs"]
mod headless;

use crossterm::event::KeyCode;
use headless::{Harness, Recorder};
use mfa_assist::desk_app::DeskApp;
use mfa_assist::guide::Guide;
use mfa_assist::helpdesk::{Desk, DeskSettings};
use mfa_assist::provider::admin::Admin;
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::ui::Branding;
use std::sync::Arc;
use std::time::Duration;

fn start(dir: &std::path::Path, recorder: Recorder) -> Harness {
    let admin: Arc<dyn Admin> =
        Arc::new(TrainingTenant::default_scenario().with_delay(Duration::from_millis(20)));
    let desk = Desk::new(DeskSettings {
        languages: vec!["en".into(), "sv".into(), "fi".into()],
        checks: vec!["Name matches".into(), "Date of birth matches".into()],
        required_checks: 2,
        capabilities: admin.capabilities(),
        agent: "headless-agent".into(),
        ..DeskSettings::default()
    });
    let mut app = DeskApp::new(desk, admin, Guide::built_in(), Branding::default());
    app.open_records(&dir.join("audit.jsonl"), &dir.join("cases"))
        .unwrap();
    headless::start(app, (110, 40), recorder)
}

/// Looks up alex, ticks both checks and confirms.
async fn look_up_and_verify(h: &Harness) {
    h.wait_for("Who is calling?").await;
    h.text("alex");
    h.key(KeyCode::Enter);
    h.wait_for("iPhone 11").await;
    h.text("v");
    h.wait_for("must pass before anything can change").await;
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Down);
    h.key(KeyCode::Char(' '));
    h.wait_for("enough. Press Enter").await;
    h.key(KeyCode::Enter);
    h.wait_for("Identity verified").await;
}

/// A call from lookup to the summary, copied to the clipboard: the driver
/// ran the lookup, the state load, the case file and the copy.
#[tokio::test]
async fn a_call_is_looked_up_verified_closed_and_copied() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(dir.path(), Recorder::default());
    look_up_and_verify(&h).await;
    h.text("f");
    h.wait_for("Finish the call with").await;
    h.key(KeyCode::Enter);
    h.wait_for("Case summary").await;
    h.text("c");
    h.wait_for("offered to the clipboard").await;
    let copies = h.term().copies;
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].contains("alex"), "{}", copies[0]);
    let cases: Vec<_> = std::fs::read_dir(dir.path().join("cases"))
        .unwrap()
        .collect();
    assert_eq!(cases.len(), 1, "one case file");
    h.text("q");
    h.ended().await.unwrap();
}

/// A copy the terminal refuses (a failed write) is a notice; the call goes
/// on and the agent can still start the next one.
#[tokio::test]
async fn a_failed_copy_is_a_notice_not_the_end_of_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let recorder = Recorder {
        fail_copy: true,
        ..Recorder::default()
    };
    let h = start(dir.path(), recorder);
    look_up_and_verify(&h).await;
    h.text("f");
    h.wait_for("Finish the call with").await;
    h.key(KeyCode::Enter);
    h.wait_for("Case summary").await;
    h.text("c");
    h.wait_for("Could not copy").await;
    assert!(!h.done.is_finished(), "the session goes on");
    h.key(KeyCode::Enter);
    h.wait_for("Who is calling?").await;
    h.finish().await.unwrap();
}

/// Ending the session from outside (SIGTERM, SIGHUP, SIGQUIT, the terminal
/// gone) closes the case in the audit log before the run returns.
#[tokio::test]
async fn ended_from_outside_the_case_is_closed_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(dir.path(), Recorder::default());
    look_up_and_verify(&h).await;
    h.finish().await.unwrap();
    // The audit writer is a thread of its own: give it a moment.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap_or_default();
        if audit.contains("case_closed") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no case_closed in the audit log:\n{audit}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The input ending (the terminal gone) ends the desk's session too.
#[tokio::test]
async fn the_input_ending_ends_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(dir.path(), Recorder::default());
    h.wait_for("Who is calling?").await;
    h.keys.close_channel();
    h.ended().await.unwrap();
}
