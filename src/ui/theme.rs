//! Colours and styles in one place. QR colours are not here: they are fixed
//! (see `qr.rs`) so no theme can make a code unscannable.
//!
//! Selection and focus never rest on colour alone: the screens mark them
//! with `▶`, and these styles add bold or reverse video, so they survive
//! NO_COLOR, a light background and the 8 colours of the Linux console.

use ratatui::style::{Color, Modifier, Style};
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Colours chosen for a dark background.
    #[default]
    Default,
    /// No colours at all: the terminal's own foreground and background,
    /// told apart by bold, underline and reverse video. Works on any
    /// background and any terminal.
    HighContrast,
}

// One theme per process, chosen from the config at start; a global keeps
// every drawing function's signature as it is.
static CURRENT: AtomicU8 = AtomicU8::new(0);

pub fn set(theme: Theme) {
    CURRENT.store(theme as u8, Ordering::Relaxed);
}

pub fn current() -> Theme {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Theme::HighContrast,
        _ => Theme::Default,
    }
}

fn plain(modifiers: Modifier) -> Style {
    Style::new().add_modifier(modifiers)
}

fn high_contrast() -> bool {
    current() == Theme::HighContrast
}

pub fn title() -> Style {
    if high_contrast() {
        return plain(Modifier::BOLD | Modifier::UNDERLINED);
    }
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn strong() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    if high_contrast() {
        // Grey on a light background is the first thing to become unreadable.
        return Style::new();
    }
    Style::new().fg(Color::DarkGray)
}

pub fn key() -> Style {
    if high_contrast() {
        return plain(Modifier::REVERSED);
    }
    Style::new().fg(Color::Black).bg(Color::Gray)
}

pub fn error() -> Style {
    if high_contrast() {
        return plain(Modifier::BOLD | Modifier::REVERSED);
    }
    Style::new()
        .fg(Color::LightRed)
        .add_modifier(Modifier::BOLD)
}

pub fn warning() -> Style {
    if high_contrast() {
        return plain(Modifier::BOLD);
    }
    Style::new().fg(Color::Yellow)
}

pub fn ok() -> Style {
    if high_contrast() {
        return plain(Modifier::BOLD);
    }
    Style::new()
        .fg(Color::LightGreen)
        .add_modifier(Modifier::BOLD)
}

pub fn training() -> Style {
    if high_contrast() {
        return plain(Modifier::BOLD | Modifier::REVERSED);
    }
    Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    if high_contrast() {
        return plain(Modifier::BOLD | Modifier::REVERSED);
    }
    Style::new()
        .fg(Color::Black)
        .bg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

pub fn field() -> Style {
    if high_contrast() {
        return plain(Modifier::UNDERLINED);
    }
    Style::new().fg(Color::White).bg(Color::DarkGray)
}

pub fn field_focused() -> Style {
    if high_contrast() {
        return plain(Modifier::REVERSED);
    }
    Style::new()
        .fg(Color::Black)
        .bg(Color::White)
        .add_modifier(Modifier::BOLD)
}
