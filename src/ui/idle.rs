//! "Still there?": the question before the idle sign-out, drawn over
//! whatever screen is up so the person cannot miss it.

use super::{View, theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

const WIDTH: u16 = 56;
const HEIGHT: u16 = 6;

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let Some(secs) = view.flow.idle_warning() else {
        return;
    };
    let width = WIDTH.min(area.width);
    let height = HEIGHT.min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let text = vec![
        Line::styled(view.t("idle.title").to_string(), theme::title()),
        Line::raw(view.t("idle.body").to_string()),
        Line::styled(
            view.f("idle.countdown", &[("secs", &secs.to_string())]),
            theme::warning(),
        ),
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL)),
        popup,
    );
}
