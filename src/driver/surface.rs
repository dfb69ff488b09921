//! Where the driver shows the machine's state: the full screen (ratatui),
//! or plain lines for screen readers (`plain`). Both are fed the same state.

use super::Executor;
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::io;

pub trait Surface<X: Executor>: Send {
    /// Shows the executor's state as it is now.
    fn draw(&mut self, exec: &X) -> io::Result<()>;
    /// Clears the visible screen; what the surface remembers of it goes too.
    fn wipe(&mut self) -> io::Result<()>;
    /// Whether typing is shown as it was typed, one change after another
    /// (the plain surface's echo), rather than as the state after a batch
    /// of input (a full frame). Such a surface must be shown the typing
    /// before a key that may act on it.
    fn echoes_typing(&self) -> bool {
        false
    }
}

/// The full-screen surface: ratatui draws whole frames.
pub struct FullSurface<'a, B: Backend> {
    pub terminal: &'a mut Terminal<B>,
}

impl<X, B> Surface<X> for FullSurface<'_, B>
where
    X: Executor,
    B: Backend + Send,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    fn draw(&mut self, exec: &X) -> io::Result<()> {
        self.terminal
            .draw(|frame| exec.draw(frame))
            .map(|_| ())
            .map_err(|e| io::Error::other(e.to_string()))
    }

    fn wipe(&mut self) -> io::Result<()> {
        // Not `Terminal::clear`: it asks the terminal for the cursor
        // position, and while the input stream is reading that answer never
        // arrives (a 2 s error). Clear the screen, then draw an empty frame
        // so ratatui's idea of the screen is empty too.
        let other = |e: B::Error| io::Error::other(e.to_string());
        self.terminal.backend_mut().clear().map_err(other)?;
        self.terminal.draw(|_| {}).map_err(other)?;
        Ok(())
    }
}
