//! Issuing a pass, and showing it the one time it can be seen: in groups
//! of four, each character spelled out, so it survives being read aloud.

use super::account::pass_name;
use super::{DeskView, frame::status};
use crate::helpdesk::DeskScreen;
use crate::ui::text::lines;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

/// Characters per group when the pass is read aloud.
const GROUP: usize = 4;

pub fn draw(frame: &mut Frame, view: &DeskView, area: Rect) {
    let desk = view.desk;
    let name = pass_name(view);
    let mut text = Vec::new();
    match &desk.screen {
        DeskScreen::IssuePass { lifetime, one_time } => {
            let caps = &desk.settings.capabilities;
            let caller = view.caller_name();
            text.push(Line::styled(
                view.f("desk.issue_title", &[("pass", name), ("name", &caller)]),
                theme::title(),
            ));
            text.push(Line::raw(""));
            let choices: Vec<Span> = caps
                .pass_lifetimes
                .iter()
                .enumerate()
                .flat_map(|(i, minutes)| {
                    let label = format!(" {} ", lifetime_words(view, *minutes));
                    let style = if i == *lifetime {
                        theme::selected()
                    } else {
                        theme::dim()
                    };
                    [Span::styled(label, style), Span::raw(" ")]
                })
                .collect();
            let mut row = vec![Span::styled(
                format!("{}  ", view.t("desk.lifetime")),
                theme::strong(),
            )];
            row.extend(choices);
            text.push(Line::from(row));
            let use_id = if *one_time || !caps.one_time_choice {
                "desk.one_use"
            } else {
                "desk.many_uses"
            };
            text.push(Line::from(vec![
                Span::styled(format!("{}  ", view.t("desk.uses")), theme::strong()),
                Span::raw(view.t(use_id).to_string()),
            ]));
            text.push(Line::raw(""));
            text.extend(lines(&view.f("desk.issue_body", &[("pass", name)])));
        }
        DeskScreen::PassShown {
            pass,
            expires,
            one_time,
            ..
        } => {
            text.push(Line::styled(
                view.f("desk.pass_title", &[("pass", name)]),
                theme::title(),
            ));
            text.push(Line::raw(""));
            let chars: Vec<char> = pass.expose().chars().collect();
            let groups: Vec<&[char]> = chars.chunks(GROUP).collect();
            let spaced: Vec<String> = groups
                .iter()
                .map(|g| g.iter().map(char::to_string).collect::<Vec<_>>().join(" "))
                .collect();
            text.push(Line::styled(
                format!("   {}", spaced.join("   ")),
                theme::strong().add_modifier(ratatui::style::Modifier::REVERSED),
            ));
            text.push(Line::raw(""));
            for (i, group) in groups.iter().enumerate() {
                let words: Vec<String> = group.iter().map(|c| spell(view, *c)).collect();
                text.push(Line::from(vec![
                    Span::styled(format!("   {}. ", i + 1), theme::dim()),
                    Span::raw(words.join(" · ")),
                ]));
            }
            text.push(Line::styled(
                format!("   {}", view.t("desk.spelling_legend")),
                theme::dim(),
            ));
            text.push(Line::raw(""));
            let uses = if *one_time {
                view.t("desk.one_use")
            } else {
                view.t("desk.many_uses")
            };
            text.push(Line::raw(view.f(
                "desk.pass_facts",
                &[
                    ("expires", expires.as_deref().unwrap_or("–")),
                    ("uses", uses),
                ],
            )));
            text.push(Line::raw(""));
            text.extend(lines(view.t("desk.pass_once")));
        }
        _ => {}
    }
    text.push(Line::raw(""));
    text.extend(status(view));
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::default().padding(Padding::vertical(0))),
        area,
    );
}

fn lifetime_words(view: &DeskView, minutes: u32) -> String {
    if minutes >= 60 && minutes.is_multiple_of(60) {
        view.f("desk.hours", &[("n", &(minutes / 60).to_string())])
    } else {
        view.f("desk.minutes", &[("n", &minutes.to_string())])
    }
}

const NATO: [&str; 26] = [
    "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "x-ray", "yankee", "zulu",
];

/// One character as it is read aloud: NATO words, in capitals for a
/// capital letter; digits and symbols by name.
fn spell(view: &DeskView, c: char) -> String {
    if c.is_ascii_alphabetic() {
        let i = usize::from(c.to_ascii_lowercase() as u8 - b'a');
        let word = NATO.get(i).copied().unwrap_or("?");
        return if c.is_ascii_uppercase() {
            word.to_uppercase()
        } else {
            word.to_string()
        };
    }
    if c.is_ascii_digit() {
        return c.to_string();
    }
    let id = match c {
        '+' => "desk.sym_plus",
        '-' => "desk.sym_dash",
        '_' => "desk.sym_underscore",
        '!' => "desk.sym_exclamation",
        '#' => "desk.sym_hash",
        '@' => "desk.sym_at",
        '$' => "desk.sym_dollar",
        '%' => "desk.sym_percent",
        '&' => "desk.sym_ampersand",
        '*' => "desk.sym_star",
        '=' => "desk.sym_equals",
        '?' => "desk.sym_question",
        '/' => "desk.sym_slash",
        '.' => "desk.sym_dot",
        ',' => "desk.sym_comma",
        ':' => "desk.sym_colon",
        ';' => "desk.sym_semicolon",
        _ => return format!("“{c}”"),
    };
    format!("{} “{c}”", view.t(id))
}
