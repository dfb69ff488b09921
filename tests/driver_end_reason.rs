#![allow(clippy::unwrap_used, clippy::expect_used)]

//! The driver logs why a session ended: `quit` (the person), `signal`
//! (something stopped us), `hang_up` (the terminal went away). The operator
//! reads it in the trace log (journald under systemd). Headless: the real
//! driver loop, its log taken by a tracing layer on this test's thread.
//! Found by cargo-mutants (issue 19): deleting the `signal` or `hang_up`
//! arm of the driver's reason (both then said `quit`) passed every headless
//! test; only a tmux test under a journald stand-in saw `signal`, and
//! nothing saw `hang_up`.

#[path = "support/headless.rs"]
mod headless;
#[path = "support/kiosk_headless.rs"]
#[allow(dead_code)]
mod kiosk_headless;

use mfa_assist::provider::training::TrainingTenant;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// The `reason` of every "session ending" line the driver logs.
#[derive(Clone, Default)]
struct Endings(Arc<Mutex<Vec<String>>>);

#[derive(Default)]
struct Fields {
    message: String,
    reason: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "reason" {
            self.reason = value.to_string();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Endings {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "mfa_assist::driver" {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        if fields.message.starts_with("session ending") {
            self.0.lock().unwrap().push(fields.reason);
        }
    }
}

/// Runs one session on this thread (the test's current-thread runtime
/// runs the driver's task here too), ended by `end`; the reasons logged.
async fn ending(end: impl FnOnce(&headless::Harness)) -> Vec<String> {
    let endings = Endings::default();
    let _log =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(endings.clone()));
    let h = kiosk_headless::start_with(
        TrainingTenant::default_scenario().with_delay(Duration::ZERO),
        0,
        (100, 40),
    );
    h.wait_for("Recover your sign-in").await;
    end(&h);
    h.ended().await.unwrap();
    endings.0.lock().unwrap().clone()
}

#[tokio::test]
async fn the_person_quitting_is_logged_as_quit() {
    assert_eq!(ending(|h| h.ctrl('c')).await, ["quit"]);
}

#[tokio::test]
async fn a_session_ended_from_outside_is_logged_as_a_signal() {
    assert_eq!(
        ending(|h| {
            let _ = h.interrupts.unbounded_send(());
        })
        .await,
        ["signal"]
    );
}

#[tokio::test]
async fn the_terminal_going_away_is_logged_as_a_hang_up() {
    assert_eq!(ending(|h| h.keys.close_channel()).await, ["hang_up"]);
}
