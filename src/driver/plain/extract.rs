//! A view drawn for the full screen, read back as plain lines: the views
//! stay the one place a screen's words are arranged, and the plain surface
//! takes their text without the decoration a screen reader would spell out
//! (borders, block graphics, spinners, field boxes).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::{Frame, layout::Rect};

use super::differ::FOCUS;

/// Lines read off a drawing, and the one the selection mark `▶` is on
/// (the mark written as `> `).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub lines: Vec<String>,
    pub focus: Option<String>,
}

/// Draws with `draw` on an off-screen canvas of `width` × `height` and
/// reads the text back. Never touches the real terminal.
pub fn render(width: u16, height: u16, draw: impl FnOnce(&mut Frame)) -> Extracted {
    // The off-screen backend cannot fail.
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    let mut draw = Some(draw);
    let Ok(_) = terminal.draw(|frame| {
        if let Some(draw) = draw.take() {
            draw(frame);
        }
    });
    read(terminal.backend().buffer())
}

/// The text of a buffer, row by row.
pub fn read(buffer: &Buffer) -> Extracted {
    let area: Rect = buffer.area;
    let mut out = Extracted::default();
    for y in area.top()..area.bottom() {
        let mut row = String::new();
        for x in area.left()..area.right() {
            if let Some(cell) = buffer.cell((x, y)) {
                row.push_str(cell.symbol());
            }
        }
        let line = match row.split_once('▶') {
            Some((before, after)) => {
                // The mark stays where it was: `iPhone, > Android`.
                let (before, after) = (clean(before), clean(after));
                let line = match before.chars().last() {
                    None => format!("{FOCUS}{after}"),
                    Some(c) if c.is_alphanumeric() => format!("{before}, {FOCUS}{after}"),
                    Some(_) => format!("{before} {FOCUS}{after}"),
                };
                if out.focus.is_none() && !after.is_empty() {
                    out.focus = Some(line.clone());
                }
                line
            }
            None => clean(&row),
        };
        out.lines.push(line);
    }
    out
}

/// Decoration a screen reader would read out as symbols.
fn decoration(c: char) -> bool {
    matches!(c,
        '\u{2500}'..='\u{257F}'   // box drawing
        | '\u{2580}'..='\u{259F}' // block elements (QR, cursor bar)
        | '\u{2800}'..='\u{28FF}' // braille (the spinner)
        | '·' | '▶' | '▸'
    )
}

/// Decoration out, ends trimmed, and the gaps between columns made into a
/// comma (after a word) or one space (after a colon or other mark), so a
/// table row reads as a list.
pub fn clean(row: &str) -> String {
    let kept: String = row
        .chars()
        .map(|c| if decoration(c) { ' ' } else { c })
        .collect();
    let kept = arrows_said(&kept);
    let mut out = String::with_capacity(kept.len());
    let mut spaces = 0;
    for c in kept.trim().chars() {
        if c == ' ' {
            spaces += 1;
            continue;
        }
        if spaces > 0 {
            let after_word = out
                .chars()
                .last()
                .is_some_and(|p| p.is_alphanumeric() || p == ')');
            out.push_str(if spaces >= 2 && after_word { ", " } else { " " });
            spaces = 0;
        }
        out.push(c);
    }
    out
}

fn is_arrow(c: char) -> bool {
    matches!(c, '↑' | '↓' | '←' | '→')
}

/// Arrow keys by name, as the keys line says them ("↑ / k", "← →"). A lone
/// `→` between words is a path in a menu ("Security info → Add method"),
/// read as a pause, not as a key.
fn arrows_said(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let beside = |i: usize| {
        let before = chars[..i].iter().rev().find(|c| **c != ' ');
        let after = chars[i + 1..].iter().find(|c| **c != ' ');
        [before, after]
            .into_iter()
            .flatten()
            .any(|c| is_arrow(*c) || *c == '/')
    };
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        match c {
            '↑' => out.push_str("Up"),
            '↓' => out.push_str("Down"),
            '←' => out.push_str("Left"),
            '→' if beside(i) => out.push_str("Right"),
            '→' => {
                // "method → Phone" reads "method, Phone".
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push(',');
            }
            other => out.push(*other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::{Block, Paragraph};

    #[test]
    fn borders_blocks_and_spinners_are_left_out() {
        assert_eq!(clean("│ ⠋ Checking your pass…   │"), "Checking your pass…");
        assert_eq!(clean("  ▀▀▄▄  █ "), "");
    }

    #[test]
    fn a_mark_in_the_middle_of_a_line_stays_where_it_was() {
        let got = render(30, 1, |f| {
            f.render_widget(Paragraph::new("iPhone   ▶ Android"), f.area())
        });
        assert_eq!(got.lines, ["iPhone, > Android"]);
        assert_eq!(got.focus.as_deref(), Some("iPhone, > Android"));
    }

    #[test]
    fn arrows_are_said_as_key_names() {
        assert_eq!(
            clean("Choose with ← → and press Enter."),
            "Choose with Left Right and press Enter."
        );
        assert_eq!(clean("↑ / k   Up"), "Up / k, Up");
    }

    #[test]
    fn an_arrow_between_menu_items_is_a_pause_not_a_key() {
        assert_eq!(
            clean("“Add sign-in method” → Phone, or ask"),
            "“Add sign-in method”, Phone, or ask"
        );
    }

    #[test]
    fn table_columns_read_as_a_list_and_labels_keep_one_space() {
        assert_eq!(
            clean("Authenticator app      Pixel 7        default"),
            "Authenticator app, Pixel 7, default"
        );
        assert_eq!(clean("  Key:            JBSW Y3DP"), "Key: JBSW Y3DP");
    }

    #[test]
    fn a_bordered_paragraph_reads_as_its_text_and_the_mark_gives_the_focus() {
        let got = render(30, 5, |f| {
            f.render_widget(
                Paragraph::new("▶ first\n  second").block(Block::bordered()),
                f.area(),
            )
        });
        assert_eq!(got.focus.as_deref(), Some("> first"));
        assert_eq!(got.lines[1], "> first");
        assert_eq!(got.lines[2], "second");
        assert!(got.lines.iter().all(|l| !l.contains('│')));
    }
}
