//! The kiosk screens in the high-contrast theme (`[ui] theme =
//! "high-contrast"`): no colour at all outside the QR code, so they read the
//! same on a light or dark background, at TERM=linux and with NO_COLOR; and,
//! in every theme, selection and focus shown by more than colour.
//!
//! Snapshots show each row and, under it, its attributes: R reverse video,
//! B bold, T bold+underline, U underline. Regenerate with
//! `INSTA_UPDATE=always cargo test --test screens_contrast` and read them.
//! The state helpers are those of tests/screens.rs.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use mfa_assist::flow::Flow;
use mfa_assist::guide::Guide;
use mfa_assist::keymap::Key;
use mfa_assist::provider::{Approval, MethodKind, ProviderError};
use mfa_assist::ui::qr::{QrMatrix, QrStyle};
use mfa_assist::ui::{self, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/kiosk_states.rs"]
mod kiosk_states;
use kiosk_states::*;

// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Drawing in a theme
// ---------------------------------------------------------------------------

use mfa_assist::ui::qr::{DARK, LIGHT};
use mfa_assist::ui::theme::{self, Theme};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::sync::Mutex;

/// The theme is one per process; tests here take turns.
static THEME: Mutex<()> = Mutex::new(());

fn draw_in(theme_: Theme, flow: &Flow, (w, h): (u16, u16)) -> Buffer {
    let _turn = THEME.lock().unwrap_or_else(|e| e.into_inner());
    theme::set(theme_);
    let guide = Guide::built_in();
    let branding = branding();
    let qr = flow
        .enrollment
        .as_ref()
        .map(|e| QrMatrix::encode(e.qr_payload.expose()).unwrap());
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

fn mark(m: Modifier) -> char {
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

/// Each row, then its attribute marks when it has any.
fn styled(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let text: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let marks: String = (0..buf.area.width)
            .map(|x| mark(buf[(x, y)].modifier))
            .collect();
        out.push_str(text.trim_end());
        out.push('\n');
        if !marks.trim().is_empty() {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
    }
    out
}

/// High contrast uses the terminal's own colours everywhere but the QR.
fn assert_colourless(name: &str, buf: &Buffer) {
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            for c in [cell.fg, cell.bg] {
                assert!(
                    c == Color::Reset || c == DARK || c == LIGHT,
                    "{name}: colour {c:?} at ({x},{y}) {:?}",
                    cell.symbol()
                );
            }
        }
    }
}

fn check(name: &str, flow: &Flow) {
    for size in BOTH {
        let buf = draw_in(Theme::HighContrast, flow, size);
        assert_colourless(name, &buf);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), styled(&buf));
    }
}

/// The row holding `needle`, and whether the cells of `needle` there carry
/// `modifier`.
fn row_of(buf: &Buffer, needle: &str) -> (String, Modifier) {
    for y in 0..buf.area.height {
        let cells: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let text: String = cells.concat();
        if let Some(byte) = text.find(needle) {
            let col = text[..byte].chars().count() as u16;
            let mut common = Modifier::all();
            for x in col..col + needle.chars().count() as u16 {
                common &= buf[(x, y)].modifier;
            }
            return (text, common);
        }
    }
    panic!("{needle:?} not on screen:\n{}", styled(buf));
}

// ---------------------------------------------------------------------------
// Every kiosk screen, high contrast
// ---------------------------------------------------------------------------

#[test]
fn welcome() {
    check("welcome", &Drive::new(true).flow);
}

#[test]
fn sign_in() {
    check("sign_in", &typed_sign_in(true).flow);
}

#[test]
fn sign_in_error() {
    check(
        "sign_in_error",
        &sign_in_fails(ProviderError::PassExpired).flow,
    );
}

#[test]
fn methods() {
    check("methods", &methods_old_app_selected().flow);
}

#[test]
fn confirm_delete() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('d'));
    check("confirm_delete", &d.flow);
}

#[test]
fn add_and_platform() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('a'));
    check("add", &d.flow);
    check(
        "platform",
        &on_platform(MethodKind::AuthenticatorCode, true).flow,
    );
    check(
        "prepare",
        &on_prepare(MethodKind::AuthenticatorCode, false).flow,
    );
}

#[test]
fn scan_keeps_the_qr_dark_on_light() {
    let d = on_scan(MethodKind::AuthenticatorCode);
    check("scan", &d.flow);
    let buf = draw_in(Theme::HighContrast, &d.flow, LARGE);
    let qr_cells = buf
        .content()
        .iter()
        .filter(|c| c.bg == LIGHT || c.fg == DARK)
        .count();
    assert!(
        qr_cells > 100,
        "the QR lost its fixed colours:\n{}",
        styled(&buf)
    );
}

#[test]
fn prove_code_and_wrong_code() {
    let mut d = on_prove_code();
    d.type_text("12");
    check("prove_code", &d.flow);
    let mut d = on_prove_code();
    wrong_code(&mut d);
    check("wrong_code", &d.flow);
}

#[test]
fn approval() {
    check("approval", &on_approval().0.flow);
    check(
        "approval_denied",
        &approval_polled(Ok(Approval::Rejected)).flow,
    );
}

#[test]
fn help() {
    let mut d = methods_old_app_selected();
    d.key(Key::Char('?'));
    check("help", &d.flow);
}

// ---------------------------------------------------------------------------
// Selection and focus are more than colour, in every theme
// ---------------------------------------------------------------------------

fn more_than_colour(m: Modifier) -> bool {
    m.intersects(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
}

#[test]
fn selection_and_focus_do_not_rest_on_colour() {
    for theme_ in [Theme::Default, Theme::HighContrast] {
        // The method table: a marker on the selected row, and an attribute.
        let d = methods_old_app_selected();
        let buf = draw_in(theme_, &d.flow, SMALL);
        let selected = d.flow.selected_method().unwrap().label.clone();
        let (row, m) = row_of(&buf, &selected);
        // A row may take two lines (label, then device): the marker is on
        // the first.
        let text = styled(&buf);
        let lines: Vec<&str> = text.lines().collect();
        let at = lines.iter().position(|l| l.contains(&selected)).unwrap();
        assert!(
            lines[at].contains('▶') || lines[at.saturating_sub(2)].contains('▶'),
            "{theme_:?}: no marker near {row}\n{text}"
        );
        assert!(more_than_colour(m), "{theme_:?}: {row} is only coloured");

        // Add and Platform choices.
        let mut d = methods_old_app_selected();
        d.key(Key::Char('a'));
        let buf = draw_in(theme_, &d.flow, SMALL);
        let text = styled(&buf);
        let marked = text
            .lines()
            .find(|l| l.contains('▶'))
            .unwrap_or_default()
            .to_string();
        assert!(!marked.is_empty(), "{theme_:?}: Add has no marker:\n{text}");
        let d = on_platform(MethodKind::AuthenticatorCode, true);
        let buf = draw_in(theme_, &d.flow, SMALL);
        let text = styled(&buf);
        assert!(
            text.contains('▶'),
            "{theme_:?}: Platform has no marker:\n{text}"
        );

        // The focused sign-in field.
        let d = typed_sign_in(true);
        let buf = draw_in(theme_, &d.flow, SMALL);
        let text = styled(&buf);
        let focused = text
            .lines()
            .find(|l| l.contains('▶') && l.contains('•'))
            .unwrap_or_else(|| panic!("{theme_:?}: focused pass field unmarked:\n{text}"))
            .to_string();
        let (_, m) = row_of(&buf, "•");
        assert!(
            more_than_colour(m),
            "{theme_:?}: focused {focused} is only coloured"
        );
    }
}

#[test]
fn high_contrast_selection_is_reverse_video() {
    let d = methods_old_app_selected();
    let buf = draw_in(Theme::HighContrast, &d.flow, SMALL);
    let selected = d.flow.selected_method().unwrap().label.clone();
    let (_, m) = row_of(&buf, &selected);
    assert!(m.contains(Modifier::REVERSED), "{}", styled(&buf));
}
