#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

//! Clock-drift diagnosis end to end: the real driver and training tenant, a
//! phone simulated by oathtool (an independent TOTP generator) whose clock
//! is off. A wrong code from such a phone names the clock, in plain words.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc;
use mfa_assist::app::{App, Look, NoScrollback};
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
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

// The harness is the one of tests/app_headless.rs.
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

/// Mid-step, so "n steps off" is exact.
const NOW: u64 = 1_700_000_015;

fn oathtool(secret: &str, unix: u64) -> String {
    let out = Command::new("oathtool")
        .args(["--totp", "-b", "-N", &format!("@{unix}"), secret])
        .output()
        .expect("oathtool is installed");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Add a code app up to the manual key, read the key off the screen (as
/// the person would), then go on to the code field.
async fn key_of_new_code_app(h: &Harness) -> String {
    h.sign_in("alex", "Tap-Alex-4821").await;
    h.wait_for("iPhone 11").await;
    h.key(KeyCode::Char('a'));
    h.wait_for("Which method").await;
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    h.wait_for("What kind of phone").await;
    h.key(KeyCode::Enter);
    h.wait_for("Get the app ready").await;
    h.key(KeyCode::Enter);
    h.wait_for("Scan this QR code").await;
    h.key(KeyCode::Char('c'));
    let screen = h.wait_for("Key ").await;
    let line = screen
        .lines()
        .find(|l| l.trim_start().starts_with("Key "))
        .unwrap_or_else(|| panic!("no key line:\n{screen}"));
    let key: String = line
        .trim_start()
        .trim_start_matches("Key")
        .split_whitespace()
        .take_while(|g| g.len() <= 4 && g.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    assert!(key.len() >= 16, "key {key:?} from {line:?}");
    h.key(KeyCode::Enter);
    h.wait_for("code").await;
    key
}

async fn type_code_from_phone_off_by(steps: i64, wait_for: &str) -> String {
    let tenant = TrainingTenant::default_scenario()
        .with_delay(Duration::ZERO)
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
    let h = start_with(tenant, 0, (100, 40));
    let key = key_of_new_code_app(&h).await;
    let code = oathtool(&key, NOW.checked_add_signed(steps * 30).unwrap());
    h.text(&code);
    h.key(KeyCode::Enter);
    let screen = h.wait_for(wait_for).await;
    let _ = h.finish().await;
    screen
}

#[tokio::test]
async fn a_phone_two_minutes_fast_is_told_so() {
    let screen = type_code_from_phone_off_by(4, "clock").await;
    assert!(screen.contains("about 2 minutes fast"), "{screen}");
    assert!(screen.contains("automatic date"), "{screen}");
}

#[tokio::test]
async fn a_phone_ten_minutes_slow_is_told_so() {
    let screen = type_code_from_phone_off_by(-20, "clock").await;
    assert!(screen.contains("about 10 minutes slow"), "{screen}");
}

#[tokio::test]
async fn one_step_off_is_still_accepted_not_diagnosed() {
    // The training tenant allows one step either way, like most servers.
    for steps in [1, -1] {
        let screen = type_code_from_phone_off_by(steps, "All done").await;
        assert!(!screen.contains("clock is about"), "{screen}");
    }
}

#[tokio::test]
async fn far_outside_the_window_is_just_a_wrong_code() {
    let screen = type_code_from_phone_off_by(25, "didn't match").await;
    assert!(!screen.contains("clock is about"), "{screen}");
}
