//! The kiosk's long-running provider work: sending and polling a test
//! notification, watching for the phone's registration, a device-code
//! sign-in. Each reports to the flow through the app's channel and ends
//! when the flow stops listening.

use super::Msg;
use crate::driver::{bounded, call};
use crate::flow::{self, EventKind, ReqId};
use crate::provider::{Approval, DevicePoll, Provider, ProviderError, Session};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

/// What a poller of one enrollment needs: whom to ask about what, how
/// often, for how long, and where the answers go.
pub(super) struct Polling {
    pub provider: Arc<dyn Provider>,
    pub session: Arc<Session>,
    pub enrollment_id: String,
    pub req: ReqId,
    pub every: Duration,
    pub timeout: Duration,
    pub tx: mpsc::UnboundedSender<Msg>,
}

/// Sends the notification, then polls until it is answered or the deadline
/// passes. `Delay` keeps a stalled laptop from firing a burst of polls.
pub(super) async fn poll_approval(polling: Polling) {
    let Polling {
        provider,
        session,
        enrollment_id,
        req,
        every,
        timeout,
        tx,
    } = polling;
    // Ok while the app still listens; a closed channel ends the poller.
    let send = |answer| {
        tx.send(Msg::Flow(EventKind::ApprovalPolled { req, answer }))
            .is_ok()
    };
    let deadline = Instant::now() + timeout;
    // Sending is retried like polling: a network blip must not end the test.
    loop {
        match call(
            "request_approval",
            provider.request_approval(&session, &enrollment_id),
        )
        .await
        {
            // Sent: the flow moves from "sending" to "waiting", with the
            // number to match if there is one.
            Ok(number) => {
                if tx
                    .send(Msg::Flow(EventKind::ApprovalSent { req, number }))
                    .is_err()
                {
                    return;
                }
                break;
            }
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
    let finished = poll_until(
        deadline,
        every,
        None,
        || {
            crate::oplog::poll(
                "poll_approval",
                provider.poll_approval(&session, &enrollment_id),
            )
        },
        |a| *a != Approval::Pending,
        send,
    )
    .await;
    if !finished {
        send(Ok(Approval::Expired));
    }
}

/// Calls `poll` on the polling schedule (fast at first, then slower, slower
/// still when the provider's budget runs hot) until `done` says the answer
/// is final, an error is not worth retrying, the flow stops listening, or
/// `deadline` passes (then returns false). Retry-After holds every call of
/// the process (`throttle`).
async fn poll_until<'a, T, P, F>(
    deadline: Instant,
    every: Duration,
    hurry: Option<&Notify>,
    poll: P,
    done: impl Fn(&T) -> bool,
    send: impl Fn(Result<T, ProviderError>) -> bool,
) -> bool
where
    P: Fn() -> F,
    F: Future<Output = Result<T, ProviderError>> + 'a,
{
    crate::poller::poll_paced(
        &crate::throttle::ThrottleGate::process(),
        crate::poll_schedule::Cadence::starting_at(every.max(Duration::from_millis(200))),
        crate::poller::seed(),
        Some(deadline),
        hurry,
        poll,
        crate::poller::final_answer(done),
        send,
    )
    .await
}

/// Asks every `every` whether the phone has registered the new method,
/// until it has, a final error, or `timeout` (the flow keeps its own
/// deadline too). `hurry` says the person has scanned: fast again.
pub(super) async fn watch_registration(p: Polling, hurry: Arc<Notify>) {
    poll_until(
        Instant::now() + p.timeout,
        p.every,
        Some(&hurry),
        || {
            crate::oplog::poll(
                "poll_registration",
                p.provider.poll_registration(&p.session, &p.enrollment_id),
            )
        },
        |registered| *registered,
        |answer| {
            let req = p.req;
            p.tx.send(Msg::Flow(EventKind::RegistrationPolled { req, answer }))
                .is_ok()
        },
    )
    .await;
}

/// Device-code sign-in: fetch the codes, hand the flow what it shows, then
/// poll the token endpoint at the server's pace until the person has signed
/// in on their phone (or a final error). The flow's deadline, `Esc` and
/// sign-out end it by aborting this task.
pub(super) async fn device_sign_in(
    provider: Arc<dyn Provider>,
    req: ReqId,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let fail = |error| {
        let _ = tx.send(Msg::Flow(EventKind::SignedIn {
            req,
            answer: Err(error),
        }));
    };
    let code = match call("begin_device_sign_in", provider.begin_device_sign_in()).await {
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
        match crate::oplog::poll(
            "poll_device_sign_in",
            bounded(provider.poll_device_sign_in(&code)),
        )
        .await
        {
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
