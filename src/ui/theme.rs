//! Colours and styles in one place. QR colours are not here: they are fixed
//! (see `qr.rs`) so no theme can make a code unscannable.

use ratatui::style::{Color, Modifier, Style};

pub fn title() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn strong() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn key() -> Style {
    Style::new().fg(Color::Black).bg(Color::Gray)
}

pub fn error() -> Style {
    Style::new()
        .fg(Color::LightRed)
        .add_modifier(Modifier::BOLD)
}

pub fn warning() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn ok() -> Style {
    Style::new()
        .fg(Color::LightGreen)
        .add_modifier(Modifier::BOLD)
}

pub fn training() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Cyan)
        .add_modifier(Modifier::BOLD)
}

pub fn field() -> Style {
    Style::new().fg(Color::White).bg(Color::DarkGray)
}

/// Reverse video rather than fixed colours: every typed character repaints
/// a cell of this style, and `ESC[7m` is 4 bytes where black-on-white is 18
/// (crossterm writes colours as 256-colour indexes). It also stands out on a
/// light terminal, where a white field would vanish.
pub fn field_focused() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
