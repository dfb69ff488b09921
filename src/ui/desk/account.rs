//! The hub of a call: the caller's methods and passes, whether changes are
//! unlocked, and the script beside them.

use super::{DeskView, frame::status, script};
use crate::helpdesk::{Case, Verification};
use crate::provider::Method;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};

/// Wider than this, the script sits beside the account; narrower, below it.
const SIDE_BY_SIDE: u16 = 110;

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let Some(case) = &view.desk.case else {
        return;
    };
    let (main, side) = split(area);
    script::draw(frame, view, side);
    let head_lines = header(view, case);
    let [head, table, below] = rows_layout(main, head_lines.len(), case.methods().len());
    frame.render_widget(Paragraph::new(head_lines), head);
    methods_table(frame, view, case, table, Some(case.selected));
    let mut text = passes(view, case);
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

/// Main area and script panel.
pub fn split(area: Rect) -> (Rect, Rect) {
    if area.width >= SIDE_BY_SIDE {
        let [main, side] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                .spacing(1)
                .areas(area);
        (main, side)
    } else {
        let script = if area.height < 26 { 7 } else { 9 };
        let [main, side] =
            Layout::vertical([Constraint::Min(8), Constraint::Length(script)]).areas(area);
        (main, side)
    }
}

fn header(view: &DeskView, case: &Case) -> Vec<Line<'static>> {
    let text = if case.caller.enabled == Some(false) {
        Line::styled(view.t("desk.disabled").to_string(), theme::error())
    } else if case.state.is_none() {
        Line::styled(view.t("desk.loading").to_string(), theme::dim())
    } else {
        Line::styled(view.t("desk.methods_intro").to_string(), theme::title())
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
    let header = Row::new(vec![
        view.t("methods.col_kind"),
        view.t("desk.col_device"),
        view.t("methods.col_added"),
        view.t("methods.col_last_used"),
    ])
    .style(theme::strong());
    let new_ids: Vec<&str> = case
        .watch
        .as_ref()
        .map(|w| w.found.iter().map(|m| m.id.as_str()).collect())
        .unwrap_or_default();
    let rows: Vec<Row> = case
        .methods()
        .iter()
        .map(|m| row(view, m, new_ids.contains(&m.id.as_str())))
        .collect();
    let empty = rows.is_empty();
    let table = Table::new(
        rows,
        [
            Constraint::Length(20),
            Constraint::Min(16),
            Constraint::Length(10),
            Constraint::Length(10),
        ],
    )
    .header(header)
    .column_spacing(1)
    .row_highlight_style(theme::selected())
    .highlight_symbol("▶ ")
    .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
    .block(Block::bordered().border_style(theme::dim()));
    let mut state = TableState::default().with_selected(selected.filter(|_| !empty));
    frame.render_stateful_widget(table, area, &mut state);
    if empty && case.state.is_some() {
        let row = Rect {
            x: area.x.saturating_add(2),
            y: area.y.saturating_add(2),
            width: area.width.saturating_sub(4),
            height: 1,
        }
        .intersection(area);
        frame.render_widget(
            Paragraph::new(view.t("desk.no_methods")).style(theme::warning()),
            row,
        );
    }
}

fn row(view: &DeskView, m: &Method, new: bool) -> Row<'static> {
    let star = if m.is_default { "★" } else { " " };
    let mut label = m.label.clone();
    if new {
        label = format!("{label} {}", view.t("methods.new"));
    }
    let date = |d: &Option<String>| match d {
        Some(s) => s.chars().take(10).collect::<String>(),
        None => view.t("methods.never").to_string(),
    };
    Row::new(vec![
        Cell::from(format!("{star} {}", short_kind(view, m.kind))),
        Cell::from(label),
        Cell::from(date(&m.added)),
        Cell::from(date(&m.last_used)),
    ])
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
