//! The helpdesk driver: waits on the terminal, the provider's answers and
//! the desk's next timer; feeds each to `helpdesk::update`; runs the
//! effects; redraws when something changed. Nothing here decides.

use crate::app::{Screen, bounded, sleep_until};
use crate::audit::{Record, Records};
use crate::flow::{EventKind, Millis, ReqId};
use crate::guide::Guide;
use crate::helpdesk::{self, Desk, DeskEffect, DeskEvent, DeskEventKind, timestamp};
use crate::input::{self, Input};
use crate::provider::admin::{Admin, Caller};
use crate::ui::Branding;
use crate::ui::desk::{self as view, DeskView};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use tokio::time::Instant;

pub struct DeskApp {
    desk: Desk,
    admin: Arc<dyn Admin>,
    guide: Guide,
    branding: Branding,
    records: Option<Records>,
    watcher: Option<AbortHandle>,
    tx: mpsc::UnboundedSender<DeskEventKind>,
    rx: mpsc::UnboundedReceiver<DeskEventKind>,
    started: Instant,
}

impl DeskApp {
    pub fn new(desk: Desk, admin: Arc<dyn Admin>, guide: Guide, branding: Branding) -> DeskApp {
        let (tx, rx) = mpsc::unbounded_channel();
        DeskApp {
            desk,
            admin,
            guide,
            branding,
            records: None,
            watcher: None,
            tx,
            rx,
            started: Instant::now(),
        }
    }

    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    /// Where the audit log and case summaries go. A failed write reaches
    /// the agent as a notice.
    pub fn open_records(
        &mut self,
        audit_log: &std::path::Path,
        case_dir: &std::path::Path,
    ) -> Result<(), String> {
        let tx = self.tx.clone();
        self.records = Some(Records::open(audit_log, case_dir, move |why| {
            let _ = tx.send(DeskEventKind::RecordFailed(why));
        })?);
        Ok(())
    }

    fn now(&self) -> Millis {
        Millis(u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// Runs until the agent quits or the input ends.
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
                .desk
                .next_wakeup()
                .map(|t| self.started + Duration::from_millis(t.0));
            let kind = tokio::select! {
                event = input.next() => match event {
                    None => {
                        self.stop_watch();
                        return Ok(());
                    }
                    Some(Err(e)) => return Err(e),
                    Some(Ok(event)) => match input::translate(event) {
                        Input::Flow(EventKind::Key(key)) => Some(DeskEventKind::Key(key)),
                        Input::Flow(EventKind::Paste(text)) => Some(DeskEventKind::Paste(text)),
                        Input::Flow(_) | Input::Ignore => None,
                        Input::Redraw => { dirty = true; None }
                    },
                },
                Some(kind) = self.rx.recv() => Some(kind),
                Some(()) = interrupts.next() => Some(DeskEventKind::Interrupt),
                () = sleep_until(wake), if wake.is_some() => Some(DeskEventKind::Tick),
            };
            let Some(kind) = kind else { continue };
            let event = DeskEvent {
                at: self.now(),
                wall: wall_secs(),
                kind,
            };
            let before = self.desk.clone();
            let effects = helpdesk::update(&mut self.desk, event);
            dirty |= self.desk != before;
            for effect in effects {
                match effect {
                    DeskEffect::Quit => {
                        self.stop_watch();
                        self.draw(terminal)?;
                        return Ok(());
                    }
                    DeskEffect::WipeScreen => {
                        let other = |e: B::Error| io::Error::other(e.to_string());
                        terminal.backend_mut().clear().map_err(other)?;
                        terminal.draw(|_| {}).map_err(other)?;
                        screen.wipe_scrollback()?;
                        dirty = true;
                    }
                    DeskEffect::CopyCase => {
                        let text = helpdesk::summary(&self.desk, &self.guide);
                        screen.copy(&text)?;
                        let _ = self.tx.send(DeskEventKind::Copied);
                    }
                    other => self.run_effect(other),
                }
            }
        }
    }

    fn draw<B>(&self, terminal: &mut Terminal<B>) -> io::Result<()>
    where
        B: Backend,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let v = DeskView {
            desk: &self.desk,
            guide: &self.guide,
            branding: &self.branding,
        };
        terminal
            .draw(|frame| view::draw(frame, &v))
            .map(|_| ())
            .map_err(|e| io::Error::other(e.to_string()))
    }

    fn spawn<F>(&self, call: F)
    where
        F: std::future::Future<Output = DeskEventKind> + Send + 'static,
    {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(call.await);
        });
    }

    fn run_effect(&mut self, effect: DeskEffect) {
        let admin = Arc::clone(&self.admin);
        match effect {
            DeskEffect::Lookup { req, username } => self.spawn(async move {
                let answer = bounded(admin.lookup(&username)).await;
                DeskEventKind::LookedUp { req, answer }
            }),
            DeskEffect::LoadState { req, caller } => self.spawn(async move {
                let answer = bounded(admin.caller_state(&caller)).await;
                DeskEventKind::StateLoaded { req, answer }
            }),
            DeskEffect::Delete {
                req,
                caller,
                method_id,
            } => self.spawn(async move {
                let answer = bounded(admin.delete_method(&caller, &method_id)).await;
                DeskEventKind::Deleted { req, answer }
            }),
            DeskEffect::IssuePass {
                req,
                caller,
                request,
            } => self.spawn(async move {
                let answer = bounded(admin.issue_pass(&caller, request)).await;
                DeskEventKind::PassIssued { req, answer }
            }),
            DeskEffect::Revoke { req, caller } => self.spawn(async move {
                let answer = bounded(admin.revoke_sessions(&caller)).await;
                DeskEventKind::Revoked { req, answer }
            }),
            DeskEffect::Watch {
                req,
                caller,
                every_ms,
            } => {
                self.stop_watch();
                let tx = self.tx.clone();
                let task = tokio::spawn(watch(admin, caller, req, every_ms, tx));
                self.watcher = Some(task.abort_handle());
            }
            DeskEffect::StopWatch => self.stop_watch(),
            DeskEffect::SimulateCaller { caller } => admin.simulate_caller_registers(&caller),
            DeskEffect::Audit { caller, entry } => {
                let settings = &self.desk.settings;
                let Some(records) = &self.records else { return };
                records.audit(&Record {
                    ts: timestamp(entry.wall),
                    agent: &settings.agent,
                    provider: &settings.provider_name,
                    caller: &caller,
                    entry: &entry,
                });
            }
            DeskEffect::SaveCase => {
                let Some(case) = &self.desk.case else { return };
                let Some(records) = &self.records else {
                    let _ = self
                        .tx
                        .send(DeskEventKind::CaseSaved(Err("no case directory".into())));
                    return;
                };
                let text = helpdesk::summary(&self.desk, &self.guide);
                let stamp: String = timestamp(case.closed.unwrap_or(case.opened))
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                let tx = self.tx.clone();
                records.save_case(&stamp, &case.caller.username, text, move |result| {
                    let _ = tx.send(DeskEventKind::CaseSaved(result));
                });
            }
            // Handled in the loop: they need the terminal.
            DeskEffect::Quit | DeskEffect::WipeScreen | DeskEffect::CopyCase => {}
        }
    }

    fn stop_watch(&mut self) {
        if let Some(h) = self.watcher.take() {
            h.abort();
        }
    }
}

fn wall_secs() -> u64 {
    crate::timefmt::unix_secs(SystemTime::now())
}

/// Polls the caller's methods on the polling schedule until aborted (fast
/// while the caller is likely registering, then slower); every answer goes
/// to the desk, which decides what is new. Errors do not end the watch.
async fn watch(
    admin: Arc<dyn Admin>,
    caller: Caller,
    req: ReqId,
    every_ms: u64,
    tx: mpsc::UnboundedSender<DeskEventKind>,
) {
    crate::poller::poll_paced(
        &crate::throttle::ThrottleGate::process(),
        crate::poll_schedule::Cadence::starting_at(Duration::from_millis(every_ms.max(250))),
        crate::poller::seed(),
        None,
        || admin.caller_state(&caller),
        |_| false,
        |answer| tx.send(DeskEventKind::Watched { req, answer }).is_ok(),
    )
    .await;
}
