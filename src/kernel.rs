//! What the two state machines (the kiosk's `flow` and the agent's
//! `helpdesk`) share: the logical clock, request ids and the bookkeeping of
//! the one request in flight, and the trait the driver runs them through.
//! Pure like the machines themselves.

use crate::keymap::Key;
use crate::provider::ProviderError;

/// Milliseconds on a monotonic clock that starts when the app starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    pub fn plus_ms(self, ms: u64) -> Millis {
        Millis(self.0.saturating_add(ms))
    }

    pub fn since(self, earlier: Millis) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// Names one request so a late answer to an abandoned one can be dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReqId(pub u64);

pub type Answer<T> = Result<T, ProviderError>;

/// A spinner moves this often while a server request is in flight (short).
pub const SPINNER_PERIOD_MS: u64 = 100;
/// ...and this often while the screen waits for a person (their phone, a
/// caller), which takes minutes: a terminal need not be rewritten ten
/// times a second to show that nothing has happened yet.
pub const WAITING_PERIOD_MS: u64 = 1000;

/// Hands out request ids, never the same twice in a run (the first is 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReqIds(u64);

impl ReqIds {
    pub fn issue(&mut self) -> ReqId {
        self.0 = self.0.wrapping_add(1);
        ReqId(self.0)
    }
}

/// The request in flight: what it is for (`Op`) and since when, so the
/// screen can show a spinner beside its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending<Op> {
    pub req: ReqId,
    pub op: Op,
    pub since: Millis,
}

/// Starts a request for `op`: it becomes the one in flight.
pub fn start<Op>(
    pending: &mut Option<Pending<Op>>,
    ids: &mut ReqIds,
    now: Millis,
    op: Op,
) -> ReqId {
    let req = ids.issue();
    *pending = Some(Pending {
        req,
        op,
        since: now,
    });
    req
}

/// True when `req` is the request in flight for `op` (and clears it). Late
/// answers to abandoned requests return false and are dropped.
pub fn take_pending<Op: PartialEq>(pending: &mut Option<Pending<Op>>, req: ReqId, op: Op) -> bool {
    match pending {
        Some(p) if p.req == req && p.op == op => {
            *pending = None;
            true
        }
        _ => false,
    }
}

/// The request in flight waits out the provider's `Retry-After` until
/// `until`: the screen says "the service is busy, still trying" instead of
/// a spinner that seems stuck, and it is no error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    pub req: ReqId,
    pub until: Millis,
}

/// Notes that `req` is held for `wait_ms` from `now`, if it is the request
/// in flight (a late word about an abandoned one is dropped).
pub fn note_held<Op>(
    pending: &Option<Pending<Op>>,
    held: &mut Option<Held>,
    req: ReqId,
    now: Millis,
    wait_ms: u64,
) {
    if pending.as_ref().is_some_and(|p| p.req == req) {
        *held = Some(Held {
            req,
            until: now.plus_ms(wait_ms),
        });
    }
}

/// Whether the request in flight is waiting for the provider: `Some` with
/// the seconds left (at least 1) while it is, also once the wait is over
/// and the call is sent again (still busy, still trying).
pub fn held_for<Op>(
    pending: &Option<Pending<Op>>,
    held: &Option<Held>,
    now: Millis,
) -> Option<u64> {
    let (p, h) = (pending.as_ref()?, held.as_ref()?);
    (p.req == h.req).then(|| h.until.since(now).div_ceil(1000).max(1))
}

/// Whether a paste of `pasted` fits a field holding `existing` characters
/// of at most `max`. A paste that does not fit is refused whole: half a
/// pass is worse than none.
pub fn paste_fits(existing: usize, pasted: &str, max: usize) -> bool {
    pasted.chars().count() <= max.saturating_sub(existing)
}

/// What reaches every machine from outside, whatever it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Common {
    Key(Key),
    /// Bracketed paste: arrives whole, may be huge or hold control characters.
    Paste(String),
    /// A timer the machine asked for (`next_wakeup`) went off.
    Tick,
    /// The session must end now: SIGTERM, SIGHUP, SIGINT, SIGQUIT, or the
    /// terminal went away. The machine cleans up and asks to quit.
    Interrupt,
}

/// A pure state machine the driver can run: events in, effects out, and
/// when it next wants to hear the time.
pub trait Machine: Clone + PartialEq {
    /// Everything the machine reacts to, including its provider answers.
    type Event;
    type Effect;

    fn common(event: Common) -> Self::Event;

    /// `wall` is the wall clock in Unix seconds, for machines that record it.
    fn step(&mut self, at: Millis, wall: u64, event: Self::Event) -> Vec<Self::Effect>;

    fn next_wakeup(&self) -> Option<Millis>;

    /// The step on screen, for the operational log (a name, never what is
    /// typed or shown on it).
    fn screen_name(&self) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_counts_only_for_the_request_in_flight() {
        let mut ids = ReqIds::default();
        let mut pending = None;
        let first = start(&mut pending, &mut ids, Millis(5), 'a');
        assert_eq!(first, ReqId(1));
        let second = start(&mut pending, &mut ids, Millis(6), 'a');
        assert!(!take_pending(&mut pending, first, 'a'), "superseded");
        assert!(!take_pending(&mut pending, second, 'b'), "another op");
        assert!(take_pending(&mut pending, second, 'a'));
        assert!(pending.is_none());
        assert!(!take_pending(&mut pending, second, 'a'), "only once");
    }

    #[test]
    fn a_paste_fits_only_whole() {
        assert!(paste_fits(0, "abc", 3));
        assert!(!paste_fits(1, "abc", 3));
        assert!(paste_fits(3, "", 3));
        assert!(!paste_fits(5, "a", 3));
        assert!(paste_fits(0, "åäö", 3), "characters, not bytes");
    }
}
