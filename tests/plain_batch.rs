//! Screen-reader mode: what is typed is echoed even when the characters and
//! the Enter (or Tab) that acts on them arrive in one input batch, as from a
//! fast typist, a password manager's typing or a paste followed by Enter.
//! Seen in tmux: `send-keys "alex" Enter` left "Username:" with nothing
//! after it, so the listener never heard what was sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/plain_headless.rs"]
mod plain_headless;

use crossterm::event::KeyCode;
use mfa_assist::app::{App, Look};
use mfa_assist::flow::{Flow, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::provider::Provider;
use mfa_assist::provider::training::TrainingTenant;
use plain_headless::Plain;
use std::sync::Arc;
use std::time::Duration;

const PASS: &str = "Tap-Alex-4821";

fn kiosk() -> Plain {
    let provider: Arc<dyn Provider> =
        Arc::new(TrainingTenant::default_scenario().with_delay(Duration::ZERO));
    let flow = Flow::new(Settings {
        languages: vec!["en".into()],
        kiosk: true,
        idle_timeout_ms: 0,
        done_countdown_ms: 2_000,
        capabilities: provider.capabilities(),
    });
    let app = App::new(flow, provider, Guide::built_in(), Look::default());
    plain_headless::start(app)
}

#[tokio::test]
async fn typing_and_enter_in_one_batch_are_both_heard() {
    let p = kiosk();
    let mut at = p.heard("Press a key:", 0).await;
    p.key(KeyCode::Enter);
    at = p.heard("Username: ", at).await;
    // Four characters and Enter, queued together: one batch.
    p.text("alex");
    p.key(KeyCode::Enter);
    at = p.heard("Temporary Access Pass: ", at).await;
    let text = p.transcript.text();
    assert!(
        text.contains("Username: alex\n"),
        "the username was never echoed:\n{text}"
    );
    // The pass as marks, then Enter, in one batch.
    p.text(PASS);
    p.key(KeyCode::Enter);
    p.heard("Step 3 of 9", at).await;
    let text = p.transcript.text();
    // The marks end their prompt line before the check is said.
    let marks = format!(
        "Temporary Access Pass: {}\nChecking your pass",
        "*".repeat(PASS.len())
    );
    assert!(
        text.contains(&marks),
        "the pass's marks were not heard before the check:\n{text}"
    );
    // Only the training table on Welcome shows it; never typed back.
    let signing_in = text.find("Step 2 of 9").unwrap();
    assert!(!text[signing_in..].contains(PASS), "{text}");
    p.finish().await.unwrap();
}

#[tokio::test]
async fn a_paste_and_enter_in_one_batch_are_both_heard() {
    let p = kiosk();
    let mut at = p.heard("Press a key:", 0).await;
    p.key(KeyCode::Enter);
    at = p.heard("Username: ", at).await;
    p.paste("alex");
    p.key(KeyCode::Tab);
    p.heard("Temporary Access Pass: ", at).await;
    let text = p.transcript.text();
    assert!(
        text.contains("Username: alex\n"),
        "the pasted username was never echoed:\n{text}"
    );
    p.finish().await.unwrap();
}
