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
    for binding in keymap::for_context(screen) {
        if !view.flow.action_available(binding.action) {
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
            Span::raw(view.t(super::chrome::label(view, binding)).to_string()),
        ]));
    }
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.t("help.trouble").to_string(),
        theme::strong(),
    ));
    text.extend(lines(view.t(tips_id(screen))));
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.f("help.helpdesk", &[("helpdesk", &view.branding.helpdesk)]),
        theme::dim(),
    ));

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
                .title(Span::styled(
                    format!(" {} ", view.t("help.title")),
                    theme::title(),
                ))
                .title_bottom(Line::from(format!(" {} ", view.t("help.close"))).right_aligned())
                .padding(Padding::horizontal(1)),
        ),
        rect,
    );
}

fn tips_id(context: Context) -> &'static str {
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
    }
}
