//! Step 3: the registered methods as a table, with what to do next.

use super::chrome::busy_line;
use super::text::lines;
use super::{View, notice, theme};
use crate::flow::{OldPhone, Op};
use crate::provider::{LastUsed, Method, MethodKind, UsedFor};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, TableState, Wrap};

/// Narrower than this, kind and label share a cell on two lines so that
/// every column, "last used" included, keeps its room.
const WIDE: u16 = 100;

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let flow = view.flow;
    let name = flow
        .account
        .as_ref()
        .map(|a| a.display_name.as_str())
        .unwrap_or_default();
    let row_height: u16 = if area.width >= WIDE { 1 } else { 2 };
    let rows = u16::try_from(flow.methods.len())
        .unwrap_or(u16::MAX)
        .max(1)
        .saturating_mul(row_height);
    let [title, table_area, below] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(
            rows.saturating_add(3)
                .min(area.height.saturating_sub(6).max(4)),
        ),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(view.f("methods.title", &[("name", name)]), theme::title()),
            Line::raw(view.t(intro_id(view)).to_string()),
        ]),
        title,
    );
    draw_table(frame, view, table_area, row_height);

    let mut text = Vec::new();
    if let Some(busy) = [Op::LoadMethods, Op::Delete, Op::SetDefault]
        .into_iter()
        .find_map(|op| busy_line(view, op))
    {
        text.push(busy);
    } else if view.flow.notice.is_some() {
        text.extend(notice::lines(view));
    }
    if flow.methods_loaded {
        text.extend(lines(&next_step(view)));
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), below);
}

fn draw_table(frame: &mut Frame, view: &View, area: Rect, row_height: u16) {
    let flow = view.flow;
    let stacked = row_height > 1;
    let mut titles = vec![view.t("methods.col_kind")];
    if !stacked {
        titles.push(view.t("methods.col_label"));
    }
    // A provider that never fills "last used" gets no such column: it
    // would say "never" for methods in daily use.
    let dated = flow.settings.capabilities.last_used == LastUsed::Reported;
    titles.push(view.t("methods.col_added"));
    if dated {
        titles.push(view.t("methods.col_last_used"));
    }
    titles.push(view.t("methods.col_used_for"));
    let header = Row::new(titles).style(theme::strong());
    let rows: Vec<Row> = flow
        .methods
        .iter()
        .map(|m| {
            let star = if m.is_default { "★" } else { " " };
            let kind = format!("{star} {}", short_kind_name(view, m.kind));
            let label = if flow.is_new(m) {
                format!("{} {}", m.label, view.t("methods.new"))
            } else {
                m.label.clone()
            };
            let mut cells = if stacked {
                vec![Cell::from(vec![
                    Line::raw(kind),
                    Line::raw(format!("  {label}")),
                ])]
            } else {
                vec![Cell::from(kind), Cell::from(label)]
            };
            cells.push(Cell::from(date(m.added.as_deref(), view)));
            if dated {
                cells.push(Cell::from(date(m.last_used.as_deref(), view)));
            }
            cells.push(Cell::from(used_for(view, m.used_for)));
            Row::new(cells).height(row_height)
        })
        .collect();
    let mut widths = vec![Constraint::Length(22)];
    if stacked {
        widths = vec![Constraint::Min(24)];
    } else {
        widths.push(Constraint::Min(12));
    }
    widths.push(Constraint::Length(10));
    if dated {
        widths.push(Constraint::Length(10));
    }
    widths.push(Constraint::Length(14));
    let table = super::chrome::methods_table(rows, widths, header);
    let mut state =
        TableState::default().with_selected((!flow.methods.is_empty()).then_some(flow.selected));
    frame.render_stateful_widget(table, area, &mut state);
    if flow.methods.is_empty() && flow.methods_loaded {
        let none = if flow.may_change() {
            "methods.none"
        } else {
            "methods.none_read_only"
        };
        super::chrome::empty_table(frame, area, view.t(none));
    }
}

/// What the person should do next, read off the table.
fn next_step(view: &View) -> String {
    let flow = view.flow;
    if !flow.may_change() {
        return view.f(
            "methods.read_only",
            &[("helpdesk", &view.branding.helpdesk)],
        );
    }
    let Some(m) = flow.selected_method() else {
        return view.t("methods.next_empty").to_string();
    };
    let old_app = flow.old_app();
    let mut out = if let (Some(old), Some(OldPhone::AtHand)) = (old_app, flow.old_phone) {
        // The safe order: the new one first, proven; the old one after.
        let id = if flow.added.is_empty() {
            "methods.next_keep_old"
        } else {
            "methods.next_delete_old_now"
        };
        view.f(id, &[("label", &old.label)])
    } else if let (Some(old), None, true) = (old_app, flow.old_phone, flow.added.is_empty()) {
        let mut ask = view.f("methods.ask_old_phone", &[("label", &old.label)]);
        // A default that can't go yet is worth knowing before answering.
        if let Some(id) = default_first(view, m) {
            ask.push('\n');
            ask.push_str(&view.f(id, &[("label", &m.label)]));
        }
        ask
    } else if !flow.added.is_empty() {
        // "Delete an old one" only while one is left: the new one may be
        // the row selected.
        if old_app.is_some() {
            view.t("methods.next_added").to_string()
        } else {
            view.t("methods.next_added_done").to_string()
        }
    } else if let Some(id) = default_first(view, m) {
        view.f(id, &[("label", &m.label)])
    } else if is_authenticator(m) {
        view.f("methods.next_delete_old", &[("label", &m.label)])
    } else {
        view.t("methods.next_choose").to_string()
    };
    // Providers that report no default (privacyIDEA, Graph v1.0) show no ★.
    if has_default(view) {
        out.push('\n');
        out.push_str(view.t("methods.default_note"));
    }
    out
}

/// The hint for a selected Authenticator that is the default and so can't
/// be deleted while other methods remain.
fn default_first(view: &View, m: &Method) -> Option<&'static str> {
    if !(is_authenticator(m) && m.is_default && view.flow.methods.len() > 1) {
        return None;
    }
    Some(if view.flow.settings.capabilities.can_set_default {
        "methods.next_default_first"
    } else {
        "methods.next_default_portal"
    })
}

fn has_default(view: &View) -> bool {
    view.flow.methods.iter().any(|m| m.is_default)
}

fn intro_id(view: &View) -> &'static str {
    if has_default(view) {
        "methods.intro"
    } else {
        "methods.intro_no_default"
    }
}

fn is_authenticator(m: &Method) -> bool {
    matches!(
        m.kind,
        MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode
    )
}

pub fn kind_name<'a>(view: &'a View, kind: MethodKind) -> &'a str {
    view.t(crate::guide::kind_id(kind))
}

/// Kind names short enough for the table column.
fn short_kind_name<'a>(view: &'a View, kind: MethodKind) -> &'a str {
    match kind {
        MethodKind::AuthenticatorPush => view.t("kind.short_authenticator_push"),
        MethodKind::AuthenticatorCode => view.t("kind.short_authenticator_code"),
        MethodKind::TemporaryPass => view.t("kind.short_temporary_pass"),
        other => kind_name(view, other),
    }
}

fn used_for(view: &View, u: UsedFor) -> String {
    match (u.sign_in, u.password_reset) {
        (true, true) => view.t("methods.used_both").into(),
        (true, false) => view.t("methods.used_sign_in").into(),
        (false, true) => view.t("methods.used_reset").into(),
        (false, false) => "–".into(),
    }
}

/// The date part of an ISO timestamp; "never" when absent.
fn date(iso: Option<&str>, view: &View) -> String {
    match iso {
        Some(s) => s.chars().take(10).collect(),
        None => view.t("methods.never").into(),
    }
}
