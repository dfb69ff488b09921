//! The driver: waits on the terminal, provider answers and the flow's next
//! timer; feeds each to `flow::update`; runs the effects it returns; redraws
//! when something changed. Nothing here decides what the person sees next.

use crate::flow::{self, Effect, Event, EventKind, Flow, Millis, Op, ReqId};
use crate::guide::Guide;
use crate::input::{self, Input};
use crate::provider::{Approval, DevicePoll, Provider, ProviderError, Session};
use crate::ui::{self, Branding, View, qr::QrMatrix, qr::QrStyle};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use tokio::time::{Instant, MissedTickBehavior};

/// No provider call may hang the screen longer than this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How the screen looks, fixed for the run.
#[derive(Clone, Debug, Default)]
pub struct Look {
    pub branding: Branding,
    pub qr_style: QrStyle,
    pub qr_invert: bool,
}

/// What background tasks send back.
enum Msg {
    Flow(EventKind),
    /// A sign-in succeeded: the session goes to the driver, the account to the flow.
    Session(ReqId, Session),
}

/// Terminal-specific work the driver cannot do through ratatui alone.
pub trait Screen: Send {
    /// Clear the scrollback too, so nothing of this person survives above the screen.
    fn wipe_scrollback(&mut self) -> io::Result<()>;

    /// Offer text to the terminal's clipboard (OSC 52).
    fn copy(&mut self, _text: &str) -> io::Result<()> {
        Ok(())
    }
}

/// Headless runs (tests) have no scrollback.
pub struct NoScrollback;

impl Screen for NoScrollback {
    fn wipe_scrollback(&mut self) -> io::Result<()> {
        Ok(())
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
    requests: Vec<AbortHandle>,
    poller: Option<AbortHandle>,
    tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
    started: Instant,
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
            tx,
            rx,
            started: Instant::now(),
        }
    }

    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    fn now(&self) -> Millis {
        Millis(u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// Runs until the flow asks to quit or the input ends.
    pub async fn run<B, S, E>(
        mut self,
        terminal: &mut Terminal<B>,
        screen: &mut dyn Screen,
        mut input: S,
        mut interrupts: E,
    ) -> io::Result<()>
    where
        B: Backend,
        B::Error: std::error::Error + Send + Sync + 'static,
        S: Stream<Item = io::Result<crossterm::event::Event>> + Unpin,
        E: Stream<Item = ()> + Unpin,
    {
        let mut dirty = true;
        loop {
            if dirty {
                self.draw(terminal)?;
                dirty = false;
            }
            let wake = self
                .flow
                .next_wakeup()
                .map(|t| self.started + Duration::from_millis(t.0));
            let kind = tokio::select! {
                event = input.next() => match event {
                    None => return Ok(()),
                    Some(Err(e)) => return Err(e),
                    Some(Ok(event)) => match input::translate(event) {
                        Input::Flow(kind) => Some(kind),
                        Input::Redraw => { dirty = true; None }
                        Input::Ignore => None,
                    },
                },
                Some(msg) = self.rx.recv() => match msg {
                    Msg::Flow(kind) => Some(kind),
                    Msg::Session(req, session) => self.adopt(req, session),
                },
                Some(()) = interrupts.next() => Some(EventKind::Interrupt),
                () = sleep_until(wake), if wake.is_some() => Some(EventKind::Tick),
            };
            let Some(kind) = kind else { continue };
            let event = Event::new(self.now(), kind);
            let before = self.flow.clone();
            let effects = flow::update(&mut self.flow, event);
            dirty |= self.flow != before;
            for effect in effects {
                match effect {
                    Effect::Quit => {
                        self.draw(terminal)?;
                        return Ok(());
                    }
                    Effect::WipeScreen => {
                        // Not `Terminal::clear`: it asks the terminal for the
                        // cursor position, and while the input stream is reading
                        // that answer never arrives (a 2 s error). Clear the
                        // screen, then draw an empty frame so ratatui's idea of
                        // the screen is empty too.
                        let other = |e: B::Error| io::Error::other(e.to_string());
                        terminal.backend_mut().clear().map_err(other)?;
                        terminal.draw(|_| {}).map_err(other)?;
                        screen.wipe_scrollback()?;
                        dirty = true;
                    }
                    other => self.run_effect(other),
                }
            }
            self.sync_qr();
        }
    }

    /// Keeps a new session only if the flow still waits for it; a sign-in
    /// the person walked away from is closed again at once, and never
    /// replaces the session of whoever is signed in now.
    fn adopt(&mut self, req: ReqId, session: Session) -> Option<EventKind> {
        if !self.flow.awaits(req, Op::SignIn) {
            let provider = Arc::clone(&self.provider);
            tokio::spawn(async move {
                let _ = bounded(provider.sign_out(&session)).await;
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

    fn draw<B>(&self, terminal: &mut Terminal<B>) -> io::Result<()>
    where
        B: Backend,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let view = View {
            flow: &self.flow,
            guide: &self.guide,
            branding: &self.look.branding,
            qr: self.qr.as_ref().map(|(_, m)| m),
            qr_style: self.look.qr_style,
            qr_invert: self.look.qr_invert,
        };
        terminal
            .draw(|frame| ui::draw(frame, &view))
            .map(|_| ())
            .map_err(|e| io::Error::other(e.to_string()))
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

    fn run_effect(&mut self, effect: Effect) {
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
                    let msg = match bounded(provider.sign_in(&username, &pass)).await {
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
                    let answer = bounded(provider.list_methods(&s)).await;
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
                    let answer = bounded(provider.delete_method(&s, &method_id)).await;
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
                    let answer = bounded(provider.set_default(&s, &method_id)).await;
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
                    let answer = bounded(provider.begin_enrollment(&s, kind)).await;
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
                    let answer = bounded(provider.check_code(&s, &enrollment_id, &code)).await;
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
                    return;
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
                    return;
                };
                let task = tokio::spawn(watch_registration(
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
            Effect::StopPolling => self.stop_poller(),
            Effect::CancelEnrollment { enrollment_id } => {
                if let Some(s) = session {
                    tokio::spawn(async move {
                        let _ = bounded(provider.cancel_enrollment(&s, &enrollment_id)).await;
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
                    tokio::spawn(async move {
                        let _ = bounded(provider.sign_out(&s)).await;
                    });
                }
            }
            Effect::WipeScreen | Effect::Quit => {}
        }
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
        self.spawn_request(async move {
            let _ = tx.send(Msg::Flow(work(session).await));
        });
    }

    fn stop_poller(&mut self) {
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

fn no_session(req: ReqId) -> Msg {
    Msg::Flow(EventKind::ApprovalPolled {
        req,
        answer: Err(ProviderError::SessionExpired),
    })
}

/// A provider call that gives up after `REQUEST_TIMEOUT`.
pub(crate) async fn bounded<T>(
    call: impl Future<Output = Result<T, ProviderError>>,
) -> Result<T, ProviderError> {
    tokio::time::timeout(REQUEST_TIMEOUT, call)
        .await
        .unwrap_or(Err(ProviderError::Timeout))
}

pub(crate) async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Sends the notification, then polls until it is answered or the deadline
/// passes. `Delay` keeps a stalled laptop from firing a burst of polls.
async fn poll_approval(
    provider: Arc<dyn Provider>,
    session: Arc<Session>,
    enrollment_id: String,
    req: ReqId,
    every: Duration,
    timeout: Duration,
    tx: mpsc::UnboundedSender<Msg>,
) {
    // Ok while the app still listens; a closed channel ends the poller.
    let send = |answer| {
        tx.send(Msg::Flow(EventKind::ApprovalPolled { req, answer }))
            .is_ok()
    };
    let deadline = Instant::now() + timeout;
    // Sending is retried like polling: a network blip must not end the test.
    loop {
        match bounded(provider.request_approval(&session, &enrollment_id)).await {
            Ok(()) => break,
            Err(e) if e.is_transient() && Instant::now() + every < deadline => {
                if !send(Err(e)) {
                    return;
                }
                tokio::time::sleep(every).await;
            }
            Err(e) => {
                send(Err(e));
                return;
            }
        }
    }
    // Sent: the flow moves from "sending" to "waiting".
    if !send(Ok(Approval::Pending)) {
        return;
    }
    let finished = poll_until(
        deadline,
        every,
        || provider.poll_approval(&session, &enrollment_id),
        |a| *a != Approval::Pending,
        send,
    )
    .await;
    if !finished {
        send(Ok(Approval::Expired));
    }
}

/// Calls `poll` every `every` until `done` says the answer is final, an
/// error is not worth retrying, the flow stops listening, or `deadline`
/// passes (then returns false). `Delay` keeps a stalled laptop from firing
/// a burst of polls; a 429's Retry-After is waited out on top.
async fn poll_until<'a, T, P, F>(
    deadline: Instant,
    every: Duration,
    poll: P,
    done: impl Fn(&T) -> bool,
    send: impl Fn(Result<T, ProviderError>) -> bool,
) -> bool
where
    P: Fn() -> F,
    F: Future<Output = Result<T, ProviderError>> + 'a,
{
    let mut interval = tokio::time::interval(every.max(Duration::from_millis(200)));
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            () = tokio::time::sleep_until(deadline) => return false,
        }
        let answer = bounded(poll()).await;
        let finished = match &answer {
            Ok(value) => done(value),
            Err(e) => !e.is_transient(),
        };
        if let Err(ProviderError::RateLimited {
            retry_after: Some(wait),
        }) = &answer
        {
            let left = deadline.saturating_duration_since(Instant::now());
            tokio::time::sleep((*wait).min(left)).await;
        }
        if !send(answer) || finished {
            return true;
        }
    }
}

/// Asks every `every` whether the phone has registered the new method,
/// until it has, a final error, or `timeout` (the flow keeps its own
/// deadline too).
async fn watch_registration(
    provider: Arc<dyn Provider>,
    session: Arc<Session>,
    enrollment_id: String,
    req: ReqId,
    every: Duration,
    timeout: Duration,
    tx: mpsc::UnboundedSender<Msg>,
) {
    poll_until(
        Instant::now() + timeout,
        every,
        || provider.poll_registration(&session, &enrollment_id),
        |registered| *registered,
        |answer| {
            tx.send(Msg::Flow(EventKind::RegistrationPolled { req, answer }))
                .is_ok()
        },
    )
    .await;
}

/// Device-code sign-in: fetch the codes, hand the flow what it shows, then
/// poll the token endpoint at the server's pace until the person has signed
/// in on their phone (or a final error). The flow's deadline, `Esc` and
/// sign-out end it by aborting this task.
async fn device_sign_in(provider: Arc<dyn Provider>, req: ReqId, tx: mpsc::UnboundedSender<Msg>) {
    let fail = |error| {
        let _ = tx.send(Msg::Flow(EventKind::SignedIn {
            req,
            answer: Err(error),
        }));
    };
    let code = match bounded(provider.begin_device_sign_in()).await {
        Ok(code) => code,
        Err(error) => {
            let _ = tx.send(Msg::Flow(EventKind::DeviceCodeIssued {
                req,
                answer: Err(error),
            }));
            return;
        }
    };
    let info = flow::DeviceCodeInfo {
        user_code: code.user_code.clone(),
        verification_uri: code.verification_uri.clone(),
        expires_in: code.expires_in,
    };
    if tx
        .send(Msg::Flow(EventKind::DeviceCodeIssued {
            req,
            answer: Ok(info),
        }))
        .is_err()
    {
        return;
    }
    let mut interval = code.interval.max(Duration::from_secs(1));
    loop {
        tokio::time::sleep(interval).await;
        match bounded(provider.poll_device_sign_in(&code)).await {
            Ok(DevicePoll::Pending) => {}
            Ok(DevicePoll::SlowDown(more)) => interval += more,
            Ok(DevicePoll::Done(session)) => {
                let _ = tx.send(Msg::Session(req, session));
                return;
            }
            // A blip (or a 429) costs one interval, not the sign-in.
            Err(ProviderError::RateLimited {
                retry_after: Some(wait),
            }) => tokio::time::sleep(wait.min(Duration::from_secs(60))).await,
            Err(e) if e.is_transient() => {}
            Err(e) => return fail(e),
        }
    }
}
