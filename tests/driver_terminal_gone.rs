#![allow(clippy::unwrap_used, clippy::expect_used)]

//! A terminal that fails. While a session runs, a failed draw or wipe ends
//! the run with the error (the app says "terminal error" and exits), never
//! a session carrying on unseen. Once the session is ending (a signal, a
//! hang-up), the terminal may already be gone: its errors are ignored, so
//! the end (the clean-up, the exit status 0 the e2e tests check) does not
//! depend on a screen nobody sees. Headless: the real driver with the kiosk
//! app, on a test terminal that can be broken at any moment.
//!
//! Found by cargo-mutants (issue 19): the driver's `ending` guards (on a
//! failed effect in `feed`, on a failed draw) could be made always or never
//! true and every test passed, because no test terminal ever failed.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc;
use mfa_assist::app::{App, Look};
use mfa_assist::driver::{self, Screen};
use mfa_assist::flow::{Flow, Settings};
use mfa_assist::guide::Guide;
use mfa_assist::provider::training::TrainingTenant;
use mfa_assist::provider::{
    Approval, Capabilities, Enrollment, Method, MethodKind, Provider, Reply, Session,
};
use mfa_assist::secret::Secret;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn gone() -> io::Error {
    io::Error::from(io::ErrorKind::BrokenPipe)
}

/// A test terminal that fails every write once `broken` is set.
#[derive(Clone)]
struct Breakable {
    inner: Arc<Mutex<TestBackend>>,
    broken: Arc<AtomicBool>,
}

impl Breakable {
    fn check(&self) -> io::Result<()> {
        if self.broken.load(Ordering::SeqCst) {
            Err(gone())
        } else {
            Ok(())
        }
    }

    fn screen(&self) -> String {
        let backend = self.inner.lock().unwrap();
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

fn ok<T>(r: Result<T, std::convert::Infallible>) -> io::Result<T> {
    r.map_err(|e| match e {})
}

impl Backend for Breakable {
    type Error = io::Error;
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.check()?;
        ok(self.inner.lock().unwrap().draw(content))
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.check()?;
        ok(self.inner.lock().unwrap().hide_cursor())
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.check()?;
        ok(self.inner.lock().unwrap().show_cursor())
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        ok(self.inner.lock().unwrap().get_cursor_position())
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> io::Result<()> {
        self.check()?;
        ok(self.inner.lock().unwrap().set_cursor_position(p))
    }
    fn clear(&mut self) -> io::Result<()> {
        self.check()?;
        ok(self.inner.lock().unwrap().clear())
    }
    fn clear_region(&mut self, t: ClearType) -> io::Result<()> {
        self.check()?;
        ok(self.inner.lock().unwrap().clear_region(t))
    }
    fn size(&self) -> io::Result<Size> {
        ok(self.inner.lock().unwrap().size())
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        ok(self.inner.lock().unwrap().window_size())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.check()?;
        ok(self.inner.lock().unwrap().flush())
    }
}

/// The scrollback: its wipe fails once `broken` is set; tries are counted.
struct Scrollback {
    broken: Arc<AtomicBool>,
    wipes: Arc<AtomicUsize>,
}

impl Screen for Scrollback {
    fn wipe_scrollback(&mut self) -> io::Result<()> {
        self.wipes.fetch_add(1, Ordering::SeqCst);
        if self.broken.load(Ordering::SeqCst) {
            Err(gone())
        } else {
            Ok(())
        }
    }
}

struct Run {
    keys: mpsc::UnboundedSender<io::Result<TermEvent>>,
    enders: mpsc::UnboundedSender<()>,
    terminal: Breakable,
    /// Breaks the terminal's screen (draws, clears).
    screen_broken: Arc<AtomicBool>,
    /// Breaks the scrollback's wipe.
    scrollback_broken: Arc<AtomicBool>,
    wipes: Arc<AtomicUsize>,
    done: tokio::task::JoinHandle<io::Result<()>>,
}

fn kiosk() -> Run {
    kiosk_with(Arc::new(
        TrainingTenant::default_scenario().with_delay(Duration::ZERO),
    ))
}

fn kiosk_with(provider: Arc<dyn Provider>) -> Run {
    let flow = Flow::new(Settings {
        languages: vec!["en".into()],
        kiosk: true,
        idle_timeout_ms: 0,
        done_countdown_ms: 2_000,
        capabilities: provider.capabilities(),
    });
    let mut app = App::new(flow, provider, Guide::built_in(), Look::default());
    let screen_broken = Arc::new(AtomicBool::new(false));
    let scrollback_broken = Arc::new(AtomicBool::new(false));
    let wipes = Arc::new(AtomicUsize::new(0));
    let terminal = Breakable {
        inner: Arc::new(Mutex::new(TestBackend::new(100, 40))),
        broken: Arc::clone(&screen_broken),
    };
    let mut scrollback = Scrollback {
        broken: Arc::clone(&scrollback_broken),
        wipes: Arc::clone(&wipes),
    };
    let (keys, key_rx) = mpsc::unbounded();
    let (enders, end_rx) = mpsc::unbounded();
    let backend = terminal.clone();
    let done = tokio::spawn(async move {
        let mut terminal = Terminal::new(backend)?;
        let mut surface = driver::FullSurface {
            terminal: &mut terminal,
        };
        driver::run(&mut app, &mut surface, &mut scrollback, key_rx, end_rx).await
    });
    Run {
        keys,
        enders,
        terminal,
        screen_broken,
        scrollback_broken,
        wipes,
        done,
    }
}

impl Run {
    fn key(&self, code: KeyCode) {
        let _ = self
            .keys
            .unbounded_send(Ok(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    }

    fn text(&self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    async fn wait_for(&self, needle: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while !self.terminal.screen().contains(needle) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "never showed {needle:?}:\n{}",
                self.terminal.screen()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Welcome, then the sign-in screen with a username typed.
    async fn half_signed_in(&self) {
        self.wait_for("Recover your sign-in").await;
        self.key(KeyCode::Enter);
        self.wait_for("Username").await;
        self.text("alex");
        self.wait_for("alex").await;
    }

    /// The terminal is gone: screen and scrollback both fail.
    fn break_terminal(&self) {
        self.screen_broken.store(true, Ordering::SeqCst);
        self.scrollback_broken.store(true, Ordering::SeqCst);
    }

    async fn ended(self) -> io::Result<()> {
        tokio::time::timeout(Duration::from_secs(5), self.done)
            .await
            .expect("the run ends")
            .expect("the run's task")
    }
}

#[tokio::test]
async fn ended_from_outside_with_the_terminal_gone_the_run_still_ends_cleanly() {
    let run = kiosk();
    run.half_signed_in().await;
    run.break_terminal();
    let _ = run.enders.unbounded_send(());
    let ended = run.ended().await;
    assert!(ended.is_ok(), "{ended:?}");
}

#[tokio::test]
async fn a_hang_up_with_the_terminal_gone_ends_cleanly() {
    let run = kiosk();
    run.half_signed_in().await;
    run.break_terminal();
    run.keys.close_channel();
    let ended = run.ended().await;
    assert!(ended.is_ok(), "{ended:?}");
}

#[tokio::test]
async fn a_failed_wipe_during_the_session_ends_the_run_with_the_error() {
    let run = kiosk();
    run.wait_for("Recover your sign-in").await;
    run.key(KeyCode::Enter);
    run.wait_for("Username").await;
    run.text("alex");
    run.key(KeyCode::Enter);
    run.text("Tap-Alex-4821");
    run.key(KeyCode::Enter);
    run.wait_for("iPhone 11").await;
    // Only the scrollback fails, at the sign-out's wipe ("f": finished).
    run.scrollback_broken.store(true, Ordering::SeqCst);
    let wipes = Arc::clone(&run.wipes);
    run.text("f");
    let ended = run.ended().await;
    assert_eq!(wipes.load(Ordering::SeqCst), 1, "the sign-out's wipe");
    let error = ended.expect_err("the session must not carry on unwiped");
    assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
}

#[tokio::test]
async fn a_failed_draw_during_the_session_ends_the_run_with_the_error() {
    let run = kiosk();
    run.half_signed_in().await;
    // Only the screen fails (no wipe is asked for here).
    run.screen_broken.store(true, Ordering::SeqCst);
    // A key that changes the screen: drawing it fails.
    run.text("x");
    let error = run
        .ended()
        .await
        .expect_err("the session must not carry on unseen");
    // The surface passes the terminal's error on as text.
    assert!(error.to_string().contains(&gone().to_string()), "{error}");
}

/// The training tenant, except that every sign-in after the first takes a
/// second and signing out two; finished sign-ins are counted.
struct Slow {
    inner: TrainingTenant,
    sign_ins: Arc<AtomicUsize>,
}

impl Provider for Slow {
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn sign_in<'a>(&'a self, username: &'a str, pass: &'a Secret) -> Reply<'a, Session> {
        Box::pin(async move {
            if self.sign_ins.load(Ordering::SeqCst) > 0 {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            let answer = self.inner.sign_in(username, pass).await;
            self.sign_ins.fetch_add(1, Ordering::SeqCst);
            answer
        })
    }
    fn list_methods<'a>(&'a self, session: &'a Session) -> Reply<'a, Vec<Method>> {
        self.inner.list_methods(session)
    }
    fn delete_method<'a>(&'a self, session: &'a Session, id: &'a str) -> Reply<'a, ()> {
        self.inner.delete_method(session, id)
    }
    fn set_default<'a>(&'a self, session: &'a Session, id: &'a str) -> Reply<'a, ()> {
        self.inner.set_default(session, id)
    }
    fn begin_enrollment<'a>(
        &'a self,
        session: &'a Session,
        kind: MethodKind,
    ) -> Reply<'a, Enrollment> {
        self.inner.begin_enrollment(session, kind)
    }
    fn check_code<'a>(&'a self, s: &'a Session, e: &'a str, code: &'a str) -> Reply<'a, bool> {
        self.inner.check_code(s, e, code)
    }
    fn request_approval<'a>(&'a self, s: &'a Session, e: &'a str) -> Reply<'a, Option<String>> {
        self.inner.request_approval(s, e)
    }
    fn poll_approval<'a>(&'a self, s: &'a Session, e: &'a str) -> Reply<'a, Approval> {
        self.inner.poll_approval(s, e)
    }
    fn cancel_enrollment<'a>(&'a self, s: &'a Session, e: &'a str) -> Reply<'a, ()> {
        self.inner.cancel_enrollment(s, e)
    }
    fn sign_out<'a>(&'a self, session: &'a Session) -> Reply<'a, ()> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            self.inner.sign_out(session).await
        })
    }
}

/// A run that ends on a terminal error skips the flow's own stopping (no
/// sign-out effects): the driver stops the executor's requests itself,
/// before it waits for the clean-up already queued. A sign-in still in
/// flight then never completes (it would open a session on the server that
/// nobody signs out). cargo-mutants 2026-12-04: `App::stop` emptied passed
/// every test, the app's drop aborting the same requests afterwards.
#[tokio::test]
async fn a_sign_in_in_flight_when_the_terminal_fails_is_stopped_before_the_clean_up_wait() {
    let sign_ins = Arc::new(AtomicUsize::new(0));
    let run = kiosk_with(Arc::new(Slow {
        inner: TrainingTenant::default_scenario().with_delay(Duration::ZERO),
        sign_ins: Arc::clone(&sign_ins),
    }));
    run.wait_for("Recover your sign-in").await;
    run.key(KeyCode::Enter);
    run.wait_for("Username").await;
    run.text("alex");
    run.key(KeyCode::Enter);
    run.text("Tap-Alex-4821");
    run.key(KeyCode::Enter);
    run.wait_for("iPhone 11").await;
    // Finished: the sign-out (2 s) is queued as clean-up; Welcome again.
    run.text("f");
    run.wait_for("Recover your sign-in").await;
    // A second sign-in (1 s), and while it is out the terminal fails.
    run.key(KeyCode::Enter);
    run.wait_for("Username").await;
    run.text("alex");
    run.key(KeyCode::Enter);
    run.text("Tap-Alex-4821");
    run.key(KeyCode::Enter);
    tokio::time::sleep(Duration::from_millis(100)).await;
    run.screen_broken.store(true, Ordering::SeqCst);
    run.text("x");
    let ended = run.ended().await;
    assert!(ended.is_err(), "{ended:?}");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        sign_ins.load(Ordering::SeqCst),
        1,
        "the sign-in in flight at the end was completed"
    );
}
