//! "Are you sure?" before a change the caller cannot undo.

use super::{DeskView, frame::status};
use crate::helpdesk::{DeskScreen, Pending};
use crate::ui::text::lines;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let DeskScreen::Confirm(what) = &view.desk.screen else {
        return;
    };
    let name = view.caller_name();
    let mut text = Vec::new();
    match what {
        Pending::Delete(m) => {
            text.push(Line::styled(
                view.f(
                    "desk.confirm_delete",
                    &[("label", &m.label), ("name", &name)],
                ),
                theme::title(),
            ));
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.confirm_delete_body")));
        }
        Pending::Reset(plan) => {
            text.push(Line::styled(
                view.f("desk.confirm_reset", &[("name", &name)]),
                theme::title(),
            ));
            text.push(Line::raw(""));
            text.push(Line::raw(view.t("desk.confirm_reset_order").to_string()));
            for (i, m) in plan.iter().enumerate() {
                let default = if m.is_default {
                    format!("  ({})", view.t("case.default"))
                } else {
                    String::new()
                };
                text.push(Line::raw(format!(
                    "  {}. {}: {}{default}",
                    i + 1,
                    view.t(crate::guide::kind_id(m.kind)),
                    m.label
                )));
            }
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.confirm_reset_body")));
        }
        Pending::Finish => {
            text.push(Line::styled(
                view.f("desk.confirm_finish", &[("name", &name)]),
                theme::title(),
            ));
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.confirm_finish_body")));
        }
        Pending::CannotVerify => {
            text.push(Line::styled(
                view.f("desk.confirm_cannot_verify", &[("name", &name)]),
                theme::title(),
            ));
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.confirm_cannot_verify_body")));
        }
        Pending::AddPhone { number, phone_type } => {
            text.push(Line::styled(
                view.f(
                    "desk.confirm_phone",
                    &[
                        ("number", number.as_str()),
                        ("type", view.t(super::phone::type_id(*phone_type))),
                        ("name", &name),
                    ],
                ),
                theme::title(),
            ));
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.confirm_phone_body")));
        }
        Pending::Revoke => {
            text.push(Line::styled(
                view.f("desk.confirm_revoke", &[("name", &name)]),
                theme::title(),
            ));
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.confirm_revoke_body")));
        }
    }
    text.push(Line::raw(""));
    text.extend(status(view));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
}
