//! What surrounds every screen: the header with the step, the footer with
//! the keys, and the message for a terminal too small to use.

use super::{MIN_HEIGHT, MIN_WIDTH, View, theme};
use crate::flow::{Flow, Op, SPINNER_PERIOD_MS, Screen};
use crate::keymap::{self, Action, Key};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];
const STEPS: u8 = 9;

/// Draws header and footer; returns the area left for the screen.
pub fn frame(frame: &mut Frame, view: &View, area: Rect) -> Rect {
    let [header, _gap, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(footer_height(view, area.width)),
    ])
    .areas(area);
    draw_header(frame, view, header);
    draw_footer(frame, view, footer);
    body.inner(ratatui::layout::Margin::new(2, 0))
}

fn step(screen: &Screen) -> (u8, &'static str) {
    match screen {
        Screen::Welcome => (1, "step.welcome"),
        Screen::SignIn { .. } => (2, "step.sign_in"),
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
    let mut left = vec![
        Span::styled(" mfa-assist ", theme::title()),
        Span::styled(view.branding.org_name.clone(), theme::dim()),
    ];
    if let Some(account) = &view.flow.account {
        left.push(Span::styled(
            format!("  ·  {}", account.username),
            theme::dim(),
        ));
    }
    let step_text = view.f(
        "chrome.step",
        &[
            ("n", &n.to_string()),
            ("of", &STEPS.to_string()),
            ("title", view.t(id)),
        ],
    );
    let mut right = vec![Span::styled(step_text, theme::strong())];
    if training(view.flow) {
        right.push(Span::raw(" "));
        right.push(Span::styled(
            format!(" {} ", view.t("chrome.training")),
            theme::training(),
        ));
    }
    let right = Line::from(right);
    let right_width = u16::try_from(right.width()).unwrap_or(u16::MAX);
    let [l, r] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width + 1)])
        .spacing(1)
        .areas(area);
    frame.render_widget(Line::from(left), l);
    frame.render_widget(right, r);
}

pub fn training(flow: &Flow) -> bool {
    flow.settings.capabilities.training_accounts.is_some()
}

/// The keys of this screen that do something now, as `Key label` pairs.
/// On text screens help is F1, since `?` is typed; elsewhere it shows as `?`.
fn hints(view: &View) -> Line<'static> {
    let context = view.flow.context();
    let mut spans: Vec<Span<'static>> = Vec::new();
    for binding in keymap::for_context(context) {
        let action = binding.action;
        if !binding.footer || action == Action::Quit || !view.flow.action_available(action) {
            continue;
        }
        let key = if action == Action::Help {
            if keymap::takes_text(context) {
                Key::F(1)
            } else {
                Key::Char('?')
            }
        } else {
            match binding.keys.first() {
                Some(k) => *k,
                None => continue,
            }
        };
        spans.push(Span::styled(
            format!(" {} ", keymap::key_name(key)),
            theme::key(),
        ));
        spans.push(Span::raw(format!(" {}   ", view.t(binding.label))));
    }
    Line::from(spans)
}

fn footer_height(view: &View, width: u16) -> u16 {
    let needed = hints(view).width();
    let width = usize::from(width.max(1));
    u16::try_from(needed.div_ceil(width).clamp(1, 3)).unwrap_or(1)
}

fn draw_footer(frame: &mut Frame, view: &View, area: Rect) {
    frame.render_widget(Paragraph::new(hints(view)).wrap(Wrap { trim: false }), area);
}

/// The one message a too-small terminal gets: how big it must be.
pub fn too_small(frame: &mut Frame, view: &View, area: Rect) {
    let text = view.f(
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
    let i = usize::try_from(since / SPINNER_PERIOD_MS).unwrap_or(0) % SPINNER.len();
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
    Some(Line::from(vec![
        Span::styled(format!("{} ", spinner(view.flow)), theme::title()),
        Span::raw(view.t(id).to_string()),
    ]))
}

/// Wrapped paragraph lines of a multi-line text, one `Line` per source line.
pub fn lines(text: &str) -> Vec<Line<'static>> {
    text.lines().map(|l| Line::from(l.to_string())).collect()
}
