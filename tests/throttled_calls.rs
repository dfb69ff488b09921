//! Calls and polls under throttling, in tokio's paused time (a logical
//! clock: nothing here waits for real) against the model of Graph's
//! limiter the fleet simulation uses (`support/graph_limiter.rs`).
//!
//! - A read refused with 429 is sent again after each `Retry-After` until
//!   it gets through or `throttle::THROTTLED_BUDGET` runs out, not three
//!   quick tries; the app's bound on a call does not count those waits.
//! - While a call waits, whoever shows it is told (the screen says "busy,
//!   still trying").
//! - The person saying they have scanned makes a slow watch fast again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/graph_limiter.rs"]
mod graph_limiter;

use graph_limiter::{Limiter, Reading};
use mfa_assist::driver::{REQUEST_TIMEOUT, bounded_by};
use mfa_assist::poll_schedule::Cadence;
use mfa_assist::poller::poll_paced;
use mfa_assist::provider::ProviderError;
use mfa_assist::throttle::{Answered, Signal, THROTTLED_BUDGET, ThrottleGate, telling_holds};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::Notify;
use tokio::time::{Instant, sleep};

/// The limiter's answer as the gate reads it.
struct Limited(graph_limiter::Answer);

impl Answered for Limited {
    fn signal(&self) -> Option<Signal> {
        Some(Signal::from_headers(
            self.0.status,
            &self.0.headers,
            SystemTime::now(),
        ))
    }
    fn may_resend(&self) -> bool {
        self.0.status == 429
    }
}

/// One read as the app sends it (`http::send_idempotent` goes through
/// `ThrottleGate::send` with the policy's throttled budget), from a
/// machine with its own gate.
async fn read(gate: &ThrottleGate, limiter: &Mutex<Limiter>, budget: Duration) -> u16 {
    let answer = gate
        .send(budget, || async {
            Limited(limiter.lock().unwrap().call(1, 1))
        })
        .await;
    answer.0.status
}

/// Twenty kiosks on one app registration ask for their method lists in the
/// same second, under the strict reading (5 per 10 s): the first five get
/// through, the rest are refused and must come back. Every one of them
/// gets its list within the deadline; none shows an error.
#[tokio::test(start_paused = true)]
async fn a_burst_past_the_strict_limit_ends_with_every_read_answered() {
    let limiter = Arc::new(Mutex::new(Limiter::new(Reading::Strict)));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let limiter = limiter.clone();
        tasks.push(tokio::spawn(async move {
            let gate = ThrottleGate::new();
            let started = Instant::now();
            let status = read(&gate, &limiter, THROTTLED_BUDGET).await;
            (status, started.elapsed())
        }));
    }
    let mut waited = Vec::new();
    for t in tasks {
        let (status, took) = t.await.unwrap();
        assert_eq!(status, 200, "a read ended refused after {took:?}");
        waited.push(took);
    }
    // The budget let them through over a few windows: 20 reads at 5 per
    // 10 s need at least 30 s for the last.
    assert!(waited.iter().any(|w| *w >= Duration::from_secs(30)));
    assert!(waited.iter().all(|w| *w < THROTTLED_BUDGET));
}

/// The app's bound on a call is 30 s of hanging; waiting out a hold the
/// server asked for is not hanging. A call that waits 40 s for a
/// `Retry-After` and then answers at once gets its answer.
#[tokio::test(start_paused = true)]
async fn the_call_bound_does_not_count_the_servers_wait() {
    let gate = ThrottleGate::new();
    let started = Instant::now();
    let answer = bounded_by(&gate, async {
        gate.hold_for(Duration::from_secs(40));
        gate.wait_turn(THROTTLED_BUDGET).await;
        sleep(Duration::from_secs(1)).await;
        Ok::<_, ProviderError>("methods")
    })
    .await;
    assert_eq!(answer, Ok("methods"));
    assert_eq!(started.elapsed().as_secs(), 41);

    // A call that simply hangs still ends at the bound.
    let started = Instant::now();
    let hung = bounded_by(&gate, std::future::pending::<Result<(), ProviderError>>()).await;
    assert_eq!(hung, Err(ProviderError::Timeout));
    assert_eq!(started.elapsed(), REQUEST_TIMEOUT);

    // And after a hold, the call has the whole bound again, no more.
    let started = Instant::now();
    let hung = bounded_by(&gate, async {
        gate.hold_for(Duration::from_secs(20));
        std::future::pending::<Result<(), ProviderError>>().await
    })
    .await;
    assert_eq!(hung, Err(ProviderError::Timeout));
    assert_eq!(started.elapsed(), Duration::from_secs(20) + REQUEST_TIMEOUT);
}

/// While a call waits for the server, the screen hears how long: once per
/// hold, the one already running when the call starts included.
#[tokio::test(start_paused = true)]
async fn a_call_waiting_out_a_hold_is_told_to_the_screen() {
    let gate = ThrottleGate::new();
    gate.hold_for(Duration::from_secs(7));
    let told = Mutex::new(Vec::new());
    let answer = telling_holds(
        &gate,
        async {
            gate.wait_turn(THROTTLED_BUDGET).await;
            // Refused again: the server asks for 12 s more.
            gate.hold_for(Duration::from_secs(12));
            gate.wait_turn(THROTTLED_BUDGET).await;
            "done"
        },
        |wait| told.lock().unwrap().push(wait.as_secs()),
    )
    .await;
    assert_eq!(answer, "done");
    assert_eq!(*told.lock().unwrap(), [7, 12]);

    // A call that is never held says nothing.
    let told = Mutex::new(0);
    telling_holds(&gate, async {}, |_| *told.lock().unwrap() += 1).await;
    assert_eq!(*told.lock().unwrap(), 0);
}

/// Five minutes into a watch the poller is in its slow phase (15–30 s);
/// the person says they have scanned, and the next poll comes within the
/// fast gap (5 s), and the ones after it too.
#[tokio::test(start_paused = true)]
async fn saying_scanned_makes_a_slow_watch_fast_again() {
    let gate = ThrottleGate::new();
    let hurry = Notify::new();
    let started = Instant::now();
    let polls = Mutex::new(Vec::<u64>::new());
    let watch = poll_paced(
        &gate,
        Cadence::default(),
        42,
        Some(started + Duration::from_secs(15 * 60)),
        Some(&hurry),
        || async {
            polls
                .lock()
                .unwrap()
                .push(started.elapsed().as_millis() as u64);
            Ok::<bool, ProviderError>(started.elapsed() >= Duration::from_secs(400))
        },
        |answer| answer == &Ok(true),
        |_| true,
    );
    let person = async {
        sleep(Duration::from_secs(300)).await;
        hurry.notify_one();
    };
    let (finished, ()) = tokio::join!(watch, person);
    assert!(finished);
    let polls = polls.into_inner().unwrap();
    let before: Vec<u64> = polls.iter().copied().filter(|t| *t < 300_000).collect();
    let after: Vec<u64> = polls.iter().copied().filter(|t| *t >= 300_000).collect();
    // Slow before the person spoke...
    let last_slow_gap = before[before.len() - 1] - before[before.len() - 2];
    assert!(last_slow_gap >= 15_000, "{polls:?}");
    // ...then fast: the first poll within 5 s of it, 5 s apart after.
    assert!(after[0] <= 305_000, "{polls:?}");
    assert!(after.windows(2).all(|w| w[1] - w[0] == 5_000), "{polls:?}");
    // The method appeared at 400 s and was seen within one fast gap.
    assert!(*after.last().unwrap() <= 405_000, "{polls:?}");
}

/// A poll refused by the limiter waits out the server's wait inside the
/// call; meanwhile the screen hears "checking less often" (a 429, never a
/// final error), and the watch still ends with the method seen.
#[tokio::test(start_paused = true)]
async fn a_throttled_watch_says_less_often_and_still_sees_the_method() {
    let limiter = Mutex::new(Limiter::new(Reading::Strict));
    let gate = ThrottleGate::new();
    let started = Instant::now();
    // Another machine on the same registration filled this window.
    for _ in 0..5 {
        limiter.lock().unwrap().call(1, 1);
    }
    let heard = Mutex::new(Vec::new());
    let finished = poll_paced(
        &gate,
        Cadence::default(),
        7,
        Some(started + Duration::from_secs(15 * 60)),
        None,
        || async {
            match read(&gate, &limiter, THROTTLED_BUDGET).await {
                200 => Ok(started.elapsed() >= Duration::from_secs(60)),
                _ => Err(ProviderError::RateLimited { retry_after: None }),
            }
        },
        |answer| answer == &Ok(true),
        |answer| {
            heard.lock().unwrap().push(answer);
            true
        },
    )
    .await;
    assert!(finished);
    let heard = heard.into_inner().unwrap();
    assert!(
        matches!(heard[0], Err(ProviderError::RateLimited { .. })),
        "the first poll waited and said so: {heard:?}"
    );
    assert!(
        heard
            .iter()
            .all(|a| matches!(a, Ok(_) | Err(ProviderError::RateLimited { .. }))),
        "{heard:?}"
    );
    assert_eq!(heard.last(), Some(&Ok(true)));
}
