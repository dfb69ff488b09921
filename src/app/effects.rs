//! The kiosk's effect table: each of the flow's effects run against the
//! provider, the pollers started and stopped, the clean-up queued.

use super::pollers::{Polling, device_sign_in, poll_approval, watch_registration};
use super::{App, Msg};
use crate::driver::{Term, call};
use crate::flow::{Effect, EventKind, ReqId};
use crate::kernel::Answer;
use crate::provider::{ProviderError, Session};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

impl App {
    pub(super) fn run_effect(&mut self, effect: Effect) -> Option<Term> {
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
}
