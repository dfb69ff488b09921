//! The end of a call: the case summary, where it was saved, and the keys to
//! copy it or take the next caller.

use super::{DeskView, frame::status};
use crate::helpdesk::summary;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let desk = view.desk;
    let Some(case) = &desk.case else {
        return;
    };
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(4),
        Constraint::Length(3),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(
            view.t("desk.summary_title").to_string(),
            theme::title(),
        )),
        head,
    );
    let text: Vec<Line> = summary(desk, view.guide)
        .lines()
        .map(|l| Line::raw(l.to_string()))
        .collect();
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .border_style(theme::dim())
                .padding(Padding::horizontal(1)),
        ),
        body,
    );
    let mut below = Vec::new();
    match &case.saved {
        Some(Ok(path)) => below.push(Line::styled(
            view.f("desk.saved", &[("path", path)]),
            theme::ok(),
        )),
        Some(Err(_)) => {}
        None => below.push(Line::styled(
            view.t("desk.saving").to_string(),
            theme::dim(),
        )),
    }
    below.extend(status(view));
    frame.render_widget(Paragraph::new(below).wrap(Wrap { trim: false }), foot);
}
