//! The real kiosk app (`App` with the training tenant) on the headless
//! harness of `headless.rs`: what every kiosk headless test starts from.

use super::headless::{self, Harness, Recorder};
use crossterm::event::KeyCode;
use mfa_assist::app::{App, Look};
use mfa_assist::flow::{Flow, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::provider::Provider;
use mfa_assist::provider::training::TrainingTenant;
use std::sync::Arc;

pub fn settings(provider: &dyn Provider, idle_ms: u64) -> Settings {
    Settings {
        languages: vec!["en".into(), "sv".into(), "fi".into()],
        kiosk: false,
        idle_timeout_ms: idle_ms,
        done_countdown_ms: 2_000,
        capabilities: provider.capabilities(),
    }
}

pub fn start_with(tenant: TrainingTenant, idle_ms: u64, size: (u16, u16)) -> Harness {
    let provider: Arc<dyn Provider> = Arc::new(tenant);
    let flow = Flow::new(settings(provider.as_ref(), idle_ms));
    let app = App::new(flow, provider, Guide::built_in(), Look::default());
    headless::start(app, size, Recorder::default())
}

pub async fn sign_in(h: &Harness, user: &str, pass: &str) {
    h.key(KeyCode::Enter);
    h.wait_for("Username").await;
    h.text(user);
    h.key(KeyCode::Enter);
    h.text(pass);
    h.key(KeyCode::Enter);
}

/// The number the approval screen shows for number matching (issue 16
/// item 1), read off the screen once the notification is out.
pub async fn shown_number(h: &Harness) -> String {
    let screen = h.wait_for("Type this number into the app:").await;
    let line = screen
        .lines()
        .find(|l| l.contains("Type this number into the app:"))
        .unwrap_or_default();
    let after = line
        .split("Type this number into the app:")
        .nth(1)
        .unwrap_or_default();
    let number: String = after
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(
        !number.is_empty(),
        "no number on the approval screen:\n{screen}"
    );
    number
}

/// Types the shown number into the training phone and approves.
pub async fn approve_with_shown_number(h: &Harness) {
    let number = shown_number(h).await;
    h.text(&number);
    h.key(crossterm::event::KeyCode::Char('a'));
}
