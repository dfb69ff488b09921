//! The one polling loop both drivers use: asks on a [`PollSchedule`],
//! through the process's [`ThrottleGate`], and hands every answer on.
//!
//! A 429 reaches the screen as `ProviderError::RateLimited`, which the
//! screens show as "checking less often", not as an error; the loop itself
//! carries on after the wait.

use crate::poll_schedule::{Cadence, PollSchedule};
use crate::provider::ProviderError;
use crate::throttle::ThrottleGate;
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;
use tokio::time::Instant;

/// A 429 that named no wait: one Graph window.
const DEFAULT_HOLD: Duration = Duration::from_secs(10);

/// Polls at once, then on `cadence`, until `stop` says an answer is final
/// (then true), `send` says nobody listens (true), or `deadline` passes
/// (false). `seed` spreads this poller's jitter from its neighbours'.
/// `hurry` is told when the person says they have done their part (scanned
/// the code): the fast phase starts again from then, and a poll planned
/// for later in the slow phase comes sooner.
#[allow(clippy::too_many_arguments)]
pub async fn poll_paced<T, P, F>(
    gate: &ThrottleGate,
    cadence: Cadence,
    seed: u64,
    deadline: Option<Instant>,
    hurry: Option<&Notify>,
    poll: P,
    stop: impl Fn(&Result<T, ProviderError>) -> bool,
    send: impl Fn(Result<T, ProviderError>) -> bool,
) -> bool
where
    P: Fn() -> F,
    F: Future<Output = Result<T, ProviderError>>,
{
    let mut schedule = PollSchedule::new(cadence, Duration::ZERO, gate.now(), seed);
    let mut at = gate.now();
    loop {
        if let Some(held) = gate.advice().hold_until {
            at = at.max(held);
        }
        let wake = Instant::now() + Duration::from_millis(at.since(gate.now()));
        let (wake, past_deadline) = match deadline {
            Some(deadline) if deadline <= wake => (deadline, true),
            _ => (wake, false),
        };
        let hurried = match hurry {
            Some(hurry) => tokio::select! {
                () = tokio::time::sleep_until(wake) => false,
                () = hurry.notified() => true,
            },
            None => {
                tokio::time::sleep_until(wake).await;
                false
            }
        };
        if hurried {
            let now = gate.now();
            schedule.hurry(now);
            at = at.min(schedule.next(now, gate.advice()).at);
            continue;
        }
        if past_deadline {
            return false;
        }
        // A poll refused with 429 waits out the server's wait inside the
        // transport; meanwhile the screen hears it as "checking less often".
        let answer = crate::driver::bounded_by(
            gate,
            crate::throttle::telling_holds(gate, poll(), |wait| {
                send(Err(ProviderError::RateLimited {
                    retry_after: Some(wait),
                }));
            }),
        )
        .await;
        if let Err(ProviderError::RateLimited { retry_after }) = &answer {
            // The transport has usually told the gate already; a provider
            // without headers (or a test double) has not.
            gate.hold_for(retry_after.unwrap_or(DEFAULT_HOLD));
        }
        let finished = stop(&answer);
        if !send(answer) || finished {
            return true;
        }
        at = schedule.next(gate.now(), gate.advice()).at;
    }
}

/// Whether a poll's answer ends the watch: a final value, or an error not
/// worth another try.
pub fn final_answer<T>(done: impl Fn(&T) -> bool) -> impl Fn(&Result<T, ProviderError>) -> bool {
    move |answer| match answer {
        Ok(value) => done(value),
        Err(e) => !e.is_transient(),
    }
}

/// A seed that differs between kiosks started in the same second.
pub fn seed() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    u64::try_from(nanos % u128::from(u64::MAX)).unwrap_or(0) ^ u64::from(std::process::id())
}
