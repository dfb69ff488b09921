//! The help overlay: this screen's keys from the keymap, and the
//! troubleshooting that belongs to this step.

use super::chrome::lines;
use super::{View, theme};
use crate::keymap::{self, Context};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let screen = view.flow.screen.context();
    let mut text = vec![Line::styled(
        view.t("help.keys").to_string(),
        theme::strong(),
    )];
    text.extend(key_lines(
        screen,
        |action| view.flow.action_available(action),
        |binding| view.t(super::chrome::label(view, binding)).to_string(),
    ));
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.t("help.trouble").to_string(),
        theme::strong(),
    ));
    text.extend(lines(view.t(tips_id(screen))));
    // The kiosk adds no phone numbers (Entra may refuse a person adding
    // their own); Microsoft's own page does, after a fresh sign-in.
    if matches!(screen, Context::Methods | Context::AddMethod)
        && view.flow.settings.capabilities.push_app
            == crate::provider::PushApp::MicrosoftAuthenticator
    {
        text.extend(lines(view.t("help.tips_phone_number")));
    }
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.f("help.helpdesk", &[("helpdesk", &view.branding.helpdesk)]),
        theme::dim(),
    ));
    overlay(
        frame,
        area,
        text,
        view.t("help.title"),
        view.t("help.close"),
    );
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

/// The help box, centred over the screen.
pub fn overlay(frame: &mut Frame, area: Rect, text: Vec<Line<'static>>, title: &str, close: &str) {
    // Nearly full width on small terminals, so no stray fragments of the
    // screen below peek out beside the box.
    let width = area.width.saturating_sub(2).min(84);
    let height = area
        .height
        .min(super::chrome::height(&text, width.saturating_sub(4)).saturating_add(2));
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
