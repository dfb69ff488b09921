//! The real kiosk app on the headless harness: a list the provider holds
//! (a 429 with `Retry-After`, as the throttle gate records it) says "the
//! service is busy; still trying" while it waits, then shows the list; no
//! error. The executor's side of `throttle::telling_holds`. Its own test
//! binary: the hold is on the process's gate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/headless.rs"]
mod headless;
#[allow(dead_code)]
#[path = "support/kiosk_headless.rs"]
mod kiosk_headless;

use crossterm::event::KeyCode;
use headless::Recorder;
use mfa_assist::app::{App, Look};
use mfa_assist::flow::Flow;
use mfa_assist::guide::Guide;
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::provider::{
    Approval, Capabilities, Enrollment, Method, MethodKind, Provider, Reply, Session,
};
use mfa_assist::secret::Secret;
use mfa_assist::throttle::{Signal, THROTTLED_BUDGET, ThrottleGate};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The training tenant, except that the first list is refused once with
/// `Retry-After: 3` and sent again after it, as the HTTP providers do.
struct Throttled {
    inner: TrainingTenant,
    refused: AtomicBool,
}

impl Provider for Throttled {
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session> {
        self.inner.sign_in(username, pass)
    }
    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        Box::pin(async move {
            if !self.refused.swap(true, Ordering::SeqCst) {
                let gate = ThrottleGate::process();
                gate.observe(&Signal {
                    throttled: true,
                    retry_after: Some(Duration::from_secs(3)),
                    ..Signal::default()
                });
                gate.wait_turn(THROTTLED_BUDGET).await;
            }
            self.inner.list_methods(session).await
        })
    }
    fn delete_method<'a>(&'a self, session: &'a Session, id: &'a str) -> Reply<'a, ()> {
        self.inner.delete_method(session, id)
    }
    fn set_default<'a>(&'a self, session: &'a Session, id: &'a str) -> Reply<'a, ()> {
        self.inner.set_default(session, id)
    }
    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment> {
        self.inner.begin_enrollment(session, kind)
    }
    fn check_code<'a>(&'a self, s: &'a Session, e: &'a str, code: &'a str) -> Reply<'a, bool> {
        self.inner.check_code(s, e, code)
    }
    fn request_approval<'a>(&'a self, s: &'a Session, e: &'a str) -> Reply<'a, Option<String>> {
        self.inner.request_approval(s, e)
    }
    fn poll_approval<'a>(&'a self, s: &'a Session, e: &'a str) -> Reply<'a, Approval> {
        self.inner.poll_approval(s, e)
    }
    fn cancel_enrollment<'a>(&'a self, s: &'a Session, e: &'a str) -> Reply<'a, ()> {
        self.inner.cancel_enrollment(s, e)
    }
    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()> {
        self.inner.sign_out(session)
    }
}

#[tokio::test]
async fn a_held_list_says_busy_still_trying_then_shows_the_list() {
    let provider: Arc<dyn Provider> = Arc::new(Throttled {
        inner: TrainingTenant::default_scenario().with_delay(Duration::ZERO),
        refused: AtomicBool::new(false),
    });
    let flow = Flow::new(kiosk_headless::settings(provider.as_ref(), 0));
    let app = App::new(flow, provider, Guide::built_in(), Look::default());
    let h = headless::start(app, (100, 40), Recorder::default());
    kiosk_headless::sign_in(&h, "alex", "Tap-Alex-4821").await;
    let busy = h.wait_for("still trying").await;
    assert!(busy.contains("The service is busy; still trying"), "{busy}");
    assert!(!busy.contains("Try again in"), "no error: {busy}");
    let listed = h.wait_for("iPhone 11").await;
    assert!(!listed.contains("still trying"), "{listed}");
    h.key(KeyCode::Char('q'));
    h.finish().await.unwrap();
}
