//! The hub of a call: the caller's methods and passes, whether changes are
//! unlocked, and the script beside them.

use super::{DeskView, frame::status, script};
use crate::helpdesk::{Case, Verification};
use crate::provider::{LastUsed, Method, MethodKind};
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, TableState, Wrap};
use unicode_width::UnicodeWidthStr;

/// Wider than this, the script sits beside the account; narrower, below it.
const SIDE_BY_SIDE: u16 = 110;

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let Some(case) = &view.desk.case else {
        return;
    };
    let (main, side) = split(area, view);
    script::draw(frame, view, side);
    let head_lines = header(view, case);
    let rows = case.methods().len() + case.adding().len();
    let [head, table, below] = rows_layout(main, head_lines.len(), rows);
    frame.render_widget(Paragraph::new(head_lines), head);
    methods_table(frame, view, case, table, case.selected);
    let mut text = adding_lines(view, case);
    text.extend(passes(view, case));
    text.push(Line::raw(""));
    text.extend(lock_line(view, case));
    text.extend(status(view));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), below);
}

/// Heading, methods table (as tall as its rows, leaving room below), and
/// the rest.
pub fn rows_layout(area: Rect, head: usize, methods: usize) -> [Rect; 3] {
    let head = u16::try_from(head).unwrap_or(2);
    let rows = u16::try_from(methods.max(1)).unwrap_or(u16::MAX);
    let room = area.height.saturating_sub(head + 4).max(4);
    Layout::vertical([
        Constraint::Length(head),
        Constraint::Length(rows.saturating_add(3).min(room)),
        Constraint::Min(1),
    ])
    .areas(area)
}

/// Main area and script panel. Below the account, the panel is as tall as
/// its lines where the screen has the room (a cut script loses the words
/// the agent was about to read out), and never leaves the account fewer
/// than `MAIN_AT_LEAST` rows.
pub fn split(area: Rect, view: &DeskView) -> (Rect, Rect) {
    if area.width >= SIDE_BY_SIDE {
        let [main, side] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                .spacing(1)
                .areas(area);
        (main, side)
    } else {
        let least = if area.height < 26 { 7 } else { 9 };
        let room = area.height.saturating_sub(MAIN_AT_LEAST).max(least);
        let script = script::height(view, area.width).clamp(least, room);
        let [main, side] =
            Layout::vertical([Constraint::Min(8), Constraint::Length(script)]).areas(area);
        (main, side)
    }
}

/// The account's heading, a few method rows and the status line.
const MAIN_AT_LEAST: u16 = 14;

fn header(view: &DeskView, case: &Case) -> Vec<Line<'static>> {
    let text = if case.caller.enabled == Some(false) {
        Line::styled(view.t("desk.disabled").to_string(), theme::error())
    } else if case.state.is_none() {
        Line::styled(view.t("desk.loading").to_string(), theme::dim())
    } else if case.methods().iter().any(|m| m.is_default) {
        Line::styled(view.t("desk.methods_intro").to_string(), theme::title())
    } else {
        // privacyIDEA and Graph v1.0 report no default: no ★ to explain.
        Line::styled(
            view.t("desk.methods_intro_no_default").to_string(),
            theme::title(),
        )
    };
    vec![text, Line::raw("")]
}

/// The caller's methods as a table; `selected` highlights a row.
pub fn methods_table(
    frame: &mut Frame,
    view: &DeskView,
    case: &Case,
    area: Rect,
    selected: Option<usize>,
) {
    let mut rows: Vec<[String; 4]> = case
        .methods()
        .iter()
        .map(|m| row(view, m, case.added_during_call(m), false))
        .collect();
    rows.extend(case.adding().iter().map(|m| row(view, m, false, true)));
    let adding_from = case.methods().len();
    let empty = rows.is_empty();
    // Rows being added take what room is left; they do not push the
    // registered methods' dates out.
    let dated = view.desk.settings.capabilities.last_used == LastUsed::Reported;
    let (widths, shown) = columns(rows.get(..adding_from).unwrap_or(&rows), area.width, dated);
    let header = Row::new(
        [
            view.t("methods.col_kind"),
            view.t("desk.col_device"),
            view.t("methods.col_added"),
            view.t("methods.col_last_used"),
        ]
        .into_iter()
        .take(shown)
        .collect::<Vec<_>>(),
    )
    .style(theme::strong());
    let rows: Vec<Row> = rows
        .into_iter()
        .enumerate()
        .map(|(i, cells)| {
            let row = Row::new(cells.into_iter().take(shown).map(Cell::from));
            if i >= adding_from {
                row.style(theme::warning())
            } else {
                row
            }
        })
        .collect();
    let table = crate::ui::chrome::methods_table(rows, widths, header);
    let mut state = TableState::default().with_selected(selected.filter(|_| !empty));
    frame.render_stateful_widget(table, area, &mut state);
    if empty && case.state.is_some() {
        crate::ui::chrome::empty_table(frame, area, view.t("desk.no_methods"));
    }
}

/// One row's cells: kind, device, added, last used. A method still being
/// added says so where the device is read, so nobody takes it for done.
fn row(view: &DeskView, m: &Method, new: bool, adding: bool) -> [String; 4] {
    let star = if m.is_default { "★" } else { " " };
    let mut device = device_name(view, m);
    if adding {
        // The status first: it must stay readable when the row is cut.
        device = format!("{}: {device}", view.t("desk.being_added"));
    } else if new {
        device = format!("{device} {}", view.t("methods.new"));
    }
    let date = |d: &Option<String>| match d {
        Some(s) => s.chars().take(10).collect::<String>(),
        None => view.t("methods.never").to_string(),
    };
    [
        format!("{star} {}", short_kind(view, m.kind)),
        device,
        date(&m.added),
        date(&m.last_used),
    ]
}

/// The device part of a label: "Authenticator app (iPhone 11)" is an
/// Authenticator on "iPhone 11", and the kind column already says the
/// first half. Anything else is shown as it is.
fn device_name(view: &DeskView, m: &Method) -> String {
    let label = m.label.trim();
    let Some((kind, rest)) = label.split_once(" (") else {
        return label.to_string();
    };
    let Some(device) = rest.strip_suffix(')').filter(|d| !d.trim().is_empty()) else {
        return label.to_string();
    };
    let lang = view.desk.language();
    // Any kind's name: a code Authenticator may still be labelled
    // "Authenticator app (…)".
    let named = |k: MethodKind| {
        [
            view.guide.text("en", crate::guide::kind_id(k)),
            view.guide.text(lang, crate::guide::kind_id(k)),
            short_kind(view, k),
        ]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(kind.trim()))
    };
    let is_kind_name = named(m.kind)
        || [MethodKind::AuthenticatorPush, MethodKind::AuthenticatorCode]
            .into_iter()
            .any(named);
    if is_kind_name {
        device.trim().to_string()
    } else {
        label.to_string()
    }
}

/// Column widths for `area_width`, and how many columns fit: the device
/// column gets its whole text first; the dates go (last used, then
/// added) before the device is cut. `last_used: false`: the provider never
/// says when a method was used, so that column is not drawn at all.
fn columns(rows: &[[String; 4]], area_width: u16, last_used: bool) -> (Vec<Constraint>, usize) {
    // Borders and the highlight symbol.
    let inner = usize::from(area_width).saturating_sub(4);
    let widest = |col: usize, floor: usize| {
        rows.iter()
            .map(|r| r[col].width())
            .max()
            .unwrap_or(0)
            .max(floor)
    };
    let kind = widest(0, 6).min(22);
    let device = widest(1, 12);
    let date = 10;
    let shown = if last_used && kind + device + 2 * date + 3 <= inner {
        4
    } else if kind + device + date + 2 <= inner {
        3
    } else {
        2
    };
    let as_u16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    let mut widths = vec![Constraint::Length(as_u16(kind)), Constraint::Min(12)];
    widths.extend((2..shown).map(|_| Constraint::Length(as_u16(date))));
    (widths, shown)
}

/// Methods being added, whole, under the table (whose row may be cut).
pub fn adding_lines(view: &DeskView, case: &Case) -> Vec<Line<'static>> {
    case.adding()
        .iter()
        .map(|m| {
            Line::styled(
                view.f(
                    "desk.watch_adding",
                    &[
                        ("kind", view.t(crate::guide::kind_id(m.kind))),
                        ("label", &m.label),
                    ],
                ),
                theme::warning(),
            )
        })
        .collect()
}

fn passes(view: &DeskView, case: &Case) -> Vec<Line<'static>> {
    let Some(state) = &case.state else {
        return Vec::new();
    };
    let name = pass_name(view);
    if state.passes.is_empty() {
        return vec![Line::styled(
            view.f("desk.no_pass", &[("pass", name)]),
            theme::dim(),
        )];
    }
    state
        .passes
        .iter()
        .map(|p| {
            let id = match p.usable {
                Some(false) => "desk.pass_unusable",
                _ => "desk.pass_usable",
            };
            let text = view.f(
                id,
                &[
                    ("pass", name),
                    ("expires", p.expires.as_deref().unwrap_or("–")),
                ],
            );
            let style = if p.usable == Some(false) {
                theme::dim()
            } else {
                theme::ok()
            };
            Line::styled(text, style)
        })
        .collect()
}

pub fn pass_name<'a>(view: &'a DeskView) -> &'a str {
    match view.desk.settings.capabilities.pass_name {
        crate::provider::admin::PassName::TemporaryAccessPass => view.t("script.pass_tap"),
        crate::provider::admin::PassName::RegistrationCode => view.t("script.pass_code"),
    }
}

fn lock_line(view: &DeskView, case: &Case) -> Vec<Line<'static>> {
    match &case.verification {
        Verification::Passed(_) => vec![Line::styled(
            view.t("desk.unlocked").to_string(),
            theme::ok(),
        )],
        Verification::NotYet => vec![Line::from(vec![Span::styled(
            view.t("desk.locked").to_string(),
            theme::warning(),
        )])],
        Verification::Failed => vec![Line::styled(
            view.t("desk.locked_failed").to_string(),
            theme::error(),
        )],
    }
}

/// Kind names short enough for the table column.
fn short_kind<'a>(view: &'a DeskView, kind: crate::provider::MethodKind) -> &'a str {
    use crate::provider::MethodKind as K;
    match kind {
        K::AuthenticatorPush => view.t("kind.short_authenticator_push"),
        K::AuthenticatorCode => view.t("kind.short_authenticator_code"),
        K::TemporaryPass => view.t("kind.short_temporary_pass"),
        other => view.t(crate::guide::kind_id(other)),
    }
}
