//! Over 400 lines only with its unit tests: the gate's pure state and its process-wide use.
//!
//! The throttle gate: what the provider's answers said about its budget,
//! shared by every request and poller of this process.
//!
//! Microsoft Graph counts requests per app registration and tenant, so one
//! kiosk's polls and its one-off calls spend the same budget. Every answer
//! is read here (`Retry-After` on a 429/503; `x-ms-throttle-limit-percentage`
//! and `x-ms-resource-unit` on ordinary answers, see docs/capacity.md for
//! the sources) and every caller asks here before it sends: after a
//! `Retry-After` nobody in the process sends until it has passed, and while
//! the budget runs hot the pollers slow down before a 429 arrives.
//!
//! [`GateState`] is the pure part (logical clock in, advice out);
//! [`ThrottleGate`] shares one between tasks.

use crate::flow::Millis;
use reqwest::header::HeaderMap;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

/// Graph sends `x-ms-throttle-limit-percentage` only above 0.8 of the
/// limit; from there on the pollers leave their fast phase.
pub const NEAR_LIMIT: f64 = 0.8;
/// At or over the limit: poll at the slow end of the range.
pub const AT_LIMIT: f64 = 1.0;
/// How long a sign of pressure is remembered. Graph's windows are 10 s; a
/// fleet that filled one will likely fill the next few, and every answer
/// under pressure renews this anyway.
pub const PRESSURE_MEMORY: Duration = Duration::from_secs(60);
/// A 429 without `Retry-After` (Microsoft: "use an exponential backoff"):
/// the first waits one 10 s window, each more doubles it, up to a minute.
const FIRST_BACKOFF: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How long a call refused with 429 keeps being sent again, waits included,
/// read or write. While it waits the screen says "the service is busy,
/// still trying", not an error, and the app's bound on a call
/// ([`crate::driver::bounded`]) does not count the waits: they are the
/// server's, not a hang. Two minutes: under the strict reading a fleet's
/// bursts clear within a few 10 s windows (docs/capacity.md); past this the
/// person reads "busy, try again in N s".
pub const THROTTLED_BUDGET: Duration = Duration::from_secs(120);
/// A write's budget for re-sends after 429s: the same as a read's.
pub const WRITE_BUDGET: Duration = THROTTLED_BUDGET;

/// What one answer says about the budget.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Signal {
    /// 429 or 503: the request was refused, nothing was done.
    pub throttled: bool,
    pub retry_after: Option<Duration>,
    /// `x-ms-throttle-limit-percentage` as a fraction of the limit (0.8–1.8).
    pub limit_fraction: Option<f64>,
    /// `x-ms-resource-unit`: what this request cost.
    pub resource_units: Option<u32>,
}

impl Signal {
    /// Reads the throttle headers of an answer with this status.
    pub fn from_headers(status: u16, headers: &HeaderMap, now: SystemTime) -> Signal {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        Signal {
            throttled: status == 429 || status == 503,
            retry_after: text("retry-after")
                .and_then(|v| crate::provider::http::parse_retry_after(v, now)),
            limit_fraction: text("x-ms-throttle-limit-percentage").and_then(parse_fraction),
            resource_units: text("x-ms-resource-unit").and_then(|v| v.trim().parse().ok()),
        }
    }
}

/// Microsoft documents the value as 0.8 to 1.8 ("a percentage of the use of
/// the limit"); a server sending 80 to 180 means the same.
fn parse_fraction(value: &str) -> Option<f64> {
    let v: f64 = value.trim().trim_end_matches('%').parse().ok()?;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    Some(if v > 10.0 { v / 100.0 } else { v })
}

/// How hard the budget is pressed, as the pollers need to know it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pressure {
    #[default]
    None,
    /// Over 0.8 of the limit: no fast polling.
    Near,
    /// At or over the limit, or refused lately: the slowest polling.
    Over,
}

/// What a caller should do now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Advice {
    /// Send nothing before this (a `Retry-After` still running).
    pub hold_until: Option<Millis>,
    pub pressure: Pressure,
}

/// The gate's memory, on a logical clock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GateState {
    hold_until: Millis,
    pressure: Pressure,
    pressure_until: Millis,
    /// 429s in a row without `Retry-After`, for the backoff.
    strikes: u32,
    /// Resource units of the last answer that named them (for the record).
    pub last_resource_units: Option<u32>,
}

impl GateState {
    pub fn observe(&mut self, now: Millis, signal: &Signal) {
        if let Some(units) = signal.resource_units {
            self.last_resource_units = Some(units);
        }
        let mut pressure = match signal.limit_fraction {
            Some(f) if f >= AT_LIMIT => Pressure::Over,
            Some(f) if f >= NEAR_LIMIT => Pressure::Near,
            _ => Pressure::None,
        };
        if signal.throttled {
            pressure = Pressure::Over;
            let wait = match signal.retry_after {
                Some(wait) => {
                    self.strikes = 0;
                    wait
                }
                None => {
                    self.strikes = self.strikes.saturating_add(1);
                    FIRST_BACKOFF
                        .saturating_mul(1 << (self.strikes - 1).min(6))
                        .min(MAX_BACKOFF)
                }
            };
            self.hold_for(now, wait);
        } else {
            self.strikes = 0;
            // A Retry-After on a 200 is not a refusal, but it is a request.
            if let Some(wait) = signal.retry_after {
                self.hold_for(now, wait);
            }
        }
        if pressure > Pressure::None {
            self.pressure = pressure.max(self.current_pressure(now));
            self.pressure_until = now.plus_ms(ms(PRESSURE_MEMORY));
        }
    }

    /// Nobody sends before `now + wait` (never shortens a longer hold).
    pub fn hold_for(&mut self, now: Millis, wait: Duration) {
        let until = now.plus_ms(ms(wait));
        if until > self.hold_until {
            self.hold_until = until;
        }
        if self.current_pressure(now) < Pressure::Over {
            self.pressure = Pressure::Over;
        }
        self.pressure_until = self.pressure_until.max(until.plus_ms(ms(PRESSURE_MEMORY)));
    }

    fn current_pressure(&self, now: Millis) -> Pressure {
        if now < self.pressure_until {
            self.pressure
        } else {
            Pressure::None
        }
    }

    pub fn advice(&self, now: Millis) -> Advice {
        Advice {
            hold_until: (self.hold_until > now).then_some(self.hold_until),
            pressure: self.current_pressure(now),
        }
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// One [`GateState`] shared by the tasks of a process, on tokio's clock
/// (so a simulation with paused time runs it in virtual time).
#[derive(Clone, Debug)]
pub struct ThrottleGate {
    inner: Arc<Mutex<Inner>>,
    /// A server's gate also tells the process's, which the pollers read.
    reports_to_process: bool,
}

#[derive(Debug)]
struct Inner {
    epoch: tokio::time::Instant,
    state: GateState,
    /// The hold's end, for whoever shows that a call waits for it.
    holds: tokio::sync::watch::Sender<Millis>,
}

impl Default for ThrottleGate {
    fn default() -> Self {
        ThrottleGate::new()
    }
}

impl ThrottleGate {
    /// A gate of its own (a simulated kiosk is a process of its own).
    pub fn new() -> ThrottleGate {
        ThrottleGate {
            inner: Arc::new(Mutex::new(Inner {
                epoch: tokio::time::Instant::now(),
                state: GateState::default(),
                holds: tokio::sync::watch::Sender::new(Millis(0)),
            })),
            reports_to_process: false,
        }
    }

    /// The gate of this process: the pollers take their pace from it. Every
    /// server's gate ([`ThrottleGate::for_origin`]) reports here too.
    pub fn process() -> ThrottleGate {
        static GATE: OnceLock<ThrottleGate> = OnceLock::new();
        GATE.get_or_init(ThrottleGate::new).clone()
    }

    /// The gate of one server (scheme, host and port): a `Retry-After` from
    /// the sign-in service does not hold calls to Graph, nor one test
    /// server's another's.
    pub fn for_origin(url: &reqwest::Url) -> ThrottleGate {
        static GATES: OnceLock<Mutex<std::collections::HashMap<String, ThrottleGate>>> =
            OnceLock::new();
        let mut gates = GATES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        gates
            .entry(url.origin().ascii_serialization())
            .or_insert_with(|| ThrottleGate {
                reports_to_process: true,
                ..ThrottleGate::new()
            })
            .clone()
    }

    /// Reads an answer from this server, for this gate and the process's.
    pub fn observe_answer(&self, status: u16, headers: &HeaderMap) {
        let signal = Signal::from_headers(status, headers, SystemTime::now());
        self.observe(&signal);
        if !self.reports_to_process {
            ThrottleGate::process().observe(&signal);
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut GateState, Millis) -> R) -> R {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = Millis(ms(inner.epoch.elapsed()));
        let before = inner.state.hold_until;
        let out = f(&mut inner.state, now);
        if inner.state.hold_until != before {
            inner.holds.send_replace(inner.state.hold_until);
        }
        out
    }

    /// Tells of every new hold: the time (on this gate's clock) before
    /// which nothing is sent.
    pub fn holds(&self) -> tokio::sync::watch::Receiver<Millis> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .holds
            .subscribe()
    }

    /// When the last hold ended (or ends), on tokio's clock; the start of
    /// the gate's clock when there was none.
    pub fn hold_ends(&self) -> tokio::time::Instant {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.epoch + Duration::from_millis(inner.state.hold_until.0)
    }

    /// The gate's logical clock.
    pub fn now(&self) -> Millis {
        self.with(|_, now| now)
    }

    pub fn observe(&self, signal: &Signal) {
        self.with(|s, now| s.observe(now, signal));
        if self.reports_to_process {
            ThrottleGate::process().observe(signal);
        }
    }

    pub fn hold_for(&self, wait: Duration) {
        self.with(|s, now| s.hold_for(now, wait));
    }

    pub fn advice(&self) -> Advice {
        self.with(|s, now| s.advice(now))
    }

    /// Waits out a running hold, but never longer than `max`.
    pub async fn wait_turn(&self, max: Duration) {
        let (advice, now) = self.with(|s, now| (s.advice(now), now));
        if let Some(until) = advice.hold_until {
            let wait = Duration::from_millis(until.since(now)).min(max);
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            tracing::debug!(target: "mfa_assist::throttle", wait_ms, "holding for the server's Retry-After");
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends through the gate: waits out a hold, sends, reads the answer's
    /// headers, and after a 429 sends again once the wait is over, as long as
    /// `budget` allows. A 429 means the request was refused, not done
    /// (Microsoft: "the requests fail"), so sending it again is safe even
    /// for a write. Whatever came last is returned.
    pub async fn send<R, F, Fut>(&self, budget: Duration, mut send: F) -> R
    where
        R: Answered,
        F: FnMut() -> Fut,
        Fut: Future<Output = R>,
    {
        let started = tokio::time::Instant::now();
        loop {
            self.wait_turn(budget.saturating_sub(started.elapsed()))
                .await;
            let answer = send().await;
            let Some(signal) = answer.signal() else {
                return answer;
            };
            self.observe(&signal);
            if !signal.throttled || !answer.may_resend() {
                return answer;
            }
            let wait = self.advice().hold_until.map_or(Duration::ZERO, |until| {
                Duration::from_millis(until.since(self.now()))
            });
            if started.elapsed() + wait >= budget {
                return answer;
            }
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            tracing::info!(target: "mfa_assist::http", wait_ms, "refused with 429: sent again after the wait");
        }
    }
}

/// Runs `work` (one call a person waits for) and calls `told` with the
/// wait each time `gate` (the process's) holds calls while it runs, a hold
/// already running included: the screen then says "the service is busy,
/// still trying" instead of a spinner that seems stuck.
pub async fn telling_holds<T>(
    gate: &ThrottleGate,
    work: impl Future<Output = T>,
    mut told: impl FnMut(Duration),
) -> T {
    let mut holds = gate.holds();
    let mut last = None;
    let mut tell = |gate: &ThrottleGate| {
        let now = gate.now();
        if let Some(until) = gate.advice().hold_until
            && last != Some(until)
        {
            last = Some(until);
            told(Duration::from_millis(until.since(now)));
        }
    };
    tell(gate);
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return out,
            changed = holds.changed() => match changed {
                Ok(()) => tell(gate),
                // The gate lives as long as the process; never reached.
                Err(_) => return work.await,
            },
        }
    }
}

/// An answer the gate can read.
pub trait Answered {
    /// `None` when no answer arrived (a transport failure).
    fn signal(&self) -> Option<Signal>;
    /// Whether this refusal may be sent again (a 429, not a 503, which may
    /// come after the work was done).
    fn may_resend(&self) -> bool;
}

impl Answered for Result<reqwest::Response, crate::provider::ProviderError> {
    fn signal(&self) -> Option<Signal> {
        let response = self.as_ref().ok()?;
        Some(Signal::from_headers(
            response.status().as_u16(),
            response.headers(),
            SystemTime::now(),
        ))
    }

    fn may_resend(&self) -> bool {
        self.as_ref()
            .is_ok_and(|r| r.status() == reqwest::StatusCode::TOO_MANY_REQUESTS)
    }
}

/// Sends any request (the way a POST or DELETE is sent) after any running
/// hold, reads the answer's throttle headers into its server's gate and the
/// process's, and after a 429 sends it again once the wait is over, within
/// [`WRITE_BUDGET`]. A 429 means the server did not carry the request out
/// (Microsoft: "the request was throttled"), so a second DELETE or POST does
/// not do anything twice. Nothing else is re-sent: a 503, a 500 or a
/// timeout may come after the work was done.
pub async fn send_once_gated(
    request: reqwest::RequestBuilder,
) -> Result<reqwest::Response, crate::provider::ProviderError> {
    send_once_gated_within(request, WRITE_BUDGET).await
}

/// [`send_once_gated`] with its own budget for 429s (a provider's setting).
pub async fn send_once_gated_within(
    request: reqwest::RequestBuilder,
    write_budget: Duration,
) -> Result<reqwest::Response, crate::provider::ProviderError> {
    let (client, request) = request.build_split();
    let request = request.map_err(|_| {
        crate::provider::ProviderError::Protocol("could not build the request".into())
    })?;
    let gate = ThrottleGate::for_origin(request.url());
    // A body that cannot be copied (a stream) goes once; none of ours is one.
    let spare = request.try_clone();
    let budget = if spare.is_some() {
        write_budget
    } else {
        Duration::ZERO
    };
    let mut first = Some(request);
    gate.send(budget, || {
        let next = first
            .take()
            .or_else(|| spare.as_ref().and_then(reqwest::Request::try_clone));
        let client = client.clone();
        async move {
            match next {
                Some(request) => crate::provider::http::exchange(&client, request).await,
                None => Err(crate::provider::ProviderError::Protocol(
                    "could not build the request".into(),
                )),
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn reads_graphs_throttle_headers() {
        let h = headers(&[
            ("x-ms-resource-unit", "1"),
            ("x-ms-throttle-limit-percentage", "0.85"),
        ]);
        let s = Signal::from_headers(200, &h, SystemTime::now());
        assert!(!s.throttled);
        assert_eq!(s.resource_units, Some(1));
        assert_eq!(s.limit_fraction, Some(0.85));
        let h = headers(&[("retry-after", "7")]);
        let s = Signal::from_headers(429, &h, SystemTime::now());
        assert!(s.throttled);
        assert_eq!(s.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(parse_fraction("95"), Some(0.95));
        assert_eq!(parse_fraction("-1"), None);
        assert_eq!(parse_fraction("lots"), None);
    }

    #[test]
    fn near_the_limit_is_pressure_before_any_429() {
        let mut g = GateState::default();
        g.observe(
            Millis(0),
            &Signal {
                limit_fraction: Some(0.82),
                ..Signal::default()
            },
        );
        assert_eq!(g.advice(Millis(1)).pressure, Pressure::Near);
        assert_eq!(g.advice(Millis(1)).hold_until, None);
        g.observe(
            Millis(10),
            &Signal {
                limit_fraction: Some(1.2),
                ..Signal::default()
            },
        );
        assert_eq!(g.advice(Millis(11)).pressure, Pressure::Over);
        // Forgotten once the budget has been quiet for a while.
        assert_eq!(
            g.advice(Millis(10 + ms(PRESSURE_MEMORY))).pressure,
            Pressure::None
        );
    }

    #[test]
    fn retry_after_holds_everyone_and_is_never_shortened() {
        let mut g = GateState::default();
        g.observe(
            Millis(1000),
            &Signal {
                throttled: true,
                retry_after: Some(Duration::from_secs(20)),
                ..Signal::default()
            },
        );
        assert_eq!(g.advice(Millis(2000)).hold_until, Some(Millis(21_000)));
        g.observe(
            Millis(3000),
            &Signal {
                throttled: true,
                retry_after: Some(Duration::from_secs(1)),
                ..Signal::default()
            },
        );
        assert_eq!(g.advice(Millis(3000)).hold_until, Some(Millis(21_000)));
        assert_eq!(g.advice(Millis(21_000)).hold_until, None);
        assert_eq!(g.advice(Millis(21_000)).pressure, Pressure::Over);
    }

    #[test]
    fn a_429_without_retry_after_backs_off_exponentially() {
        let mut g = GateState::default();
        let refused = Signal {
            throttled: true,
            ..Signal::default()
        };
        g.observe(Millis(0), &refused);
        assert_eq!(g.advice(Millis(0)).hold_until, Some(Millis(10_000)));
        g.observe(Millis(10_000), &refused);
        assert_eq!(g.advice(Millis(10_000)).hold_until, Some(Millis(30_000)));
        for _ in 0..10 {
            g.observe(Millis(30_000), &refused);
        }
        assert_eq!(g.advice(Millis(30_000)).hold_until, Some(Millis(90_000)));
        // An answer that got through ends the run.
        g.observe(Millis(90_000), &Signal::default());
        g.observe(Millis(90_000), &refused);
        assert_eq!(g.advice(Millis(90_000)).hold_until, Some(Millis(100_000)));
    }

    /// A scripted answer: 429 with this `Retry-After`, or a success.
    struct Scripted(Option<Duration>);

    impl Answered for Scripted {
        fn signal(&self) -> Option<Signal> {
            Some(Signal {
                throttled: self.0.is_some(),
                retry_after: self.0,
                ..Signal::default()
            })
        }
        fn may_resend(&self) -> bool {
            self.0.is_some()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_write_is_sent_again_only_within_its_budget() {
        let gate = ThrottleGate::new();
        let started = tokio::time::Instant::now();
        let mut sent_at = Vec::new();
        let last = gate
            .send(WRITE_BUDGET, || {
                sent_at.push(started.elapsed().as_secs());
                async { Scripted(Some(Duration::from_secs(50))) }
            })
            .await;
        // At 0, 50 and 100 s; the next would be at 150 s, past the two
        // minutes.
        assert_eq!(sent_at, [0, 50, 100]);
        assert!(last.may_resend(), "the last 429 is handed back");
    }
}
