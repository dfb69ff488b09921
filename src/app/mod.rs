//! The kiosk's executor: runs the flow's effects against the provider (the
//! pollers are in `pollers`) and draws the flow. The loop, the terminal and
//! the end of the session are the driver's (`crate::driver`).

mod pollers;

use crate::audit::Trail;
use crate::audit::kiosk::{KioskRecord, changes};
use crate::driver::{self, Cause, Cleanup, Executor, Screen, Term, bounded};
use crate::flow::{self, Effect, EventKind, Flow, Op, ReqId};
use crate::guide::Guide;
use crate::provider::{Provider, ProviderError, Session};
use crate::ui::{self, Branding, View, qr::QrMatrix, qr::QrStyle};
use futures::Stream;
use pollers::{device_sign_in, poll_approval, watch_registration};
use ratatui::backend::Backend;
use ratatui::{Frame, Terminal};
use std::future::Future;
use std::io;
use std::sync::Arc;
use tokio::sync::{Notify, mpsc};
use tokio::task::AbortHandle;

/// How the screen looks, fixed for the run.
#[derive(Clone, Debug, Default)]
pub struct Look {
    /// The organisation's texts in the default language.
    pub branding: Branding,
    /// The same per language (`(code, texts)`), where the config gives them
    /// or falls back; a language not listed gets `branding`.
    pub translated: Vec<(String, Branding)>,
    pub qr_style: QrStyle,
    pub qr_invert: bool,
}

impl Look {
    pub fn for_language(&self, lang: &str) -> &Branding {
        self.translated
            .iter()
            .find(|(code, _)| code == lang)
            .map_or(&self.branding, |(_, b)| b)
    }
}

/// What background tasks send back.
pub enum Msg {
    Flow(EventKind),
    /// A sign-in succeeded: the session goes to the driver, the account to the flow.
    Session(ReqId, Session),
}

pub struct App {
    flow: Flow,
    provider: Arc<dyn Provider>,
    guide: Guide,
    look: Look,
    session: Option<Arc<Session>>,
    /// The QR of the current enrollment, encoded once (≈1 ms), drawn often.
    qr: Option<(String, QrMatrix)>,
    requests: Vec<AbortHandle>,
    poller: Option<AbortHandle>,
    /// Tells the running registration watch that the person has scanned.
    hurry: Option<Arc<Notify>>,
    tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
    cleanup: Cleanup,
    /// The audit trail and the provider's name for its records.
    audit: Option<(Trail, String)>,
}

impl App {
    pub fn new(flow: Flow, provider: Arc<dyn Provider>, guide: Guide, look: Look) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        App {
            flow,
            provider,
            guide,
            look,
            session: None,
            qr: None,
            requests: Vec::new(),
            poller: None,
            hurry: None,
            tx,
            rx,
            cleanup: Cleanup::new(),
            audit: None,
        }
    }

    /// Records sign-ins, deletes, additions and sign-outs to `trail`.
    pub fn with_audit(mut self, trail: Trail, provider_name: &str) -> Self {
        self.audit = Some((trail, provider_name.to_string()));
        self
    }

    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    /// Runs until the flow asks to quit or the session is ended from
    /// outside (`enders`, or the input ending), then finishes the clean-up.
    pub async fn run<B, S, E>(
        mut self,
        terminal: &mut Terminal<B>,
        screen: &mut dyn Screen,
        input: S,
        enders: E,
    ) -> io::Result<()>
    where
        B: Backend + Send,
        B::Error: std::error::Error + Send + Sync + 'static,
        S: Stream<Item = io::Result<crossterm::event::Event>> + Unpin,
        E: Stream<Item = ()> + Unpin,
    {
        driver::run(&mut self, terminal, screen, input, enders).await
    }

    /// Keeps a new session only if the flow still waits for it; a sign-in
    /// the person walked away from is closed again at once, and never
    /// replaces the session of whoever is signed in now.
    fn adopt(&mut self, req: ReqId, session: Session) -> Option<EventKind> {
        if !self.flow.awaits(req, Op::SignIn) {
            let provider = Arc::clone(&self.provider);
            self.cleanup.push(async move {
                let _ = crate::oplog::call("sign_out", bounded(provider.sign_out(&session))).await;
            });
            return None;
        }
        let account = session.account.clone();
        self.session = Some(Arc::new(session));
        Some(EventKind::SignedIn {
            req,
            answer: Ok(account),
        })
    }

    fn view(&self) -> View<'_> {
        View {
            flow: &self.flow,
            guide: &self.guide,
            branding: self.look.for_language(self.flow.language()),
            qr: self.qr.as_ref().map(|(_, m)| m),
            qr_style: self.look.qr_style,
            qr_invert: self.look.qr_invert,
        }
    }

    /// Encode the QR once when an enrollment (or a device-code sign-in
    /// page) appears; forget it when it goes.
    fn sync_qr(&mut self) {
        if let flow::Screen::DeviceSignIn { code: Some(code) } = &self.flow.screen {
            let key = format!("device:{}", code.verification_uri);
            if self.qr.as_ref().is_none_or(|(k, _)| *k != key) {
                self.qr = QrMatrix::encode(&code.verification_uri)
                    .ok()
                    .map(|m| (key, m));
            }
            return;
        }
        match &self.flow.enrollment {
            None => self.qr = None,
            Some(e) if self.qr.as_ref().is_some_and(|(id, _)| *id == e.id) => {}
            Some(e) => {
                self.qr = QrMatrix::encode(e.qr_payload.expose())
                    .ok()
                    .map(|m| (e.id.clone(), m));
            }
        }
    }

    fn run_effect(&mut self, effect: Effect) -> Option<Term> {
        self.requests.retain(|h| !h.is_finished());
        let provider = Arc::clone(&self.provider);
        let session = self.session.clone();
        match effect {
            Effect::SignIn {
                req,
                username,
                pass,
            } => {
                let tx = self.tx.clone();
                self.spawn_request(async move {
                    let signed_in = telling(
                        Some(req),
                        &tx,
                        crate::oplog::call("sign_in", bounded(provider.sign_in(&username, &pass))),
                    );
                    let msg = match signed_in.await {
                        Ok(session) => Msg::Session(req, session),
                        Err(e) => Msg::Flow(EventKind::SignedIn {
                            req,
                            answer: Err(e),
                        }),
                    };
                    let _ = tx.send(msg);
                });
            }
            Effect::BeginDeviceSignIn { req } => {
                let tx = self.tx.clone();
                self.spawn_request(device_sign_in(provider, req, tx));
            }
            Effect::LoadMethods { req } => self.with_session(
                session,
                EventKind::MethodsLoaded {
                    req,
                    answer: Err(ProviderError::SessionExpired),
                },
                move |s| async move {
                    let answer =
                        crate::oplog::call("list_methods", bounded(provider.list_methods(&s)))
                            .await;
                    EventKind::MethodsLoaded { req, answer }
                },
            ),
            Effect::DeleteMethod { req, method_id } => self.with_session(
                session,
                EventKind::Deleted {
                    req,
                    answer: Err(ProviderError::SessionExpired),
                },
                move |s| async move {
                    let answer = crate::oplog::call(
                        "delete_method",
                        bounded(provider.delete_method(&s, &method_id)),
                    )
                    .await;
                    EventKind::Deleted { req, answer }
                },
            ),
            Effect::SetDefault { req, method_id } => self.with_session(
                session,
                EventKind::DefaultSet {
                    req,
                    answer: Err(ProviderError::SessionExpired),
                },
                move |s| async move {
                    let answer = crate::oplog::call(
                        "set_default",
                        bounded(provider.set_default(&s, &method_id)),
                    )
                    .await;
                    EventKind::DefaultSet { req, answer }
                },
            ),
            Effect::BeginEnrollment { req, kind } => self.with_session(
                session,
                EventKind::EnrollmentReady {
                    req,
                    answer: Err(ProviderError::SessionExpired),
                },
                move |s| async move {
                    let answer = crate::oplog::call(
                        "begin_enrollment",
                        bounded(provider.begin_enrollment(&s, kind)),
                    )
                    .await;
                    EventKind::EnrollmentReady { req, answer }
                },
            ),
            Effect::CheckCode {
                req,
                enrollment_id,
                code,
            } => self.with_session(
                session,
                EventKind::CodeChecked {
                    req,
                    answer: Err(ProviderError::SessionExpired),
                },
                move |s| async move {
                    let answer = crate::oplog::call(
                        "check_code",
                        bounded(provider.check_code(&s, &enrollment_id, &code)),
                    )
                    .await;
                    // Asked only once the code is wrong: it explains, never accepts.
                    if let Ok(false) = answer
                        && let Some(seconds) = provider.clock_drift(&s, &enrollment_id, &code)
                    {
                        return EventKind::CodeOffClock { req, seconds };
                    }
                    EventKind::CodeChecked { req, answer }
                },
            ),
            Effect::StartApproval {
                req,
                enrollment_id,
                every,
                timeout,
            } => {
                self.stop_poller();
                let tx = self.tx.clone();
                let Some(s) = session else {
                    let _ = tx.send(no_session(req));
                    return None;
                };
                let task = tokio::spawn(poll_approval(
                    provider,
                    s,
                    enrollment_id,
                    req,
                    every,
                    timeout,
                    tx,
                ));
                self.poller = Some(task.abort_handle());
            }
            Effect::WatchRegistration {
                req,
                enrollment_id,
                every,
                timeout,
            } => {
                self.stop_poller();
                let tx = self.tx.clone();
                let Some(s) = session else {
                    let _ = tx.send(Msg::Flow(EventKind::RegistrationPolled {
                        req,
                        answer: Err(ProviderError::SessionExpired),
                    }));
                    return None;
                };
                let hurry = Arc::new(Notify::new());
                let task = tokio::spawn(watch_registration(
                    provider,
                    s,
                    enrollment_id,
                    req,
                    every,
                    timeout,
                    Arc::clone(&hurry),
                    tx,
                ));
                self.poller = Some(task.abort_handle());
                self.hurry = Some(hurry);
            }
            Effect::HurryPolling => {
                if let Some(hurry) = &self.hurry {
                    hurry.notify_one();
                }
            }
            Effect::StopPolling => self.stop_poller(),
            Effect::CancelEnrollment { enrollment_id } => {
                if let Some(s) = session {
                    let tx = self.tx.clone();
                    self.cleanup.push(async move {
                        if crate::oplog::call(
                            "cancel_enrollment",
                            bounded(provider.cancel_enrollment(&s, &enrollment_id)),
                        )
                        .await
                        .is_err()
                        {
                            let _ = tx.send(Msg::Flow(EventKind::CleanupFailed));
                        }
                    });
                }
            }
            Effect::SimulatePhone {
                enrollment_id,
                action,
            } => provider.simulate_phone(&enrollment_id, action),
            Effect::CancelRequests => {
                for h in self.requests.drain(..) {
                    h.abort();
                }
            }
            Effect::SignOut => {
                self.stop_poller();
                if let Some(s) = self.session.take() {
                    self.cleanup.push(async move {
                        let _ =
                            crate::oplog::call("sign_out", bounded(provider.sign_out(&s))).await;
                    });
                }
            }
            Effect::WipeScreen => return Some(Term::Wipe),
            Effect::Quit => return Some(Term::Quit),
        }
        None
    }

    fn spawn_request(&mut self, work: impl Future<Output = ()> + Send + 'static) {
        self.requests.push(tokio::spawn(work).abort_handle());
    }

    /// Runs a request that needs the session; without one the flow hears
    /// "session expired" instead of the request silently vanishing.
    fn with_session<F, Fut>(&mut self, session: Option<Arc<Session>>, without: EventKind, work: F)
    where
        F: FnOnce(Arc<Session>) -> Fut + Send + 'static,
        Fut: Future<Output = EventKind> + Send + 'static,
    {
        let tx = self.tx.clone();
        let Some(session) = session else {
            let _ = tx.send(Msg::Flow(without));
            return;
        };
        let req = request_of(&without);
        self.spawn_request(async move {
            let answer = telling(req, &tx, work(session)).await;
            let _ = tx.send(Msg::Flow(answer));
        });
    }

    fn stop_poller(&mut self) {
        self.hurry = None;
        if let Some(h) = self.poller.take() {
            h.abort();
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.stop_poller();
        for h in self.requests.drain(..) {
            h.abort();
        }
    }
}

/// Runs a call the person waits for; while the provider holds it (its
/// `Retry-After`), the flow hears `Held` and says "busy, still trying".
async fn telling<T>(
    req: Option<ReqId>,
    tx: &mpsc::UnboundedSender<Msg>,
    work: impl Future<Output = T>,
) -> T {
    let Some(req) = req else {
        return work.await;
    };
    crate::throttle::telling_holds(&crate::throttle::ThrottleGate::process(), work, |wait| {
        let _ = tx.send(Msg::Flow(EventKind::Held { req, wait }));
    })
    .await
}

/// The request an answer belongs to.
fn request_of(event: &EventKind) -> Option<ReqId> {
    match event {
        EventKind::SignedIn { req, .. }
        | EventKind::MethodsLoaded { req, .. }
        | EventKind::Deleted { req, .. }
        | EventKind::DefaultSet { req, .. }
        | EventKind::EnrollmentReady { req, .. }
        | EventKind::CodeChecked { req, .. } => Some(*req),
        _ => None,
    }
}

fn no_session(req: ReqId) -> Msg {
    Msg::Flow(EventKind::ApprovalPolled {
        req,
        answer: Err(ProviderError::SessionExpired),
    })
}

impl Executor for App {
    type Machine = Flow;
    type Msg = Msg;

    fn machine(&self) -> &Flow {
        &self.flow
    }

    fn machine_mut(&mut self) -> &mut Flow {
        &mut self.flow
    }

    fn messages(&mut self) -> &mut mpsc::UnboundedReceiver<Msg> {
        &mut self.rx
    }

    fn receive(&mut self, msg: Msg) -> Option<EventKind> {
        match msg {
            Msg::Flow(kind) => Some(kind),
            Msg::Session(req, session) => self.adopt(req, session),
        }
    }

    fn execute(&mut self, effect: Effect) -> Option<Term> {
        self.run_effect(effect)
    }

    fn settle(&mut self) {
        self.sync_qr();
    }

    fn stepped(&mut self, before: &Flow, cause: Cause) {
        let Some((trail, provider)) = &self.audit else {
            return;
        };
        for (user, event) in changes(before, &self.flow, cause) {
            trail.record(&KioskRecord {
                ts: crate::timefmt::rfc3339(std::time::SystemTime::now()),
                mode: "kiosk",
                provider,
                user: &user,
                event: &event,
            });
        }
    }

    fn draw(&self, frame: &mut Frame) {
        ui::draw(frame, &self.view());
    }

    fn page(&self) -> driver::Page {
        ui::plain::page(&self.view())
    }

    fn stop(&mut self) {
        self.stop_poller();
        for h in self.requests.drain(..) {
            h.abort();
        }
    }

    fn cleanup(&mut self) -> &mut Cleanup {
        &mut self.cleanup
    }
}
