//! The helpdesk's executor: runs the desk's effects against the admin
//! provider and the records (audit log, case files), and draws the desk.
//! The loop, the terminal and the end of the session are the driver's
//! (`crate::driver`).

use crate::audit::{Record, Records};
use crate::driver::{self, Cleanup, Executor, Screen, Term, bounded};
use crate::guide::Guide;
use crate::helpdesk::{self, Desk, DeskEffect, DeskEventKind, timestamp};
use crate::kernel::ReqId;
use crate::provider::admin::{Admin, Caller};
use crate::ui::Branding;
use crate::ui::desk::{self as view, DeskView};
use futures::Stream;
use ratatui::backend::Backend;
use ratatui::{Frame, Terminal};
use std::io;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

pub struct DeskApp {
    desk: Desk,
    admin: Arc<dyn Admin>,
    guide: Guide,
    branding: Branding,
    records: Option<Records>,
    watcher: Option<AbortHandle>,
    tx: mpsc::UnboundedSender<DeskEventKind>,
    rx: mpsc::UnboundedReceiver<DeskEventKind>,
    cleanup: Cleanup,
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
            cleanup: Cleanup::new(),
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
        let plan = crate::audit::Plan {
            file: Some(audit_log.to_path_buf()),
            ..crate::audit::Plan::default()
        };
        self.open_records_with(&plan, case_dir)
    }

    /// As [`DeskApp::open_records`], with the audit going to `plan`'s sinks.
    pub fn open_records_with(
        &mut self,
        plan: &crate::audit::Plan,
        case_dir: &std::path::Path,
    ) -> Result<(), String> {
        let tx = self.tx.clone();
        self.records = Some(Records::open_with(plan, case_dir, move |why| {
            let _ = tx.send(DeskEventKind::RecordFailed(why));
        })?);
        Ok(())
    }

    /// Runs until the agent quits or the session is ended from outside
    /// (`enders`, or the input ending).
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

    /// Runs a call the agent waits for; while the provider holds it (its
    /// `Retry-After`), the desk hears `Held` and says "busy, still trying".
    fn spawn<F>(&self, req: ReqId, call: F)
    where
        F: std::future::Future<Output = DeskEventKind> + Send + 'static,
    {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let gate = crate::throttle::ThrottleGate::process();
            let answer = crate::throttle::telling_holds(&gate, call, |wait| {
                let _ = tx.send(DeskEventKind::Held { req, wait });
            })
            .await;
            let _ = tx.send(answer);
        });
    }

    fn run_effect(&mut self, effect: DeskEffect) -> Option<Term> {
        let admin = Arc::clone(&self.admin);
        match effect {
            DeskEffect::Lookup { req, username } => self.spawn(req, async move {
                let answer = crate::oplog::call("lookup", bounded(admin.lookup(&username))).await;
                DeskEventKind::LookedUp { req, answer }
            }),
            DeskEffect::LoadState { req, caller } => self.spawn(req, async move {
                let answer =
                    crate::oplog::call("caller_state", bounded(admin.caller_state(&caller))).await;
                DeskEventKind::StateLoaded { req, answer }
            }),
            DeskEffect::Delete {
                req,
                caller,
                method_id,
            } => self.spawn(req, async move {
                let answer = crate::oplog::call(
                    "delete_method",
                    bounded(admin.delete_method(&caller, &method_id)),
                )
                .await;
                DeskEventKind::Deleted { req, answer }
            }),
            DeskEffect::IssuePass {
                req,
                caller,
                request,
            } => self.spawn(req, async move {
                let answer =
                    crate::oplog::call("issue_pass", bounded(admin.issue_pass(&caller, request)))
                        .await;
                DeskEventKind::PassIssued { req, answer }
            }),
            DeskEffect::Revoke { req, caller } => self.spawn(req, async move {
                let answer =
                    crate::oplog::call("revoke_sessions", bounded(admin.revoke_sessions(&caller)))
                        .await;
                DeskEventKind::Revoked { req, answer }
            }),
            DeskEffect::AddPhone {
                req,
                caller,
                number,
                phone_type,
            } => self.spawn(req, async move {
                let answer = crate::oplog::call(
                    "add_phone",
                    bounded(admin.add_phone(&caller, &number, phone_type)),
                )
                .await;
                DeskEventKind::PhoneAdded { req, answer }
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
                let Some(records) = &self.records else {
                    return None;
                };
                records.audit(&Record {
                    ts: timestamp(entry.wall),
                    agent: &settings.agent,
                    provider: &settings.provider_name,
                    caller: &caller,
                    entry: &entry,
                });
            }
            DeskEffect::SaveCase => {
                let Some(case) = &self.desk.case else {
                    return None;
                };
                let Some(records) = &self.records else {
                    let _ = self
                        .tx
                        .send(DeskEventKind::CaseSaved(Err("no case directory".into())));
                    return None;
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
            DeskEffect::CopyCase => {
                return Some(Term::Copy(helpdesk::summary(&self.desk, &self.guide)));
            }
            DeskEffect::WipeScreen => return Some(Term::Wipe),
            DeskEffect::Quit => return Some(Term::Quit),
        }
        None
    }

    fn stop_watch(&mut self) {
        if let Some(h) = self.watcher.take() {
            h.abort();
        }
    }
}

impl Executor for DeskApp {
    type Machine = Desk;
    type Msg = DeskEventKind;

    fn machine(&self) -> &Desk {
        &self.desk
    }

    fn machine_mut(&mut self) -> &mut Desk {
        &mut self.desk
    }

    fn messages(&mut self) -> &mut mpsc::UnboundedReceiver<DeskEventKind> {
        &mut self.rx
    }

    fn receive(&mut self, msg: DeskEventKind) -> Option<DeskEventKind> {
        Some(msg)
    }

    fn execute(&mut self, effect: DeskEffect) -> Option<Term> {
        self.run_effect(effect)
    }

    fn copied(&mut self, result: io::Result<()>) -> Option<DeskEventKind> {
        Some(match result {
            Ok(()) => DeskEventKind::Copied,
            Err(_) => DeskEventKind::CopyFailed,
        })
    }

    fn draw(&self, frame: &mut Frame) {
        let v = DeskView {
            desk: &self.desk,
            guide: &self.guide,
            branding: &self.branding,
        };
        view::draw(frame, &v);
    }

    fn page(&self) -> driver::Page {
        view::plain::page(&DeskView {
            desk: &self.desk,
            guide: &self.guide,
            branding: &self.branding,
        })
    }

    fn stop(&mut self) {
        self.stop_watch();
    }

    fn cleanup(&mut self) -> &mut Cleanup {
        &mut self.cleanup
    }
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
        crate::helpdesk::watch_cadence(every_ms),
        crate::poller::seed(),
        None,
        None,
        || crate::oplog::poll("watch_caller", admin.caller_state(&caller)),
        |_| false,
        |answer| tx.send(DeskEventKind::Watched { req, answer }).is_ok(),
    )
    .await;
}
