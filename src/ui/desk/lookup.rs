//! Who is calling? The agent types the caller's username.

use super::{DeskView, frame::status};
use crate::helpdesk::DeskScreen;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let DeskScreen::Lookup { username } = &view.desk.screen else {
        return;
    };
    let mut text = vec![
        Line::styled(view.t("desk.lookup_title").to_string(), theme::title()),
        Line::raw(""),
    ];
    text.extend(crate::ui::text::lines(view.t("desk.lookup_intro")));
    text.push(Line::raw(""));
    // The end of a long name stays in sight, as in any text field.
    let room = usize::from(area.width.saturating_sub(16)).max(8);
    let shown: String = {
        let count = username.chars().count();
        username.chars().skip(count.saturating_sub(room)).collect()
    };
    text.push(Line::from(vec![
        Span::styled(format!("{}  ", view.t("desk.username")), theme::strong()),
        Span::styled(format!("{shown}▏"), theme::field_focused()),
    ]));
    text.push(Line::raw(""));
    text.extend(status(view));
    if let Some(callers) = &view.desk.settings.capabilities.training_callers {
        text.push(Line::raw(""));
        text.push(Line::styled(
            view.f("desk.training_callers", &[("names", &callers.join(", "))]),
            theme::dim(),
        ));
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
}
