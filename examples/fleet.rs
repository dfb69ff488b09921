//! Fleet simulation (issue 15): N kiosks and M agent desks, each a task
//! with a throttle gate of its own (each is its own machine), walk one
//! recovery each against a model of Microsoft Graph's throttling, in
//! tokio's paused (virtual) time, so hours of a busy tenant run in seconds.
//!
//!     cargo run --release --example fleet            # the table in docs/capacity.md
//!     cargo run --release --example fleet -- --window-min 10 --shared
//!     cargo run --release --example fleet -- --strict --kiosks 50 --desks 20
//!
//! What is real: the polling loop (`poller::poll_paced`), the schedule, the
//! throttle gate and its header parsing, the rule for sending again after a
//! 429 (`ThrottleGate::send`), the bound on a call (`driver::bounded_by`)
//! and the "busy, still trying" signal (`throttle::telling_holds`), all as
//! the app runs them. What is modelled: the transport. Graph's limiter is
//! `tests/support/graph_limiter.rs`, in-process, with the answers the fake
//! Graph gives (status, `Retry-After`, `x-ms-resource-unit`,
//! `x-ms-throttle-limit-percentage`), not HTTP to `tests/support/fake_graph`:
//! that server lives in real time, and a simulated hour of 270 clients over
//! loopback HTTP would take an hour. Reads and writes alike are sent after
//! any running hold and again after each 429 once its wait is over, within
//! `throttle::THROTTLED_BUDGET` (two minutes), as `http::send_idempotent` and
//! `http::send_once` do.
//!
//! Workload: every kiosk and desk starts one recovery at a random moment of
//! the window (default: one busy hour). Kiosk: device-code sign-in (the
//! identity platform, not Graph: not counted), list methods, delete the lost
//! Authenticator, list again, begin (list Authenticators), watch until the
//! scripted phone registers 45 s–4 min after the QR appears, list again.
//! Desk: look the caller up (2 RU), list, delete, list, issue a pass (POST),
//! list, watch (3 s at first) until the caller registers 1–5 min later.
//! An "error shown" is a one-off call that failed even after its retries
//! (the person would read "busy, try again"); the simulated person then
//! waits as told and tries again. "Busy shown" counts one-off calls during
//! which the screen said "the service is busy, still trying" (a hold ran).
//! A throttled poll is not an error: the screen says "checking less often".

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfa_assist::driver::bounded_by;
use mfa_assist::poll_schedule::Cadence;
use mfa_assist::poller::{final_answer, poll_paced};
use mfa_assist::provider::ProviderError;
use mfa_assist::throttle::{
    Answered, Signal, THROTTLED_BUDGET, ThrottleGate, WRITE_BUDGET, telling_holds,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::time::{Instant, sleep};

#[path = "../tests/support/graph_limiter.rs"]
mod graph_limiter;
use graph_limiter::{Answer, Limiter, Reading};

const WATCH_TIMEOUT: Duration = Duration::from_secs(15 * 60);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum App {
    Kiosk,
    Desk,
}

#[derive(Default)]
struct Stats {
    /// Requests Graph received (accepted or refused), per 10 s window.
    sent: HashMap<u64, u32>,
    refused: u64,
    delays_ms: Vec<u64>,
    errors_shown: u64,
    /// One-off calls during which the screen said "busy, still trying".
    busy_shown: u64,
    failed: u64,
    completed: u64,
}

struct World {
    limiter: Limiter,
    shared_app: bool,
    started: Instant,
    stats: Stats,
}

type Shared = Arc<Mutex<World>>;

impl World {
    /// One request as Graph's limiter would answer it, counted.
    fn call(&mut self, app: App, cost: u32) -> Answer {
        let app = if self.shared_app { App::Kiosk } else { app };
        let window = Instant::now().duration_since(self.started).as_secs() / 10;
        *self.stats.sent.entry(window).or_default() += 1;
        let answer = self.limiter.call(app as u32, cost);
        if answer.status == 429 {
            self.stats.refused += 1;
        }
        answer
    }
}

/// The limiter's answer as the gate reads it.
struct Refusal(Answer);

impl Answered for Refusal {
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

/// One machine of the fleet: its own gate, its own app registration.
#[derive(Clone)]
struct Client {
    world: Shared,
    gate: ThrottleGate,
    app: App,
}

impl Client {
    /// A GET as `http::send_idempotent` sends it: after any running hold,
    /// and again after each 429 once its wait is over, within
    /// `throttle::THROTTLED_BUDGET` (the app's own `ThrottleGate::send`).
    async fn read(&self, cost: u32) -> Result<(), ProviderError> {
        self.send(THROTTLED_BUDGET, cost).await
    }

    /// A DELETE or POST as `http::send_once` sends it: the same rule,
    /// within `throttle::WRITE_BUDGET`.
    async fn write(&self) -> Result<(), ProviderError> {
        self.send(WRITE_BUDGET, 1).await
    }

    async fn send(&self, budget: Duration, cost: u32) -> Result<(), ProviderError> {
        let answer = self
            .gate
            .send(budget, || async {
                Refusal(self.world.lock().unwrap().call(self.app, cost))
            })
            .await;
        match answer.signal() {
            Some(signal) if signal.throttled => Err(ProviderError::RateLimited {
                retry_after: signal.retry_after,
            }),
            _ => Ok(()),
        }
    }

    /// A one-off step the person (or agent) waits for; a failure is an
    /// error on screen, read, then tried again.
    async fn step(&self, write: bool, cost: u32) {
        loop {
            let busy = std::sync::atomic::AtomicBool::new(false);
            // As the executors run a call: bounded (holds not counted), and
            // "busy, still trying" on screen while a hold runs.
            let answer = bounded_by(
                &self.gate,
                telling_holds(
                    &self.gate,
                    async {
                        if write {
                            self.write().await
                        } else {
                            self.read(cost).await
                        }
                    },
                    |_| busy.store(true, std::sync::atomic::Ordering::Relaxed),
                ),
            )
            .await;
            if busy.load(std::sync::atomic::Ordering::Relaxed) {
                self.world.lock().unwrap().stats.busy_shown += 1;
            }
            let Err(error) = answer else { return };
            self.world.lock().unwrap().stats.errors_shown += 1;
            let told = match error {
                ProviderError::RateLimited { retry_after } => retry_after,
                _ => None,
            };
            sleep(told.unwrap_or(Duration::from_secs(10)) + Duration::from_secs(3)).await;
        }
    }

    /// Watches until the method registered at `registers_at` is seen;
    /// records the delay. False when the watch ran out of time.
    async fn watch(&self, cadence: Cadence, seed: u64, registers_at: Instant, cost: u32) -> bool {
        let seen: Mutex<Option<Instant>> = Mutex::new(None);
        poll_paced(
            &self.gate,
            cadence,
            seed,
            Some(Instant::now() + WATCH_TIMEOUT),
            None,
            || async move {
                self.read(cost).await?;
                Ok(Instant::now() >= registers_at)
            },
            final_answer(|registered: &bool| *registered),
            |answer| {
                if answer == Ok(true) {
                    *seen.lock().unwrap() = Some(Instant::now());
                }
                true
            },
        )
        .await;
        let seen = *seen.lock().unwrap();
        let mut world = self.world.lock().unwrap();
        match seen {
            Some(at) => {
                let delay = at.saturating_duration_since(registers_at);
                world.stats.delays_ms.push(delay.as_millis() as u64);
                true
            }
            None => false,
        }
    }
}

/// A small deterministic generator, so every run prints the same table.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    }

    fn secs(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo * 1000 + self.next() % ((hi - lo) * 1000 + 1))
    }
}

async fn kiosk(client: Client, mut rng: Rng, start: Duration) {
    sleep(start).await;
    sleep(rng.secs(30, 90)).await; // device-code sign-in on the phone
    client.step(false, 1).await; // list methods
    sleep(rng.secs(10, 30)).await;
    client.step(true, 1).await; // delete the lost Authenticator
    client.step(false, 1).await; // list again
    sleep(rng.secs(5, 15)).await;
    client.step(false, 1).await; // begin: list the Authenticators
    let registers_at = Instant::now() + rng.secs(45, 240);
    let ok = client
        .watch(Cadence::default(), rng.next(), registers_at, 1)
        .await;
    if ok {
        client.step(false, 1).await; // the list on the Done screen
    }
    finish(&client, ok);
}

async fn desk(client: Client, mut rng: Rng, start: Duration) {
    sleep(start).await;
    sleep(rng.secs(20, 60)).await; // the caller explains, the agent types
    client.step(false, 2).await; // look the caller up (GET users/{id})
    client.step(false, 1).await; // their methods and passes
    sleep(rng.secs(10, 30)).await;
    client.step(true, 1).await; // delete the lost Authenticator
    client.step(false, 1).await;
    sleep(rng.secs(5, 20)).await;
    client.step(true, 1).await; // issue a Temporary Access Pass
    client.step(false, 1).await;
    let registers_at = Instant::now() + rng.secs(60, 300);
    let ok = client
        .watch(
            Cadence::starting_at(Duration::from_secs(3)),
            rng.next(),
            registers_at,
            1,
        )
        .await;
    finish(&client, ok);
}

fn finish(client: &Client, ok: bool) {
    let mut world = client.world.lock().unwrap();
    if ok {
        world.stats.completed += 1;
    } else {
        world.stats.failed += 1;
    }
}

struct Row {
    reading: Reading,
    kiosks: usize,
    desks: usize,
    stats: Stats,
}

async fn run(reading: Reading, kiosks: usize, desks: usize, window: Duration, shared: bool) -> Row {
    let world: Shared = Arc::new(Mutex::new(World {
        limiter: Limiter::new(reading),
        shared_app: shared,
        started: Instant::now(),
        stats: Stats::default(),
    }));
    let mut rng = Rng(0x5eed ^ (kiosks as u64) << 16 ^ desks as u64);
    let mut tasks = Vec::new();
    let window_ms = window.as_millis() as u64;
    for (i, app) in (0..kiosks)
        .map(|i| (i, App::Kiosk))
        .chain((0..desks).map(|i| (i, App::Desk)))
    {
        let client = Client {
            world: world.clone(),
            gate: ThrottleGate::new(),
            app,
        };
        let start = Duration::from_millis(rng.next() % window_ms.max(1));
        let r = Rng(rng.next() ^ i as u64);
        tasks.push(match app {
            App::Kiosk => tokio::spawn(kiosk(client, r, start)),
            App::Desk => tokio::spawn(desk(client, r, start)),
        });
    }
    for t in tasks {
        t.await.unwrap();
    }
    let stats = std::mem::take(&mut world.lock().unwrap().stats);
    Row {
        reading,
        kiosks,
        desks,
        stats,
    }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn print(row: &mut Row) {
    let s = &mut row.stats;
    s.delays_ms.sort_unstable();
    let busy: Vec<u32> = s.sent.values().copied().collect();
    let total: u64 = busy.iter().map(|n| u64::from(*n)).sum();
    let windows = busy.len().max(1) as f64;
    let peak = busy.iter().max().copied().unwrap_or(0);
    let recoveries = (row.kiosks + row.desks) as f64;
    println!(
        "| {} | {} | {} | {:.1} | {} | {:.1} | {} | {:.1} | {:.1} | {} | {} | {} |",
        match row.reading {
            Reading::Strict => "strict 5/10 s".to_string(),
            Reading::Units(n) => format!("{n} RU/10 s"),
        },
        row.kiosks,
        row.desks,
        total as f64 / windows,
        peak,
        total as f64 / recoveries,
        s.refused,
        percentile(&s.delays_ms, 0.5),
        percentile(&s.delays_ms, 0.95),
        s.failed,
        s.busy_shown,
        s.errors_shown,
    );
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let window = Duration::from_secs(60 * value("--window-min").unwrap_or(60));
    let shared = args.iter().any(|a| a == "--shared");
    let list = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| {
                v.split(',')
                    .filter_map(|n| n.parse().ok())
                    .collect::<Vec<usize>>()
            })
    };
    // `--kiosks 50 --desks 20 --strict`: a few rows of the table.
    let kiosk_counts = list("--kiosks").unwrap_or(vec![1, 2, 10, 50, 200]);
    let desk_counts = list("--desks").unwrap_or(vec![0, 5, 20]);
    let readings = if args.iter().any(|a| a == "--strict") {
        vec![Reading::Strict]
    } else {
        vec![Reading::Strict, Reading::Units(3500)]
    };
    println!(
        "Arrivals spread over {} min; {} app registration{}.\n",
        window.as_secs() / 60,
        if shared {
            "one shared"
        } else {
            "kiosks and desks on separate"
        },
        if shared { "" } else { "s" },
    );
    println!(
        "| limit | kiosks | desks | req/10 s (mean) | req/10 s (peak) | req/recovery | 429s | p50 delay s | p95 delay s | failed | busy shown | errors shown |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for reading in readings {
        for &kiosks in &kiosk_counts {
            for &desks in &desk_counts {
                let mut row = run(reading, kiosks, desks, window, shared).await;
                print(&mut row);
            }
        }
    }
}
