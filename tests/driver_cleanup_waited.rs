//! The end of a session waits for its clean-up (the session closed, the
//! unfinished method deleted) before the run returns and the process exits:
//! a task merely spawned would die with the runtime. Within a bound: a
//! clean-up that hangs holds the exit at most `CLEANUP_BOUND` (3 s).
//! Headless: the real kiosk app and driver, with a provider whose sign-out
//! takes its time.
//!
//! Found by cargo-mutants (issue 19): the kiosk handing the driver a fresh,
//! empty clean-up queue (`App::cleanup`) passed every headless test, since
//! the test runtime outlives the run and the sign-out finished anyway.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/headless.rs"]
mod headless;
#[allow(dead_code)]
#[path = "support/kiosk_headless.rs"]
mod kiosk_headless;

use headless::Recorder;
use mfa_assist::app::{App, Look};
use mfa_assist::driver::CLEANUP_BOUND;
use mfa_assist::flow::Flow;
use mfa_assist::guide::Guide;
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::provider::{
    Approval, Capabilities, Enrollment, Method, MethodKind, Provider, Reply, Session,
};
use mfa_assist::secret::Secret;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The training tenant, except that signing out takes `sign_out_takes`
/// (`None`: for ever) and is recorded when done.
struct SlowSignOut {
    inner: TrainingTenant,
    sign_out_takes: Option<Duration>,
    signed_out: Arc<AtomicBool>,
}

impl Provider for SlowSignOut {
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session> {
        self.inner.sign_in(username, pass)
    }
    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        self.inner.list_methods(session)
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
        Box::pin(async move {
            match self.sign_out_takes {
                Some(takes) => tokio::time::sleep(takes).await,
                None => std::future::pending().await,
            }
            let answer = self.inner.sign_out(session).await;
            self.signed_out.store(true, Ordering::SeqCst);
            answer
        })
    }
}

/// Signs in, then ends the session from outside; how long the run took to
/// return after that, and whether the sign-out had finished by then.
async fn signed_in_then_ended(sign_out_takes: Option<Duration>) -> (Duration, bool) {
    let signed_out = Arc::new(AtomicBool::new(false));
    let provider: Arc<dyn Provider> = Arc::new(SlowSignOut {
        inner: TrainingTenant::default_scenario().with_delay(Duration::ZERO),
        sign_out_takes,
        signed_out: Arc::clone(&signed_out),
    });
    let flow = Flow::new(kiosk_headless::settings(provider.as_ref(), 0));
    let app = App::new(flow, provider, Guide::built_in(), Look::default());
    let h = headless::start(app, (100, 40), Recorder::default());
    kiosk_headless::sign_in(&h, "alex", "Tap-Alex-4821").await;
    h.wait_for("iPhone 11").await;
    let ended_at = Instant::now();
    let _ = h.interrupts.unbounded_send(());
    tokio::time::timeout(Duration::from_secs(10), h.done)
        .await
        .expect("the run returns")
        .unwrap()
        .unwrap();
    (ended_at.elapsed(), signed_out.load(Ordering::SeqCst))
}

#[tokio::test]
async fn the_run_returns_only_after_the_sign_out_has_finished() {
    let (took, signed_out) = signed_in_then_ended(Some(Duration::from_millis(500))).await;
    assert!(
        signed_out,
        "the run returned after {took:?}, before the sign-out"
    );
    assert!(took >= Duration::from_millis(500), "{took:?}");
}

#[tokio::test]
async fn a_sign_out_that_hangs_holds_the_end_only_for_the_bound() {
    let (took, signed_out) = signed_in_then_ended(None).await;
    assert!(!signed_out);
    assert_eq!(CLEANUP_BOUND, Duration::from_secs(3), "as documented");
    assert!(took >= CLEANUP_BOUND, "{took:?}");
    assert!(took < CLEANUP_BOUND + Duration::from_secs(2), "{took:?}");
}
