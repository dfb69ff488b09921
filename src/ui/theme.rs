//! Colours and styles in one place. QR colours are not here: they are fixed
//! (see `qr.rs`) so no theme can make a code unscannable.
//!
//! Selection and focus never rest on colour alone: the screens mark them
//! with `▶`, and these styles add bold or reverse video, so they survive
//! NO_COLOR, a light background and the 8 colours of the Linux console.
//!
//! `NO_COLOR` (<https://no-color.org>) is honoured here, for the text: with
//! it set every style keeps its boldness, and what colour marked (a key, the
//! selection, the focused field) is shown in reverse video. It is not left to
//! crossterm, which would drop the QR's colours too and leave a code drawn
//! light on dark, which many phone cameras cannot read (see `qr.rs`).

use ratatui::style::{Color, Modifier, Style};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Colours chosen for a dark background.
    #[default]
    Default,
    /// No colours at all: the terminal's own foreground and background,
    /// told apart by bold, underline and reverse video. Works on any
    /// background and any terminal.
    HighContrast,
    /// Colours chosen for a light background: dark text colours from the
    /// 256-colour cube (which terminal themes do not remap), each at least
    /// 4.5:1 against white (WCAG AA), where the default theme's cyan,
    /// yellow and light green would all but vanish.
    Light,
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
        2 => Theme::Light,
        _ => Theme::Default,
    }
}

fn light() -> bool {
    current() == Theme::Light
}

// The light theme's colours (xterm 256-colour indexes; contrast against
// white in brackets, WCAG 2 formula). Never the QR's own 16 and 231.
/// #005f87 (7.0:1)
const L_BLUE: Color = Color::Indexed(24);
/// #6c6c6c (5.3:1)
const L_GREY: Color = Color::Indexed(242);
/// #af0000 (7.4:1)
const L_RED: Color = Color::Indexed(124);
/// #875f00 (5.7:1)
const L_BROWN: Color = Color::Indexed(94);
/// #005f00 (8.0:1)
const L_GREEN: Color = Color::Indexed(22);
/// #080808, the text on the light theme's coloured cells.
const L_INK: Color = Color::Indexed(232);
/// #eeeeee, the text on its blue selection (6.1:1).
const L_PALE: Color = Color::Indexed(255);
/// #d0d0d0, behind a key's name.
const L_KEY: Color = Color::Indexed(252);
/// #e4e4e4, behind an unfocused field.
const L_FIELD: Color = Color::Indexed(254);
/// #ffd700, behind the training mark.
const L_YELLOW: Color = Color::Indexed(220);

fn plain(modifiers: Modifier) -> Style {
    Style::new().add_modifier(modifiers)
}

fn high_contrast() -> bool {
    current() == Theme::HighContrast
}

pub fn title() -> Style {
    if light() {
        return paint(Style::new().fg(L_BLUE).add_modifier(Modifier::BOLD), false);
    }
    if high_contrast() {
        return plain(Modifier::BOLD | Modifier::UNDERLINED);
    }
    paint(
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        false,
    )
}

pub fn strong() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    if light() {
        return paint(Style::new().fg(L_GREY), false);
    }
    if high_contrast() {
        // Grey on a light background is the first thing to become unreadable.
        return Style::new();
    }
    paint(Style::new().fg(Color::DarkGray), false)
}

pub fn key() -> Style {
    if light() {
        return paint(Style::new().fg(L_INK).bg(L_KEY), true);
    }
    if high_contrast() {
        return plain(Modifier::REVERSED);
    }
    paint(Style::new().fg(Color::Black).bg(Color::Gray), true)
}

pub fn error() -> Style {
    if light() {
        return paint(Style::new().fg(L_RED).add_modifier(Modifier::BOLD), false);
    }
    if high_contrast() {
        return plain(Modifier::BOLD | Modifier::REVERSED);
    }
    paint(
        Style::new()
            .fg(Color::LightRed)
            .add_modifier(Modifier::BOLD),
        false,
    )
}

pub fn warning() -> Style {
    if light() {
        return paint(Style::new().fg(L_BROWN), false);
    }
    if high_contrast() {
        return plain(Modifier::BOLD);
    }
    paint(Style::new().fg(Color::Yellow), false)
}

pub fn ok() -> Style {
    if light() {
        return paint(Style::new().fg(L_GREEN).add_modifier(Modifier::BOLD), false);
    }
    if high_contrast() {
        return plain(Modifier::BOLD);
    }
    paint(
        Style::new()
            .fg(Color::LightGreen)
            .add_modifier(Modifier::BOLD),
        false,
    )
}

pub fn training() -> Style {
    if light() {
        return paint(
            Style::new()
                .fg(L_INK)
                .bg(L_YELLOW)
                .add_modifier(Modifier::BOLD),
            true,
        );
    }
    if high_contrast() {
        return plain(Modifier::BOLD | Modifier::REVERSED);
    }
    paint(
        Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD),
        true,
    )
}

pub fn selected() -> Style {
    if light() {
        return paint(
            Style::new()
                .fg(L_PALE)
                .bg(L_BLUE)
                .add_modifier(Modifier::BOLD),
            true,
        );
    }
    if high_contrast() {
        return plain(Modifier::BOLD | Modifier::REVERSED);
    }
    paint(
        Style::new()
            .fg(Color::Black)
            .bg(Color::Cyan)
            .add_modifier(Modifier::BOLD),
        true,
    )
}

pub fn field() -> Style {
    if light() {
        return paint(Style::new().fg(L_INK).bg(L_FIELD), false);
    }
    if high_contrast() {
        return plain(Modifier::UNDERLINED);
    }
    // Not DarkGray behind white: 4.0:1 in xterm's colours, under WCAG AA.
    // Grey 238 (#444444) gives 9.7:1.
    paint(Style::new().fg(Color::White).bg(Color::Indexed(238)), false)
}

/// Reverse video rather than fixed colours: every typed character repaints
/// a cell of this style, and `ESC[7m` is 4 bytes where black-on-white is 18
/// (crossterm writes colours as 256-colour indexes). It also stands out on a
/// light terminal, where a white field would vanish.
pub fn field_focused() -> Style {
    if high_contrast() {
        return plain(Modifier::REVERSED);
    }
    Style::new().add_modifier(Modifier::REVERSED)
}
