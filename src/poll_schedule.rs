//! When to ask next while waiting for something on the person's phone.
//!
//! Fast right after the watch starts (the person scans now, so the answer
//! is most likely now), then slower with jitter, so a fleet of kiosks on one
//! app registration stays inside the provider's budget (docs/capacity.md).
//! Never faster than the provider's own interval; slower still while the
//! throttle gate reports pressure; nothing at all while a `Retry-After`
//! runs. Without a `Retry-After`, the next poll is never more than one slow
//! interval away, so a method that appears is seen within that.
//!
//! Pure: a logical clock and the gate's advice in, the next poll time out.

use crate::flow::Millis;
use crate::throttle::{Advice, Pressure};
use std::time::Duration;

/// The shape of a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cadence {
    pub fast_every: Duration,
    /// How long the fast phase lasts after the watch starts (or is hurried).
    pub fast_for: Duration,
    /// The slow phase picks each gap at random in this range.
    pub slow_min: Duration,
    pub slow_max: Duration,
}

impl Default for Cadence {
    /// 5 s for two minutes, then 15–30 s.
    fn default() -> Self {
        Cadence {
            fast_every: Duration::from_secs(5),
            fast_for: Duration::from_secs(120),
            slow_min: Duration::from_secs(15),
            slow_max: Duration::from_secs(30),
        }
    }
}

impl Cadence {
    /// The default shape with `every` (a provider's or desk's configured
    /// interval) as the fast gap; the slow range never drops below it.
    pub fn starting_at(every: Duration) -> Cadence {
        let base = Cadence::default();
        let slow_min = base.slow_min.max(every);
        Cadence {
            fast_every: every,
            slow_min,
            slow_max: base.slow_max.max(slow_min.saturating_mul(2)),
            ..base
        }
    }
}

/// The gap between polls a schedule plans at some point of a watch, as
/// a screen can say it: one number in the fast phase, a range after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    Every(Duration),
    Between(Duration, Duration),
}

impl Cadence {
    /// The planned gap `since` the watch started (or was hurried), the
    /// provider's budget allowing. The same rule [`PollSchedule::next`] follows.
    pub fn gap_after(&self, since: Duration) -> Gap {
        if since < self.fast_for {
            Gap::Every(self.fast_every)
        } else {
            Gap::Between(self.slow_min, self.slow_max)
        }
    }
}

/// The next poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Next {
    pub at: Millis,
    /// Slower than the plan because of the provider's budget: the screen
    /// says "checking less often", not an error.
    pub less_often: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollSchedule {
    cadence: Cadence,
    /// The provider's minimum interval (device code `interval`, raised by
    /// `slow_down`).
    floor_ms: u64,
    fast_since: Millis,
    seed: u64,
    count: u64,
}

impl PollSchedule {
    /// A schedule whose fast phase starts at `now`. `seed` spreads the
    /// jitter of different pollers apart.
    pub fn new(cadence: Cadence, floor: Duration, now: Millis, seed: u64) -> PollSchedule {
        PollSchedule {
            cadence,
            floor_ms: ms(floor),
            fast_since: now,
            seed,
            count: 0,
        }
    }

    /// The person says they have scanned (or the agent restarts the
    /// watch): fast again from now.
    pub fn hurry(&mut self, now: Millis) {
        self.fast_since = now;
    }

    /// The provider asked for more time between polls, from now on.
    pub fn raise_floor(&mut self, by: Duration) {
        self.floor_ms = self.floor_ms.saturating_add(ms(by));
    }

    pub fn cadence(&self) -> Cadence {
        self.cadence
    }

    /// When to poll next, given the gate's advice at `now`.
    pub fn next(&mut self, now: Millis, advice: Advice) -> Next {
        self.count = self.count.wrapping_add(1);
        let c = self.cadence;
        let since = Duration::from_millis(now.since(self.fast_since));
        let fast = matches!(c.gap_after(since), Gap::Every(_));
        let slow = || self.jitter(ms(c.slow_min), ms(c.slow_max));
        let (gap, less_often) = match advice.pressure {
            Pressure::None if fast => (ms(c.fast_every), false),
            Pressure::None => (slow(), false),
            Pressure::Near => (slow(), fast),
            Pressure::Over => (ms(c.slow_max), true),
        };
        let at = now.plus_ms(gap.max(self.floor_ms));
        match advice.hold_until {
            // Up to a second more, so the pollers of one fleet that were
            // all told the same time do not all come back at once.
            Some(until) if until >= at => Next {
                at: until.plus_ms(self.jitter(0, 1000)),
                less_often: true,
            },
            _ => Next { at, less_often },
        }
    }

    /// A number in `lo..=hi`, the same for the same seed and poll count.
    fn jitter(&self, lo: u64, hi: u64) -> u64 {
        let span = hi.saturating_sub(lo).saturating_add(1);
        lo + splitmix(self.seed ^ self.count.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % span
    }
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
