//! The plain surface, for screen readers: no full-screen drawing, no
//! alternate screen, no cursor addressing, no colours. Each screen is
//! written once as lines, then a prompt; after that only what changed.
//! The only control sequence it ever writes is the wipe.

pub mod differ;
pub mod extract;
pub mod page;

pub use differ::Differ;
pub use page::{Echo, MASK, Page, Prompt};

use super::{Executor, Surface};
use std::io::{self, Write};

/// Writes pages to `out` (the terminal, or a transcript in tests).
pub struct PlainSurface<W: Write> {
    out: W,
    differ: Differ,
}

impl<W: Write> PlainSurface<W> {
    pub fn new(out: W) -> PlainSurface<W> {
        PlainSurface {
            out,
            differ: Differ::new(),
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes what brings the reader from the last page to `page`.
    pub fn show(&mut self, page: &Page) -> io::Result<()> {
        let text = self.differ.update(page);
        if text.is_empty() {
            return Ok(());
        }
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }
}

impl<X: Executor, W: Write + Send> Surface<X> for PlainSurface<W> {
    fn draw(&mut self, exec: &X) -> io::Result<()> {
        self.show(&exec.page())
    }

    fn wipe(&mut self) -> io::Result<()> {
        crate::terminal::wipe(&mut self.out)?;
        self.out.flush()?;
        // The next page is written whole, to a screen with nothing on it.
        self.differ.reset();
        Ok(())
    }

    fn echoes_typing(&self) -> bool {
        true
    }
}
