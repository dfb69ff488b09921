//! The polling schedule, on the logical clock: fast first, slow with jitter
//! later, never under the provider's interval, slower under pressure,
//! silent while a Retry-After runs, and never more than one slow interval
//! between polls otherwise.

use mfa_assist::flow::Millis;
use mfa_assist::poll_schedule::{Cadence, Next, PollSchedule};
use mfa_assist::throttle::{Advice, GateState, Pressure, Signal};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use std::time::Duration;

const QUIET: Advice = Advice {
    hold_until: None,
    pressure: Pressure::None,
};

/// Polls from `start` until `until`, the gate quiet; returns the poll times.
fn walk(s: &mut PollSchedule, start: u64, until: u64) -> Vec<u64> {
    let mut now = start;
    let mut times = vec![now];
    while now < until {
        now = s.next(Millis(now), QUIET).at.0;
        times.push(now);
    }
    times
}

fn gaps(times: &[u64]) -> Vec<u64> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

#[test]
fn five_seconds_for_two_minutes_then_fifteen_to_thirty() {
    let mut s = PollSchedule::new(Cadence::default(), Duration::ZERO, Millis(0), 7);
    let times = walk(&mut s, 0, 20 * 60_000);
    let gaps = gaps(&times);
    let (fast, slow): (Vec<_>, Vec<_>) = times
        .windows(2)
        .zip(&gaps)
        .partition(|(w, _)| w[0] < 120_000);
    assert!(fast.iter().all(|(_, g)| **g == 5_000), "{fast:?}");
    assert_eq!(fast.len(), 24);
    assert!(
        slow.iter().all(|(_, g)| (15_000..=30_000).contains(*g)),
        "{slow:?}"
    );
    // Jitter: the slow gaps are not all alike.
    let mut distinct: Vec<u64> = slow.iter().map(|(_, g)| **g).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() > 10, "{distinct:?}");
}

#[test]
fn two_pollers_with_different_seeds_drift_apart() {
    let mut a = PollSchedule::new(Cadence::default(), Duration::ZERO, Millis(0), 1);
    let mut b = PollSchedule::new(Cadence::default(), Duration::ZERO, Millis(0), 2);
    let ta = walk(&mut a, 0, 10 * 60_000);
    let tb = walk(&mut b, 0, 10 * 60_000);
    let shared = ta
        .iter()
        .filter(|t| **t > 120_000 && tb.contains(t))
        .count();
    assert!(shared < 3, "{shared} polls at the same moment");
}

#[test]
fn never_faster_than_the_providers_interval() {
    let mut s = PollSchedule::new(Cadence::default(), Duration::from_secs(8), Millis(0), 3);
    assert!(
        gaps(&walk(&mut s, 0, 10 * 60_000))
            .iter()
            .all(|g| *g >= 8_000)
    );
    // The server's slow_down raises it further.
    s.raise_floor(Duration::from_secs(40));
    let next = s.next(Millis(0), QUIET);
    assert_eq!(next.at, Millis(48_000));
    assert!(!next.less_often);
}

#[test]
fn a_configured_interval_becomes_the_fast_gap() {
    let c = Cadence::starting_at(Duration::from_secs(3));
    assert_eq!(c.fast_every, Duration::from_secs(3));
    assert_eq!(c.slow_min, Duration::from_secs(15));
    assert_eq!(c.slow_max, Duration::from_secs(30));
    let c = Cadence::starting_at(Duration::from_secs(20));
    assert_eq!(c.slow_min, Duration::from_secs(20));
    assert_eq!(c.slow_max, Duration::from_secs(40));
}

#[test]
fn hurry_makes_it_fast_again() {
    let mut s = PollSchedule::new(Cadence::default(), Duration::ZERO, Millis(0), 9);
    let slow = s.next(Millis(300_000), QUIET);
    assert!(slow.at.0 - 300_000 >= 15_000);
    s.hurry(Millis(300_000));
    assert_eq!(s.next(Millis(300_000), QUIET).at, Millis(305_000));
}

#[test]
fn pressure_leaves_the_fast_phase_and_says_so() {
    let mut s = PollSchedule::new(Cadence::default(), Duration::ZERO, Millis(0), 4);
    let near = s.next(
        Millis(1_000),
        Advice {
            hold_until: None,
            pressure: Pressure::Near,
        },
    );
    let gap = near.at.0 - 1_000;
    assert!((15_000..=30_000).contains(&gap), "{gap}");
    assert!(near.less_often);
    let over = s.next(
        Millis(1_000),
        Advice {
            hold_until: None,
            pressure: Pressure::Over,
        },
    );
    assert_eq!(
        over,
        Next {
            at: Millis(31_000),
            less_often: true
        }
    );
}

#[test]
fn nothing_is_sent_while_a_retry_after_runs() {
    let mut s = PollSchedule::new(Cadence::default(), Duration::ZERO, Millis(0), 5);
    let held = s.next(
        Millis(2_000),
        Advice {
            hold_until: Some(Millis(92_000)),
            pressure: Pressure::Over,
        },
    );
    assert!(held.at.0 >= 92_000 && held.at.0 <= 93_000, "{held:?}");
    assert!(held.less_often);
}

/// The header-driven slow-down end to end on the logical clock: answers
/// carrying `x-ms-throttle-limit-percentage` slow the schedule before any
/// 429, and it speeds up again once the budget is quiet.
#[test]
fn throttle_headers_slow_the_schedule_before_a_429() {
    let mut gate = GateState::default();
    let mut s = PollSchedule::new(Cadence::default(), Duration::ZERO, Millis(0), 11);
    let mut now = Millis(0);
    // Quiet answers: fast.
    gate.observe(now, &Signal::default());
    let next = s.next(now, gate.advice(now));
    assert_eq!(next.at.since(now), 5_000);
    now = next.at;
    // 85 % of the budget used: no 429 yet, but slower at once.
    gate.observe(
        now,
        &Signal {
            limit_fraction: Some(0.85),
            resource_units: Some(1),
            ..Signal::default()
        },
    );
    let next = s.next(now, gate.advice(now));
    assert!(next.at.since(now) >= 15_000, "{next:?}");
    assert!(next.less_often);
    now = next.at;
    // 110 %: the slowest gap.
    gate.observe(
        now,
        &Signal {
            limit_fraction: Some(1.1),
            ..Signal::default()
        },
    );
    assert_eq!(s.next(now, gate.advice(now)).at.since(now), 30_000);
    // A minute of quiet answers later, still in the fast phase: fast again.
    let later = now.plus_ms(61_000);
    gate.observe(later, &Signal::default());
    s.hurry(later);
    assert_eq!(s.next(later, gate.advice(later)).at.since(later), 5_000);
}

proptest! {
    #![proptest_config(ProptestConfig {
        // A failing case is saved and replayed first on every later run.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/poll_schedule.txt"))),
        ..ProptestConfig::default()
    })]

    /// Whenever a method appears, without a Retry-After the next poll comes
    /// within one slow interval (30 s), whatever the pressure.
    #[test]
    fn a_method_is_seen_within_one_slow_interval(
        seed in any::<u64>(),
        appears in 0u64..1_800_000,
        pressures in proptest::collection::vec(0u8..3, 1..200),
    ) {
        let mut s = PollSchedule::new(Cadence::default(), Duration::ZERO, Millis(0), seed);
        let mut now = 0u64;
        let mut i = 0;
        while now <= appears {
            let pressure = match pressures[i % pressures.len()] {
                0 => Pressure::None,
                1 => Pressure::Near,
                _ => Pressure::Over,
            };
            i += 1;
            now = s.next(Millis(now), Advice { hold_until: None, pressure }).at.0;
        }
        prop_assert!(now - appears <= 30_000, "seen {} ms after it appeared", now - appears);
    }
}
