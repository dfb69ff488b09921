//! The identity checklist, and what to do when the caller cannot be verified.

use super::{DeskView, frame::status};
use crate::helpdesk::DeskScreen;
use crate::ui::text::{lines, numbered};
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let desk = view.desk;
    let Some(case) = &desk.case else {
        return;
    };
    let mut text = Vec::new();
    match &desk.screen {
        DeskScreen::Checks { cursor } => {
            text.push(Line::styled(
                view.f("desk.checks_title", &[("name", &case.caller.display_name)]),
                theme::title(),
            ));
            text.push(Line::raw(view.f(
                "desk.checks_intro",
                &[
                    ("required", &desk.settings.required_checks.to_string()),
                    ("total", &desk.settings.checks.len().to_string()),
                ],
            )));
            text.push(Line::raw(""));
            for (i, check) in desk.settings.checks.iter().enumerate() {
                let ticked = case.ticked.get(i).copied().unwrap_or(false);
                let pointer = if i == *cursor { "▶" } else { " " };
                let mark = if ticked { "[✓]" } else { "[ ]" };
                let style = if i == *cursor {
                    theme::selected()
                } else if ticked {
                    theme::ok()
                } else {
                    ratatui::style::Style::default()
                };
                text.extend(numbered(
                    &format!("{pointer} {mark} "),
                    check,
                    area.width,
                    style,
                ));
            }
            text.push(Line::raw(""));
            let ticked = case.ticked_count();
            let required = desk.settings.required_checks;
            let (id, style) = if ticked >= required {
                ("desk.checks_enough", theme::ok())
            } else {
                ("desk.checks_count", theme::warning())
            };
            text.push(Line::styled(
                view.f(
                    id,
                    &[
                        ("ticked", &ticked.to_string()),
                        ("required", &required.to_string()),
                    ],
                ),
                style,
            ));
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.checks_honest")));
        }
        _ => {
            text.push(Line::styled(
                view.t("desk.escalate_title").to_string(),
                theme::error(),
            ));
            text.push(Line::raw(""));
            text.extend(lines(&desk.settings.escalation));
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.escalate_next")));
        }
    }
    text.push(Line::raw(""));
    text.extend(status(view));
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
}
