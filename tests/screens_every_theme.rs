//! Every kiosk screen (support/kiosk_every_screen.rs) in each way it can be
//! shown: screen-reader mode (the text the plain surface writes), the
//! high-contrast theme and the light theme, each as a snapshot; and, in
//! every theme, checks that need no reading:
//!
//! - every character stands out from what is behind it by at least 4.5:1
//!   (WCAG AA, xterm's colours) on the background the theme is for: light
//!   for `light`, light and dark for `high-contrast`, dark for `default`;
//! - the QR code, wherever one is drawn, decodes (rqrr, the decoder of
//!   tests/qr_decode.rs) to what it should carry, read with its dark
//!   modules dark: dark on light, whatever the theme.
//!
//! Snapshots: `every_plain_*` as written; `every_high_contrast_*` each row
//! with its attributes under it (R reverse, B bold, T bold+underline,
//! U underline); `every_light_*` each row with its colours under it
//! (b blue title, d grey, r red, w brown warning, g green, K key, Y
//! training, S selection, F field, q QR). Regenerate with
//! `INSTA_UPDATE=always cargo test --test screens_every_theme` and read them.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "support/kiosk_every_screen.rs"]
mod kiosk_every_screen;
#[path = "support/kiosk_states.rs"]
mod kiosk_states;

use kiosk_every_screen::every_screen;
use kiosk_states::*;
use mfa_assist::driver::plain::Differ;
use mfa_assist::flow::{Flow, Screen};
use mfa_assist::guide::Guide;
use mfa_assist::ui::qr::{DARK, LIGHT, QrMatrix, QrStyle};
use mfa_assist::ui::theme::{self, Theme};
use mfa_assist::ui::{self, View, plain};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use std::sync::Mutex;

/// The theme is one per process; tests here take turns.
static THEME: Mutex<()> = Mutex::new(());

/// What the QR of `flow` carries, if it shows one.
fn qr_payload(flow: &Flow) -> Option<String> {
    match &flow.screen {
        Screen::DeviceSignIn { code: Some(code) } => Some(code.verification_uri.clone()),
        _ => flow
            .enrollment
            .as_ref()
            .map(|e| e.qr_payload.expose().to_string()),
    }
}

fn draw_in(theme_: Theme, flow: &Flow, (w, h): (u16, u16)) -> Buffer {
    let _turn = THEME.lock().unwrap_or_else(|e| e.into_inner());
    theme::set(theme_);
    let guide = Guide::built_in();
    let branding = branding();
    let qr = qr_payload(flow).map(|p| QrMatrix::encode(&p).unwrap());
    let view = View {
        flow,
        guide: &guide,
        branding: &branding,
        qr: qr.as_ref(),
        qr_style: QrStyle::HalfBlock,
        qr_invert: false,
    };
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, &view)).unwrap();
    theme::set(Theme::Default);
    terminal.backend().buffer().clone()
}

/// A cell painted in the QR's own colours, either way round.
fn is_qr(cell: &Cell) -> bool {
    [cell.fg, cell.bg].iter().any(|c| *c == DARK || *c == LIGHT)
}

// ---------------------------------------------------------------------------
// Contrast
// ---------------------------------------------------------------------------

type Rgb = (u8, u8, u8);

/// A terminal's background and default text colour.
#[derive(Clone, Copy, Debug)]
struct Background {
    name: &'static str,
    fg: Rgb,
    bg: Rgb,
}

const ON_LIGHT: Background = Background {
    name: "light",
    fg: (0, 0, 0),
    bg: (255, 255, 255),
};
const ON_DARK: Background = Background {
    name: "dark",
    fg: (229, 229, 229),
    bg: (0, 0, 0),
};

/// xterm's colours: the 16 named ones, the 6×6×6 cube, the greys.
fn rgb(c: Color, default: Rgb) -> Rgb {
    const ANSI: [Rgb; 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    let cube = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
    match c {
        Color::Reset => default,
        Color::Black => ANSI[0],
        Color::Red => ANSI[1],
        Color::Green => ANSI[2],
        Color::Yellow => ANSI[3],
        Color::Blue => ANSI[4],
        Color::Magenta => ANSI[5],
        Color::Cyan => ANSI[6],
        Color::Gray => ANSI[7],
        Color::DarkGray => ANSI[8],
        Color::LightRed => ANSI[9],
        Color::LightGreen => ANSI[10],
        Color::LightYellow => ANSI[11],
        Color::LightBlue => ANSI[12],
        Color::LightMagenta => ANSI[13],
        Color::LightCyan => ANSI[14],
        Color::White => ANSI[15],
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(n @ 0..=15) => ANSI[usize::from(n)],
        Color::Indexed(n @ 16..=231) => {
            let n = n - 16;
            (cube(n / 36), cube(n / 6 % 6), cube(n % 6))
        }
        Color::Indexed(n) => {
            let v = 8 + 10 * (n - 232);
            (v, v, v)
        }
    }
}

fn luminance((r, g, b): Rgb) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The colours a cell is seen in on `on`: text, then what is behind it.
fn seen(cell: &Cell, on: Background) -> (Rgb, Rgb) {
    let fg = rgb(cell.fg, on.fg);
    let bg = rgb(cell.bg, on.bg);
    if cell.modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    }
}

/// Every visible character outside the QR at 4.5:1 or more.
fn assert_readable(name: &str, theme_: Theme, buf: &Buffer, on: Background) {
    let mut worst: Vec<String> = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if cell.symbol().trim().is_empty() || is_qr(cell) {
                continue;
            }
            let (fg, bg) = seen(cell, on);
            let ratio = contrast(fg, bg);
            if ratio < 4.5 && worst.len() < 5 {
                worst.push(format!(
                    "{:?} at ({x},{y}): {ratio:.1}:1 (fg {:?}, bg {:?})",
                    cell.symbol(),
                    cell.fg,
                    cell.bg
                ));
            }
        }
    }
    assert!(
        worst.is_empty(),
        "{name} in {theme_:?} on a {} background is hard to read:\n{}\n{}",
        on.name,
        worst.join("\n"),
        rows(buf)
    );
}

// ---------------------------------------------------------------------------
// The QR, decoded
// ---------------------------------------------------------------------------

/// The QR drawn in `buf` decoded, reading DARK as dark: `None` if none.
fn decode_qr(name: &str, buf: &Buffer) -> Option<String> {
    let cells: Vec<(u16, u16)> = (0..buf.area.height)
        .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
        .filter(|&(x, y)| is_qr(&buf[(x, y)]))
        .collect();
    let x0 = cells.iter().map(|c| c.0).min()?;
    let x1 = cells.iter().map(|c| c.0).max()?;
    let y0 = cells.iter().map(|c| c.1).min()?;
    let y1 = cells.iter().map(|c| c.1).max()?;
    let (w, h) = (usize::from(x1 - x0 + 1), usize::from(y1 - y0 + 1) * 2);
    let mut dark = vec![false; w * h];
    // Dark by what the colour looks like, not by the app's name for it.
    let colour_is_dark = |c: Color, at: (u16, u16)| {
        assert!(
            c == DARK || c == LIGHT,
            "{name}: QR cell at {at:?} in {c:?}:\n{}",
            rows(buf)
        );
        luminance(rgb(c, (128, 128, 128))) < 0.2
    };
    for y in y0..=y1 {
        for x in x0..=x1 {
            let cell = &buf[(x, y)];
            assert!(
                cell.modifier.is_empty(),
                "{name}: a style leaked onto the QR at ({x},{y})"
            );
            let (top_ink, bottom_ink) = match cell.symbol() {
                " " => (false, false),
                "▀" => (true, false),
                "▄" => (false, true),
                "█" => (true, true),
                other => panic!("{name}: {other:?} inside the QR at ({x},{y})"),
            };
            let paint = |ink: bool| colour_is_dark(if ink { cell.fg } else { cell.bg }, (x, y));
            let (cx, cy) = (usize::from(x - x0), usize::from(y - y0) * 2);
            dark[cy * w + cx] = paint(top_ink);
            dark[(cy + 1) * w + cx] = paint(bottom_ink);
        }
    }
    const SCALE: usize = 4;
    let mut img = rqrr::PreparedImage::prepare_from_bitmap(w * SCALE, h * SCALE, |x, y| {
        dark[(y / SCALE) * w + x / SCALE]
    });
    let grids = img.detect_grids();
    let decoded = grids
        .iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text));
    Some(decoded.unwrap_or_else(|| panic!("{name}: the QR does not decode:\n{}", rows(buf))))
}

// ---------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------

fn rows(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            row.trim_end().to_string() + "\n"
        })
        .collect()
}

fn attribute(cell: &Cell) -> char {
    let m = cell.modifier;
    if m.contains(Modifier::REVERSED) {
        'R'
    } else if m.contains(Modifier::BOLD | Modifier::UNDERLINED) {
        'T'
    } else if m.contains(Modifier::BOLD) {
        'B'
    } else if m.contains(Modifier::UNDERLINED) {
        'U'
    } else {
        ' '
    }
}

/// The light theme's colours by role (see `theme.rs`).
fn colour(cell: &Cell) -> char {
    if is_qr(cell) {
        return 'q';
    }
    match (cell.fg, cell.bg) {
        (_, Color::Indexed(252)) => 'K',
        (_, Color::Indexed(220)) => 'Y',
        (_, Color::Indexed(24)) => 'S',
        (_, Color::Indexed(254)) => 'F',
        (Color::Indexed(24), _) => 'b',
        (Color::Indexed(242), _) => 'd',
        (Color::Indexed(124), _) => 'r',
        (Color::Indexed(94), _) => 'w',
        (Color::Indexed(22), _) => 'g',
        (Color::Reset, Color::Reset) => ' ',
        other => panic!("a colour not in the light theme: {other:?}"),
    }
}

/// Each row, then its marks when it has any.
fn marked(buf: &Buffer, mark: impl Fn(&Cell) -> char) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let text: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let marks: String = (0..buf.area.width).map(|x| mark(&buf[(x, y)])).collect();
        out.push_str(text.trim_end());
        out.push('\n');
        if !marks.trim().is_empty() {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Screens whose QR (or whose sign-in code's QR) shows at 120×40.
fn shows_a_qr(name: &str) -> bool {
    matches!(
        name,
        "scan_code" | "scan_push" | "scan_watching" | "scan_entra" | "device_code"
    )
}

// ---------------------------------------------------------------------------
// The sweeps
// ---------------------------------------------------------------------------

#[test]
fn every_screen_in_plain_mode() {
    for (name, flow) in every_screen() {
        let guide = Guide::built_in();
        let branding = branding();
        let view = View {
            flow: &flow,
            guide: &guide,
            branding: &branding,
            qr: None,
            qr_style: QrStyle::HalfBlock,
            qr_invert: false,
        };
        let text = Differ::new()
            .update(&plain::page(&view))
            .replace("\r\n", "\n");
        insta::assert_snapshot!(format!("every_plain_{name}"), text);
    }
}

#[test]
fn every_screen_in_high_contrast() {
    for (name, flow) in every_screen() {
        let buf = draw_in(Theme::HighContrast, &flow, SMALL);
        for on in [ON_LIGHT, ON_DARK] {
            assert_readable(name, Theme::HighContrast, &buf, on);
        }
        for cell in buf.content() {
            assert!(
                is_qr(cell) || (cell.fg == Color::Reset && cell.bg == Color::Reset),
                "{name}: colour {:?}/{:?} in high contrast",
                cell.fg,
                cell.bg
            );
        }
        insta::assert_snapshot!(
            format!("every_high_contrast_{name}"),
            marked(&buf, attribute)
        );
    }
}

#[test]
fn every_screen_in_the_light_theme() {
    for (name, flow) in every_screen() {
        let buf = draw_in(Theme::Light, &flow, SMALL);
        assert_readable(name, Theme::Light, &buf, ON_LIGHT);
        insta::assert_snapshot!(format!("every_light_{name}"), marked(&buf, colour));
    }
}

#[test]
fn the_default_theme_reads_on_a_dark_background() {
    for (name, flow) in every_screen() {
        for size in [SMALL, LARGE] {
            let buf = draw_in(Theme::Default, &flow, size);
            assert_readable(name, Theme::Default, &buf, ON_DARK);
        }
    }
}

#[test]
fn the_qr_is_dark_on_light_and_decodes_in_every_theme() {
    let mut seen = 0;
    for (name, flow) in every_screen() {
        if !shows_a_qr(name) {
            continue;
        }
        let payload = qr_payload(&flow).unwrap();
        for theme_ in [Theme::Default, Theme::HighContrast, Theme::Light] {
            let buf = draw_in(theme_, &flow, LARGE);
            let decoded = decode_qr(name, &buf)
                .unwrap_or_else(|| panic!("{name} in {theme_:?}: no QR:\n{}", rows(&buf)));
            assert_eq!(decoded, payload, "{name} in {theme_:?}");
            if theme_ == Theme::Light {
                insta::assert_snapshot!(format!("every_light_{name}_120x40"), marked(&buf, colour));
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 5 * 3, "a QR screen went missing from the sweep");
}
