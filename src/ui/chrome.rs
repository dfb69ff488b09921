//! What surrounds every screen: the header with the step, the footer with
//! the keys, the helpdesk line, and the message for a terminal too small to use.

use super::{MIN_HEIGHT, MIN_WIDTH, View, theme};
use crate::flow::{Flow, Op, Screen};
use crate::keymap::{self, Action, Key};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];
pub(crate) const STEPS: u8 = 9;

/// Draws header and footer; returns the area left for the screen.
pub fn frame(frame: &mut Frame, view: &View, area: Rect) -> Rect {
    let [header, gap, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(footer_height(view, area.width)),
    ])
    .areas(area);
    draw_header(frame, view, header);
    draw_helpdesk(frame, view, gap);
    draw_footer(frame, view, footer);
    body.inner(ratatui::layout::Margin::new(2, 0))
}

/// The helpdesk line, on every screen, in the row under the header: it
/// costs the body nothing. Shown whole or not at all, since half a phone
/// number is worse than none (the help and errors still carry it).
fn draw_helpdesk(frame: &mut Frame, view: &View, area: Rect) {
    let text = view.branding.helpdesk.trim();
    let room = usize::from(area.width.saturating_sub(2));
    if text.is_empty() || text.contains('\n') || text.width() > room {
        return;
    }
    let line = Line::styled(text.to_string(), theme::dim()).alignment(Alignment::Right);
    let area = Rect {
        width: area.width.saturating_sub(1),
        ..area
    };
    frame.render_widget(line, area);
}

pub(crate) fn step(screen: &Screen) -> (u8, &'static str) {
    match screen {
        Screen::Welcome => (1, "step.welcome"),
        Screen::SignIn { .. } | Screen::DeviceSignIn { .. } => (2, "step.sign_in"),
        Screen::Methods | Screen::ConfirmDelete { .. } | Screen::DeleteBlocked { .. } => {
            (3, "step.methods")
        }
        Screen::AddMethod { .. } => (4, "step.add"),
        Screen::Platform => (5, "step.platform"),
        Screen::Prepare => (6, "step.prepare"),
        Screen::Scan { .. } => (7, "step.scan"),
        Screen::ProveCode { .. } | Screen::ProveApproval { .. } => (8, "step.prove"),
        Screen::Done { .. } => (9, "step.done"),
    }
}

fn draw_header(frame: &mut Frame, view: &View, area: Rect) {
    let (n, id) = step(&view.flow.screen);
    let step_text = view.f(
        "chrome.step",
        &[
            ("n", &n.to_string()),
            ("of", &STEPS.to_string()),
            ("title", view.t(id)),
        ],
    );
    let status = Span::styled(step_text, theme::strong());
    let tag = training(view.flow).then(|| view.t("chrome.training"));
    let (right, l, r) = header_right(area, status, tag);
    // Whole pieces only, most useful first: who is signed in, then the organisation.
    let mut left = vec![Span::styled(" mfa-assist ", theme::title())];
    let mut used = left[0].width();
    let room = usize::from(l.width);
    let account = view
        .flow
        .account
        .as_ref()
        .map(|a| format!(" {}", a.username));
    let org = format!(" {}", view.branding.org_name);
    let mut extras: Vec<String> = Vec::new();
    for piece in [account, Some(org)].into_iter().flatten() {
        if used + piece.width() <= room {
            used += piece.width();
            extras.push(piece);
        }
    }
    // The account, when shown, stays left of the organisation.
    left.extend(extras.into_iter().map(|p| Span::styled(p, theme::dim())));
    frame.render_widget(Line::from(left), l);
    frame.render_widget(right, r);
}

/// The header's right-hand part (`status`, then the training tag when
/// there is one) and the left and right areas it splits `area` into.
/// Shared by both modes.
pub fn header_right(
    area: Rect,
    status: Span<'static>,
    training_tag: Option<&str>,
) -> (Line<'static>, Rect, Rect) {
    let mut right = vec![status];
    if let Some(tag) = training_tag {
        right.push(Span::raw(" "));
        right.push(Span::styled(format!(" {tag} "), theme::training()));
    }
    let right = Line::from(right);
    let width = u16::try_from(right.width()).unwrap_or(u16::MAX);
    let [l, r] = Layout::horizontal([Constraint::Min(0), Constraint::Length(width + 1)])
        .spacing(1)
        .areas(area);
    (right, l, r)
}

pub fn training(flow: &Flow) -> bool {
    flow.settings.capabilities.training_accounts.is_some()
}

/// The keys of this screen that do something now, as `Key label` units.
/// On text screens help is F1, since `?` is typed; elsewhere it shows as `?`.
fn hints(view: &View) -> Vec<[Span<'static>; 2]> {
    key_units(
        view.flow.context(),
        |action| view.flow.action_available(action),
        |binding| view.t(label(view, binding)).to_string(),
    )
}

/// `Key label` units for the footer of `context`: the bindings marked for
/// the footer whose action is available now. Shared by both modes.
pub fn key_units(
    context: keymap::Context,
    available: impl Fn(Action) -> bool,
    text: impl Fn(&keymap::Binding) -> String,
) -> Vec<[Span<'static>; 2]> {
    footer_keys(context, available)
        .map(|(key, binding)| {
            [
                Span::styled(format!(" {} ", keymap::key_name(key)), theme::key()),
                Span::raw(format!(" {}", text(binding))),
            ]
        })
        .collect()
}

/// The footer's bindings for `context` whose action is available now, each
/// with the key it shows: help is F1 on text screens, since `?` is typed
/// there. Shared by the footers of both modes and the plain keys line.
pub fn footer_keys(
    context: keymap::Context,
    available: impl Fn(Action) -> bool,
) -> impl Iterator<Item = (Key, &'static keymap::Binding)> {
    keymap::for_context(context)
        .filter(move |b| b.footer && available(b.action))
        .filter_map(move |binding| {
            let key = match binding.action {
                Action::Help if keymap::takes_text(context) => Key::F(1),
                Action::Help => Key::Char('?'),
                _ => *binding.keys.first()?,
            };
            Some((key, binding))
        })
}

/// A binding's label, for the state the screen is in.
pub fn label(view: &View, binding: &keymap::Binding) -> &'static str {
    match (&view.flow.screen, binding.action) {
        (Screen::Scan { manual: true }, Action::CantScan) => "key.show_qr",
        // The key was typed in, not scanned.
        (Screen::Scan { manual: true }, Action::Next) => "key.added_it",
        // The phone registers itself: Enter cannot hurry it, so the footer
        // says the screen moves on by itself (and, once the wait ended, that
        // Enter waits again).
        (Screen::Scan { manual: false }, Action::Next) => match &view.flow.device {
            Some(watch) if watch.state.is_open() => "key.scanned_auto",
            Some(_) => "key.watch_again",
            None => binding.label,
        },
        _ => binding.label,
    }
}

/// Footer rows: whole `key label` units, never split across rows.
fn footer_lines(view: &View, width: u16) -> Vec<Line<'static>> {
    unit_lines(hints(view), width)
}

/// Footer rows from `key label` units, never splitting a unit.
pub fn unit_lines(units: Vec<[Span<'static>; 2]>, width: u16) -> Vec<Line<'static>> {
    const GAP: &str = "   ";
    let width = usize::from(width);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for unit in units {
        let w: usize = unit.iter().map(Span::width).sum();
        if used > 0 && used + GAP.len() + w > width {
            lines.push(Line::from(std::mem::take(&mut current)));
            used = 0;
        }
        if used > 0 {
            current.push(Span::raw(GAP));
            used += GAP.len();
        }
        used += w;
        current.extend(unit);
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    lines
}

fn footer_height(view: &View, width: u16) -> u16 {
    u16::try_from(footer_lines(view, width).len().clamp(1, 3)).unwrap_or(1)
}

fn draw_footer(frame: &mut Frame, view: &View, area: Rect) {
    frame.render_widget(Paragraph::new(footer_lines(view, area.width)), area);
}

/// A table of methods as both modes draw one: bordered, under `header`,
/// the selected row marked.
pub fn methods_table<'a>(
    rows: impl IntoIterator<Item = Row<'a>>,
    widths: impl IntoIterator<Item = Constraint>,
    header: Row<'a>,
) -> Table<'a> {
    Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme::selected())
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .block(Block::bordered().border_style(theme::dim()))
}

/// Says why the bordered table drawn in `table` has no rows, where its
/// first row would be: inside the border, under the header.
pub fn empty_table(frame: &mut Frame, table: Rect, why: &str) {
    let row = Rect {
        x: table.x.saturating_add(2),
        y: table.y.saturating_add(2),
        width: table.width.saturating_sub(4),
        height: 1,
    }
    .intersection(table);
    frame.render_widget(Paragraph::new(why.to_string()).style(theme::warning()), row);
}

/// The one message a too-small terminal gets: how big it must be.
pub fn too_small(frame: &mut Frame, view: &View, area: Rect) {
    too_small_with(frame, area, |id, args| view.f(id, args));
}

/// [`too_small`] for either mode: `f` fills a text of its guide.
pub fn too_small_with(frame: &mut Frame, area: Rect, f: impl Fn(&str, &[(&str, &str)]) -> String) {
    let text = f(
        "chrome.too_small",
        &[
            ("w", &area.width.to_string()),
            ("h", &area.height.to_string()),
            ("min_w", &MIN_WIDTH.to_string()),
            ("min_h", &MIN_HEIGHT.to_string()),
        ],
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// A spinner frame for `op`, derived from the flow's clock so redraws agree.
pub fn spinner(flow: &Flow) -> &'static str {
    let since = flow.pending.map_or(flow.now.0, |p| flow.now.since(p.since));
    let i = usize::try_from(since / flow.spinner_period_ms()).unwrap_or(0) % SPINNER.len();
    SPINNER.get(i).copied().unwrap_or("*")
}

/// "⠙ Checking your pass…" when `op` is in flight.
pub fn busy_line(view: &View, op: Op) -> Option<Line<'static>> {
    if !view.flow.is_busy(op) {
        return None;
    }
    let id = match op {
        Op::SignIn => "busy.sign_in",
        Op::LoadMethods => "busy.load_methods",
        Op::Delete => "busy.delete",
        Op::SetDefault => "busy.set_default",
        Op::Enroll => "busy.enroll",
        Op::CheckCode => "busy.check_code",
        Op::Approval => "busy.approval",
    };
    // Waiting out the provider's Retry-After: say so, it is no error.
    let text = match view.flow.held_secs() {
        Some(secs) => view.f("busy.held", &[("secs", &secs.to_string())]),
        None => view.t(id).to_string(),
    };
    Some(Line::from(vec![
        Span::styled(format!("{} ", spinner(view.flow)), theme::title()),
        Span::raw(text),
    ]))
}
