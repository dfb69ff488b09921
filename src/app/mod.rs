//! The kiosk's executor: holds the flow and what its effects need (the
//! provider, the session, the QR, the audit trail) and draws the flow. The
//! effects are run in `effects`, the long-running ones in `pollers`; the
//! loop, the terminal and the end of the session are the driver's.

mod effects;
mod pollers;

use crate::audit::Trail;
use crate::audit::kiosk::{KioskRecord, changes};
use crate::driver::{self, Calls, Cause, Cleanup, Executor, Held, Term, call};
use crate::flow::{self, Effect, EventKind, Flow, Op, ReqId};
use crate::guide::Guide;
use crate::provider::{Provider, Session};
use crate::ui::{self, Branding, View, qr::QrMatrix, qr::QrStyle};
use ratatui::Frame;
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
