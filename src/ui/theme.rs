//! Colours and styles in one place. QR colours are not here: they are fixed
//! (see `qr.rs`) so no theme can make a code unscannable.
//!
//! `NO_COLOR` (<https://no-color.org>) is honoured here, for the text: with
//! it set every style keeps its boldness, and what colour marked (a key, the
//! selection, the focused field) is shown in reverse video. It is not left to
//! crossterm, which would drop the QR's colours too and leave a code drawn
//! light on dark, which many phone cameras cannot read (see `qr.rs`).

use ratatui::style::{Color, Modifier, Style};
use std::sync::OnceLock;

/// Whether `NO_COLOR` asks for text without colour (set and not empty).
pub fn no_color() -> bool {
    static NO_COLOR: OnceLock<bool> = OnceLock::new();
    *NO_COLOR.get_or_init(|| std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()))
}

/// `style` as it is, or without its colours under `NO_COLOR`, reversed when
/// the colour was what made it stand out.
fn paint(style: Style, stands_out: bool) -> Style {
    if !no_color() {
        return style;
    }
    let plain = Style {
        fg: None,
        bg: None,
        ..style
    };
    if stands_out {
        plain.add_modifier(Modifier::REVERSED)
    } else {
        plain
    }
}

pub fn title() -> Style {
    paint(
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        false,
    )
}

pub fn strong() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    paint(Style::new().fg(Color::DarkGray), false)
}

pub fn key() -> Style {
    paint(Style::new().fg(Color::Black).bg(Color::Gray), true)
}

pub fn error() -> Style {
    paint(
        Style::new()
            .fg(Color::LightRed)
            .add_modifier(Modifier::BOLD),
        false,
    )
}

pub fn warning() -> Style {
    paint(Style::new().fg(Color::Yellow), false)
}

pub fn ok() -> Style {
    paint(
        Style::new()
            .fg(Color::LightGreen)
            .add_modifier(Modifier::BOLD),
        false,
    )
}

pub fn training() -> Style {
    paint(
        Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD),
        true,
    )
}

pub fn selected() -> Style {
    paint(
        Style::new()
            .fg(Color::Black)
            .bg(Color::Cyan)
            .add_modifier(Modifier::BOLD),
        true,
    )
}

pub fn field() -> Style {
    paint(Style::new().fg(Color::White).bg(Color::DarkGray), false)
}

pub fn field_focused() -> Style {
    paint(Style::new().fg(Color::Black).bg(Color::White), true)
}
