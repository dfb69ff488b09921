//! A delete or pass refused because the caller holds administrative rights
//! (or nobody could tell): why, and what to do instead.

use super::{DeskView, frame::status};
use crate::provider::admin::Privilege;
use crate::ui::text::lines;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let Some(case) = &view.desk.case else {
        return;
    };
    let name = case.caller.display_name.as_str();
    let mut text = vec![
        Line::styled(
            view.f("desk.privileged_title", &[("name", name)]),
            theme::error(),
        ),
        Line::raw(""),
    ];
    let why = match case.privilege() {
        Some(Privilege::Privileged(roles)) => {
            view.f("desk.privileged_roles", &[("roles", &roles.join(", "))])
        }
        Some(Privilege::CheckFailed(why)) => view.f("desk.privileged_unknown", &[("why", why)]),
        _ => view.f(
            "desk.privileged_unknown",
            &[("why", view.t("desk.privileged_not_read"))],
        ),
    };
    text.extend(lines(&why));
    text.push(Line::raw(""));
    text.extend(lines(view.t("desk.privileged_instead")));
    text.push(Line::raw(""));
    text.extend(status(view));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
}
