//! Step 1: what this is, what you need, what to do without a pass.

use super::chrome::training;
use super::text::{hanging, height, lines};
use super::{View, notice, theme};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

/// Body width from which the practice accounts sit beside the text.
const SIDE_BY_SIDE: u16 = 110;
const BOX_WIDTH: u16 = 58;

pub fn draw(frame: &mut Frame, view: &View, area: Rect) {
    let flow = view.flow;
    let accounts = flow
        .settings
        .capabilities
        .training_accounts
        .as_deref()
        .filter(|_| training(flow));
    let Some(accounts) = accounts else {
        let text = text(view, area.width, area.height);
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), area);
        return;
    };
    let title = format!(" {} ", view.t("welcome.training_title"));
    let box_width = u16::try_from(title.chars().count() + 4)
        .unwrap_or(u16::MAX)
        .max(BOX_WIDTH);
    let box_height = u16::try_from(accounts.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let (main, practice) = if area.width >= SIDE_BY_SIDE {
        let [main, practice] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(box_width)])
                .spacing(2)
                .areas(area);
        (main, practice)
    } else {
        // The box goes right under the text, not at the bottom of a tall window.
        let room = area.height.saturating_sub(box_height);
        let text = text(view, area.width, room);
        let text_height = height(&text, area.width).min(room);
        let [main, practice, _] = Layout::vertical([
            Constraint::Length(text_height),
            Constraint::Length(box_height),
            Constraint::Min(0),
        ])
        .areas(area);
        (main, practice)
    };
    let text = text(view, main.width, main.height);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), main);

    let rows = accounts.iter().map(|a| {
        Row::new(vec![
            Cell::from(a.username.clone()),
            Cell::from(a.pass.clone()).style(theme::strong()),
            Cell::from(a.note_in(flow.language()).to_string()).style(theme::dim()),
        ])
    });
    // The pass column is as wide as its heading: Finnish names the pass with
    // one long word ("Käyttöoikeustunnus") that must not be cut.
    let pass_heading = view.t("welcome.training_pass");
    let pass_width = u16::try_from(pass_heading.chars().count())
        .unwrap_or(u16::MAX)
        .max(15);
    let table = Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Length(pass_width),
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
    let practice = Rect {
        height: practice.height.min(box_height),
        width: practice.width.min(box_width),
        ..practice
    };
    frame.render_widget(table, practice);
}

/// The welcome text for a `width`×`rows` area. When rows are short, the
/// introduction goes first: the notice, what you need and the no-pass help
/// matter more.
fn text(view: &View, width: u16, rows: u16) -> Vec<Line<'static>> {
    // The "sign in another way" hint goes last: the help repeats it, while
    // the language line has nowhere else on this screen.
    let tries = [(true, true), (false, true), (false, false)];
    let mut text = Vec::new();
    for (with_intro, with_other_way) in tries {
        text = compose(view, width, with_intro, with_other_way);
        if height(&text, width) <= rows {
            break;
        }
    }
    text
}

fn compose(view: &View, width: u16, with_intro: bool, with_other_way: bool) -> Vec<Line<'static>> {
    let mut text: Vec<Line> = vec![Line::styled(
        view.t("welcome.title").to_string(),
        theme::title(),
    )];
    if view.flow.notice.is_some() {
        text.extend(notice::lines(view));
    }
    if with_intro {
        text.extend(lines(view.t("welcome.intro")));
    }
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.t("welcome.need_title").to_string(),
        theme::strong(),
    ));
    text.extend(hanging(view.t("welcome.need"), width));
    text.push(Line::raw(""));
    text.push(Line::styled(
        view.t("welcome.no_pass_title").to_string(),
        theme::strong(),
    ));
    text.extend(hanging(&view.branding.no_pass_help, width));
    // Fixing it yourself needs no pass, so it sits with the no-pass help.
    // My Security Info is Microsoft's: a privacyIDEA kiosk has no such page.
    let other_way = !view.flow.settings.capabilities.is_privacyidea();
    if with_other_way && other_way {
        text.extend(lines(view.t("welcome.other_way")));
    }
    if view.flow.settings.languages.len() > 1 {
        text.push(Line::raw(""));
        text.push(language_line(view));
    }
    // What gave way is in the help overlay (see `help::draw`): say so,
    // rather than let it vanish without a word.
    if !with_intro || (other_way && !with_other_way) {
        text.extend(
            lines(view.t("welcome.more_in_help"))
                .into_iter()
                .map(|l| l.style(theme::dim())),
        );
    }
    text
}

fn language_line(view: &View) -> Line<'static> {
    let flow = view.flow;
    let mut spans = vec![Span::raw(format!("{}: ", view.t("welcome.language")))];
    for (i, code) in flow.settings.languages.iter().enumerate() {
        let name = view.guide.text(code, "meta.name").to_string();
        let (style, mark) = if i == flow.lang {
            (theme::selected(), "▶")
        } else {
            (theme::dim(), " ")
        };
        spans.push(Span::styled(format!("{mark}{name} "), style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}
