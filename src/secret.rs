//! A string that must never be printed, logged or kept after use.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Reserve room up front so typing into a secret rarely reallocates (each
/// reallocation would leave an unzeroed copy behind in freed memory).
const RESERVE: usize = 128;

/// Passes, TOTP secrets, tokens. `Debug` prints a placeholder; the memory is
/// wiped when the value is dropped.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        let mut inner = String::with_capacity(RESERVE);
        let mut value: String = value.into();
        inner.push_str(&value);
        value.zeroize();
        Secret(inner)
    }

    pub fn empty() -> Self {
        Secret(String::with_capacity(RESERVE))
    }

    /// The only way to read the value: call sites are easy to audit.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }

    pub fn push(&mut self, c: char) {
        if self.0.len() + c.len_utf8() > self.0.capacity() {
            // Grow by hand so the old buffer is wiped rather than freed as-is.
            let mut grown = String::with_capacity(self.0.capacity() * 2 + c.len_utf8());
            grown.push_str(&self.0);
            self.0.zeroize();
            self.0 = grown;
        }
        self.0.push(c);
    }

    pub fn pop(&mut self) -> Option<char> {
        self.0.pop()
    }

    pub fn clear(&mut self) {
        self.0.zeroize();
        self.0 = String::with_capacity(RESERVE);
    }
}

impl Default for Secret {
    fn default() -> Self {
        Secret::empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// How much stack [`scrub_stack`] overwrites: more than the deepest call
/// that handles a key (building a TOTP, checking a code) uses.
const SCRUB_BYTES: usize = 64 * 1024;

/// Runs `work` (which builds or uses a key by value) in a frame of its
/// own, then overwrites the stack that frame used. `totp-rs` keeps a
/// 20-byte key inline and hands it on by moves, so every frame it passes
/// through keeps a copy until some later call happens to reach as deep;
/// inlined into the caller, those copies would sit above the scrub.
pub fn scrubbed<T>(work: impl FnOnce() -> T) -> T {
    let out = in_own_frame(work);
    scrub_stack();
    out
}

#[inline(never)]
fn in_own_frame<T>(work: impl FnOnce() -> T) -> T {
    work()
}

/// Overwrites the stack below the caller's frame.
#[inline(never)]
fn scrub_stack() {
    let mut area = [0u8; SCRUB_BYTES];
    // Volatile writes: kept although nothing reads them afterwards.
    area.zeroize();
    std::hint::black_box(&area);
}

#[cfg(test)]
mod wipe_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-pass");
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn push_and_pop_keep_the_value() {
        let mut s = Secret::empty();
        for c in "ab€c".chars().cycle().take(500) {
            s.push(c);
        }
        assert_eq!(s.char_count(), 500);
        assert_eq!(s.pop(), Some('c'));
    }
}
