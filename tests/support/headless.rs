//! The real driver without a terminal, for kiosk and helpdesk alike: keys
//! and session-ending signals go in through channels, the screen is read
//! from a TestBackend, and what the driver asks of the terminal beyond
//! ratatui's frame (wipes, clipboard copies) is recorded.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc;
use mfa_assist::driver::{self, Executor, Screen};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::convert::Infallible;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A TestBackend the test can read while the app draws into it; counts
/// the frames that reached the "terminal" (draws that changed something).
#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<TestBackend>>, pub Arc<Mutex<usize>>);

impl Shared {
    pub fn new(width: u16, height: u16) -> Shared {
        Shared(
            Arc::new(Mutex::new(TestBackend::new(width, height))),
            Arc::new(Mutex::new(0)),
        )
    }

    pub fn screen(&self) -> String {
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

    /// How many times cells were written out (one per frame that changed).
    pub fn writes(&self) -> usize {
        *self.1.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Backend for Shared {
    type Error = Infallible;
    fn draw<'a, I>(&mut self, content: I) -> Result<(), Infallible>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut content = content.peekable();
        if content.peek().is_some() {
            *self.1.lock().unwrap() += 1;
        }
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

/// What the driver asked of the terminal beyond drawing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermLog {
    pub scrollback_wipes: usize,
    pub copies: Vec<String>,
}

/// A terminal whose scrollback wipes and clipboard copies are recorded;
/// `fail_copy` makes every copy fail as a write to a closed terminal would.
#[derive(Clone, Default)]
pub struct Recorder {
    pub log: Arc<Mutex<TermLog>>,
    pub fail_copy: bool,
}

impl Screen for Recorder {
    fn wipe_scrollback(&mut self) -> io::Result<()> {
        self.log.lock().unwrap().scrollback_wipes += 1;
        Ok(())
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        if self.fail_copy {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        }
        self.log.lock().unwrap().copies.push(text.to_string());
        Ok(())
    }
}

pub struct Harness {
    pub keys: mpsc::UnboundedSender<io::Result<TermEvent>>,
    pub interrupts: mpsc::UnboundedSender<()>,
    pub screen: Shared,
    pub term: Arc<Mutex<TermLog>>,
    pub done: tokio::task::JoinHandle<io::Result<()>>,
}

/// Runs `exec` on the real driver against a `width` x `height` screen.
pub fn start<X>(mut exec: X, (width, height): (u16, u16), recorder: Recorder) -> Harness
where
    X: Executor + Send + 'static,
{
    let screen = Shared::new(width, height);
    let (keys, key_rx) = mpsc::unbounded();
    let (interrupts, int_rx) = mpsc::unbounded();
    let backend = screen.clone();
    let term = Arc::clone(&recorder.log);
    let mut recorder = recorder;
    let done = tokio::spawn(async move {
        let mut terminal = Terminal::new(backend).map_err(|e| io::Error::other(e.to_string()))?;
        let mut surface = driver::FullSurface {
            terminal: &mut terminal,
        };
        driver::run(&mut exec, &mut surface, &mut recorder, key_rx, int_rx).await
    });
    Harness {
        keys,
        interrupts,
        screen,
        term,
        done,
    }
}

impl Harness {
    pub fn key(&self, code: KeyCode) {
        let _ = self
            .keys
            .unbounded_send(Ok(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    }

    pub fn ctrl(&self, c: char) {
        let _ = self.keys.unbounded_send(Ok(TermEvent::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        ))));
    }

    pub fn text(&self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn paste(&self, s: &str) {
        let _ = self
            .keys
            .unbounded_send(Ok(TermEvent::Paste(s.to_string())));
    }

    pub fn term(&self) -> TermLog {
        self.term.lock().unwrap().clone()
    }

    /// Waits up to 5 s for `needle` on the screen; fails showing the screen.
    pub async fn wait_for(&self, needle: &str) -> String {
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

    /// Ends the session from outside (as SIGTERM would) and waits for the
    /// run to return.
    pub async fn finish(self) -> io::Result<()> {
        let _ = self.interrupts.unbounded_send(());
        self.ended().await
    }

    /// Waits for the run to return by itself.
    pub async fn ended(self) -> io::Result<()> {
        tokio::time::timeout(Duration::from_secs(5), self.done)
            .await
            .map_err(|_| io::Error::other("the app did not stop"))?
            .map_err(|e| io::Error::other(e.to_string()))?
    }
}
