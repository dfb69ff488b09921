//! Terminal work the driver cannot do through ratatui alone.

use std::io;

/// The terminal beyond ratatui's frame: its scrollback and its clipboard.
pub trait Screen: Send {
    /// Clear the scrollback too, so nothing of this person survives above the screen.
    fn wipe_scrollback(&mut self) -> io::Result<()>;

    /// Offer text to the terminal's clipboard (OSC 52).
    fn copy(&mut self, _text: &str) -> io::Result<()> {
        Ok(())
    }
}

/// Headless runs (tests) have no scrollback and no clipboard.
pub struct NoScrollback;

impl Screen for NoScrollback {
    fn wipe_scrollback(&mut self) -> io::Result<()> {
        Ok(())
    }
}
