//! The help overlay: this screen's keys from the keymap, and the
//! troubleshooting that belongs to this step.

use super::text::lines;
use super::{View, theme};
use crate::keymap::{self, Context};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let screen = view.flow.screen.context();
    let mut text = Vec::new();
    // A small window may leave the introduction off the Welcome screen
    // (see `welcome::text`); help always has it.
    if screen == Context::Welcome {
        text.extend(lines(view.t("welcome.intro")));
        text.push(Line::raw(""));
    }
    text.push(Line::styled(
        view.t("help.keys").to_string(),
        theme::strong(),
    ));
    let keys = key_lines(
        screen,
        |action| view.flow.action_available(action),
        |binding| view.t(super::chrome::label(view, binding)).to_string(),
    );
    let mut rest = trouble(view.t("help.trouble"), view.t(tips_id(screen)));
    // The kiosk adds no phone numbers (Entra may refuse a person adding
    // their own); Microsoft's own page does, after a fresh sign-in.
    if matches!(screen, Context::Methods | Context::AddMethod)
        && view.flow.settings.capabilities.push_app
            == crate::provider::PushApp::MicrosoftAuthenticator
    {
        rest.extend(lines(view.t("help.tips_phone_number")));
    }
    rest.push(Line::raw(""));
    rest.push(Line::styled(
        view.f("help.helpdesk", &[("helpdesk", &view.branding.helpdesk)]),
        theme::dim(),
    ));
    show(frame, area, [text, keys, rest], |id| view.t(id));
}

/// "Trouble?" and what helps on this screen, under the keys. Shared by
/// both modes.
pub fn trouble(title: &str, tips: &str) -> Vec<Line<'static>> {
    let mut text = vec![
        Line::raw(""),
        Line::styled(title.to_string(), theme::strong()),
    ];
    text.extend(lines(tips));
    text
}

/// One line per key of `context` whose action is available now.
pub fn key_lines(
    screen: Context,
    available: impl Fn(keymap::Action) -> bool,
    label: impl Fn(&keymap::Binding) -> String,
) -> Vec<Line<'static>> {
    let mut text = Vec::new();
    for binding in keymap::for_context(screen) {
        if !available(binding.action) {
            continue;
        }
        let keys: Vec<String> = binding
            .keys
            .iter()
            .filter(|k| !(keymap::takes_text(screen) && matches!(k, keymap::Key::Char(_))))
            .map(|k| keymap::key_name(*k))
            .collect();
        if keys.is_empty() {
            continue;
        }
        text.push(Line::from(vec![
            Span::styled(format!("  {:<18}", keys.join(" / ")), theme::title()),
            Span::raw(label(binding)),
        ]));
    }
    text
}

/// The help text with its key lines in one column, or in two when one
/// would push the box over the screen's last row (the footer that says how
/// to close help), so nothing of the help is cut on a small terminal.
fn fitted(
    mut head: Vec<Line<'static>>,
    keys: Vec<Line<'static>>,
    tail: Vec<Line<'static>>,
    area: Rect,
) -> Vec<Line<'static>> {
    let inner = box_width(area).saturating_sub(4);
    let room = area.height.saturating_sub(2);
    let fits = |keys: &[Line<'static>]| {
        let all: Vec<Line<'static>> = head.iter().chain(keys).chain(&tail).cloned().collect();
        super::text::height(&all, inner).saturating_add(2) <= room
    };
    let keys = if fits(&keys) {
        keys
    } else {
        two_columns(&keys, inner).unwrap_or(keys)
    };
    head.extend(keys);
    head.extend(tail);
    head
}

/// Key lines side by side, top to bottom then the next column, when every
/// one fits in half the width.
fn two_columns(keys: &[Line<'static>], width: u16) -> Option<Vec<Line<'static>>> {
    let half = usize::from(width / 2);
    if keys.iter().any(|line| line.width() >= half) {
        return None;
    }
    let (left, right) = keys.split_at(keys.len().div_ceil(2));
    Some(
        left.iter()
            .enumerate()
            .map(|(i, line)| {
                let mut spans = line.spans.clone();
                if let Some(next) = right.get(i) {
                    spans.push(Span::raw(" ".repeat(half - line.width())));
                    spans.extend(next.spans.iter().cloned());
                }
                Line::from(spans)
            })
            .collect(),
    )
}

fn box_width(area: Rect) -> u16 {
    area.width.saturating_sub(2).min(84)
}

/// The help box, centred over the screen: `head`, the keys and `tail`
/// ([`fitted`] to the room) under help's title and close hint, whose texts
/// `t` gives. Shared by both modes.
pub fn show<'a>(
    frame: &mut Frame,
    area: Rect,
    [head, keys, tail]: [Vec<Line<'static>>; 3],
    t: impl Fn(&'static str) -> &'a str,
) {
    let text = fitted(head, keys, tail, area);
    let (title, close) = (t("help.title"), t("help.close"));
    // Nearly full width on small terminals, so no stray fragments of the
    // screen below peek out beside the box.
    let width = box_width(area);
    let height = area
        .height
        .min(super::text::height(&text, width.saturating_sub(4)).saturating_add(2));
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(Span::styled(format!(" {title} "), theme::title()))
                .title_bottom(Line::from(format!(" {close} ")).right_aligned())
                .padding(Padding::horizontal(1)),
        ),
        rect,
    );
}

pub fn tips_id(context: Context) -> &'static str {
    match context {
        Context::Welcome | Context::Help => "help.tips_welcome",
        Context::SignIn => "help.tips_sign_in",
        Context::DeviceSignIn => "help.tips_device",
        Context::Methods | Context::ConfirmDelete | Context::DeleteBlocked => "help.tips_methods",
        Context::AddMethod | Context::Platform | Context::Prepare => "help.tips_prepare",
        Context::Scan => "help.tips_scan",
        Context::ProveCode => "help.tips_code",
        Context::ProveApproval => "help.tips_approval",
        Context::Done => "help.tips_done",
        Context::DeskLookup => "help.tips_desk_lookup",
        Context::DeskAccount
        | Context::DeskConfirm
        | Context::DeskPrivileged
        | Context::DeskSummary => "help.tips_desk_account",
        Context::DeskChecks | Context::DeskEscalate => "help.tips_desk_checks",
        Context::DeskIssue | Context::DeskPass => "help.tips_desk_pass",
        Context::DeskPhone => "help.tips_desk_phone",
        Context::DeskWatch => "help.tips_desk_watch",
    }
}
