//! The helpdesk's executor: runs the desk's effects against the admin
//! provider and the records (audit log, case files), and draws the desk.
//! The loop, the terminal and the end of the session are the driver's
//! (`crate::driver`).

use crate::audit::{Record, Records};
use crate::driver::{self, Calls, Cleanup, Executor, Held, Term, call};
use crate::guide::Guide;
use crate::helpdesk::{self, Desk, DeskEffect, DeskEventKind, timestamp};
use crate::kernel::ReqId;
use crate::provider::admin::{Admin, Caller};
use crate::ui::Branding;
use crate::ui::desk::{self as view, DeskView};
use ratatui::Frame;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

pub struct DeskApp {
    desk: Desk,
    admin: Arc<dyn Admin>,
    guide: Guide,
    branding: Branding,
    records: Option<Records>,
    watcher: Option<AbortHandle>,
    calls: Calls<DeskEventKind>,
    cleanup: Cleanup,
}

impl Held for DeskEventKind {
    fn held(req: ReqId, wait: Duration) -> DeskEventKind {
        DeskEventKind::Held { req, wait }
    }
}

impl DeskApp {
    pub fn new(desk: Desk, admin: Arc<dyn Admin>, guide: Guide, branding: Branding) -> DeskApp {
        DeskApp {
            desk,
            admin,
            guide,
            branding,
            records: None,
            watcher: None,
            calls: Calls::new(),
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
        let tx = self.calls.sender();
        self.records = Some(Records::open_with(plan, case_dir, move |why| {
            let _ = tx.send(DeskEventKind::RecordFailed(why));
        })?);
        Ok(())
    }

    fn run_effect(&mut self, effect: DeskEffect) -> Option<Term> {
        let admin = Arc::clone(&self.admin);
        match effect {
            DeskEffect::Lookup { req, username } => self.calls.spawn(req, async move {
                let answer = call("lookup", admin.lookup(&username)).await;
                DeskEventKind::LookedUp { req, answer }
            }),
            DeskEffect::LoadState { req, caller } => self.calls.spawn(req, async move {
                let answer = call("caller_state", admin.caller_state(&caller)).await;
                DeskEventKind::StateLoaded { req, answer }
            }),
            DeskEffect::Delete {
                req,
                caller,
                method_id,
            } => self.calls.spawn(req, async move {
                let answer = call("delete_method", admin.delete_method(&caller, &method_id)).await;
                DeskEventKind::Deleted { req, answer }
            }),
            DeskEffect::IssuePass {
                req,
                caller,
                request,
            } => self.calls.spawn(req, async move {
                let answer = call("issue_pass", admin.issue_pass(&caller, request)).await;
                DeskEventKind::PassIssued { req, answer }
            }),
            DeskEffect::Revoke { req, caller } => self.calls.spawn(req, async move {
                let answer = call("revoke_sessions", admin.revoke_sessions(&caller)).await;
                DeskEventKind::Revoked { req, answer }
            }),
            DeskEffect::AddPhone {
                req,
                caller,
                number,
                phone_type,
            } => self.calls.spawn(req, async move {
                let answer = call("add_phone", admin.add_phone(&caller, &number, phone_type)).await;
                DeskEventKind::PhoneAdded { req, answer }
            }),
            DeskEffect::Watch {
                req,
                caller,
                every_ms,
            } => {
                self.stop_watch();
                let tx = self.calls.sender();
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
                    self.calls
                        .send(DeskEventKind::CaseSaved(Err("no case directory".into())));
                    return None;
                };
                let text = helpdesk::summary(&self.desk, &self.guide);
                let stamp: String = timestamp(case.closed.unwrap_or(case.opened))
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                let tx = self.calls.sender();
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

    fn view(&self) -> DeskView<'_> {
        DeskView {
            desk: &self.desk,
            guide: &self.guide,
            branding: &self.branding,
        }
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
        self.calls.inbox()
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
        view::draw(frame, &self.view());
    }

    fn page(&self) -> driver::Page {
        view::plain::page(&self.view())
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
