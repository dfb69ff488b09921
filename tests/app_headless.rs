#![allow(clippy::unwrap_used, clippy::expect_used)]

//! The driver without a terminal: the real `App` loop with the real training
//! tenant, keys sent through a channel, the screen read from a TestBackend.
//! Covers what flow tests cannot: effects actually run, answers come back
//! through tasks, stale answers are dropped, timers fire.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc;
use mfa_assist::app::{App, Look};
use mfa_assist::driver::NoScrollback;
use mfa_assist::flow::{Flow, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::provider::Provider;
use mfa_assist::provider::training::TrainingTenant;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::convert::Infallible;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A TestBackend the test can read while the app draws into it.
#[derive(Clone)]
struct Shared(Arc<Mutex<TestBackend>>);

impl Shared {
    fn screen(&self) -> String {
        let backend = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let buffer = backend.buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}

impl Backend for Shared {
    type Error = Infallible;
    fn draw<'a, I>(&mut self, content: I) -> Result<(), Infallible>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.0.lock().unwrap().draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Infallible> {
        self.0.lock().unwrap().hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Infallible> {
        self.0.lock().unwrap().show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Infallible> {
        self.0.lock().unwrap().get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Infallible> {
        self.0.lock().unwrap().set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Infallible> {
        self.0.lock().unwrap().clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Infallible> {
        self.0.lock().unwrap().clear_region(t)
    }
    fn size(&self) -> Result<Size, Infallible> {
        self.0.lock().unwrap().size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Infallible> {
        self.0.lock().unwrap().window_size()
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        self.0.lock().unwrap().flush()
    }
}

struct Harness {
    keys: mpsc::UnboundedSender<io::Result<TermEvent>>,
    interrupts: mpsc::UnboundedSender<()>,
    screen: Shared,
    done: tokio::task::JoinHandle<io::Result<()>>,
}

fn settings(provider: &dyn Provider, idle_ms: u64) -> Settings {
    Settings {
        languages: vec!["en".into(), "sv".into(), "fi".into()],
        kiosk: false,
        idle_timeout_ms: idle_ms,
        done_countdown_ms: 2_000,
        capabilities: provider.capabilities(),
    }
}

fn start_with(tenant: TrainingTenant, idle_ms: u64, size: (u16, u16)) -> Harness {
    let provider: Arc<dyn Provider> = Arc::new(tenant);
    let flow = Flow::new(settings(provider.as_ref(), idle_ms));
    let app = App::new(flow, provider, Guide::built_in(), Look::default());
    let screen = Shared(Arc::new(Mutex::new(TestBackend::new(size.0, size.1))));
    let (keys, key_rx) = mpsc::unbounded();
    let (interrupts, int_rx) = mpsc::unbounded();
    let backend = screen.clone();
    let done = tokio::spawn(async move {
        let mut terminal = Terminal::new(backend).map_err(|e| io::Error::other(e.to_string()))?;
        app.run(&mut terminal, &mut NoScrollback, key_rx, int_rx)
            .await
    });
    Harness {
        keys,
        interrupts,
        screen,
        done,
    }
}

fn start(delay_ms: u64) -> Harness {
    start_with(
        TrainingTenant::default_scenario().with_delay(Duration::from_millis(delay_ms)),
        0,
        (100, 40),
    )
}

impl Harness {
    fn key(&self, code: KeyCode) {
        let _ = self
            .keys
            .unbounded_send(Ok(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    }

    fn ctrl(&self, c: char) {
        let _ = self.keys.unbounded_send(Ok(TermEvent::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        ))));
    }

    fn text(&self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn paste(&self, s: &str) {
        let _ = self
            .keys
            .unbounded_send(Ok(TermEvent::Paste(s.to_string())));
    }

    async fn wait_for(&self, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let screen = self.screen.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited 5 s for {needle:?}; the screen is:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn sign_in(&self, user: &str, pass: &str) {
        self.key(KeyCode::Enter);
        self.wait_for("Username").await;
        self.text(user);
        self.key(KeyCode::Enter);
        self.text(pass);
        self.key(KeyCode::Enter);
    }

    async fn finish(self) -> io::Result<()> {
        let _ = self.interrupts.unbounded_send(());
        tokio::time::timeout(Duration::from_secs(5), self.done)
            .await
            .map_err(|_| io::Error::other("app did not stop on interrupt"))?
            .map_err(|e| io::Error::other(e.to_string()))?
    }
}

#[tokio::test]
async fn wrong_pass_then_right_pass_shows_the_methods_table() {
    let h = start(0);
    h.wait_for("Recover your sign-in").await;
    h.sign_in("alex", "Tap-Alex-0000").await;
    h.wait_for("2 attempts left").await;
    h.text("Tap-Alex-4821");
    h.key(KeyCode::Enter);
    let screen = h.wait_for("Signed in as Alex Lindqvist").await;
    h.wait_for("Mobile +1 555-0142").await;
    assert!(
        !screen.contains("Tap-Alex-4821"),
        "the pass must not stay on screen"
    );
    h.finish().await.unwrap();
}

#[tokio::test]
async fn a_sign_in_abandoned_with_esc_does_not_come_back() {
    let h = start(300);
    h.sign_in("alex", "Tap-Alex-4821").await;
    h.wait_for("Checking your pass").await;
    h.key(KeyCode::Esc);
    h.wait_for("Recover your sign-in").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let screen = h.screen.screen();
    assert!(screen.contains("Recover your sign-in"), "{screen}");
    assert!(!screen.contains("Signed in as"), "{screen}");
    h.finish().await.unwrap();
}

#[tokio::test]
async fn simulated_phone_approves_the_new_authenticator() {
    let h = start(0);
    h.sign_in("alex", "Tap-Alex-4821").await;
    h.wait_for("iPhone 11").await;
    h.key(KeyCode::Char('a'));
    h.wait_for("Which method").await;
    h.key(KeyCode::Enter); // notification
    h.wait_for("What kind of phone").await;
    h.key(KeyCode::Enter);
    h.wait_for("Get the app ready").await;
    h.key(KeyCode::Enter);
    h.wait_for("Scan this QR code").await;
    h.key(KeyCode::Enter);
    h.wait_for("TRAINING PHONE").await;
    h.key(KeyCode::Char('a'));
    let done = h.wait_for("All done").await;
    assert!(done.contains("Authenticator app (notifications)"), "{done}");
    h.finish().await.unwrap();
}

#[tokio::test]
async fn an_unanswered_notification_times_out_and_can_be_sent_again() {
    let scenario = mfa_assist::provider::scenario::DEFAULT_SCENARIO
        .replace("approval_timeout_secs = 60", "approval_timeout_secs = 0.4")
        .replace("poll_every_ms = 2000", "poll_every_ms = 100");
    let tenant = TrainingTenant::from_toml(&scenario)
        .unwrap()
        .with_delay(Duration::ZERO);
    let h = start_with(tenant, 0, (100, 40));
    h.sign_in("alex", "Tap-Alex-4821").await;
    h.wait_for("Signed in as").await;
    for key in [
        KeyCode::Char('a'),
        KeyCode::Enter,
        KeyCode::Enter,
        KeyCode::Enter,
    ] {
        h.key(key);
    }
    h.wait_for("Scan this QR code").await;
    h.key(KeyCode::Enter);
    h.wait_for("TRAINING PHONE").await;
    h.wait_for("No answer arrived in time").await;
    h.key(KeyCode::Char('r'));
    h.wait_for("TRAINING PHONE").await;
    h.key(KeyCode::Char('a'));
    h.wait_for("All done").await;
    h.finish().await.unwrap();
}

#[tokio::test]
async fn idle_session_is_signed_out_and_wiped() {
    let h = start_with(
        TrainingTenant::default_scenario().with_delay(Duration::ZERO),
        400,
        (100, 40),
    );
    h.sign_in("alex", "Tap-Alex-4821").await;
    h.wait_for("Signed in as").await;
    let screen = h.wait_for("signed out because nothing happened").await;
    assert!(!screen.contains("alex@"), "{screen}");
    h.finish().await.unwrap();
}

#[tokio::test]
async fn huge_paste_is_refused_and_nothing_is_lost() {
    let h = start(0);
    h.key(KeyCode::Enter);
    h.wait_for("Username").await;
    h.text("alex");
    h.key(KeyCode::Tab);
    h.text("Tap");
    h.paste(&"x".repeat(100_000));
    h.wait_for("far too long").await;
    h.paste("-Alex-4821\n");
    h.key(KeyCode::Enter);
    h.wait_for("Signed in as").await;
    h.finish().await.unwrap();
}

#[tokio::test]
async fn unreachable_provider_says_so() {
    let scenario = mfa_assist::provider::scenario::DEFAULT_SCENARIO.replace(
        "max_attempts = 3",
        "max_attempts = 3\nunreachable_every = 2",
    );
    let tenant = TrainingTenant::from_toml(&scenario)
        .unwrap()
        .with_delay(Duration::ZERO);
    let h = start_with(tenant, 0, (100, 40));
    h.sign_in("alex", "Tap-Alex-4821").await;
    h.wait_for("can't reach the sign-in service").await;
    h.finish().await.unwrap();
}

#[tokio::test]
async fn tiny_terminal_gets_a_message_not_a_panic() {
    let h = start_with(TrainingTenant::default_scenario(), 0, (30, 8));
    h.wait_for("too small").await;
    h.finish().await.unwrap();
}

#[tokio::test]
async fn ctrl_c_quits_when_not_a_kiosk() {
    let h = start(0);
    h.wait_for("Recover your sign-in").await;
    h.ctrl('c');
    tokio::time::timeout(Duration::from_secs(5), h.done)
        .await
        .expect("app should stop on Ctrl-C")
        .unwrap()
        .unwrap();
}
