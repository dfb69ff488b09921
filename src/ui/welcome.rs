//! Step 1: what this is, what you need, what to do without a pass.

use super::chrome::{lines, training};
use super::{View, notice, theme};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let flow = view.flow;
    let mut text: Vec<Line> = vec![Line::styled(
        view.t("welcome.title").to_string(),
        theme::title(),
    )];
    text.extend(lines(view.t("welcome.intro")));
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.t("welcome.need_title").to_string(),
        theme::strong(),
    ));
    text.extend(lines(view.t("welcome.need")));
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.t("welcome.no_pass_title").to_string(),
        theme::strong(),
    ));
    text.extend(lines(&view.branding.no_pass_help));
    text.push(Line::raw(""));
    text.push(language_line(view));
    if let Some(n) = notice::line(view) {
        text.push(Line::raw(""));
        text.push(n);
    }

    let accounts = flow
        .settings
        .capabilities
        .training_accounts
        .as_deref()
        .filter(|_| training(flow));
    let Some(accounts) = accounts else {
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
        return;
    };
    let box_height = u16::try_from(accounts.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let [main, practice] = if area.width >= 120 {
        Layout::horizontal([Constraint::Min(50), Constraint::Length(58)])
            .spacing(2)
            .areas(area)
    } else {
        // The box goes right under the text, not at the bottom of a tall window.
        let text_height = wrapped_height(&text, area.width).saturating_add(1);
        let [main, practice, _] = Layout::vertical([
            Constraint::Length(text_height),
            Constraint::Length(box_height),
            Constraint::Min(0),
        ])
        .areas(area);
        [main, practice]
    };
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), main);

    let rows = accounts.iter().map(|a| {
        Row::new(vec![
            Cell::from(a.username.clone()),
            Cell::from(a.pass.clone()).style(theme::strong()),
            Cell::from(a.note.clone()).style(theme::dim()),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Length(15),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new(vec![
            view.t("welcome.training_user").to_string(),
            view.t("welcome.training_pass").to_string(),
            view.t("welcome.training_note").to_string(),
        ])
        .style(theme::dim()),
    )
    .block(
        Block::bordered()
            .border_style(theme::warning())
            .title(Span::styled(
                format!(" {} ", view.t("welcome.training_title")),
                theme::training(),
            )),
    );
    let height = practice.height.min(box_height.max(4));
    frame.render_widget(table, Rect { height, ..practice });
}

fn language_line(view: &View) -> Line<'static> {
    let flow = view.flow;
    let mut spans = vec![Span::raw(format!("{}: ", view.t("welcome.language")))];
    for (i, code) in flow.settings.languages.iter().enumerate() {
        let name = view.guide.text(code, "meta.name").to_string();
        let style = if i == flow.lang {
            theme::selected()
        } else {
            theme::dim()
        };
        spans.push(Span::styled(format!(" {name} "), style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// Rows the lines take when wrapped at `width` (word wrapping may need a
/// little more; the caller adds a spare row).
fn wrapped_height(text: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let rows: usize = text.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}
