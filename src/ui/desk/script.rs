//! The script panel: the agent's next step and the words for the caller,
//! in the caller's language and for their phone.

use super::DeskView;
use crate::flow::Platform;
use crate::helpdesk::script::{Arg, ScriptLine, Who, script};
use crate::ui::text::wrap;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

fn fill(view: &DeskView, line: &ScriptLine) -> String {
    let lang = match line.who {
        Who::Agent => view.desk.language(),
        Who::Caller => view.desk.caller_language(),
    };
    let args: Vec<(&str, String)> = line
        .args
        .iter()
        .map(|(name, arg)| {
            let value = match arg {
                Arg::Plain(v) => v.clone(),
                Arg::Text(id) => view.guide.text(lang, id).to_string(),
            };
            (*name, value)
        })
        .collect();
    let refs: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
    view.guide.fill(lang, line.id, &refs)
}

/// Rows the panel needs at `width`: its lines and its border.
pub fn height(view: &DeskView, width: u16) -> u16 {
    u16::try_from(lines(view, width).len())
        .unwrap_or(u16::MAX)
        .saturating_add(2)
}

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let desk = view.desk;
    let platform = match desk.platform {
        Platform::IPhone => view.t("key.iphone"),
        Platform::Android => view.t("key.android"),
    };
    let title = view.f(
        "desk.script_title",
        &[("platform", platform), ("lang", desk.caller_language())],
    );
    let text = lines(view, area.width);
    frame.render_widget(
        Paragraph::new(text).block(
            Block::bordered()
                .border_style(theme::dim())
                .title(Span::styled(format!(" {title} "), theme::title()))
                .padding(Padding::horizontal(1)),
        ),
        area,
    );
}

/// The script's lines wrapped for a panel `width` wide, each "Do"/"Say"
/// with a hanging indent, a blank line after each.
fn lines(view: &DeskView, width: u16) -> Vec<Line<'static>> {
    let desk = view.desk;
    let width = usize::from(width.saturating_sub(4)).max(10);
    let mut text: Vec<Line<'static>> = Vec::new();
    for line in script(desk) {
        let (lead, style) = match line.who {
            Who::Agent => (view.t("desk.script_do"), theme::dim()),
            Who::Caller => (view.t("desk.script_say"), theme::strong()),
        };
        let body = fill(view, &line);
        let lead = format!("{lead} ");
        let indent = unicode_width::UnicodeWidthStr::width(lead.as_str());
        for (i, part) in wrap(&body, width.saturating_sub(indent).max(8))
            .into_iter()
            .enumerate()
        {
            let first = if i == 0 {
                lead.clone()
            } else {
                " ".repeat(indent)
            };
            text.push(Line::from(vec![
                Span::styled(first, theme::title()),
                Span::styled(part, style),
            ]));
        }
        text.push(Line::raw(""));
    }
    // The blank after the last line only pads the box.
    if text.last().is_some_and(|l| l.width() == 0) {
        text.pop();
    }
    text
}
