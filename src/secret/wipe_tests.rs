//! A secret never shows in Debug, and its buffer is only ever replaced by
//! hand (old copy wiped) rather than reallocated by `String` behind our back.

use super::*;

#[test]
fn debug_prints_only_the_placeholder() {
    assert_eq!(
        format!("{:?}", Secret::new("hunter2")),
        "Secret(<redacted>)"
    );
    assert_eq!(format!("{:?}", Secret::empty()), "Secret(<redacted>)");
}

#[test]
fn the_buffer_grows_only_by_hand() {
    let mut s = Secret::empty();
    assert_eq!(s.0.capacity(), RESERVE);
    for _ in 0..RESERVE {
        s.push('a');
    }
    // Exactly full: no reallocation yet.
    assert_eq!(s.0.capacity(), RESERVE);
    s.push('b');
    // Grown by `push` itself (double plus the new char), not by `String`.
    assert_eq!(s.0.capacity(), RESERVE * 2 + 1);
    assert_eq!(s.char_count(), RESERVE + 1);
    assert!(s.expose().starts_with("aaa"));
    assert!(s.expose().ends_with("ab"));
}

#[test]
fn a_wide_character_that_would_not_fit_grows_first() {
    let mut s = Secret::empty();
    for _ in 0..RESERVE - 1 {
        s.push('a');
    }
    // 127 bytes used, '€' takes 3: it must grow by hand.
    s.push('€');
    assert_eq!(s.0.capacity(), RESERVE * 2 + 3);
    assert!(s.expose().ends_with("a€"));
}

#[test]
fn empty_and_clear() {
    let mut s = Secret::new("x");
    assert!(!s.is_empty());
    assert_eq!(s.expose(), "x");
    s.clear();
    assert!(s.is_empty());
    assert_eq!(s.expose(), "");
    assert_eq!(s.0.capacity(), RESERVE);
    assert!(Secret::default().is_empty());
    assert_eq!(Secret::new("abc").pop(), Some('c'));
}
