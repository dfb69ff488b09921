//! The real driver on the plain surface (screen-reader mode), without a
//! terminal: keys go in through a channel, every byte the surface writes is
//! kept as the transcript a screen reader would get.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc;
use mfa_assist::driver::{self, Executor, NoScrollback, PlainSurface};
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the surface wrote, shared with the test.
#[derive(Clone, Default)]
pub struct Transcript(pub Arc<Mutex<Vec<u8>>>);

impl Transcript {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).replace("\r\n", "\n")
    }
}

impl Write for Transcript {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub struct Plain {
    pub keys: mpsc::UnboundedSender<io::Result<TermEvent>>,
    pub interrupts: mpsc::UnboundedSender<()>,
    pub transcript: Transcript,
    pub done: tokio::task::JoinHandle<io::Result<()>>,
}

/// Runs `exec` on the real driver and the plain surface.
pub fn start<X>(mut exec: X) -> Plain
where
    X: Executor + Send + 'static,
{
    let transcript = Transcript::default();
    let (keys, key_rx) = mpsc::unbounded();
    let (interrupts, int_rx) = mpsc::unbounded();
    let out = transcript.clone();
    let done = tokio::spawn(async move {
        let mut surface = PlainSurface::new(out);
        driver::run(&mut exec, &mut surface, &mut NoScrollback, key_rx, int_rx).await
    });
    Plain {
        keys,
        interrupts,
        transcript,
        done,
    }
}

impl Plain {
    /// Queues a key; keys queued before the next await reach the driver in
    /// one input batch, as a fast typist's or a paste's do.
    pub fn key(&self, code: KeyCode) {
        let _ = self
            .keys
            .unbounded_send(Ok(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))));
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

    /// Waits up to 5 s for `needle` in the transcript after byte `from` of
    /// its text; returns where it ends.
    pub async fn heard(&self, needle: &str, from: usize) -> usize {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let text = self.transcript.text();
            if let Some(i) = text.get(from..).and_then(|rest| rest.find(needle)) {
                return from + i + needle.len();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited 5 s for {needle:?} after byte {from}; the transcript:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub async fn finish(self) -> io::Result<()> {
        let _ = self.interrupts.unbounded_send(());
        tokio::time::timeout(Duration::from_secs(5), self.done)
            .await
            .map_err(|_| io::Error::other("the app did not stop"))?
            .map_err(|e| io::Error::other(e.to_string()))?
    }
}
