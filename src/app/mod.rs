//! The kiosk's executor: runs the flow's effects against the provider (the
//! pollers are in `pollers`) and draws the flow. The loop, the terminal and
//! the end of the session are the driver's (`crate::driver`).

mod pollers;

use crate::audit::Trail;
use crate::audit::kiosk::{KioskRecord, changes};
use crate::driver::{self, Calls, Cause, Cleanup, Executor, Held, Term, call};
use crate::flow::{self, Effect, EventKind, Flow, Op, ReqId};
use crate::guide::Guide;
use crate::kernel::Answer;
use crate::provider::{Provider, ProviderError, Session};
use crate::ui::{self, Branding, View, qr::QrMatrix, qr::QrStyle};
use pollers::{Polling, device_sign_in, poll_approval, watch_registration};
use ratatui::Frame;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
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

impl Held for Msg {
    fn held(req: ReqId, wait: Duration) -> Msg {
        Msg::Flow(EventKind::Held { req, wait })
    }
}

pub struct App {
    flow: Flow,
    provider: Arc<dyn Provider>,
    guide: Guide,
    look: Look,
    session: Option<Arc<Session>>,
    /// The QR of the current enrollment, encoded once (≈1 ms), drawn often.
    qr: Option<(String, QrMatrix)>,
    calls: Calls<Msg>,
    poller: Option<AbortHandle>,
    /// Tells the running registration watch that the person has scanned.
    hurry: Option<Arc<Notify>>,
    cleanup: Cleanup,
    /// The audit trail and the provider's name for its records.
    audit: Option<(Trail, String)>,
}

impl App {
    pub fn new(flow: Flow, provider: Arc<dyn Provider>, guide: Guide, look: Look) -> Self {
        App {
            flow,
            provider,
            guide,
            look,
            session: None,
            qr: None,
            calls: Calls::new(),
            poller: None,
            hurry: None,
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

    /// Keeps a new session only if the flow still waits for it; a sign-in
    /// the person walked away from is closed again at once, and never
    /// replaces the session of whoever is signed in now.
    fn adopt(&mut self, req: ReqId, session: Session) -> Option<EventKind> {
        if !self.flow.awaits(req, Op::SignIn) {
            let provider = Arc::clone(&self.provider);
            self.cleanup.push(async move {
                let _ = call("sign_out", provider.sign_out(&session)).await;
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
        let provider = Arc::clone(&self.provider);
        let session = self.session.clone();
        match effect {
            Effect::SignIn {
                req,
                username,
                pass,
            } => self.calls.spawn(req, async move {
                match call("sign_in", provider.sign_in(&username, &pass)).await {
                    Ok(session) => Msg::Session(req, session),
                    Err(e) => Msg::Flow(EventKind::SignedIn {
                        req,
                        answer: Err(e),
                    }),
                }
            }),
            Effect::BeginDeviceSignIn { req } => {
                let tx = self.calls.sender();
                self.calls.spawn_task(device_sign_in(provider, req, tx));
            }
            Effect::LoadMethods { req } => {
                let loaded = move |answer| EventKind::MethodsLoaded { req, answer };
                self.with_session(req, session, loaded, |s| async move {
                    call("list_methods", provider.list_methods(&s)).await
                });
            }
            Effect::DeleteMethod { req, method_id } => {
                let deleted = move |answer| EventKind::Deleted { req, answer };
                self.with_session(req, session, deleted, |s| async move {
                    call("delete_method", provider.delete_method(&s, &method_id)).await
                });
            }
            Effect::SetDefault { req, method_id } => {
                let set = move |answer| EventKind::DefaultSet { req, answer };
                self.with_session(req, session, set, |s| async move {
                    call("set_default", provider.set_default(&s, &method_id)).await
                });
            }
            Effect::BeginEnrollment { req, kind } => {
                let ready = move |answer| EventKind::EnrollmentReady { req, answer };
                self.with_session(req, session, ready, |s| async move {
                    call("begin_enrollment", provider.begin_enrollment(&s, kind)).await
                });
            }
            Effect::CheckCode {
                req,
                enrollment_id,
                code,
            } => {
                let checked = move |answer: Answer<(bool, Option<i64>)>| match answer {
                    Ok((false, Some(seconds))) => EventKind::CodeOffClock { req, seconds },
                    answer => EventKind::CodeChecked {
                        req,
                        answer: answer.map(|(right, _)| right),
                    },
                };
                self.with_session(req, session, checked, |s| async move {
                    let right =
                        call("check_code", provider.check_code(&s, &enrollment_id, &code)).await?;
                    // Asked only once the code is wrong: it explains, never accepts.
                    let drift = match right {
                        false => provider.clock_drift(&s, &enrollment_id, &code),
                        true => None,
                    };
                    Ok((right, drift))
                });
            }
            Effect::StartApproval {
                req,
                enrollment_id,
                every,
                timeout,
            } => {
                let expired = EventKind::ApprovalPolled {
                    req,
                    answer: Err(ProviderError::SessionExpired),
                };
                if let Some(p) = self.polling(req, enrollment_id, every, timeout, expired) {
                    self.poller = Some(tokio::spawn(poll_approval(p)).abort_handle());
                }
            }
            Effect::WatchRegistration {
                req,
                enrollment_id,
                every,
                timeout,
            } => {
                let expired = EventKind::RegistrationPolled {
                    req,
                    answer: Err(ProviderError::SessionExpired),
                };
                if let Some(p) = self.polling(req, enrollment_id, every, timeout, expired) {
                    let hurry = Arc::new(Notify::new());
                    let task = tokio::spawn(watch_registration(p, Arc::clone(&hurry)));
                    self.poller = Some(task.abort_handle());
                    self.hurry = Some(hurry);
                }
            }
            Effect::HurryPolling => {
                if let Some(hurry) = &self.hurry {
                    hurry.notify_one();
                }
            }
            Effect::StopPolling => self.stop_poller(),
            Effect::CancelEnrollment { enrollment_id } => {
                if let Some(s) = session {
                    let tx = self.calls.sender();
                    self.cleanup.push(async move {
                        let cancelled = call(
                            "cancel_enrollment",
                            provider.cancel_enrollment(&s, &enrollment_id),
                        );
                        if cancelled.await.is_err() {
                            let _ = tx.send(Msg::Flow(EventKind::CleanupFailed));
                        }
                    });
                }
            }
            Effect::SimulatePhone {
                enrollment_id,
                action,
            } => provider.simulate_phone(&enrollment_id, action),
            Effect::CancelRequests => self.calls.abort(),
            Effect::SignOut => {
                self.stop_poller();
                if let Some(s) = self.session.take() {
                    self.cleanup.push(async move {
                        let _ = call("sign_out", provider.sign_out(&s)).await;
                    });
                }
            }
            Effect::WipeScreen => return Some(Term::Wipe),
            Effect::Quit => return Some(Term::Quit),
        }
        None
    }

    /// Runs a call that needs the session; without one the flow hears
    /// "session expired" instead of the call silently vanishing. `event`
    /// turns the call's answer into what the flow hears.
    fn with_session<T, F, Fut>(
        &mut self,
        req: ReqId,
        session: Option<Arc<Session>>,
        event: impl FnOnce(Answer<T>) -> EventKind + Send + 'static,
        work: F,
    ) where
        F: FnOnce(Arc<Session>) -> Fut,
        Fut: Future<Output = Answer<T>> + Send + 'static,
    {
        match session {
            Some(session) => {
                let answer = work(session);
                self.calls
                    .spawn(req, async move { Msg::Flow(event(answer.await)) });
            }
            None => self
                .calls
                .send(Msg::Flow(event(Err(ProviderError::SessionExpired)))),
        }
    }

    /// Ends the poller that runs (there is one at most) and readies the
    /// next; without a session the flow hears `expired` instead.
    fn polling(
        &mut self,
        req: ReqId,
        enrollment_id: String,
        every: Duration,
        timeout: Duration,
        expired: EventKind,
    ) -> Option<Polling> {
        self.stop_poller();
        let Some(session) = self.session.clone() else {
            self.calls.send(Msg::Flow(expired));
            return None;
        };
        Some(Polling {
            provider: Arc::clone(&self.provider),
            session,
            enrollment_id,
            req,
            every,
            timeout,
            tx: self.calls.sender(),
        })
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
        self.calls.abort();
    }
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
        self.calls.inbox()
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
        self.calls.abort();
    }

    fn cleanup(&mut self) -> &mut Cleanup {
        &mut self.cleanup
    }
}
