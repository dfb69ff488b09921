//! Step 2: username and Temporary Access Pass.

use super::chrome::busy_line;
use super::text::lines;
use super::{View, notice, theme};
use crate::flow::{Field, Op, Screen};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;
use zeroize::Zeroizing;

const LABEL_WIDTH: usize = 28;
const FIELD_WIDTH: usize = 32;

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let Screen::SignIn {
        username,
        pass,
        field,
        reveal,
    } = &view.flow.screen
    else {
        return;
    };
    let mut text = vec![Line::styled(
        view.t("sign_in.title").to_string(),
        theme::title(),
    )];
    text.extend(lines(view.t("sign_in.intro")));
    text.push(Line::raw(""));
    let user_row = text.len();
    text.push(field_line(
        view.t("sign_in.username"),
        username,
        *field == Field::Username,
    ));
    text.push(Line::raw(""));
    // The revealed pass is copied to be drawn: wiped when the frame is done.
    let shown = Zeroizing::new(if *reveal {
        pass.expose().to_string()
    } else {
        "•".repeat(pass.char_count())
    });
    let pass_row = text.len();
    text.push(field_line(
        view.t("sign_in.pass"),
        &shown,
        *field == Field::Pass,
    ));
    let reveal_hint = if *reveal {
        "sign_in.hide_hint"
    } else {
        "sign_in.reveal_hint"
    };
    text.push(Line::styled(
        format!("{:LABEL_WIDTH$}{}", "", view.t(reveal_hint)),
        theme::dim(),
    ));
    text.push(Line::raw(""));
    if let Some(busy) = busy_line(view, Op::SignIn) {
        text.push(busy);
    } else if view.flow.notice.is_some() {
        text.extend(notice::lines(view));
    }
    text.push(Line::raw(""));
    text.extend(
        lines(view.t("sign_in.tips"))
            .into_iter()
            .map(|l| l.style(theme::dim())),
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);

    // Put the terminal cursor at the end of the focused field.
    let (row, value) = match field {
        Field::Username => (user_row, username.as_str()),
        Field::Pass => (pass_row, shown.as_str()),
    };
    let col = LABEL_WIDTH + 1 + value.width().min(FIELD_WIDTH - 1);
    let x = area
        .x
        .saturating_add(u16::try_from(col).unwrap_or(u16::MAX));
    let y = area
        .y
        .saturating_add(u16::try_from(row).unwrap_or(u16::MAX));
    if view.flow.pending.is_none() && x < area.right() && y < area.bottom() {
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// `Label:   [value          ]`, showing the end of a value longer than the box.
fn field_line(label: &str, value: &str, focused: bool) -> Line<'static> {
    let mut visible = Zeroizing::new(value.to_string());
    while visible.width() > FIELD_WIDTH - 1 {
        visible.remove(0);
    }
    let pad = FIELD_WIDTH - visible.width();
    let style = if focused {
        theme::field_focused()
    } else {
        theme::field()
    };
    let marker = if focused { "▶ " } else { "  " };
    Line::from(vec![
        Span::styled(
            format!("{marker}{label:w$}", w = LABEL_WIDTH - 2),
            if focused {
                theme::strong()
            } else {
                theme::dim()
            },
        ),
        Span::styled(format!(" {}{}", visible.as_str(), " ".repeat(pad)), style),
    ])
}
