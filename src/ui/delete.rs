//! Step 3, continued: confirming a delete, or explaining why it cannot happen.

use super::text::lines;
use super::{View, theme};
use crate::flow::{OldPhone, Screen};
use crate::provider::MethodKind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let (title, body, style) = match &view.flow.screen {
        Screen::ConfirmDelete {
            method,
            last_sign_in,
        } => {
            let mut text = view.f("delete.consequence", &[("label", &method.label)]);
            // The person holding the old phone removes the account from its
            // app too (the guides' last step); a lost one may turn up.
            let old_at_hand = view.flow.old_phone == Some(OldPhone::AtHand)
                && view.flow.old_app().is_some_and(|m| m.id == method.id);
            if old_at_hand {
                text.push(' ');
                text.push_str(view.t("delete.remove_from_old_phone"));
            } else if matches!(
                method.kind,
                MethodKind::AuthenticatorPush | MethodKind::AuthenticatorCode | MethodKind::Phone
            ) {
                text.push(' ');
                text.push_str(view.t("delete.found_again"));
            }
            let mut body = lines(&text);
            // Deleting the old phone's Authenticator before the new one is
            // proven is the order that locks people out.
            if view.flow.keep_old_for_now()
                && view.flow.old_app().is_some_and(|m| m.id == method.id)
            {
                body.push(Line::raw(""));
                body.extend(
                    lines(&view.f("delete.keep_old_first", &[("label", &method.label)]))
                        .into_iter()
                        .map(|l| l.style(theme::error())),
                );
            }
            if *last_sign_in {
                body.push(Line::raw(""));
                body.extend(
                    lines(view.t("delete.last_sign_in"))
                        .into_iter()
                        .map(|l| l.style(theme::error())),
                );
            }
            body.push(Line::raw(""));
            body.push(Line::styled(
                view.t("delete.ask").to_string(),
                theme::strong(),
            ));
            (
                view.f("delete.title", &[("what", &method.label)]),
                body,
                theme::warning(),
            )
        }
        Screen::DeleteBlocked { method } => {
            let mut body = lines(&view.f("blocked.why", &[("label", &method.label)]));
            body.push(Line::raw(""));
            body.push(Line::styled(
                view.t("blocked.what_title").to_string(),
                theme::strong(),
            ));
            // Where the provider cannot change the default (Graph v1.0), `m`
            // does nothing here: the way out is the portal.
            let what = if view.flow.settings.capabilities.can_set_default {
                "blocked.what"
            } else {
                "blocked.what_portal"
            };
            // Inside the box: its borders and padding take four columns.
            let inner = area.width.min(80).saturating_sub(4);
            body.extend(super::text::hanging(view.t(what), inner));
            (
                view.f("blocked.title", &[("what", &method.label)]),
                body,
                theme::error(),
            )
        }
        _ => return,
    };
    let block = Block::bordered()
        .border_style(style)
        .title(Line::styled(format!(" {title} "), theme::strong()));
    let width = area.width.min(80);
    // Two border rows and the wrapped body inside the padding.
    let height = area
        .height
        .min(super::text::height(&body, width.saturating_sub(4)).saturating_add(2));
    let rect = Rect {
        x: area.x,
        y: area.y,
        width,
        height,
    };
    frame.render_widget(
        Paragraph::new(body)
            .wrap(Wrap { trim: false })
            .block(block.padding(ratatui::widgets::Padding::horizontal(1))),
        rect,
    );
}
