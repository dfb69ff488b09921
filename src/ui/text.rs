//! Guide texts laid out for a box of a given width: sentences broken for
//! 80 columns joined again, list items wrapped under their own text, and
//! the height a text takes. Shared by every screen of both modes.

use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// The lines of a guide text. A line that does not end a sentence runs on
/// into the next (unless that one starts a list item or is indented), so
/// texts written for 80 columns still wrap cleanly in a narrower box.
pub fn lines(text: &str) -> Vec<Line<'static>> {
    reflow(text).into_iter().map(Line::from).collect()
}

pub fn reflow(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    let mut in_item = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let bullet = trimmed.starts_with(['•', '-', '*'])
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok());
        let indented = line.starts_with(' ');
        // Prose continues with an unindented line; a list item with an indented one.
        let continues = open && !line.is_empty() && !bullet && indented == in_item;
        match out.last_mut() {
            Some(last) if continues => {
                last.push(' ');
                last.push_str(trimmed);
            }
            _ => {
                out.push(line.to_string());
                in_item = bullet || indented;
            }
        }
        let end = line.trim_end();
        open = !end.is_empty() && !end.ends_with(['.', ':', '?', '!', '…', '”', '"', ')']);
    }
    out
}

/// [`lines`] wrapped to `width` here rather than by the paragraph, so that a
/// bullet (`  • `), a numbered step (`  1. `) or an indented line that runs
/// over keeps its text under its text, not under the bullet.
pub fn hanging(text: &str, width: u16) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in reflow(text) {
        let (prefix, body) = split_lead(&line);
        if prefix.is_empty() {
            out.extend(
                wrap(body, usize::from(width.max(1)))
                    .into_iter()
                    .map(Line::from),
            );
        } else {
            out.extend(numbered(
                prefix,
                body,
                width,
                ratatui::style::Style::default(),
            ));
        }
    }
    out
}

/// The part of a line its wrapped rest hangs under: leading spaces and, if
/// any, a bullet or a step number with the space after it.
fn split_lead(line: &str) -> (&str, &str) {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[spaces..];
    let marker = ["• ", "- ", "* "]
        .iter()
        .find(|m| rest.starts_with(*m))
        .map(|m| m.len())
        .or_else(|| {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            (digits > 0 && rest[digits..].starts_with(". ")).then_some(digits + 2)
        })
        .unwrap_or(0);
    line.split_at(spaces + marker)
}

/// Word-wraps `text` to `width` columns; words longer than a line are cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let extra = if line.is_empty() { 0 } else { 1 };
        if !line.is_empty() && line.width() + extra + word.width() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.width() > width {
            let cut: String = line.chars().take(width).collect();
            line = line.chars().skip(cut.chars().count()).collect();
            out.push(cut);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// `1. text` with wrapped lines indented under the text, not the number.
pub fn numbered(
    prefix: &str,
    text: &str,
    width: u16,
    style: ratatui::style::Style,
) -> Vec<Line<'static>> {
    let indent = prefix.width();
    let body = usize::from(width).saturating_sub(indent).max(10);
    wrap(text, body)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let lead = if i == 0 {
                prefix.to_string()
            } else {
                " ".repeat(indent)
            };
            Line::from(vec![Span::styled(lead, style), Span::raw(part)])
        })
        .collect()
}

/// Rows `text` takes when wrapped at `width`.
pub fn height(text: &[Line<'static>], width: u16) -> u16 {
    let rows = Paragraph::new(text.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(width);
    u16::try_from(rows).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflow_joins_broken_sentences_but_keeps_items() {
        let text = "One sentence that\ngoes on.\n  • item one that\n    wraps\n  • item two\nNext.";
        assert_eq!(
            reflow(text),
            vec![
                "One sentence that goes on.",
                "  • item one that wraps",
                "  • item two",
                "Next."
            ]
        );
    }

    #[test]
    fn hanging_keeps_wrapped_items_under_their_text() {
        let text = "Intro that is long enough to wrap.\n  • item one that wraps round\n  12. step that wraps too";
        let rows: Vec<String> = hanging(text, 16)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                "Intro that is",
                "long enough to",
                "wrap.",
                "  • item one",
                "    that wraps",
                "    round",
                "  12. step that",
                "      wraps too",
            ]
        );
    }

    /// Every bulleted or numbered text of every language, at every width a
    /// kiosk body can have: each wrapped row starts under the text.
    #[test]
    fn hanging_indent_holds_in_every_language() {
        let guide = crate::guide::Guide::built_in();
        for lang in ["en", "sv", "fi"] {
            for id in guide.ids(lang) {
                let text = guide.text(lang, id);
                let items: Vec<String> = reflow(text)
                    .into_iter()
                    .filter(|l| !split_lead(l).0.trim().is_empty())
                    .collect();
                if items.is_empty() {
                    continue;
                }
                for width in 40..=116u16 {
                    for item in &items {
                        let lead = split_lead(item).0.width();
                        let rows: Vec<String> = hanging(item, width)
                            .iter()
                            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
                            .collect();
                        for row in rows.iter().skip(1) {
                            let indent = row.len() - row.trim_start().len();
                            assert_eq!(indent, lead, "{lang} {id} at {width}: {rows:?}");
                        }
                        for row in &rows {
                            assert!(row.width() <= usize::from(width), "{lang} {id}: {row}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn wrap_breaks_at_words() {
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }
}
