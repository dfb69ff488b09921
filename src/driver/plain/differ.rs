//! What to write so the reader hears only what changed: a new screen
//! whole, then on the same screen only the lines that were not there
//! before, a moved selection, and the characters typed at the prompt.

use super::page::{Echo, Page};
use std::collections::HashSet;

/// Raw mode: a line ends with a carriage return too.
pub const EOL: &str = "\r\n";
/// The focused line's mark, spoken as little as possible.
pub const FOCUS: &str = "> ";

#[derive(Debug, Default)]
pub struct Differ {
    last: Option<Page>,
    /// The last page's lines as compared: a line is new unless one like it
    /// (the same but for its numbers) was there already. So a countdown is
    /// said when it appears and at its marks (see [`mark`]), not every
    /// second; a notice that went away and comes back is said again.
    present: HashSet<String>,
    /// The cursor sits after the prompt, on its line.
    prompt_open: bool,
}

impl Differ {
    pub fn new() -> Differ {
        Differ::default()
    }

    /// Nothing is on the screen any more (it was wiped): the next page is
    /// written whole.
    pub fn reset(&mut self) {
        *self = Differ::default();
    }

    /// The text that brings the reader from the last page to `page`.
    pub fn update(&mut self, page: &Page) -> String {
        let mut out = String::new();
        let same_screen = self.last.as_ref().is_some_and(|l| l.key == page.key);
        if !same_screen {
            if self.last.is_some() {
                self.end_prompt_line(&mut out);
                out.push_str(EOL);
            }
            for line in tidy(&page.lines) {
                out.push_str(&line);
                out.push_str(EOL);
            }
            if !page.keys.is_empty() {
                out.push_str(&page.keys.replace('\n', EOL));
                out.push_str(EOL);
            }
            write_prompt(&mut out, page);
            self.prompt_open = true;
        } else if let Some(last) = self.last.take() {
            self.changes(&last, page, &mut out);
        }
        self.present = page.lines.iter().map(|l| normal(l)).collect();
        self.last = Some(page.clone());
        out
    }

    /// The same screen again: only what is new.
    fn changes(&mut self, last: &Page, page: &Page, out: &mut String) {
        // A countdown reaching a mark: its line, whose numbers changed, is
        // said again (with any other line whose numbers moved meanwhile).
        let remind = matches!(
            (last.countdown, page.countdown),
            (Some(a), Some(b)) if mark(a) != mark(b)
        );
        let before: HashSet<&str> = last.lines.iter().map(|l| l.trim_end()).collect();
        let mut said: Vec<String> = Vec::new();
        for line in tidy(&page.lines) {
            if line.is_empty() {
                continue;
            }
            let new = !self.present.contains(&normal(&line));
            if new || (remind && !before.contains(line.as_str())) {
                said.push(line);
            }
        }
        if page.focus != last.focus
            && let Some(focus) = &page.focus
            && !said.contains(focus)
        {
            said.push(focus.clone());
        }
        if page.keys != last.keys && !page.keys.is_empty() {
            said.push(page.keys.replace('\n', EOL));
        }
        if !said.is_empty() || page.prompt.label != last.prompt.label {
            self.end_prompt_line(out);
            for line in said {
                out.push_str(&line);
                out.push_str(EOL);
            }
            write_prompt(out, page);
            self.prompt_open = true;
            return;
        }
        // Only the typing changed: echo what was added, as a terminal does;
        // anything else (a deletion) writes the prompt again as it is now.
        match (&last.prompt.echo, &page.prompt.echo) {
            (Echo::Text(old), Echo::Text(new)) if new.starts_with(old.as_str()) => {
                out.push_str(&new[old.len()..]);
            }
            (Echo::Masked(old), Echo::Masked(new)) if new >= old => {
                out.push_str(&Echo::Masked(new - old).shown());
            }
            (old, new) if old == new => {}
            _ => {
                self.end_prompt_line(out);
                write_prompt(out, page);
                self.prompt_open = true;
            }
        }
    }

    fn end_prompt_line(&mut self, out: &mut String) {
        if self.prompt_open {
            out.push_str(EOL);
            self.prompt_open = false;
        }
    }
}

/// When a countdown is said again: as each whole minute is reached, then
/// at 30 s and at 10 s. Enough to know how long is left without the time
/// being read out every second over everything else.
pub fn mark(secs: u64) -> u64 {
    match secs {
        0..=10 => 10,
        11..=30 => 30,
        _ => secs.div_ceil(60) * 60,
    }
}

fn write_prompt(out: &mut String, page: &Page) {
    out.push_str(&page.prompt.label);
    if !page.prompt.label.is_empty() {
        out.push(' ');
    }
    out.push_str(&page.prompt.echo.shown());
}

/// Lines as compared: without the focus mark, numbers as `#`.
fn normal(line: &str) -> String {
    let unmarked = line.replace(FOCUS, "");
    let line = unmarked.trim();
    let mut out = String::with_capacity(line.len());
    let mut in_number = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// No blank line at either end, and never two in a row.
fn tidy(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() && out.last().is_none_or(|l: &String| l.is_empty()) {
            continue;
        }
        out.push(line.to_string());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::page::Prompt;
    use super::*;

    fn page(key: &str, lines: &[&str], echo: Echo) -> Page {
        Page {
            key: key.into(),
            lines: lines.iter().map(|l| (*l).to_string()).collect(),
            focus: None,
            keys: "Keys: Enter next".into(),
            prompt: Prompt {
                label: "Username:".into(),
                echo,
            },
            countdown: None,
        }
    }

    #[test]
    fn a_new_screen_is_written_whole_once_then_nothing_when_nothing_changed() {
        let mut d = Differ::new();
        let p = page("a", &["", "Title", "", "", "Text", ""], Echo::None);
        assert_eq!(
            d.update(&p),
            "Title\r\n\r\nText\r\nKeys: Enter next\r\nUsername: "
        );
        assert_eq!(d.update(&p), "");
    }

    #[test]
    fn only_new_lines_are_written_and_the_prompt_follows_them() {
        let mut d = Differ::new();
        d.update(&page("a", &["Title", "Text"], Echo::None));
        let u = d.update(&page("a", &["Title", "Wrong pass.", "Text"], Echo::None));
        assert_eq!(u, "\r\nWrong pass.\r\nUsername: ");
    }

    #[test]
    fn a_notice_that_comes_back_is_said_again() {
        let mut d = Differ::new();
        d.update(&page("a", &["T", "Wrong code."], Echo::None));
        d.update(&page("a", &["T", "Checking…"], Echo::None));
        let u = d.update(&page("a", &["T", "Wrong code."], Echo::None));
        assert!(u.contains("Wrong code."), "{:?}", u);
    }

    #[test]
    fn a_countdown_is_said_when_it_appears_not_every_second() {
        let mut d = Differ::new();
        d.update(&page("a", &["T"], Echo::None));
        let u = d.update(&page("a", &["T", "Signing out in 30 s"], Echo::None));
        assert!(u.contains("Signing out in 30 s"));
        for s in (1..30).rev() {
            let line = format!("Signing out in {s} s");
            assert_eq!(d.update(&page("a", &["T", &line], Echo::None)), "");
        }
    }

    #[test]
    fn a_countdown_is_said_again_at_each_minute_then_at_30_and_10_s() {
        let mut d = Differ::new();
        let at = |secs: u64| {
            let mut p = page(
                "a",
                &["T", &format!("We stop in {}:{:02}.", secs / 60, secs % 60)],
                Echo::None,
            );
            p.countdown = Some(secs);
            p
        };
        let mut said = Vec::new();
        for secs in (1..=150).rev() {
            let u = d.update(&at(secs));
            if u.contains("We stop") {
                said.push(secs);
            }
        }
        assert_eq!(said, [150, 120, 60, 30, 10]);
    }

    #[test]
    fn typing_is_echoed_character_by_character() {
        let mut d = Differ::new();
        d.update(&page("a", &["T"], Echo::Text(String::new())));
        assert_eq!(d.update(&page("a", &["T"], Echo::Text("a".into()))), "a");
        assert_eq!(d.update(&page("a", &["T"], Echo::Text("ab".into()))), "b");
        // A deletion writes the field again, as it is now.
        assert_eq!(
            d.update(&page("a", &["T"], Echo::Text("a".into()))),
            "\r\nUsername: a"
        );
    }

    #[test]
    fn a_secret_is_echoed_as_marks_only() {
        let mut d = Differ::new();
        d.update(&page("a", &["T"], Echo::Masked(0)));
        assert_eq!(d.update(&page("a", &["T"], Echo::Masked(3))), "***");
        let u = d.update(&page("a", &["T"], Echo::Masked(2)));
        assert_eq!(u, "\r\nUsername: **");
    }

    #[test]
    fn a_moved_selection_is_said_even_back_to_a_line_said_before() {
        let mut d = Differ::new();
        let mut p = page("a", &["T", "> one", "two"], Echo::None);
        p.focus = Some("> one".into());
        d.update(&p);
        let mut q = page("a", &["T", "one", "> two"], Echo::None);
        q.focus = Some("> two".into());
        assert_eq!(d.update(&q), "\r\n> two\r\nUsername: ");
        assert_eq!(d.update(&p), "\r\n> one\r\nUsername: ");
    }

    #[test]
    fn the_next_screen_starts_on_a_new_line_after_a_gap() {
        let mut d = Differ::new();
        d.update(&page("a", &["A"], Echo::Text("x".into())));
        let u = d.update(&page("b", &["B"], Echo::None));
        assert_eq!(u, "\r\n\r\nB\r\nKeys: Enter next\r\nUsername: ");
    }

    #[test]
    fn after_a_reset_the_same_page_is_written_whole_again() {
        let mut d = Differ::new();
        let p = page("a", &["A"], Echo::None);
        d.update(&p);
        d.reset();
        assert!(d.update(&p).starts_with("A\r\n"));
    }
}
